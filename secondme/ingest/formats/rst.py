"""reStructuredText: section titles marked by an underline (and optional overline)."""

from __future__ import annotations

from secondme.ingest.formats.common import ExtractedDoc, Heading

# The punctuation characters docutils accepts as section adornments.
_ADORNMENT = set("!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~")


def parse_rst(text: str, stem: str) -> ExtractedDoc:
    """Parse decoded reStructuredText.

    Levels follow docutils: each new adornment style (character, with or without overline) met
    in the document gets the next level. The first heading is the title.
    """
    lines = text.split("\n")
    styles: list[tuple[str, bool]] = []
    headings: list[Heading] = []
    index = 0
    while index < len(lines):
        found = _heading_at(lines, index)
        if found is None:
            index += 1
            continue
        style, title, span = found
        if style not in styles:
            styles.append(style)
        headings.append(Heading(index + 1, styles.index(style) + 1, title, span=span))
        index += span
    return ExtractedDoc(
        title=headings[0].title if headings else stem,
        text=text,
        format="rst",
        headings=tuple(headings),
    )


def _adornment(line: str) -> str | None:
    """The adornment character if ``line`` is a run of one punctuation character (>= 3)."""
    if len(line) < 3 or line[0] not in _ADORNMENT:
        return None
    stripped = line.rstrip()
    if len(stripped) < 3:
        return None
    if stripped.count(stripped[0]) != len(stripped):
        return None
    return stripped[0]


def _heading_at(lines: list[str], index: int) -> tuple[tuple[str, bool], str, int] | None:
    """Recognise a heading starting at ``lines[index]``: (style, title, lines used) or None."""
    line = lines[index]
    # Headings follow a blank line (or the start); this keeps tables and transitions out.
    if index > 0 and not _blank(lines[index - 1]):
        return None
    over = _adornment(line)
    if over is not None and index + 2 < len(lines):
        title = lines[index + 1].strip()
        if title and _adornment(lines[index + 2]) == over and _adornment(title) is None:
            return (over, True), title, 3
    if over is None and index + 1 < len(lines) and not _blank(line) and not line[:1].isspace():
        under = _adornment(lines[index + 1])
        # Lenient on underline length: short underlines are a common slip and docutils only warns.
        if under is not None:
            return (under, False), line.strip(), 2
    return None


def _blank(line: str) -> bool:
    # isspace() instead of strip(): avoids copying very long lines.
    return not line or line.isspace()
