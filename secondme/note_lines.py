"""How a note's text reads as sentences: headings, list items, tables and markdown.

People write notes as Markdown rather than prose: a heading names what the lines under it are
about, a list item is one entry, a table row's cells are each named by the column they sit in,
and emphasis or link syntax wraps the words without being part of them. The extractive answer
path reads a note through these helpers, so "| Out | TP1357 |" under "| Leg | Flight |" is read
as "Flight: TP1357" of the outward leg.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence

from secondme.question_terms import _SENTENCE_END, content_terms, term

_ATTACHED = re.compile(r"^\[(?:shares?|sharing|sent|sends)\b", re.IGNORECASE)
# A full stop that shortens a word, not one that ends a sentence: "membership no. 66201945",
# "Dr. Okafor", "approx. 40 min".
_BEFORE_NUMBER = re.compile(r"(?:^|[\s(])(?:no|nos|tel|ref|approx|fig)\.$", re.IGNORECASE)
_BEFORE_NAME = re.compile(r"(?:^|[\s(])(?:dr|mr|mrs|ms|prof|st)\.$", re.IGNORECASE)


def _shortened(before: str, after: str) -> bool:
    """Whether ``before`` ends in a shortened word that goes on into ``after``."""
    return bool((_BEFORE_NUMBER.search(before) and after[:1].isdigit())
                or (_BEFORE_NAME.search(before) and after[:1].isupper()))


def split_sentences(text: str) -> list[str]:
    """Sentences; a shared photo's caption ("[shares a photo: …]") stays with the sentence it
    was sent with, which usually says what the photo is ("I took this last month"), and a
    shortened word's full stop ("no. 66201945", "Dr. Okafor") ends no sentence."""
    out: list[str] = []
    for s in _SENTENCE_END.split(text):
        s = s.strip() if s else ""
        if not s:
            continue
        if out and (_ATTACHED.match(s) or _shortened(out[-1], s)):
            out[-1] = f"{out[-1]} {s}"
        else:
            out.append(s)
    return out


# Markdown that wraps words: "**QZ7KLM**", "*Klara and the Sun*", "[[Ruth]]", "[site](url)",
# "`code`", "~~done~~", a task's "[x] ".
_MARKUP = (
    (re.compile(r"\*\*(?=\S)(.+?)(?<=\S)\*\*"), r"\1"),
    (re.compile(r"(?<![\w*])__(?=\S)(.+?)(?<=\S)__(?![\w*])"), r"\1"),
    (re.compile(r"(?<![\w*])\*(?=[^\s*])([^*\n]+?)(?<=[^\s*])\*(?![\w*])"), r"\1"),
    (re.compile(r"(?<![\w_])_(?=[^\s_])([^_\n]+?)(?<=[^\s_])_(?![\w_])"), r"\1"),
    (re.compile(r"~~(.+?)~~"), r"\1"),
    (re.compile(r"`([^`\n]+)`"), r"\1"),
    (re.compile(r"\[\[([^\]|\n]+)\|([^\]\n]+)\]\]"), r"\2"),
    (re.compile(r"\[\[([^\]\n]+)\]\]"), r"\1"),
    (re.compile(r"!?\[([^\]\n]+)\]\([^)\s]+\)"), r"\1"),
    (re.compile(r"^(\s*(?:[-*+]|\d+[.)])\s+)\[[ xX]\]\s+", re.MULTILINE), r"\1"),
)


def plain(body: str) -> str:
    """``body`` without Markdown's emphasis, link and task syntax around its words."""
    for pattern, repl in _MARKUP:
        body = pattern.sub(repl, body)
    return body


_HEADING_WORDS = 8
_BULLET = re.compile(r"^\s*(?:[-*•+]|\d+[.)])\s+")
_BULLET_WORDS = 30
_PRONOUN_OPENS = re.compile(r"^(?:she|he|they)(?:['’](?:s|d|ll|re|ve))?\b", re.IGNORECASE)
NAME_IN = re.compile(r"(?<=\s)[A-Z][a-z]+\b")  # capitalized words past the first: names
_ROW = re.compile(r"^\s*\|.*\|\s*$")
_RULE = re.compile(r"^\s*\|?(?:\s*:?-{2,}:?\s*\|)+(?:\s*:?-{2,}:?\s*)?\s*$")


