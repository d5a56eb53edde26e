"""Encrypted folder snapshots: round trip, tamper detection, crash safety, safe extraction."""

from __future__ import annotations

import io
import json
import os
import struct
import tarfile
from pathlib import Path

import pytest

from secondme import crypto
from secondme.errors import SnapshotCorrupt
from secondme.index import snapshot
from secondme.index.snapshot import seal_dir, unseal

KEY = bytes(range(32))
AD = b"test/snapshot"
SECRET = b"canary-plaintext-7f3a9"


def _make_tree(root: Path, big: int = 2_500_000) -> None:
    (root / "a" / "b").mkdir(parents=True)
    (root / "empty-dir").mkdir()
    (root / "a" / "b" / "note.txt").write_bytes(b"hello " + SECRET)
    (root / "empty.bin").write_bytes(b"")
    # Larger than one 1 MiB frame so the stream has several frames.
    (root / "big.bin").write_bytes(os.urandom(big))


def _tree(root: Path) -> dict[str, bytes | None]:
    out: dict[str, bytes | None] = {}
    for p in sorted(root.rglob("*")):
        out[str(p.relative_to(root))] = p.read_bytes() if p.is_file() else None
    return out


@pytest.fixture()
def sealed(tmp_path: Path) -> tuple[Path, Path]:
    src = tmp_path / "src"
    src.mkdir()
    _make_tree(src)
    dest = tmp_path / "store" / "snap"
    seal_dir(src, dest, KEY, AD, {"watermark": 41, "note": "x"})
    return src, dest


def test_round_trip(sealed: tuple[Path, Path], tmp_path: Path) -> None:
    src, dest = sealed
    meta = unseal(dest, tmp_path / "out", KEY, AD)
    assert meta == {"watermark": 41, "note": "x"}
    assert _tree(tmp_path / "out") == _tree(src)
    assert (tmp_path / "out").stat().st_mode & 0o077 == 0


def test_nothing_readable_at_rest(sealed: tuple[Path, Path]) -> None:
    _, dest = sealed
    data = dest.read_bytes()
    for needle in (SECRET, b"watermark", b"note.txt", b"snapshot.json", b"ustar"):
        assert needle not in data
    assert [p.name for p in dest.parent.iterdir()] == ["snap"]  # no temp files left behind


@pytest.mark.parametrize("where", [0, 9, 20, 30, 1000, -17, -1])
def test_tampered_byte(sealed: tuple[Path, Path], tmp_path: Path, where: int) -> None:
    _, dest = sealed
    data = bytearray(dest.read_bytes())
    data[where] ^= 0x40
    dest.write_bytes(bytes(data))
    with pytest.raises(SnapshotCorrupt):
        unseal(dest, tmp_path / "out", KEY, AD)
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize("keep", [0, 5, 15, 19, 4000, 1_100_000, -16, -1])
def test_truncated(sealed: tuple[Path, Path], tmp_path: Path, keep: int) -> None:
    _, dest = sealed
    data = dest.read_bytes()
    dest.write_bytes(data[:keep] if keep >= 0 else data[: len(data) + keep])
    with pytest.raises(SnapshotCorrupt):
        unseal(dest, tmp_path / "out", KEY, AD)
    assert not (tmp_path / "out").exists()


def test_trailing_data(sealed: tuple[Path, Path], tmp_path: Path) -> None:
    _, dest = sealed
    dest.write_bytes(dest.read_bytes() + b"\0")
    with pytest.raises(SnapshotCorrupt):
        unseal(dest, tmp_path / "out", KEY, AD)
    assert not (tmp_path / "out").exists()


def test_wrong_key_and_wrong_ad(sealed: tuple[Path, Path], tmp_path: Path) -> None:
    _, dest = sealed
    with pytest.raises(SnapshotCorrupt):
        unseal(dest, tmp_path / "o1", bytes(32), AD)
    with pytest.raises(SnapshotCorrupt):
        unseal(dest, tmp_path / "o2", KEY, b"other/ad")
    assert not (tmp_path / "o1").exists() and not (tmp_path / "o2").exists()


def _frames(data: bytes) -> tuple[bytes, list[bytes]]:
    head_len = len(crypto.STREAM_MAGIC) + 7
    head, rest, frames = data[:head_len], data[head_len:], []
    while rest:
        (n,) = struct.unpack(">I", rest[:4])
        frames.append(rest[: 4 + n])
        rest = rest[4 + n :]
    return head, frames


