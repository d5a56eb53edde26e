"""Turn a note's bytes into an :class:`ExtractedDoc` (text, title, headings, line mapping).

The format comes from the registry (:mod:`secondme.ingest.registry`); the bytes are read once by
``read_note`` (the indexer hashes the same bytes it parses). Every failure surfaces as
:class:`~secondme.errors.ExtractionError` (or ``UnsupportedFile`` for a suffix we do not read)
carrying a short reason for the Sources page. Library exceptions are wrapped; ``MemoryError``
and ``KeyboardInterrupt`` are let through on purpose.
"""

from __future__ import annotations

import logging
from pathlib import Path

from secondme.errors import ExtractionError, UnsupportedFile
from secondme.ingest.formats.common import ExtractedDoc, Heading, read_note, short_error
from secondme.ingest.registry import Format, format_for

__all__ = ["ExtractedDoc", "Heading", "extract", "parse"]

log = logging.getLogger("secondme.ingest")


def parse(fmt: Format, data: bytes, stem: str) -> ExtractedDoc:
    """Extract a note of format ``fmt`` from its bytes; ``stem`` is the fallback title.

    Raises ``ExtractionError`` for everything that goes wrong while decoding or parsing.
    """
    try:
        return fmt.extract(data, stem)
    except (ExtractionError, MemoryError):
        raise
    except RecursionError as err:
        raise ExtractionError("document too deeply nested") from err
    except Exception as err:  # a parser bug must not stop the ingestion queue
        # Likely our bug: say so at WARNING (type only: messages may quote the note) and keep
        # the traceback at DEBUG.
        log.warning("unexpected %s while extracting a %s file", type(err).__name__, fmt.name)
        log.debug("extraction failure", exc_info=True)
        raise ExtractionError(f"could not parse file ({short_error(err)})") from err


def extract(path: Path, max_bytes: int) -> ExtractedDoc:
    """Read ``path`` (at most ``max_bytes``) and extract its text.

    Raises ``UnsupportedFile`` for an unknown suffix and ``ExtractionError`` for everything
    that goes wrong while reading or parsing.
    """
    fmt = format_for(path)
    if fmt is None:
        raise UnsupportedFile(f"unsupported file type {path.suffix.lower() or '(no suffix)'}")
    return parse(fmt, read_note(path, max_bytes).data, path.stem)
