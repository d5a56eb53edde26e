"""HTML: visible text by block, headings h1-h6 and <title>, with the standard html.parser."""

from __future__ import annotations

import re
from html.parser import HTMLParser

from secondme.ingest.formats.common import ExtractedDoc, Heading

# Content of these elements is never shown to a reader, so it is not part of the note. (Not
# <head>: its end tag is often omitted, which would hide the whole body.)
_HIDDEN = frozenset({"script", "style", "noscript", "template", "svg", "math", "iframe"})
# Elements that end a line of text (the rest are inline and flow into the current line).
_BLOCK = frozenset(
    {
        "address", "article", "aside", "blockquote", "br", "caption", "dd", "details", "div",
        "dl", "dt", "fieldset", "figcaption", "figure", "footer", "form", "h1", "h2", "h3", "h4",
        "h5", "h6", "header", "hr", "li", "main", "nav", "ol", "p", "pre", "section", "summary",
        "table", "td", "th", "tr", "ul", "body", "html",
    }
)  # fmt: skip
_HEADING_LEVEL = {f"h{n}": n for n in range(1, 7)}
_SPACES = re.compile(r"\s+")


class _TextCollector(HTMLParser):
    """Collects visible text as lines, each with the source line it started on."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.lines: list[tuple[int, str]] = []
        self.headings: list[tuple[int, int, str]] = []  # (index into lines, level, title)
        self.title_parts: list[str] = []
        self._current: list[str] = []
        self._current_line = 0
        self._hidden_depth = 0
        self._pre_depth = 0
        self._in_title = False
        self._heading_level = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "title":
            self._in_title = True
            return
        if tag in _HIDDEN:
            self._hidden_depth += 1
            return
        if tag in _BLOCK:
            self._end_line()
        if tag == "pre":
            self._pre_depth += 1
        if tag in _HEADING_LEVEL:
            self._heading_level = _HEADING_LEVEL[tag]

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        # <br/> and friends: no matching end tag will come, so do not count depth.
        if tag in _BLOCK:
            self._end_line()

    def handle_endtag(self, tag: str) -> None:
        if tag == "title":
            self._in_title = False
            return
        if tag in _HIDDEN:
            self._hidden_depth = max(0, self._hidden_depth - 1)
            return
        if tag in _HEADING_LEVEL and self._heading_level:
            text = self._line_text()
            if text:
                self.headings.append((len(self.lines), self._heading_level, text))
            self._end_line()
            self._heading_level = 0
            return
        if tag in _BLOCK:
            self._end_line()  # before leaving <pre>, so its last line keeps its indentation
        if tag == "pre":
            self._pre_depth = max(0, self._pre_depth - 1)

    def handle_data(self, data: str) -> None:
        if self._in_title:
            self.title_parts.append(data)
            return
        if self._hidden_depth:
            return
        if self._pre_depth:
            # Preformatted text keeps its own line breaks.
            first, *rest = data.split("\n")
            self._append(first)
            for piece in rest:
                self._end_line(keep_blank=True)
                self._append(piece)
            return
        self._append(data)

    def close(self) -> None:
        super().close()
        self._end_line()

    def _append(self, data: str) -> None:
        if not data:
            return
        if not self._current:
            self._current_line = self.getpos()[0]
        self._current.append(data)

    def _line_text(self) -> str:
        raw = "".join(self._current)
        return raw.rstrip() if self._pre_depth else _SPACES.sub(" ", raw).strip()

    def _end_line(self, keep_blank: bool = False) -> None:
        text = self._line_text()
        if text or (keep_blank and self._current):
            self.lines.append((self._current_line or self.getpos()[0], text))
        self._current = []
        self._current_line = 0


def parse_html(text: str, stem: str) -> ExtractedDoc:
    """Parse decoded HTML into text lines; each heading sits on a line of its own."""
    collector = _TextCollector()
    collector.feed(text)
    collector.close()
    heading_at = {index: (level, title) for index, level, title in collector.headings}
    out_lines: list[str] = []
    line_map: list[int] = []
    headings: list[Heading] = []
    for index, (source_line, line) in enumerate(collector.lines):
        if index in heading_at:
            level, title = heading_at[index]
            # A blank line before a heading keeps paragraphs apart for the chunker.
            if out_lines and out_lines[-1]:
                out_lines.append("")
                line_map.append(source_line)
            headings.append(Heading(len(out_lines) + 1, level, title))
        elif out_lines and index - 1 in heading_at:
            out_lines.append("")
            line_map.append(source_line)
        out_lines.append(line)
        line_map.append(source_line)
    title = _SPACES.sub(" ", "".join(collector.title_parts)).strip()
    if not title:
        title = next((h.title for h in headings if h.level == 1), stem)
    return ExtractedDoc(
        title=title,
        text="\n".join(out_lines),
        format="html",
        headings=tuple(headings),
        line_map=tuple(line_map),
    )
