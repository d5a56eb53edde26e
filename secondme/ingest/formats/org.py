"""Org mode: ``*`` headings, ``#+KEYWORD:`` settings (``#+TITLE`` becomes the title)."""

from __future__ import annotations

import re

from secondme.ingest.formats.common import ExtractedDoc, Heading

_HEADING = re.compile(r"^(\*+)[ \t]+(.*?)[ \t]*$")
_KEYWORD = re.compile(r"^#\+([A-Za-z_][\w-]*):[ \t]*(.*?)[ \t]*$")
_TAGS = re.compile(r"[ \t]+:[\w@#%:]+:$")
_TODO = re.compile(r"^(?:TODO|DONE|NEXT|WAITING|CANCELLED|CANCELED)[ \t]+")
_PRIORITY = re.compile(r"^\[#[A-Za-z0-9]\][ \t]+")
_BLOCK_BEGIN = re.compile(r"^[ \t]*#\+begin_(\w+)", re.IGNORECASE)
_BLOCK_END = re.compile(r"^[ \t]*#\+end_(\w+)", re.IGNORECASE)


def parse_org(text: str, stem: str) -> ExtractedDoc:
    """Parse decoded Org text; the file keywords are kept as ``front_matter``."""
    headings: list[Heading] = []
    keywords: dict[str, str] = {}
    block: str | None = None
    for index, line in enumerate(text.split("\n"), start=1):
        if block is not None:
            end = _BLOCK_END.match(line)
            if end and end.group(1).lower() == block:
                block = None
            continue
        begin = _BLOCK_BEGIN.match(line)
        if begin:
            block = begin.group(1).lower()
            continue
        if line.startswith("*"):
            match = _HEADING.match(line)
            if match:
                title = _clean_title(match.group(2))
                if title:
                    headings.append(Heading(index, len(match.group(1)), title))
            continue
        if line.startswith("#+"):
            keyword = _KEYWORD.match(line)
            # Only the file-level keywords before the first heading describe the document.
            if keyword and not headings and keyword.group(2):
                keywords.setdefault(keyword.group(1).lower(), keyword.group(2))
    return ExtractedDoc(
        title=keywords.get("title") or stem,
        text=text,
        format="org",
        front_matter=keywords,
        headings=tuple(headings),
    )


def _clean_title(raw: str) -> str:
    """Drop TODO keywords, priority cookies and trailing tags, which are not part of the title."""
    title = _TAGS.sub("", raw)
    title = _TODO.sub("", title)
    title = _PRIORITY.sub("", title)
    return title.strip()
