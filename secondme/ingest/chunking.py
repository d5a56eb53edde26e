"""Split an :class:`ExtractedDoc` into retrieval chunks.

Sections come from the document's headings; a chunk stays inside one section unless the
sections are tiny, in which case consecutive tiny sections under the same parent are merged.
Inside a section, paragraphs are packed up to ``target_words`` (never past ``max_words``), with
``overlap_words`` of the previous chunk repeated at the start of the next. Paragraphs that are
too long are split by lines, and lines that are too long by words; a "word" is a run of up to
50 non-space characters, so even a 50 MB line without spaces is cut into bounded pieces. The
whole process is deterministic.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator
from dataclasses import dataclass

from secondme.ingest.formats.common import ExtractedDoc

MAX_WORD_CHARS = 50
_TOKEN_RE = rf"\S{{1,{MAX_WORD_CHARS}}}"
_TOKEN = re.compile(_TOKEN_RE)
# Above this many characters a line is counted and split by streaming over it, never by
# building a list of all its words (a 50 MB line would need gigabytes as a list).
_LONG_LINE_CHARS = 20_000
_PARAGRAPH = "\n\n"
# Every chunk repeats its heading path (in ``context``, and so in what is embedded and stored),
# so the path is bounded: a hostile note with a 1 MB heading or thousands of nested levels
# would otherwise make the chunks' total size quadratic (a 2 MB file gave 1.7 GB of chunks).
# The embedder reads 256 tokens anyway. Deep paths keep their first and last levels.
MAX_HEADING_CHARS = 200
_PATH_HEAD, _PATH_TAIL = 3, 8


@dataclass(frozen=True)
class Chunk:
    """One piece of a document as stored and indexed.

    ``text`` is the body as it appears in the note (for snippets); ``context`` is the
    "Title > Section > Subsection" line and ``embed_text`` the two together, which is what
    the embedder and keyword index should see. ``line_start``/``line_end`` are 1-based,
    inclusive source locations (lines, or pages for PDF, paragraphs for DOCX).
    """

    ordinal: int
    text: str
    heading_path: tuple[str, ...]
    line_start: int
    line_end: int
    char_count: int
    word_count: int
    context: str = ""

    @property
    def embed_text(self) -> str:
        """Context line plus body: what retrieval should index."""
        return f"{self.context}\n{self.text}" if self.context else self.text


@dataclass(frozen=True)
class _Unit:
    """A piece of body text that is never split further when packing (<= max_words)."""

    text: str
    first: int  # 1-based text lines
    last: int
    words: int
    sep: str  # what goes between the previous unit and this one when both are in a chunk


@dataclass
class _Section:
    path: tuple[str, ...]
    heading_line: int  # 0 for text before the first heading
    units: list[_Unit]

    @property
    def words(self) -> int:
        return sum(unit.words for unit in self.units)


def chunk_document(
    doc: ExtractedDoc, target_words: int = 220, max_words: int = 320, overlap_words: int = 40
) -> list[Chunk]:
    """Split ``doc`` into chunks; an empty document gives an empty list."""
    if not 0 < target_words <= max_words or not 0 <= overlap_words < target_words:
        raise ValueError("need 0 < target_words <= max_words and 0 <= overlap < target_words")
    lines = doc.text.split("\n")
    sections = [s for s in _sections(doc, lines, target_words, max_words) if s.units or s.path]
    total = sum(section.words for section in sections)
    if total == 0 and not any(section.heading_line for section in sections):
        return []
    if total <= target_words:
        # A short note is one chunk, whatever its structure: splitting it would only lose context.
        groups = [sections]
    else:
        groups = _group_sections(sections, target_words, min_words=max(1, target_words // 3))

    chunks: list[Chunk] = []
    for group in groups:
        path = _common_prefix([section.path for section in group])
        units = _group_units(group, path)
        if not any(unit.words for unit in units):
            continue
        context = _context_line(doc.title, path)
        # The first chunk of a section starts at its heading, so "open at line" shows it.
        start_line = group[0].heading_line
        for packed in _pack(units, target_words, max_words, overlap_words):
            first = min(unit.first for unit in packed)
            if start_line:
                first = min(first, start_line)
            last = max(unit.last for unit in packed)
            text = _join(packed)
            chunks.append(
                Chunk(
                    ordinal=len(chunks),
                    text=text,
                    heading_path=path,
                    line_start=doc.source_line(first),
                    line_end=max(doc.source_line(last), doc.source_line(first)),
                    char_count=len(text),
                    word_count=sum(unit.words for unit in packed),
                    context=context,
                )
            )
            start_line = 0  # only the first chunk of a group reaches back to its heading
    return chunks


def _clip(text: str) -> str:
    return text if len(text) <= MAX_HEADING_CHARS else text[: MAX_HEADING_CHARS - 1].rstrip() + "…"


def _bounded_path(stack: list[tuple[int, str]]) -> tuple[str, ...]:
    if len(stack) <= _PATH_HEAD + _PATH_TAIL + 1:
        return tuple(title for _, title in stack)
    return (*(t for _, t in stack[:_PATH_HEAD]), "…", *(t for _, t in stack[-_PATH_TAIL:]))


def _context_line(title: str, path: tuple[str, ...]) -> str:
    title = _clip(title)
    parts = [title] if title else []
    for index, part in enumerate(path):
        # A Markdown note's H1 usually repeats its title; say it once.
        if index == 0 and title and part.casefold() == title.casefold():
            continue
        parts.append(part)
    return " > ".join(parts)


def _sections(doc: ExtractedDoc, lines: list[str], target_words: int, max_words: int) -> Iterator[_Section]:
    """Cut the text at headings and turn each section body into units."""
    headings = sorted((h for h in doc.headings if 1 <= h.line <= len(lines)), key=lambda h: h.line)
    stack: list[tuple[int, str]] = []
    start, heading_line = 1, 0
    path: tuple[str, ...] = ()
    for heading in headings:
        if heading.line < start:
            continue  # overlapping markup (e.g. a setext underline read as a heading)
        yield _Section(path, heading_line, _units(lines, start, heading.line - 1, target_words, max_words))
        while stack and stack[-1][0] >= heading.level:
            stack.pop()
        stack.append((heading.level, _clip(heading.title)))
        path = _bounded_path(stack)
        heading_line = heading.line
        start = heading.line + max(heading.span, 1)
    yield _Section(path, heading_line, _units(lines, start, len(lines), target_words, max_words))


def _units(lines: list[str], first: int, last: int, piece_words: int, max_words: int) -> list[_Unit]:
    """Units for text lines ``first..last`` (1-based, inclusive): paragraphs, or smaller."""
    units: list[_Unit] = []
    paragraph: list[tuple[int, str]] = []
    for number in range(first, last + 1):
        line = lines[number - 1]
        if not line or line.isspace():
            if paragraph:
                units.extend(_paragraph_units(paragraph, piece_words, max_words))
                paragraph = []
        else:
            paragraph.append((number, line))
    if paragraph:
        units.extend(_paragraph_units(paragraph, piece_words, max_words))
    return units


def _paragraph_units(paragraph: list[tuple[int, str]], piece_words: int, max_words: int) -> list[_Unit]:
    pieces = [_line_pieces(line, piece_words) for _, line in paragraph]
    total = sum(count for line_pieces in pieces for _, count, _ in line_pieces)
    if total <= max_words:
        text = "\n".join(line for _, line in paragraph)
        return [_Unit(text, paragraph[0][0], paragraph[-1][0], total, _PARAGRAPH)]
    units: list[_Unit] = []
    for index, ((number, _), line_pieces) in enumerate(zip(paragraph, pieces, strict=True)):
        for piece_index, (piece, count, gap) in enumerate(line_pieces):
            if piece_index:
                sep = gap
            else:
                sep = _PARAGRAPH if index == 0 else "\n"
            units.append(_Unit(piece, number, number, count, sep))
    return units


def _line_pieces(line: str, piece_words: int) -> list[tuple[str, int, str]]:
    """The line as (text, words, gap before it) pieces of at most ``piece_words`` words each
    (usually just the whole line). The gap is the original whitespace, or "" inside a word."""
    if len(line) <= _LONG_LINE_CHARS:
        count = len(_TOKEN.findall(line))
        if count <= piece_words:
            return [(line, count, "")]
    # One regex match per piece keeps the per-word work in C: a 50 MB line has ~8M words.
    pieces: list[tuple[str, int, str]] = []
    previous_end = -1
    for match in _piece_pattern(piece_words).finditer(line):
        text = match.group()
        gap = line[previous_end : match.start()] if previous_end >= 0 else ""
        pieces.append((text, len(_TOKEN.findall(text)), gap))
        previous_end = match.end()
    return pieces


@functools.lru_cache(maxsize=16)
def _piece_pattern(words: int) -> re.Pattern[str]:
    """Up to ``words`` tokens, greedy, so pieces split exactly where ``_TOKEN`` would."""
    return re.compile(rf"{_TOKEN_RE}(?:\s*{_TOKEN_RE}){{0,{words - 1}}}")


@functools.lru_cache(maxsize=64)
def _reverse_tail_pattern(words: int) -> re.Pattern[str]:
    """Matches the last ``words`` tokens of a reversed string (a run of n characters is
    ceil(n / 50) tokens from either end, so counts agree with ``_TOKEN``)."""
    return re.compile(rf"\s*(?:{_TOKEN_RE}\s*){{{words - 1}}}{_TOKEN_RE}")


def _group_sections(sections: list[_Section], target_words: int, min_words: int) -> list[list[_Section]]:
    """Merge consecutive tiny sections that share a parent, up to ``target_words``."""
    groups: list[list[_Section]] = []
    group_words = 0
    for section in sections:
        words = section.words
        if groups:
            first = groups[-1][0]
            parent = first.path[:-1]
            if (
                group_words + words <= target_words
                and (group_words < min_words or words < min_words)
                and section.path[: len(parent)] == parent
            ):
                groups[-1].append(section)
                group_words += words
                continue
        groups.append([section])
        group_words = words
    return groups


def _common_prefix(paths: list[tuple[str, ...]]) -> tuple[str, ...]:
    prefix = paths[0]
    for path in paths[1:]:
        size = 0
        while size < min(len(prefix), len(path)) and prefix[size] == path[size]:
            size += 1
        prefix = prefix[:size]
    return prefix


def _group_units(group: list[_Section], path: tuple[str, ...]) -> list[_Unit]:
    """All units of a group; a merged section's own title becomes a line of the body."""
    units: list[_Unit] = []
    for section in group:
        if len(section.path) > len(path) and section.heading_line:
            title = " > ".join(section.path[len(path) :])
            count = len(_TOKEN.findall(title))
            units.append(_Unit(title, section.heading_line, section.heading_line, count, _PARAGRAPH))
        units.extend(section.units)
    return units


