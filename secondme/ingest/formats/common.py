"""Shared pieces of the per-format extractors: the result type, reading a file once, decoding."""

from __future__ import annotations

import dataclasses
import errno
import logging
import os
import stat
from dataclasses import dataclass, field
from pathlib import Path

from secondme.errors import ExtractionError, FileTooLarge, FileUnreadable

log = logging.getLogger("secondme.ingest")

_MIB = 1024 * 1024
# How much of a file we inspect to tell text from binary: enough to be representative,
# small enough that a 20 MB file costs nothing extra.
_SNIFF_BYTES = 64 * 1024
# Control characters other than tab, newline, carriage return, form feed, vertical tab and
# escape almost never occur in notes; a few percent of them means a binary file.
_CONTROL_BYTES = bytes(sorted(set(range(0x01, 0x20)) - {0x09, 0x0A, 0x0B, 0x0C, 0x0D, 0x1B}))
_LOW_BYTES = bytes(range(0x80))
_MAX_CONTROL_RATIO = 0.05
# Legacy Western text (cp1252/latin-1) has a few accented letters; when a large share of the
# bytes are high, it is some other encoding or binary data and guessing would produce garbage.
_MAX_HIGH_RATIO = 0.30
# Bytes that cp1252 leaves undefined; a file containing them is decoded as latin-1 instead.
_CP1252_UNDEFINED = (b"\x81", b"\x8d", b"\x8f", b"\x90", b"\x9d")


@dataclass(frozen=True)
class Heading:
    """A heading found in a document's text.

    ``line`` is the 1-based line in ``ExtractedDoc.text`` where the heading starts and ``span`` how
    many text lines its markup occupies (1 for ATX, 2 for setext or RST underline, 3 with an RST
    overline), so the chunker can leave the markup out of chunk bodies.
    """

    line: int
    level: int
    title: str
    span: int = 1


@dataclass(frozen=True)
class ExtractedDoc:
    """A note file turned into plain text, plus what is needed to cite it.

    ``text`` uses ``\\n`` newlines only. Text line *n* (1-based) maps back to a source location
    with :meth:`source_line`: a line of the file for text formats, a page for PDF
    (``source_unit == "page"``) and a body paragraph for DOCX (``"paragraph"``). The mapping is
    either an offset (``line_offset``, for text whose lines are the file's lines, e.g. Markdown
    after its front matter) or an explicit per-line table (``line_map``).
    """

    title: str
    text: str
    format: str
    front_matter: dict[str, str] = field(default_factory=dict)
    headings: tuple[Heading, ...] = ()
    line_offset: int = 0
    line_map: tuple[int, ...] | None = None
    source_unit: str = "line"

    @property
    def line_count(self) -> int:
        """Number of lines in ``text`` (an empty text has one empty line)."""
        return self.text.count("\n") + 1

    def source_line(self, text_line: int) -> int:
        """Map a 1-based line of ``text`` to the 1-based source line, page or paragraph."""
        if self.line_map is not None:
            if not self.line_map:
                return 1
            index = min(max(text_line, 1), len(self.line_map)) - 1
            return self.line_map[index]
        return max(text_line, 1) + self.line_offset


def format_size_limit(max_bytes: int) -> str:
    """Human form of a size limit: ``20 MB`` for 20 MiB (people think of MiB as MB)."""
    if max_bytes % _MIB == 0:
        return f"{max_bytes // _MIB} MB"
    if max_bytes >= _MIB:
        return f"{max_bytes / _MIB:.1f} MB"
    return f"{max_bytes} bytes"


def too_large_reason(max_bytes: int) -> str:
    """The reason shown for a file over the size limit."""
    return f"larger than the {format_size_limit(max_bytes)} limit"


def os_error_reason(err: OSError) -> str:
    """A short, human reason for an OS error met while reading a note (no file name in it)."""
    if isinstance(err, FileNotFoundError):
        return "file vanished while reading"
    if isinstance(err, PermissionError):
        return "permission denied"
    if isinstance(err, IsADirectoryError):
        return "not a regular file"
    if err.errno == errno.ELOOP:
        return "symlink loop"
    detail = err.strerror or type(err).__name__
    return f"could not read file ({detail.lower()})"


@dataclass(frozen=True)
class NoteBytes:
    """A note file's bytes, read once, with the size and mtime of the same open file (what the
    store keeps to tell an unchanged file later)."""

    data: bytes
    size: int
    mtime: float


