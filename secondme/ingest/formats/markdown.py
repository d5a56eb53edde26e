"""Markdown: YAML-ish front matter, ATX and setext headings (not inside fenced code)."""

from __future__ import annotations

import re

from secondme.ingest.formats.common import ExtractedDoc, Heading

_ATX = re.compile(r"^ {0,3}(#{1,6})(?:[ \t]+(.*?))?(?:[ \t]+#+)?[ \t]*$")
_SETEXT_1 = re.compile(r"^ {0,3}=+[ \t]*$")
_SETEXT_2 = re.compile(r"^ {0,3}-+[ \t]*$")
_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")
# Lines that start a block of their own and so cannot be the text of a setext heading.
_NOT_SETEXT_TEXT = re.compile(r"^ {0,3}(?:[-*+>|]|\d+[.)]\s|#|`{3}|~{3})")
# Front matter is only looked for near the top; a lone "---" further down is a rule.
_MAX_FRONT_MATTER_LINES = 200
_KEY_VALUE = re.compile(r"^([A-Za-z0-9_][\w .-]*?)\s*:(?:\s+(.*)|)$")
_LIST_ITEM = re.compile(r"^\s+-\s+(.*)$")


def parse_markdown(text: str, stem: str) -> ExtractedDoc:
    """Parse decoded Markdown; the front matter is moved out of ``text`` into a dict."""
    front_matter, body_start = _split_front_matter(text)
    body = text if body_start == 0 else "\n".join(text.split("\n")[body_start:])
    headings = tuple(_find_headings(body.split("\n")))
    title = front_matter.get("title", "")
    if not title:
        title = next((h.title for h in headings if h.level == 1), "")
    return ExtractedDoc(
        title=title or stem,
        text=body,
        format="markdown",
        front_matter=front_matter,
        headings=headings,
        line_offset=body_start,
    )


def _split_front_matter(text: str) -> tuple[dict[str, str], int]:
    """Return the front matter dict and the index of the first body line (0 if none)."""
    if not text.startswith("---"):
        return {}, 0
    lines = text.split("\n", _MAX_FRONT_MATTER_LINES + 1)
    if lines[0].rstrip() != "---":
        return {}, 0
    for end in range(1, min(len(lines), _MAX_FRONT_MATTER_LINES + 1)):
        if lines[end].rstrip() in ("---", "..."):
            return parse_front_matter(lines[1:end]), end + 1
    return {}, 0


def parse_front_matter(lines: list[str]) -> dict[str, str]:
    """Parse simple ``key: value`` lines; block lists (``- item``) become ``"a, b"``.

    Only the flat subset notes use (title, date, tags, aliases) is understood; nested mappings are
    kept as their raw text under the parent key rather than guessed at.
    """
    result: dict[str, str] = {}
    current: str | None = None
    items: list[str] = []

    def flush() -> None:
        if current is not None and items:
            result[current] = ", ".join(items)

    for raw in lines:
        if not raw.strip() or raw.lstrip().startswith("#"):
            continue
        item = _LIST_ITEM.match(raw)
        if item and current is not None:
            items.append(_unquote(item.group(1).strip()))
            continue
        if raw[:1].isspace() and current is not None:
            items.append(raw.strip())
            continue
        match = _KEY_VALUE.match(raw)
        if not match:
            continue
        flush()
        current, items = match.group(1).strip().lower(), []
        value = (match.group(2) or "").strip()
        if value:
            result[current] = _flow_value(value)
    flush()
    return result


def _flow_value(value: str) -> str:
    if value.startswith("[") and value.endswith("]"):
        parts = [_unquote(p.strip()) for p in value[1:-1].split(",")]
        return ", ".join(p for p in parts if p)
    return _unquote(value)


def _unquote(value: str) -> str:
    if len(value) >= 2 and value[0] == value[-1] and value[0] in "\"'":
        return value[1:-1]
    return value


def _find_headings(lines: list[str]) -> list[Heading]:
    headings: list[Heading] = []
    fence: str | None = None
    previous_blank = True
    index = 0
    while index < len(lines):
        line = lines[index]
        index += 1
        fence_match = _FENCE.match(line)
        if fence is not None:
            # A fence closes with the same character, at least as long as the opener.
            closer = fence_match.group(1) if fence_match else ""
            if closer[:1] == fence[0] and len(closer) >= len(fence):
                fence = None
            previous_blank = False
            continue
        if fence_match:
            fence = fence_match.group(1)
            previous_blank = False
            continue
        atx = _ATX.match(line)
        if atx:
            title = (atx.group(2) or "").strip()
            if title:
                headings.append(Heading(index, len(atx.group(1)), title))
            previous_blank = True
            continue
        # Setext: a one-line paragraph followed by === or ---.
        if (
            index < len(lines)
            and previous_blank
            and line
            and not line.isspace()
            and not line.startswith("    ")
            and not _NOT_SETEXT_TEXT.match(line)
        ):
            underline = lines[index]
            level = 1 if _SETEXT_1.match(underline) else 2 if _SETEXT_2.match(underline) else 0
            if level:
                headings.append(Heading(index, level, line.strip(), span=2))
                index += 1
                previous_blank = True
                continue
        # isspace() rather than strip(): a 50 MB line must not be copied just to test it.
        previous_blank = not line or line.isspace()
    return headings
