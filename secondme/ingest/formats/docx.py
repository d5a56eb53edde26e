"""DOCX: paragraphs and tables with python-docx, headings from "Heading N" styles."""

from __future__ import annotations

import io
import logging
import re
import zipfile
from typing import Any

from secondme.errors import ExtractionError
from secondme.ingest.formats.common import (
    ExtractedDoc,
    Heading,
    format_size_limit,
    short_error,
)

log = logging.getLogger("secondme.ingest")

# Zip-bomb guard. A real document.xml is a few MB even for long reports; lxml needs several
# times the XML size in memory, so refuse before parsing anything beyond these.
MAX_DOCUMENT_XML_BYTES = 16 * 1024 * 1024  # a 60 MB one took 1.1 GB to parse
MAX_TOTAL_UNCOMPRESSED_BYTES = 256 * 1024 * 1024
_MAX_ENTRIES = 10_000
# Inflate parts in pieces of this size when checking them (see _check_declared_sizes).
_PIECE = 1024 * 1024

_HEADING_STYLE = re.compile(r"^heading\s*([1-9])$", re.IGNORECASE)


def extract_docx(data: bytes, stem: str) -> ExtractedDoc:
    """Extract a DOCX given as bytes; each body paragraph or table row is one source unit."""
    _check_zip(data)
    # Imported here so that the rest of ingestion works when python-docx is not installed.
    import docx
    from docx.table import Table

    try:
        document = docx.Document(io.BytesIO(data))
        blocks = list(document.iter_inner_content())
        core_title = document.core_properties.title or ""
    except MemoryError:
        raise
    except Exception as err:  # python-docx/lxml/zipfile raise many types
        raise ExtractionError(f"corrupt DOCX: {short_error(err)}") from err

    lines: list[str] = []
    line_map: list[int] = []
    headings: list[Heading] = []
    title_style_text = ""
    try:
        for number, block in enumerate(blocks, start=1):
            if isinstance(block, Table):
                texts = _table_rows(block)
                level = 0
            else:
                texts = [block.text]
                level, is_title = _heading_level(block)
                if is_title and not title_style_text:
                    title_style_text = " ".join(block.text.split())
            for text in texts:
                pieces = [p.rstrip() for p in text.replace("\r", "\n").split("\n")]
                if level and " ".join(text.split()):
                    if lines and lines[-1]:
                        lines.append("")
                        line_map.append(number)
                    headings.append(Heading(len(lines) + 1, level, " ".join(text.split())))
                    pieces = [" ".join(text.split())]
                lines.extend(pieces)
                line_map.extend([number] * len(pieces))
    except MemoryError:
        raise
    except Exception as err:  # malformed XML surfaces lazily while reading
        raise ExtractionError(f"corrupt DOCX: {short_error(err)}") from err

    title = " ".join(core_title.split()) or title_style_text
    if not title:
        title = next((h.title for h in headings if h.level == 1), stem)
    return ExtractedDoc(
        title=title,
        text="\n".join(lines),
        format="docx",
        headings=tuple(headings),
        line_map=tuple(line_map),
        source_unit="paragraph",
    )


def _check_zip(data: bytes) -> None:
    """Refuse non-zips and zips that would inflate far beyond any real document.

    The sizes in the zip directory are trustworthy as an upper bound: zipfile stops inflating an
    entry at its declared size and fails the CRC check if the data does not match.
    """
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            infos = archive.infolist()
    except MemoryError:
        raise
    except Exception as err:  # BadZipFile, OSError, ValueError on garbage
        raise ExtractionError(f"corrupt DOCX: not a valid zip file ({short_error(err)})") from err
    if len(infos) > _MAX_ENTRIES:
        raise ExtractionError("corrupt DOCX: too many parts")
    names = {info.filename: info for info in infos}
    main = names.get("word/document.xml")
    if main is None:
        raise ExtractionError("corrupt DOCX: no word/document.xml")
    if main.file_size > MAX_DOCUMENT_XML_BYTES:
        limit = format_size_limit(MAX_DOCUMENT_XML_BYTES)
        raise ExtractionError(f"DOCX text larger than the {limit} limit (possible zip bomb)")
    if sum(info.file_size for info in infos) > MAX_TOTAL_UNCOMPRESSED_BYTES:
        limit = format_size_limit(MAX_TOTAL_UNCOMPRESSED_BYTES)
        raise ExtractionError(f"DOCX contents larger than the {limit} limit (possible zip bomb)")
    _check_declared_sizes(data, infos)


def _check_declared_sizes(data: bytes, infos: list[zipfile.ZipInfo]) -> None:
    """Inflate every part in small pieces to prove its declared size is not a lie.

    ``ZipFile.read`` (which python-docx uses) inflates a whole part in one call and only then
    cuts it to the declared size, so a part declaring 4 KB that inflates to 300 MB costs 300 MB
    of memory before the CRC check fails (a 20 MB file can hold ~20 GB). Reading in pieces stops
    at the declared size, so this costs CPU (bounded by the limits above) and no memory.
    """
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            for info in infos:
                with archive.open(info) as part:
                    while part.read(_PIECE):
                        pass
    except MemoryError:
        raise
    except Exception as err:  # BadZipFile (CRC, sizes), zlib.error, NotImplementedError (method)
        raise ExtractionError(f"corrupt DOCX: {short_error(err)}") from err


def _heading_level(paragraph: Any) -> tuple[int, bool]:
    """(heading level or 0, whether the paragraph uses the Title style)."""
    style = paragraph.style
    if style is None:
        return 0, False
    for name in (style.name or "", getattr(style, "style_id", "") or ""):
        if name.lower() == "title":
            # The Title style names the document; it is not a section of it.
            return 0, True
        match = _HEADING_STYLE.match(name)
        if match:
            return int(match.group(1)), False
    return 0, False


def _table_rows(table: Any) -> list[str]:
    """One line per row, cells joined with " | " (merged cells repeat, so drop repeats)."""
    rows: list[str] = []
    for row in table.rows:
        cells: list[str] = []
        for cell in row.cells:
            text = " ".join(cell.text.split())
            if text and (not cells or cells[-1] != text):
                cells.append(text)
        if cells:
            rows.append(" | ".join(cells))
    return rows
