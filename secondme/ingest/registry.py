"""The note formats Second Me reads: one table from a file suffix to a format's extractor and chunker.

Everything else asks this table: which suffixes are notes at all (the ignore policy, and so the
walker and the watcher), how a file's bytes become an ``ExtractedDoc`` (``extract``), the format
name stored with a document, and the type filters search offers (the UI's list, the CLI's help).
To add a format: an extractor in ``formats/`` and one ``Format`` line in ``FORMATS``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from secondme.ingest.chunking import Chunk, chunk_document
from secondme.ingest.formats.common import ExtractedDoc, decode_text
from secondme.ingest.formats.docx import extract_docx
from secondme.ingest.formats.html import parse_html
from secondme.ingest.formats.markdown import parse_markdown
from secondme.ingest.formats.org import parse_org
from secondme.ingest.formats.pdf import extract_pdf
from secondme.ingest.formats.rst import parse_rst
from secondme.ingest.formats.text import parse_text

__all__ = ["FORMATS", "SUPPORTED_SUFFIXES", "Format", "format_for"]

Extractor = Callable[[bytes, str], ExtractedDoc]
Chunker = Callable[[ExtractedDoc], list[Chunk]]


@dataclass(frozen=True)
class Format:
    """One note format.

    ``name`` is what the store records for a document and what search filters by; ``label`` is
    what a person reads in the type filter; ``extract`` turns the file's bytes and its stem (the
    fallback title) into an ``ExtractedDoc`` whose ``format`` is ``name``; ``chunk`` splits that
    into retrieval chunks.
    """

    name: str
    label: str
    suffixes: tuple[str, ...]
    extract: Extractor
    chunk: Chunker = chunk_document


def _decoded(parse: Callable[[str, str], ExtractedDoc]) -> Extractor:
    """A text format's extractor: the bytes decoded by the one encoding policy, then parsed."""
    def extract(data: bytes, stem: str) -> ExtractedDoc:
        return parse(decode_text(data), stem)
    return extract


# In the order the type filter lists them.
FORMATS: tuple[Format, ...] = (
    Format("markdown", "Markdown", (".md", ".markdown"), _decoded(parse_markdown)),
    Format("text", "Plain text", (".txt",), _decoded(parse_text)),
    Format("org", "Org", (".org",), _decoded(parse_org)),
    Format("rst", "reStructuredText", (".rst",), _decoded(parse_rst)),
    Format("html", "HTML", (".html", ".htm"), _decoded(parse_html)),
    Format("pdf", "PDF", (".pdf",), extract_pdf),
    Format("docx", "Word (DOCX)", (".docx",), extract_docx),
)

_BY_SUFFIX: dict[str, Format] = {suffix: f for f in FORMATS for suffix in f.suffixes}

SUPPORTED_SUFFIXES: frozenset[str] = frozenset(_BY_SUFFIX)


def format_for(path: Path) -> Format | None:
    """The format read from ``path``'s suffix (case-insensitive), or None if it is not a note."""
    return _BY_SUFFIX.get(path.suffix.lower())