def _pack(units: list[_Unit], target_words: int, max_words: int, overlap_words: int) -> Iterator[list[_Unit]]:
    """Greedy packing with overlap; each yielded list is one chunk (without empty tails)."""
    current: list[_Unit] = []
    current_words = 0
    fresh = 0  # words in ``current`` that are not overlap from the previous chunk
    for unit in units:
        fits_target = current_words + unit.words <= target_words
        # Accept a little more than the target rather than leave a small chunk behind.
        fits_max = current_words + unit.words <= max_words and current_words < target_words // 2
        if not current or fits_target or fits_max:
            current.append(unit)
            current_words += unit.words
            fresh += unit.words
            continue
        if fresh:
            yield current
        allowed = min(overlap_words, max_words - unit.words)
        current = _tail(current, allowed) if allowed > 0 else []
        current.append(unit)
        current_words = sum(u.words for u in current)
        fresh = unit.words
    if current and fresh:
        yield current


def _tail(units: list[_Unit], words: int) -> list[_Unit]:
    """The last ``words`` words of ``units`` as units (the first one possibly cut)."""
    out: list[_Unit] = []
    remaining = words
    for unit in reversed(units):
        if remaining <= 0:
            break
        if unit.words <= remaining:
            out.append(unit)
            remaining -= unit.words
            continue
        match = _reverse_tail_pattern(remaining).match(unit.text[::-1])
        if match is None:  # cannot happen: the unit has more than ``remaining`` words
            break
        cut = len(unit.text) - match.end()
        first = unit.first + unit.text.count("\n", 0, cut)
        out.append(_Unit(unit.text[cut:], first, unit.last, remaining, " "))
        remaining = 0
    out.reverse()
    return out


def _join(units: list[_Unit]) -> str:
    if len(units) == 1:
        return units[0].text
    parts = [units[0].text]
    for unit in units[1:]:
        parts.append(unit.sep)
        parts.append(unit.text)
    return "".join(parts)
