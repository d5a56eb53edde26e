"""Ingestion: which files are notes (``filters.IgnorePolicy``), the formats and how each is read
(``registry``), note bytes to text (``extract``), text to chunks (``chunking``), and what
ingesting one file came to (``outcome``). Pure functions; no database here."""

from secondme.ingest.chunking import Chunk, chunk_document
from secondme.ingest.extract import ExtractedDoc, Heading, extract, parse
from secondme.ingest.filters import IgnorePolicy
from secondme.ingest.formats.common import NoteBytes, read_note
from secondme.ingest.outcome import FailReason, Outcome
from secondme.ingest.registry import FORMATS, SUPPORTED_SUFFIXES, Format, format_for

__all__ = [
    "FORMATS",
    "SUPPORTED_SUFFIXES",
    "Chunk",
    "ExtractedDoc",
    "FailReason",
    "Format",
    "Heading",
    "IgnorePolicy",
    "NoteBytes",
    "Outcome",
    "chunk_document",
    "extract",
    "format_for",
    "parse",
    "read_note",
]
