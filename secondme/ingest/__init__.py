"""Ingestion: note files to text (``extract``), text to chunks (``chunking``), and which files
to read at all (``filters``). Pure functions; no database here."""

from secondme.ingest.chunking import Chunk, chunk_document
from secondme.ingest.extract import ExtractedDoc, Heading, extract, format_for
from secondme.ingest.filters import SUPPORTED_SUFFIXES, should_skip, walk_notes

__all__ = [
    "SUPPORTED_SUFFIXES",
    "Chunk",
    "ExtractedDoc",
    "Heading",
    "chunk_document",
    "extract",
    "format_for",
    "should_skip",
    "walk_notes",
]
