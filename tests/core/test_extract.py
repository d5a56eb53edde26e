"""Extraction of every supported format from real files, and of hostile files."""

from __future__ import annotations

import dataclasses
import importlib
import io
import json
import os
import random
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest

from secondme.errors import ExtractionError, UnsupportedFile, UserError
from secondme.ingest import chunk_document, extract
from secondme.ingest.formats import docx as docx_format

MB = 1024 * 1024
LIMIT = 20 * MB


def make_text_pdf(path: Path, pages: list[str], title: str | None = None) -> None:
    """Write a minimal valid PDF whose pages show the given lines in Helvetica."""
    objects: list[bytes] = []
    page_ids = [4 + 2 * i for i in range(len(pages))]
    objects.append(b"<< /Type /Catalog /Pages 2 0 R >>")
    kids = " ".join(f"{pid} 0 R" for pid in page_ids).encode()
    objects.append(b"<< /Type /Pages /Kids [" + kids + b"] /Count %d >>" % len(pages))
    objects.append(b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>")
    for index, page in enumerate(pages):
        content_id = page_ids[index] + 1
        objects.append(
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] "
            b"/Resources << /Font << /F1 3 0 R >> >> /Contents %d 0 R >>" % content_id
        )
        ops = [b"BT", b"/F1 12 Tf", b"14 TL", b"72 720 Td"]
        for line in page.split("\n"):
            escaped = line.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")
            ops.append(b"(" + escaped.encode("latin-1") + b") Tj T*")
        ops.append(b"ET")
        stream = b"\n".join(ops)
        objects.append(b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream")
    info_id = None
    if title is not None:
        objects.append(b"<< /Title (" + title.encode("latin-1") + b") >>")
        info_id = len(objects)
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n" % number + body + b"\nendobj\n")
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    for offset in offsets:
        out.write(b"%010d 00000 n \n" % offset)
    trailer = b"<< /Size %d /Root 1 0 R" % (len(objects) + 1)
    if info_id:
        trailer += b" /Info %d 0 R" % info_id
    out.write(b"trailer\n" + trailer + b" >>\nstartxref\n%d\n%%%%EOF\n" % xref)
    path.write_bytes(out.getvalue())


def make_docx(path: Path) -> None:
    import docx

    document = docx.Document()
    document.core_properties.title = "Garden plan"
    document.add_heading("Projects", level=1)
    document.add_paragraph("Overview of what grows where.")
    document.add_heading("Garden", level=2)
    document.add_paragraph("Plant the Thornfield tomatoes by the south wall.")
    table = document.add_table(rows=2, cols=2)
    table.cell(0, 0).text = "Bed"
    table.cell(0, 1).text = "Crop"
    table.cell(1, 0).text = "North"
    table.cell(1, 1).text = "Kale"
    document.add_heading("Tools", level=1)
    document.add_paragraph("Borrow the rotavator from Maelle.")
    document.save(str(path))


def reason(path: Path, max_bytes: int = LIMIT) -> str:
    with pytest.raises(ExtractionError) as info:
        extract(path, max_bytes)
    return str(info.value)


# --- text formats -------------------------------------------------------------------------


def test_markdown_front_matter_headings_and_line_mapping(tmp_path: Path) -> None:
    path = tmp_path / "garden.md"
    path.write_text(
        "---\n"
        'title: "Garden: notes"\n'
        "date: 2024-03-01\n"
        "tags: [garden, plants]\n"
        "aliases:\n"
        "  - veg\n"
        "---\n"
        "# Garden\n"
        "\n"
        "Intro.\n"
        "\n"
        "```sh\n"
        "# not a heading\n"
        "```\n"
        "\n"
        "Tomatoes\n"
        "--------\n"
        "\n"
        "## Beans ##\n"
        "#hashtag is not a heading\n",
        encoding="utf-8",
    )
    doc = extract(path, LIMIT)
    assert doc.format == "markdown"
    assert doc.title == "Garden: notes"
    assert doc.front_matter == {
        "title": "Garden: notes",
        "date": "2024-03-01",
        "tags": "garden, plants",
        "aliases": "veg",
    }
    assert "title:" not in doc.text
    assert [(h.level, h.title) for h in doc.headings] == [(1, "Garden"), (2, "Tomatoes"), (2, "Beans")]
    source = path.read_text(encoding="utf-8").split("\n")
    for heading in doc.headings:
        assert heading.title in source[doc.source_line(heading.line) - 1]
    assert doc.source_line(doc.headings[0].line) == 8


def test_markdown_title_falls_back_to_h1_then_stem(tmp_path: Path) -> None:
    (tmp_path / "a.md").write_text("text\n\n# First\n", encoding="utf-8")
    (tmp_path / "b.md").write_text("no headings\n", encoding="utf-8")
    assert extract(tmp_path / "a.md", LIMIT).title == "First"
    assert extract(tmp_path / "b.md", LIMIT).title == "b"


def test_unterminated_front_matter_is_body(tmp_path: Path) -> None:
    path = tmp_path / "rule.md"
    path.write_text("---\nnot: front matter\n\nbody\n", encoding="utf-8")
    doc = extract(path, LIMIT)
    assert doc.front_matter == {}
    assert doc.text.startswith("---")


def test_text_newlines_and_boms(tmp_path: Path) -> None:
    crlf = tmp_path / "crlf.txt"
    crlf.write_bytes(b"one\r\ntwo\rthree\n")
    assert extract(crlf, LIMIT).text == "one\ntwo\nthree\n"
    assert extract(crlf, LIMIT).title == "crlf"
    bom = tmp_path / "bom.md"
    bom.write_bytes(b"\xef\xbb\xbf# Caf\xc3\xa9\n")
    assert extract(bom, LIMIT).headings[0].title == "Café"
    utf16 = tmp_path / "utf16.txt"
    utf16.write_bytes("Grüße aus Kraków\r\nzweite Zeile".encode("utf-16"))
    assert extract(utf16, LIMIT).text == "Grüße aus Kraków\nzweite Zeile"


def test_legacy_cp1252_text_is_decoded(tmp_path: Path) -> None:
    path = tmp_path / "old.txt"
    path.write_bytes("Café crème – déjà vu".encode("cp1252"))
    assert extract(path, LIMIT).text == "Café crème – déjà vu"


def test_invalid_utf8_with_mostly_high_bytes_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "shiftjis.txt"
    path.write_bytes("日本語のメモ、買い物リスト".encode("shift_jis"))
    assert reason(path) == "not valid UTF-8 text"


def test_random_bytes_named_md_are_binary(tmp_path: Path) -> None:
    path = tmp_path / "random.md"
    path.write_bytes(random.Random(0).randbytes(4096))
    assert reason(path) == "binary file"


def test_control_characters_mean_binary(tmp_path: Path) -> None:
    path = tmp_path / "ctrl.txt"
    path.write_bytes(b"abc\x01\x02\x03\x04\x05\x06" * 50)
    assert reason(path) == "binary file"


def test_org(tmp_path: Path) -> None:
    path = tmp_path / "plan.org"
    path.write_text(
        "#+TITLE: Weekly plan\n#+FILETAGS: :work:\n\n* TODO [#A] Call Orrin :phone:\n"
        "text\n#+BEGIN_SRC python\n* not a heading\n#+END_SRC\n** Sub item\n",
        encoding="utf-8",
    )
    doc = extract(path, LIMIT)
    assert doc.format == "org"
    assert doc.title == "Weekly plan"
    assert doc.front_matter["filetags"] == ":work:"
    assert [(h.line, h.level, h.title) for h in doc.headings] == [
        (4, 1, "Call Orrin"),
        (9, 2, "Sub item"),
    ]


def test_rst(tmp_path: Path) -> None:
    path = tmp_path / "doc.rst"
    path.write_text(
        "=======\nManual\n=======\n\nIntro.\n\nInstall\n-------\n\nSteps.\n\nUsage\n-----\n\n"
        "Details\n~~~~~~~\n\nMore.\n\n----------\n\nAfter a transition.\n",
        encoding="utf-8",
    )
    doc = extract(path, LIMIT)
    assert doc.title == "Manual"
    assert [(h.level, h.title, h.span) for h in doc.headings] == [
        (1, "Manual", 3),
        (2, "Install", 2),
        (2, "Usage", 2),
        (3, "Details", 2),
    ]


def test_html_drops_scripts_and_keeps_headings(tmp_path: Path) -> None:
    path = tmp_path / "page.html"
    path.write_text(
        "<!doctype html>\n<html><head><title>Trip &amp; notes</title>\n"
        "<style>body { color: red }</style>\n<script>var secret = 1;</script></head>\n"
        "<body>\n<h1>Lisbon</h1>\n<p>We ate <b>pastéis</b>\nby the river.</p>\n"
        "<h2>Day two</h2><ul><li>Tram 28</li><li>Alfama</li></ul>\n"
        "<pre>line one\n  line two</pre>\n</body></html>\n",
        encoding="utf-8",
    )
    doc = extract(path, LIMIT)
    assert doc.title == "Trip & notes"
    assert "secret" not in doc.text and "color" not in doc.text
    assert "We ate pastéis by the river." in doc.text
    assert "  line two" in doc.text
    assert [(h.level, h.title) for h in doc.headings] == [(1, "Lisbon"), (2, "Day two")]
    lines = doc.text.split("\n")
    assert lines[doc.headings[1].line - 1] == "Day two"
    assert doc.source_line(doc.headings[0].line) == 6
    assert doc.source_line(lines.index("Tram 28") + 1) == 9


# --- PDF ----------------------------------------------------------------------------------


def test_pdf_with_text(tmp_path: Path) -> None:
    path = tmp_path / "report.pdf"
    make_text_pdf(path, ["Hello Thornfield\nSecond line", "Page two mentions Kestrel"], "Report")
    doc = extract(path, LIMIT)
    assert doc.format == "pdf" and doc.source_unit == "page"
    assert doc.title == "Report"
    assert "Hello Thornfield" in doc.text and "Kestrel" in doc.text
    lines = doc.text.split("\n")
    kestrel = next(i for i, line in enumerate(lines, 1) if "Kestrel" in line)
    assert doc.source_line(kestrel) == 2
    assert doc.source_line(1) == 1


def test_blank_pdf_is_empty(tmp_path: Path) -> None:
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(width=612, height=792)
    path = tmp_path / "blank.pdf"
    with path.open("wb") as handle:
        writer.write(handle)
    assert reason(path) == "empty PDF (no text)"


def test_corrupt_and_truncated_pdfs(tmp_path: Path) -> None:
    garbage = tmp_path / "garbage.pdf"
    garbage.write_bytes(b"%PDF-1.4\n" + random.Random(1).randbytes(2000))
    assert reason(garbage).startswith(("corrupt PDF", "empty PDF"))
    notpdf = tmp_path / "notpdf.pdf"
    notpdf.write_text("just text", encoding="utf-8")
    assert reason(notpdf).startswith("corrupt PDF")
    good = tmp_path / "good.pdf"
    make_text_pdf(good, ["Some words here"])
    data = good.read_bytes()
    for cut in (len(data) // 3, len(data) // 2, len(data) - 30):
        truncated = tmp_path / f"cut{cut}.pdf"
        truncated.write_bytes(data[:cut])
        try:
            doc = extract(truncated, LIMIT)  # pypdf may recover; then the text is there
        except ExtractionError as err:
            assert str(err).startswith(("corrupt PDF", "empty PDF"))
        else:
            assert "Some words" in doc.text


def test_encrypted_pdf(tmp_path: Path) -> None:
    from pypdf import PdfReader, PdfWriter

    source = tmp_path / "plain.pdf"
    make_text_pdf(source, ["Secret plans"])
    for password, name in (("hunter2", "locked.pdf"), ("", "open.pdf")):
        writer = PdfWriter(clone_from=PdfReader(source))
        writer.encrypt(user_password=password, owner_password="owner", algorithm="RC4-128")
        with (tmp_path / name).open("wb") as handle:
            writer.write(handle)
    assert reason(tmp_path / "locked.pdf") == "encrypted PDF (password required)"
    assert "Secret plans" in extract(tmp_path / "open.pdf", LIMIT).text


# --- DOCX ---------------------------------------------------------------------------------


def test_docx_headings_paragraphs_and_tables(tmp_path: Path) -> None:
    path = tmp_path / "plan.docx"
    make_docx(path)
    doc = extract(path, LIMIT)
    assert doc.format == "docx" and doc.source_unit == "paragraph"
    assert doc.title == "Garden plan"
    assert [(h.level, h.title) for h in doc.headings] == [
        (1, "Projects"),
        (2, "Garden"),
        (1, "Tools"),
    ]
    assert "Bed | Crop" in doc.text and "North | Kale" in doc.text
    lines = doc.text.split("\n")
    thornfield = next(i for i, line in enumerate(lines, 1) if "Thornfield" in line)
    assert doc.source_line(thornfield) == 4  # fourth body block: heading, para, heading, para
    chunks = chunk_document(doc)
    assert len(chunks) == 1 and "Thornfield" in chunks[0].text


def test_corrupt_docx(tmp_path: Path) -> None:
    garbage = tmp_path / "garbage.docx"
    garbage.write_bytes(random.Random(2).randbytes(3000))
    assert reason(garbage).startswith("corrupt DOCX")
    not_word = tmp_path / "other.docx"
    with zipfile.ZipFile(not_word, "w") as archive:
        archive.writestr("hello.txt", "hi")
    assert reason(not_word).startswith("corrupt DOCX")
    good = tmp_path / "good.docx"
    make_docx(good)
    truncated = tmp_path / "truncated.docx"
    truncated.write_bytes(good.read_bytes()[:-200])
    assert reason(truncated).startswith("corrupt DOCX")
    bad_xml = tmp_path / "badxml.docx"
    with zipfile.ZipFile(good) as source, zipfile.ZipFile(bad_xml, "w") as target:
        for info in source.infolist():
            data = source.read(info)
            if info.filename == "word/document.xml":
                data = data[: len(data) // 2]
            target.writestr(info, data)
    assert reason(bad_xml).startswith("corrupt DOCX")


def test_zip_bomb_docx_is_refused_before_parsing(tmp_path: Path) -> None:
    path = tmp_path / "bomb.docx"
    block = b"<w:p><w:r><w:t>aaaa</w:t></w:r></w:p>" * 30_000  # ~1.1 MB
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        with archive.open("word/document.xml", "w") as member:
            written = 0
            while written <= docx_format.MAX_DOCUMENT_XML_BYTES:
                member.write(block)
                written += len(block)
    assert path.stat().st_size < MB  # tiny on disk, huge inflated
    started = time.perf_counter()
    assert "zip bomb" in reason(path)
    assert time.perf_counter() - started < 2


# --- reading failures ---------------------------------------------------------------------


@pytest.mark.slow
def test_size_limit_and_huge_single_line(tmp_path: Path) -> None:
    path = tmp_path / "huge.txt"
    word = b"lorem ipsum dolor sit amet "
    with path.open("wb") as handle:
        for _ in range(50 * MB // (len(word) * 10_000) + 1):
            handle.write(word * 10_000)
    assert path.stat().st_size >= 50 * MB
    assert reason(path, LIMIT) == "larger than the 20 MB limit"

    # Measured in a child process: its peak RSS is ours alone, and tracemalloc would slow
    # the per-word work more than tenfold. VmHWM, not ru_maxrss: a child's ru_maxrss starts at
    # the parent's RSS (the pages the fork copied), so a large test process would show through.
    code = (
        "import json, sys, time\n"
        "from pathlib import Path\n"
        "from secondme.ingest import chunk_document, extract\n"
        "started = time.perf_counter()\n"
        "doc = extract(Path(sys.argv[1]), 64 * 1024 * 1024)\n"
        "chunks = chunk_document(doc)\n"
        "print(json.dumps({'seconds': time.perf_counter() - started,\n"
        "    'rss_mb': int(next(l for l in open('/proc/self/status') if l.startswith('VmHWM')).split()[1]) / 1024,\n"
        "    'newlines': doc.text.count('\\n'), 'chunks': len(chunks),\n"
        "    'words': sum(c.word_count for c in chunks),\n"
        "    'max_words': max(c.word_count for c in chunks),\n"
        "    'lines': sorted({(c.line_start, c.line_end) for c in chunks})}))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code, str(path)], capture_output=True, text=True, timeout=300, check=True
    )
    stats = json.loads(result.stdout)
    assert stats["newlines"] == 0
    assert stats["max_words"] <= 320
    assert stats["lines"] == [[1, 1]]
    assert stats["words"] >= 50 * MB // 6
    # Bounded, not small: the words of a 50 MB line are Python strings while it is chunked.
    assert stats["rss_mb"] < 1024, stats["rss_mb"]
    assert stats["seconds"] < 60, stats["seconds"]


def test_file_that_is_a_directory_or_fifo(tmp_path: Path) -> None:
    folder = tmp_path / "x.md"
    folder.mkdir()
    assert reason(folder) == "not a regular file"
    if hasattr(os, "mkfifo"):
        fifo = tmp_path / "pipe.md"
        os.mkfifo(fifo)
        started = time.perf_counter()
        assert reason(fifo) == "not a regular file"
        assert time.perf_counter() - started < 2  # did not block waiting for a writer


def test_vanished_file(tmp_path: Path) -> None:
    assert reason(tmp_path / "gone.md") == "file vanished while reading"


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() == 0, reason="root reads 000 files")
def test_unreadable_file_real_permissions(tmp_path: Path) -> None:
    path = tmp_path / "secret.md"
    path.write_text("hidden", encoding="utf-8")
    path.chmod(0)
    try:
        assert reason(path) == "permission denied"
    finally:
        path.chmod(0o600)


def test_permission_error_is_mapped(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # Tests run as root in CI, where chmod 000 does not stop reads; simulate the OS refusing.
    path = tmp_path / "secret.md"
    path.write_text("hidden", encoding="utf-8")
    real_open = os.open

    def refusing_open(file: object, flags: int, *args: object, **kwargs: object) -> int:
        if str(file) == str(path):
            raise PermissionError(13, "Permission denied")
        return real_open(file, flags, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(os, "open", refusing_open)
    assert reason(path) == "permission denied"


def test_unsupported_suffix(tmp_path: Path) -> None:
    path = tmp_path / "image.png"
    path.write_bytes(b"\x89PNG")
    with pytest.raises(UnsupportedFile):
        extract(path, LIMIT)
    assert issubclass(UnsupportedFile, UserError)


def test_unexpected_parser_errors_are_wrapped(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    registry = importlib.import_module("secondme.ingest.registry")
    markdown = registry.format_for(Path("x.md"))

    path = tmp_path / "note.md"
    path.write_text("# hi\n", encoding="utf-8")

    def parser_raising(exc: BaseException) -> None:
        def extract_raising(data: bytes, stem: str) -> None:
            raise exc
        monkeypatch.setitem(registry._BY_SUFFIX, ".md", dataclasses.replace(markdown, extract=extract_raising))

    parser_raising(ValueError("boom"))
    assert reason(path).startswith("could not parse file")

    parser_raising(MemoryError())
    with pytest.raises(MemoryError):
        extract(path, LIMIT)

    parser_raising(KeyboardInterrupt())
    with pytest.raises(KeyboardInterrupt):
        extract(path, LIMIT)


def test_empty_files(tmp_path: Path) -> None:
    for name in ("empty.md", "empty.txt", "empty.org", "empty.rst", "empty.html"):
        (tmp_path / name).write_bytes(b"")
        doc = extract(tmp_path / name, LIMIT)
        assert doc.text == "" and chunk_document(doc) == []


def test_mutated_pdfs_and_docx_fail_only_with_extraction_error(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    make_text_pdf(tmp_path / "good.pdf", ["Hello world", "page two"], "T")
    make_docx(tmp_path / "good.docx")
    rng = random.Random(0)
    caplog.set_level("DEBUG")
    outcomes: set[str] = set()
    for name in ("good.pdf", "good.docx"):
        original = (tmp_path / name).read_bytes()
        for index in range(60):
            data = bytearray(original)
            for _ in range(rng.randint(1, 20)):
                data[rng.randrange(len(data))] = rng.randrange(256)
            if rng.random() < 0.3:
                data = data[: rng.randrange(len(data))]
            path = tmp_path / f"mutant{index}{Path(name).suffix}"
            path.write_bytes(bytes(data))
            try:
                chunk_document(extract(path, LIMIT))
                outcomes.add("ok")
            except ExtractionError as err:
                outcomes.add(str(err).split(":")[0])
                assert len(str(err)) < 160 and "b'" not in str(err)
    assert outcomes >= {"corrupt PDF", "corrupt DOCX"}
    # pypdf quotes raw file bytes in its warnings: they must not reach logs above DEBUG.
    assert not [r for r in caplog.records if r.name.startswith("pypdf") and r.levelno > 10]
