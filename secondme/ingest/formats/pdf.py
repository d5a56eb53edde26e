"""PDF: text page by page with pypdf; each page is one source "line" for citations."""

from __future__ import annotations

import io
import logging
import sys
import warnings
from typing import Any

from secondme.errors import ExtractionError
from secondme.ingest.formats.common import ExtractedDoc, normalize_newlines, short_error

log = logging.getLogger("secondme.ingest")


def extract_pdf(data: bytes, stem: str) -> ExtractedDoc:
    """Extract the text of a PDF given as bytes.

    pypdf raises many exception types on damaged files and emits warnings for recoverable
    damage; both are contained here (warnings logged at DEBUG) so callers see only
    ``ExtractionError``. ``catch_warnings`` is process-wide state, which is acceptable because
    extraction runs on one ingestion worker.
    """
    _demote_pypdf_logs()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            return _extract(data, stem)
        finally:
            for warning in caught:
                log.debug("pypdf warning: %s", warning.message)


class _DemoteToDebug(logging.Filter):
    """Turns pypdf's log records into DEBUG ones.

    pypdf logs recoverable damage at WARNING and quotes raw file bytes in those messages, which
    may be note text; our rule is that note content never reaches the logs above DEBUG. A
    logger filter runs before handlers check levels, so demoted records are dropped by
    WARNING-level handlers.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        if record.levelno > logging.DEBUG:
            record.levelno = logging.DEBUG
            record.levelname = "DEBUG"
        return True


def _demote_pypdf_logs() -> None:
    """Install the filter on the logger of every pypdf module.

    Filters are not inherited by child loggers, and pypdf logs through
    ``logging.getLogger(<module name>)`` created on first use, so the loggers are created here
    for every loaded pypdf module (repeated per call: cheap, and catches lazily loaded ones).
    """
    import pypdf  # noqa: F401 - load pypdf's modules so their names are in sys.modules

    for name in [name for name in sys.modules if name.split(".")[0] == "pypdf"]:
        pypdf_log = logging.getLogger(name)
        if not any(isinstance(f, _DemoteToDebug) for f in pypdf_log.filters):
            pypdf_log.addFilter(_DemoteToDebug())


def _extract(data: bytes, stem: str) -> ExtractedDoc:
    reader, pages, page_count = _open(data)
    lines: list[str] = []
    line_map: list[int] = []
    failed = 0
    for number in range(1, page_count + 1):
        page_lines = _page_lines(pages[number - 1], number)
        if page_lines is None:
            failed += 1
            continue
        if not any(page_lines):
            continue
        if lines:
            # A blank line between pages keeps the chunker from gluing paragraphs across them.
            lines.append("")
            line_map.append(number)
        lines.extend(page_lines)
        line_map.extend([number] * len(page_lines))

    if not lines:
        if failed and failed == page_count:
            raise ExtractionError("corrupt PDF: no page could be read")
        raise ExtractionError("empty PDF (no text)")
    return ExtractedDoc(
        title=_metadata_title(reader) or stem,
        text="\n".join(lines),
        format="pdf",
        line_map=tuple(line_map),
        source_unit="page",
    )


def _open(data: bytes) -> tuple[Any, Any, int]:
    """A pypdf reader, its pages and how many (ExtractionError when the file cannot be read)."""
    # Imported here so that the rest of ingestion works when pypdf is not installed.
    from pypdf import PdfReader
    from pypdf.errors import DependencyError

    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        if reader.is_encrypted:
            # Many PDFs are "encrypted" with an empty user password only to set permissions.
            try:
                opened = reader.decrypt("")
            except DependencyError as err:
                raise ExtractionError("encrypted PDF (cannot decrypt: missing support)") from err
            if not opened:
                raise ExtractionError("encrypted PDF (password required)")
        pages = reader.pages
        page_count = len(pages)
    except (ExtractionError, MemoryError):
        raise
    except Exception as err:  # pypdf raises many unrelated types on bad input
        raise ExtractionError(f"corrupt PDF: {short_error(err)}") from err
    return reader, pages, page_count


def _page_lines(page: Any, number: int) -> list[str] | None:
    """The text lines of one page, trailing blank lines dropped; None when it cannot be read."""
    try:
        page_text = page.extract_text() or ""
    except MemoryError:
        raise
    except Exception as err:  # one bad page should not lose the others
        log.debug("pypdf could not read page %d: %s", number, short_error(err), exc_info=True)
        return None
    page_lines = [line.rstrip() for line in normalize_newlines(page_text).split("\n")]
    while page_lines and not page_lines[-1]:
        page_lines.pop()
    return page_lines


def _metadata_title(reader: object) -> str:
    try:
        metadata = getattr(reader, "metadata", None)
        title = getattr(metadata, "title", None) if metadata is not None else None
    except MemoryError:
        raise
    except Exception:  # a damaged info dictionary only costs us the title
        log.debug("pdf metadata unreadable", exc_info=True)
        return ""
    return " ".join(str(title).split()) if title else ""