def read_note(path: Path, max_bytes: int) -> NoteBytes:
    """Read a regular file whole, refusing anything over ``max_bytes`` before reading it.

    This is the one place a note's size is checked and its bytes read: the content hash and the
    text both come from what it returns. Opening with O_NONBLOCK means a FIFO named like a note
    cannot hang us waiting for a writer; the type and size are checked on the open descriptor
    so a file swapped in between a check and the read is still caught. Raises
    ``FileTooLarge`` over the limit and ``FileUnreadable`` when the system refuses the file.
    """
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0)
    flags |= getattr(os, "O_CLOEXEC", 0)
    try:
        fd = os.open(path, flags)
    except OSError as err:
        raise FileUnreadable(os_error_reason(err)) from err
    try:
        try:
            info = os.fstat(fd)
            if not stat.S_ISREG(info.st_mode):
                raise FileUnreadable("not a regular file")
            if info.st_size > max_bytes:
                raise FileTooLarge(too_large_reason(max_bytes))
            chunks: list[bytes] = []
            total = 0
            # Read in pieces up to the limit + 1: the file may be growing while we read it.
            while True:
                piece = os.read(fd, min(4 * _MIB, max_bytes + 1 - total))
                if not piece:
                    break
                chunks.append(piece)
                total += len(piece)
                if total > max_bytes:
                    raise FileTooLarge(too_large_reason(max_bytes))
        except OSError as err:
            raise FileUnreadable(os_error_reason(err)) from err
    finally:
        os.close(fd)
    return NoteBytes(b"".join(chunks), info.st_size, info.st_mtime)


def decode_text(data: bytes) -> str:
    """Decode note bytes to text with ``\\n`` newlines, or raise ``ExtractionError``.

    Policy, in order: a UTF-8 BOM means UTF-8; a UTF-32/UTF-16 BOM means that encoding; NUL bytes
    or many control characters mean a binary file; valid UTF-8 is UTF-8; otherwise, when fewer
    than 30% of the bytes are high (>= 0x80) the file is taken as legacy Western text (cp1252,
    or latin-1 if it holds bytes cp1252 leaves undefined); anything else is refused as not valid
    UTF-8. UTF-16 without a BOM is refused as binary (it is full of NULs and rare for notes).
    """
    if data.startswith(b"\xef\xbb\xbf"):
        return normalize_newlines(_strict(data[3:], "utf-8", "not valid UTF-8 text"))
    if data.startswith((b"\xff\xfe\x00\x00", b"\x00\x00\xfe\xff")):
        return normalize_newlines(_strict(data, "utf-32", "not valid UTF-32 text"))
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return normalize_newlines(_strict(data, "utf-16", "not valid UTF-16 text"))
    if looks_binary(data):
        raise ExtractionError("binary file")
    try:
        return normalize_newlines(data.decode("utf-8"))
    except UnicodeDecodeError:
        pass
    sample = data[:_SNIFF_BYTES]
    high = len(sample.translate(None, _LOW_BYTES))
    if high > _MAX_HIGH_RATIO * len(sample):
        raise ExtractionError("not valid UTF-8 text")
    legacy = "latin-1" if any(b in data for b in _CP1252_UNDEFINED) else "cp1252"
    log.debug("decoding a note as %s", legacy)
    return normalize_newlines(data.decode(legacy))


def looks_binary(data: bytes) -> bool:
    """True for data with NUL bytes or a high share of control characters."""
    if b"\x00" in data:
        return True
    sample = data[:_SNIFF_BYTES]
    if not sample:
        return False
    controls = len(sample) - len(sample.translate(None, _CONTROL_BYTES))
    return controls > _MAX_CONTROL_RATIO * len(sample)


def normalize_newlines(text: str) -> str:
    """Turn CRLF and lone CR into LF, so line numbers match what editors show."""
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    return text


def _strict(data: bytes, encoding: str, reason: str) -> str:
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as err:
        raise ExtractionError(reason) from err


def short_error(err: BaseException) -> str:
    """A one-line description of a library error for a reason string.

    Cut before any quoted bytes (pypdf quotes raw file content, which may be note text) and
    bounded in length, since the reason is stored and shown in the Sources page.
    """
    text = " ".join(str(err).split())
    for marker in (" b'", ' b"', "(b'", '(b"'):
        if marker in text:
            text = text[: text.index(marker)].rstrip(" :@(")
    return text[:100] if text else type(err).__name__


def valid_text(doc: ExtractedDoc) -> ExtractedDoc:
    """``doc`` with lone surrogates (a PDF's broken UTF-16 text, say) replaced: the store and
    the tokenizer take valid Unicode only, and one such character used to fail a whole batch."""
    def ok(text: str) -> bool:
        if text.isascii():
            return True
        try:
            text.encode("utf-8")
        except UnicodeEncodeError:
            return False
        return True

    def fix(text: str) -> str:
        return text if ok(text) else text.encode("utf-8", "replace").decode("utf-8")

    if ok(doc.title) and ok(doc.text) and all(ok(h.title) for h in doc.headings):
        return doc
    return dataclasses.replace(doc, title=fix(doc.title), text=fix(doc.text),
                               headings=tuple(dataclasses.replace(h, title=fix(h.title)) for h in doc.headings))