def under_headings(body: str) -> Iterator[tuple[str, set[str]]]:
    """Each sentence of ``body`` with the terms of what it is about beyond its own words: the
    heading it sits under, a table row's other cells. A heading is a "#" line, or a short line
    with no closing punctuation standing alone before a blank line ("Grandma's lentil soup");
    it names what follows and answers nothing itself."""
    heading: set[str] = set()
    for block in re.split(r"\n\s*\n", body):
        lines = [ln for ln in block.strip().splitlines() if ln.strip()]
        while lines and lines[0].lstrip().startswith("#"):
            heading = set(content_terms(lines.pop(0).lstrip("# ")))
        # "Flapjacks (for the bake sale)" is a heading with a note on it.
        bare = re.sub(r"\s*\([^()]*\)$", "", lines[0].rstrip()) if len(lines) == 1 else ""
        if bare and body.strip() != block.strip() and len(lines[0].split()) <= _HEADING_WORDS \
                and not bare.endswith((".", "!", "?", ":", ";", ",", ")")):
            heading = set(content_terms(lines[0]))
            continue
        names: set[str] = set()
        for sent, about in _block_sentences(lines):
            # "Lunch with Priyanka. She's moving to Glasgow": "she" is the one just named.
            yield sent, heading | about | (names if _PRONOUN_OPENS.match(sent) else set())
            names = {term(m.group(0)) for m in NAME_IN.finditer(sent)}


def _block_sentences(lines: Sequence[str]) -> Iterator[tuple[str, set[str]]]:
    """The sentences of a block's lines, a short list item kept whole ("- The Premonition —
    Michael Lewis. Fine, 3/5." is one entry, its rating part of it) and a table read by cell."""
    run: list[str] = []
    table: list[str] = []

    def flush() -> Iterator[tuple[str, set[str]]]:
        yield from ((s, set()) for s in split_sentences(_unwrapped(run)))
        yield from table_cells(table)
        run.clear()
        table.clear()

    for line in lines:
        if _ROW.match(line):
            if run:
                yield from flush()
            table.append(line)
            continue
        if table:
            yield from flush()
        if _BULLET.match(line) and len(line.split()) <= _BULLET_WORDS:
            yield from flush()
            yield line.strip(), set()
        else:
            run.append(line)
    yield from flush()


def _unwrapped(lines: Sequence[str]) -> str:
    """The lines of a paragraph, a sentence wrapped onto the next line joined back ("a café
    called Kaffee" / "von Stein near…"); a line ending in punctuation, or followed by one
    opening with a capital, ends where it ends."""
    out = ""
    for line in lines:
        if out and not out.rstrip().endswith((".", "!", "?", ":", ";")) and line.lstrip()[:1].islower():
            out = f"{out.rstrip()} {line.lstrip()}"
        else:
            out = f"{out}\n{line}" if out else line
    return out


def _cells(line: str) -> list[str]:
    return [c.strip() for c in line.strip().strip("|").split("|")]


def table_cells(rows: Sequence[str]) -> Iterator[tuple[str, set[str]]]:
    """Each cell of a Markdown table as "Column: value", with the terms of its row's other
    cells: under "| Leg | Flight |", the row "| Back | TP1362 |" gives "Flight: TP1362" about
    the way back. A table with no header rule is read with its first row as the header too."""
    if not rows:
        return
    header = _cells(rows[0])
    body = [r for r in rows[1:] if not _RULE.match(r)]
    for row in body:
        cells = _cells(row)
        about = set(content_terms(" ".join(cells)))
        for name, cell in zip(header, cells, strict=False):
            if not cell or set(cell) <= set("-–—"):
                continue
            sentence = f"{name}: {cell}" if name and name.lower() != cell.lower() else cell
            yield sentence, about - set(content_terms(sentence))
