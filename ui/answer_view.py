"""Rendering a streamed answer and its citations (shared by quick recall and the Chat page)."""

from __future__ import annotations

import html
import re

from secondme.results import Answer, SearchHit
from ui.highlight import format_date, source_label

_MARKER = re.compile(r"\[(\d{1,3})\]")


def citation_href(n: int, turn: int = 0) -> str:
    """The link target for citation ``n`` of answer ``turn`` (``cite:turn/n``), read back when it is clicked."""
    return f"cite:{turn}/{n}"


def parse_citation(href: str) -> tuple[int, int] | None:
    """(turn, 1-based citation number) from a ``cite:T/N`` link, or None for any other link."""
    if not href.startswith("cite:"):
        return None
    turn, _, n = href[5:].partition("/")
    try:
        return int(turn), int(n)
    except ValueError:
        return None


def answer_html(answer: Answer, turn: int = 0, chip: str | None = None) -> str:
    """The answer's text with its [n] markers as links, then the numbered sources (as chips on
    the background colour ``chip`` when given)."""
    count = len(answer.citations)

    def link(m: re.Match[str]) -> str:
        n = int(m.group(1))
        return f"<a href='{citation_href(n, turn)}'>[{n}]</a>" if 1 <= n <= count else m.group(0)

    body = _MARKER.sub(link, html.escape(answer.text, quote=False))
    if answer.highlights:
        words = "|".join(re.escape(html.escape(w, quote=False)) for w in answer.highlights)
        body = re.sub(rf"(?<![\w&])({words})(?!\w)", r"<b>\1</b>", body, flags=re.IGNORECASE)
    body = body.replace("\n", "<br>")
    parts = [f"<div>{body}</div>"]
    if answer.support:
        # The sentences a short quoted answer was taken from, its question words in bold.
        quoted = _MARKER.sub(link, html.escape("\n".join(answer.support), quote=False))
        if answer.highlights:
            words = "|".join(re.escape(html.escape(w, quote=False)) for w in answer.highlights)
            quoted = re.sub(rf"(?<![\w&])({words})(?!\w)", r"<b>\1</b>", quoted, flags=re.IGNORECASE)
        parts.append(f"<div style='margin-left:8px'><small>{quoted.replace(chr(10), '<br>')}</small></div>")
    if answer.mode == "extractive" and not answer.abstained:
        parts.append("<div><small><i>Quoted from your sources: the current model is too small to "
                     "write answers (Settings → Model).</i></small></div>")
    elif answer.mode == "inferred" and not answer.abstained:
        parts.append("<div><small><i>A judgment: your sources point to it but do not say it "
                     "outright.</i></small></div>")
    if answer.cancelled:
        parts.append("<div><i>Stopped.</i></div>")
    if answer.citations and chip:
        chips = " ".join(
            f"<a href='{citation_href(i, turn)}' style='text-decoration:none'>"
            f"<span style='background-color:{chip}'>&nbsp;[{i}] {html.escape(hit.title or hit.kind)}&nbsp;</span></a>"
            f" <small>{html.escape(source_label(hit))}</small>&nbsp;&nbsp;"
            for i, hit in enumerate(answer.citations, start=1))
        parts.append(f"<p style='margin-top:8px'>{chips}</p>")
    elif answer.citations:
        rows = "".join(
            f"<div><a href='{citation_href(i, turn)}'>[{i}]</a> {html.escape(hit.title or hit.kind)}"
            f" <small>— {html.escape(source_label(hit))}</small></div>"
            for i, hit in enumerate(answer.citations, start=1))
        parts.append(f"<div style='margin-top:6px'><b>Sources</b>{rows}</div>")
    elif answer.abstained:
        parts.append("<div><small>Nothing in your notes or memories supports an answer.</small></div>")
    return "".join(parts)


def answer_text(answer: Answer) -> str:
    """The answer as plain text with its sources listed, for the clipboard."""
    lines = [answer.text.strip(), *(f"  “{s}”" for s in answer.support)]
    for i, hit in enumerate(answer.citations, start=1):
        where = hit.path or hit.kind
        if hit.line_start is not None:
            where += f":{hit.line_start}"
        date = format_date(hit.date)
        lines.append(f"[{i}] {hit.title} — {where}" + (f" ({date})" if date else ""))
    return "\n".join(lines)


def citation(answer: Answer, n: int) -> SearchHit | None:
    """The n-th (1-based) cited hit, or None when the answer has no such citation."""
    return answer.citations[n - 1] if 1 <= n <= len(answer.citations) else None
