"""Turning core results into safe rich text: snippets are note text, so always escaped."""

from __future__ import annotations

import html
import time
from pathlib import Path

from secondme.results import HL_END, HL_START, SearchHit


def snippet_html(snippet: str) -> str:
    """Escape a snippet and turn the core's highlight markers into bold."""
    out = html.escape(snippet, quote=False)
    out = out.replace(html.escape(HL_START), "<b>").replace(html.escape(HL_END), "</b>")
    # Markers are control characters that escape() leaves alone; replace them directly too.
    out = out.replace(HL_START, "<b>").replace(HL_END, "</b>")
    # An unmatched start marker (snippet cut mid-match) must not bold the rest of the page.
    if out.count("<b>") > out.count("</b>"):
        out += "</b>"
    return out.replace("\n", " ")


def plain_snippet(snippet: str) -> str:
    """The snippet without its highlight markers (for plain text and accessibility)."""
    return snippet.replace(HL_START, "").replace(HL_END, "")


def format_date(epoch: float | None) -> str:
    """``epoch`` as a local ``YYYY-MM-DD``; "" for none."""
    if epoch is None:
        return ""
    return time.strftime("%Y-%m-%d", time.localtime(epoch))


def source_label(hit: SearchHit) -> str:
    """"notes/trip.md:12 · 2024-05-01" — where a result came from, short enough for a row."""
    if hit.path:
        where = Path(hit.path).name
        if hit.line_start is not None:
            where += f":{hit.line_start}"
    else:
        where = hit.kind
    date = format_date(hit.date)
    return f"{where} · {date}" if date else where


# Memories from a chat carry their speaker's role as title: said in words a person uses.
SPEAKERS = {"user": "You said", "assistant": "Second Me said"}


def hit_title(hit: SearchHit) -> str:
    """The hit's title for people: the file name for a note, "You said" / "Second Me said" for a chat memory."""
    title = hit.title or (Path(hit.path).name if hit.path else hit.kind)
    return SPEAKERS.get(title, title) if not hit.path else title


def hit_html(hit: SearchHit) -> str:
    """A result as three lines: title, highlighted snippet, source and date."""
    title = html.escape(hit_title(hit))
    heading = f" <span class='muted'>› {html.escape(hit.heading)}</span>" if hit.heading else ""
    return (f"<div><b>{title}</b>{heading}</div>"
            f"<div>{snippet_html(hit.snippet)}</div>"
            f"<div class='muted'><small>{html.escape(source_label(hit))}</small></div>")


def hit_text(hit: SearchHit) -> str:
    """A result as plain text for the clipboard."""
    lines = [hit.title, plain_snippet(hit.snippet)]
    if hit.path:
        lines.append(hit.path + (f":{hit.line_start}" if hit.line_start is not None else ""))
    return "\n".join(x for x in lines if x)
