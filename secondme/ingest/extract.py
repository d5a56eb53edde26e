"""Turn a note file into an :class:`ExtractedDoc` (text, title, headings, line mapping).

Every failure surfaces as :class:`~secondme.errors.ExtractionError` (or ``UnsupportedFile`` for a
suffix we do not read) carrying a short reason for the Sources page. Library exceptions are
wrapped; ``MemoryError`` and ``KeyboardInterrupt`` are let through on purpose.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path

from secondme.errors import ExtractionError, UnsupportedFile
from secondme.ingest.formats.common import (
    ExtractedDoc,
    Heading,
    decode_text,
    read_limited,
    short_error,
)
from secondme.ingest.formats.docx import extract_docx
from secondme.ingest.formats.html import parse_html
from secondme.ingest.formats.markdown import parse_markdown
from secondme.ingest.formats.org import parse_org
from secondme.ingest.formats.pdf import extract_pdf
from secondme.ingest.formats.rst import parse_rst
from secondme.ingest.formats.text import parse_text

__all__ = ["ExtractedDoc", "Heading", "extract", "format_for"]

log = logging.getLogger("secondme.ingest")

_TextParser = Callable[[str, str], ExtractedDoc]
_BytesParser = Callable[[bytes, str], ExtractedDoc]

_TEXT_PARSERS: dict[str, _TextParser] = {
    ".md": parse_markdown,
    ".markdown": parse_markdown,
    ".txt": parse_text,
    ".org": parse_org,
    ".rst": parse_rst,
    ".html": parse_html,
    ".htm": parse_html,
}
_BYTES_PARSERS: dict[str, _BytesParser] = {
    ".pdf": extract_pdf,
    ".docx": extract_docx,
}
_FORMAT_NAMES = {
    ".md": "markdown",
    ".markdown": "markdown",
    ".txt": "text",
    ".org": "org",
    ".rst": "rst",
    ".html": "html",
    ".htm": "html",
    ".pdf": "pdf",
    ".docx": "docx",
}


def format_for(path: Path) -> str | None:
    """The format name for ``path``'s suffix (case-insensitive), or None if unsupported."""
    return _FORMAT_NAMES.get(path.suffix.lower())


def extract(path: Path, max_bytes: int) -> ExtractedDoc:
    """Read ``path`` (at most ``max_bytes``) and extract its text.

    Raises ``UnsupportedFile`` for an unknown suffix and ``ExtractionError`` for everything
    that goes wrong while reading or parsing.
    """
    suffix = path.suffix.lower()
    text_parser = _TEXT_PARSERS.get(suffix)
    bytes_parser = _BYTES_PARSERS.get(suffix)
    if text_parser is None and bytes_parser is None:
        raise UnsupportedFile(f"unsupported file type {suffix or '(no suffix)'}")
    data = read_limited(path, max_bytes)
    stem = path.stem
    try:
        if bytes_parser is not None:
            return bytes_parser(data, stem)
        assert text_parser is not None
        text = decode_text(data)
        del data  # the bytes are no longer needed; free them before parsing a large file
        return text_parser(text, stem)
    except (ExtractionError, MemoryError):
        raise
    except RecursionError as err:
        raise ExtractionError("document too deeply nested") from err
    except Exception as err:  # a parser bug must not stop the ingestion queue
        # Likely our bug: say so at WARNING (type only: messages may quote the note) and keep
        # the traceback at DEBUG.
        log.warning("unexpected %s while extracting a %s file", type(err).__name__, suffix)
        log.debug("extraction failure", exc_info=True)
        raise ExtractionError(f"could not parse file ({short_error(err)})") from err
