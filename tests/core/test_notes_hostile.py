"""A folder of hostile files is indexed without a crash; each bad file has a reason."""

from __future__ import annotations

import io
import os
import zipfile
from pathlib import Path

from secondme.app import SecondMe
from tests.core.conftest import write


def make_hostile(root: Path) -> dict[str, Path]:
    root.mkdir(parents=True, exist_ok=True)
    rnd = root / "random.md"
    rnd.write_bytes(os.urandom(4096))
    bad_utf8 = root / "bad.txt"
    bad_utf8.write_bytes(b"caf\xe9 \xff\xfe\x00 broken" * 20)
    huge = root / "huge.md"
    with open(huge, "wb") as fh:
        fh.write(b"x" * (50 * 1024 * 1024))  # a 50 MB single line
    empty_pdf = root / "empty.pdf"
    empty_pdf.write_bytes(b"")
    corrupt_docx = root / "corrupt.docx"
    corrupt_docx.write_bytes(b"PK\x03\x04 this is not really a zip")
    bomb = root / "bomb.docx"
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("word/document.xml", "<w:document>" + "A" * (300 * 1024 * 1024) + "</w:document>")
    bomb.write_bytes(buf.getvalue())
    loop = root / "loop"
    loop.symlink_to(root, target_is_directory=True)
    fifo = root / "pipe.md"
    os.mkfifo(fifo)
    return {"random": rnd, "bad_utf8": bad_utf8, "huge": huge, "empty_pdf": empty_pdf,
            "corrupt_docx": corrupt_docx, "bomb": bomb}


def test_hostile_folder(notes_ctx: SecondMe, tmp_path: Path) -> None:
    root = tmp_path / "hostile"
    bad = make_hostile(root)
    good = write(root / "good.md", "# Fine\nThe quokka census on Rottnest Island.\n")
    unreadable = root / "locked.md"
    unreadable.write_text("secret")
    unreadable.chmod(0)
    notes_ctx.settings.max_file_bytes = 20 * 1024 * 1024
    notes_ctx.session.indexer.max_file_bytes = 20 * 1024 * 1024
    notes_ctx.notes.add_folder(str(root))
    assert notes_ctx.notes.wait_indexed(120)
    failed = {f.path: f.reason for f in notes_ctx.notes.failed_files()}
    for name, p in bad.items():
        assert str(p) in failed, f"{name} is reported"
        assert failed[str(p)].strip(), f"{name} has a reason"
    assert "limit" in failed[str(bad["huge"])]
    hits = notes_ctx.notes.search("quokka census", k=3)
    assert hits and hits[0].path == str(good)
    st = notes_ctx.notes.folders()[0]
    assert st.failed == len(failed)
