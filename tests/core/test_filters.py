"""Which files get indexed (the one ignore policy, its suffixes from the format registry), the
size limit checked once by the reader, and a walk that survives loops, odd files and unreadable
folders."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from secondme.errors import FileTooLarge
from secondme.ingest import FORMATS, SUPPORTED_SUFFIXES, IgnorePolicy, read_note

LIMIT = 20 * 1024 * 1024
POLICY = IgnorePolicy(LIMIT)


def should_skip(path: Path, root: Path) -> str | None:
    return POLICY.file_reason(path, root)


def walk_notes(root: Path) -> list[Path]:
    return list(POLICY.walk(root))


def touch(path: Path, text: str = "note") -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def test_supported_suffixes() -> None:
    assert {".md", ".markdown", ".txt", ".org", ".rst", ".html", ".htm", ".pdf", ".docx"} == set(
        SUPPORTED_SUFFIXES
    )
    # One registry: every suffix belongs to exactly one format, every format name is distinct.
    owners = [s for f in FORMATS for s in f.suffixes]
    assert len(owners) == len(set(owners)) == len(SUPPORTED_SUFFIXES)
    assert len({f.name for f in FORMATS}) == len(FORMATS)


def test_plain_notes_are_indexed(tmp_path: Path) -> None:
    for name in ("a.md", "b.TXT", "deep/er/c.org", "d.Markdown", "e.htm", "f.rst"):
        assert should_skip(touch(tmp_path / name), tmp_path) is None, name


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        (".hidden.md", "hidden file"),
        (".obsidian/workspace.md", "hidden folder"),
        ("a/.git/notes.md", "hidden folder"),
        ("node_modules/pkg/readme.md", "ignored folder"),
        ("x/__pycache__/y.txt", "ignored folder"),
        ("photo.jpg", "unsupported file type"),
        ("Makefile", "unsupported file type"),
        ("~$report.docx", "temporary file"),
    ],
)
def test_ignored_names(tmp_path: Path, name: str, expected: str) -> None:
    assert should_skip(touch(tmp_path / name), tmp_path) == expected


def test_hidden_root_itself_is_fine(tmp_path: Path) -> None:
    root = tmp_path / ".notes"
    assert should_skip(touch(root / "a.md"), root) is None


def test_size_limit_is_the_readers(tmp_path: Path) -> None:
    path = touch(tmp_path / "big.md", "x" * 2048)
    assert read_note(path, 2048).data == b"x" * 2048
    with pytest.raises(FileTooLarge, match=r"^larger than the 2047 bytes limit$"):
        read_note(path, 2047)
    assert IgnorePolicy(2047).size_reason(2048) == "larger than the 2047 bytes limit"
    assert IgnorePolicy(2048).size_reason(2048) is None
    big = tmp_path / "huge.md"
    with big.open("wb") as handle:
        handle.truncate(21 * 1024 * 1024)  # sparse: costs no disk
    with pytest.raises(FileTooLarge, match=r"^larger than the 20 MB limit$"):
        read_note(big, LIMIT)
    # An oversized note is not ignored: the walk yields it so that it is reported.
    assert should_skip(big, tmp_path) is None
    assert big in walk_notes(tmp_path)


def test_symlinks(tmp_path: Path) -> None:
    root = tmp_path / "root"
    outside = touch(tmp_path / "outside.md")
    inside = touch(root / "real.md")
    (root / "in-link.md").symlink_to(inside)
    (root / "out-link.md").symlink_to(outside)
    (root / "broken.md").symlink_to(root / "missing.md")
    (root / "loop-a.md").symlink_to(root / "loop-b.md")
    (root / "loop-b.md").symlink_to(root / "loop-a.md")
    assert should_skip(root / "in-link.md", root) is None
    assert should_skip(root / "out-link.md", root) == "symlink points outside the folder"
    assert should_skip(root / "broken.md", root) == "broken symlink"
    assert should_skip(root / "loop-a.md", root) == "symlink loop"


def test_non_regular_files(tmp_path: Path) -> None:
    (tmp_path / "dir.md").mkdir()
    assert should_skip(tmp_path / "dir.md", tmp_path) == "not a regular file"
    if hasattr(os, "mkfifo"):
        os.mkfifo(tmp_path / "pipe.md")
        assert should_skip(tmp_path / "pipe.md", tmp_path) == "not a regular file"


def test_vanished_and_outside(tmp_path: Path) -> None:
    assert should_skip(tmp_path / "gone.md", tmp_path) == "file vanished"
    assert should_skip(Path("/etc/hosts.md"), tmp_path) == "outside the watched folder"


def test_walk_finds_notes_in_order_and_prunes(tmp_path: Path) -> None:
    root = tmp_path / "notes"
    wanted = [
        touch(root / "b.md"),
        touch(root / "a.txt"),
        touch(root / "journal" / "2024" / "jan.md"),
        touch(root / "journal" / "feb.org"),
        touch(root / "z" / "page.html"),
    ]
    touch(root / ".git" / "HEAD.md")
    touch(root / "node_modules" / "x" / "readme.md")
    touch(root / ".trash" / "old.md")
    touch(root / "image.png")
    found = walk_notes(root)
    assert sorted(found) == sorted(wanted)
    assert found == walk_notes(root)  # deterministic
    assert found[:2] == [root / "a.txt", root / "b.md"]


def test_walk_does_not_follow_symlinked_folders(tmp_path: Path) -> None:
    root = tmp_path / "notes"
    note = touch(root / "sub" / "n.md")
    outside = tmp_path / "elsewhere"
    touch(outside / "private.md")
    (root / "sub" / "loop").symlink_to(root, target_is_directory=True)
    (root / "self").symlink_to(root / "sub", target_is_directory=True)
    (root / "out").symlink_to(outside, target_is_directory=True)
    assert walk_notes(root) == [note]


def test_walk_skips_unreadable_folders(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = tmp_path / "notes"
    keep = touch(root / "ok" / "a.md")
    touch(root / "locked" / "b.md")
    real_scandir = os.scandir

    # Root ignores permission bits, so the refusal is simulated where the OS would raise it.
    def scandir(path: str | os.PathLike[str]) -> object:
        if Path(path).name == "locked":
            raise PermissionError(13, "Permission denied")
        return real_scandir(path)

    monkeypatch.setattr(os, "scandir", scandir)
    assert walk_notes(root) == [keep]


def test_walk_of_missing_root_is_empty(tmp_path: Path) -> None:
    assert walk_notes(tmp_path / "missing") == []