def test_swapped_and_dropped_frames(sealed: tuple[Path, Path], tmp_path: Path) -> None:
    _, dest = sealed
    head, frames = _frames(dest.read_bytes())
    assert len(frames) >= 3
    variants = {
        "swap": [frames[1], frames[0], *frames[2:]],
        "drop-middle": [frames[0], *frames[2:]],
        "drop-last": frames[:-1],
        "duplicate": [frames[0], *frames],
    }
    for name, fr in variants.items():
        dest.write_bytes(head + b"".join(fr))
        with pytest.raises(SnapshotCorrupt):
            unseal(dest, tmp_path / name, KEY, AD)
        assert not (tmp_path / name).exists(), name


def test_crash_during_seal_keeps_previous(
    sealed: tuple[Path, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    src, dest = sealed
    before = dest.read_bytes()

    class Boom(crypto.StreamWriter):
        written = 0

        def write(self, data: bytes) -> int:
            Boom.written += len(data)
            if Boom.written > 1_500_000:
                raise OSError("simulated crash")
            return super().write(data)

    monkeypatch.setattr(snapshot, "StreamWriter", Boom)
    (src / "a" / "new.txt").write_text("newer")
    with pytest.raises(OSError, match="simulated"):
        seal_dir(src, dest, KEY, AD, {"watermark": 99})
    assert dest.read_bytes() == before
    assert [p.name for p in dest.parent.iterdir()] == ["snap"]
    assert unseal(dest, tmp_path / "out", KEY, AD)["watermark"] == 41


def _hostile_snapshot(dest: Path, member: tarfile.TarInfo, payload: bytes = b"x") -> None:
    with open(dest, "wb") as raw:
        w = crypto.StreamWriter(KEY, raw, AD)
        with tarfile.open(fileobj=w, mode="w|") as tar:  # type: ignore[call-overload]
            header = json.dumps({"format": snapshot.SNAPSHOT_FORMAT, "meta": {}}).encode()
            info = tarfile.TarInfo(snapshot.HEADER_NAME)
            info.size = len(header)
            tar.addfile(info, io.BytesIO(header))
            d = tarfile.TarInfo("data")
            d.type = tarfile.DIRTYPE
            tar.addfile(d)
            if member.isreg():
                member.size = len(payload)
                tar.addfile(member, io.BytesIO(payload))
            else:
                tar.addfile(member)
        w.close()


def _member(name: str, kind: bytes = tarfile.REGTYPE, link: str = "") -> tarfile.TarInfo:
    info = tarfile.TarInfo(name)
    info.type = kind
    info.linkname = link
    return info


@pytest.mark.parametrize(
    "member",
    [
        _member("/etc/evil"),
        _member("data/../evil"),
        _member("data/a/../../evil"),
        _member("../evil"),
        _member("other/file"),
        _member("data/link", tarfile.SYMTYPE, "/etc/passwd"),
        _member("data/hard", tarfile.LNKTYPE, "data/x"),
        _member("data/dev", tarfile.CHRTYPE),
        _member("data/fifo", tarfile.FIFOTYPE),
    ],
    ids=lambda m: f"{m.name}:{m.type!r}",
)
def test_unsafe_members_refused(tmp_path: Path, member: tarfile.TarInfo) -> None:
    dest = tmp_path / "snap"
    _hostile_snapshot(dest, member)
    box = tmp_path / "box"
    box.mkdir()
    with pytest.raises(SnapshotCorrupt):
        unseal(dest, box / "out", KEY, AD)
    assert list(box.iterdir()) == []
    assert not (tmp_path / "evil").exists()


def test_missing_header_refused(tmp_path: Path) -> None:
    dest = tmp_path / "snap"
    with open(dest, "wb") as raw:
        w = crypto.StreamWriter(KEY, raw, AD)
        with tarfile.open(fileobj=w, mode="w|") as tar:  # type: ignore[call-overload]
            info = tarfile.TarInfo("data")
            info.type = tarfile.DIRTYPE
            tar.addfile(info)
        w.close()
    with pytest.raises(SnapshotCorrupt):
        unseal(dest, tmp_path / "out", KEY, AD)
    assert not (tmp_path / "out").exists()


def test_reseal_replaces(sealed: tuple[Path, Path], tmp_path: Path) -> None:
    src, dest = sealed
    (src / "big.bin").unlink()
    seal_dir(src, dest, KEY, AD, {"watermark": 42})
    assert unseal(dest, tmp_path / "out", KEY, AD) == {"watermark": 42}
    assert not (tmp_path / "out" / "big.bin").exists()
