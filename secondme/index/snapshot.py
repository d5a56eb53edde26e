"""Encrypted folder snapshots: a tar stream sealed frame by frame with AES-256-GCM.

The snapshot is the only form in which the plaintext indexes touch a disk. Everything about it,
including its header (watermark, format version), is inside the encrypted stream, so a copy of
the data directory shows only its size. Both directions stream: memory use does not grow with
the size of the folder.
"""

from __future__ import annotations

import io
import json
import logging
import os
import shutil
import tarfile
from collections.abc import Iterator
from pathlib import Path, PurePosixPath
from typing import Any

from secondme.crypto import AuthenticationFailed, StreamWriter, iter_stream
from secondme.errors import SnapshotCorrupt

log = logging.getLogger("secondme.index.snapshot")

HEADER_NAME = "snapshot.json"
DATA_PREFIX = "data"
SNAPSHOT_FORMAT = 1
_MAX_HEADER_BYTES = 1 << 20
_COPY_BYTES = 1 << 20


def _fsync_dir(path: Path) -> None:
    # A rename is only durable once the directory entry itself reaches the disk.
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    except OSError:
        return  # platforms that cannot open directories (Windows) make rename durable anyway
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _scrubbed(info: tarfile.TarInfo) -> tarfile.TarInfo:
    # Owner names and ids say nothing useful inside a private snapshot; keep them out.
    info.uid = info.gid = 0
    info.uname = info.gname = ""
    return info


def _walk(src: Path) -> Iterator[tuple[Path, str]]:
    """Directories and regular files under ``src`` in a stable order, with archive names."""
    for dirpath, dirnames, filenames in os.walk(src):
        dirnames.sort()
        base = Path(dirpath)
        rel = base.relative_to(src)
        arc_dir = PurePosixPath(DATA_PREFIX, *rel.parts)
        yield base, str(arc_dir)
        for name in sorted(filenames):
            yield base / name, str(arc_dir / name)


class _EncryptingSink(io.RawIOBase):
    """The file object tarfile writes to; every byte goes through the stream cipher."""

    def __init__(self, writer: StreamWriter) -> None:
        super().__init__()
        self._writer = writer

    def writable(self) -> bool:
        return True

    def write(self, b: Any) -> int:
        return self._writer.write(bytes(b))


def seal_dir(src: Path, dest: Path, key: bytes, ad: bytes, meta: dict[str, Any],
             preamble: bytes = b"") -> None:
    """Write an encrypted snapshot of folder ``src`` to ``dest``, atomically.

    The stream is written to a temporary file beside ``dest``, synced and renamed over it, so a
    crash at any point leaves either the previous snapshot or the new one, never a mix.
    ``preamble`` goes before the stream in the clear (a backup's KDF parameters); callers bind
    it into ``ad`` so it cannot be changed unnoticed, and pass its length as ``offset`` to read.
    """
    dest.parent.mkdir(parents=True, exist_ok=True)
    header = json.dumps({"format": SNAPSHOT_FORMAT, "meta": meta}).encode("utf-8")
    tmp = dest.with_name(f".{dest.name}.{os.getpid()}.{os.urandom(4).hex()}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(fd, "wb", buffering=_COPY_BYTES) as raw:
            raw.write(preamble)
            writer = StreamWriter(key, raw, ad)
            with tarfile.open(
                fileobj=_EncryptingSink(writer),
                mode="w|",
                format=tarfile.PAX_FORMAT,
                bufsize=_COPY_BYTES,
            ) as tar:
                # The default 16 KiB copy buffer is slow for 200 MB (attribute missing in typeshed).
                tar.copybufsize = _COPY_BYTES  # type: ignore[attr-defined]
                info = _scrubbed(tarfile.TarInfo(HEADER_NAME))
                info.size = len(header)
                info.mode = 0o600
                tar.addfile(info, io.BytesIO(header))
                for path, arcname in _walk(src):
                    if path.is_symlink() or not (path.is_dir() or path.is_file()):
                        log.debug("snapshot skips non-regular entry %s", arcname)
                        continue
                    info = _scrubbed(tar.gettarinfo(str(path), arcname))
                    if info.isdir():
                        tar.addfile(info)
                    else:
                        with open(path, "rb") as fh:
                            # The size is taken from the open file: the folder must be quiet.
                            info.size = os.fstat(fh.fileno()).st_size
                            tar.addfile(info, fh)
            writer.close()
            raw.flush()
            os.fsync(raw.fileno())
        os.replace(tmp, dest)
    except BaseException:
        try:
            tmp.unlink()
        except FileNotFoundError:
            pass
        raise
    _fsync_dir(dest.parent)


class _DecryptingReader(io.RawIOBase):
    """A read-only file over the decrypted frames of a stream (one frame in memory at a time)."""

    def __init__(self, frames: Iterator[bytes]) -> None:
        super().__init__()
        self._frames = frames
        self._buf = memoryview(b"")
        self._eof = False

    def readable(self) -> bool:
        return True

    def readinto(self, b: Any) -> int:
        while not self._buf and not self._eof:
            try:
                self._buf = memoryview(next(self._frames))
            except StopIteration:
                self._eof = True
        n = min(len(b), len(self._buf))
        b[:n] = self._buf[:n]
        self._buf = self._buf[n:]
        return n

    def drain(self) -> None:
        """Read to the end so the final frame and the absence of trailing data are verified."""
        for _ in self._frames:
            pass
        self._buf = memoryview(b"")
        self._eof = True


def _safe_relpath(name: str) -> PurePosixPath | None:
    """The member's path below the data prefix, or None for the prefix itself; unsafe → raise."""
    p = PurePosixPath(name)
    if p.is_absolute() or "\\" in name or any(part in ("..", "") for part in p.parts):
        raise SnapshotCorrupt(f"snapshot member has an unsafe path: {name!r}")
    if not p.parts or p.parts[0] != DATA_PREFIX:
        raise SnapshotCorrupt(f"unexpected snapshot member: {name!r}")
    rest = p.parts[1:]
    return PurePosixPath(*rest) if rest else None


def _read_header(tar: tarfile.TarFile) -> dict[str, Any]:
    first = tar.next()
    if first is None or first.name != HEADER_NAME or not first.isfile():
        raise SnapshotCorrupt("snapshot has no header")
    if first.size > _MAX_HEADER_BYTES:
        raise SnapshotCorrupt("snapshot header too large")
    fh = tar.extractfile(first)
    assert fh is not None
    try:
        header = json.loads(fh.read().decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise SnapshotCorrupt("snapshot header is not valid JSON") from exc
    if not isinstance(header, dict) or header.get("format") != SNAPSHOT_FORMAT:
        raise SnapshotCorrupt("unsupported snapshot format")
    meta = header.get("meta")
    if not isinstance(meta, dict):
        raise SnapshotCorrupt("snapshot header has no meta")
    return meta


def _extract(tar: tarfile.TarFile, into: Path | None) -> list[str]:
    """Extract the data members into ``into`` (None: only check them); returns the files."""
    files: list[str] = []
    # next() rather than iteration: iterating a stream TarFile restarts at the header member.
    while (member := tar.next()) is not None:
        rel = _safe_relpath(member.name)
        if member.isdir():
            if into is not None and rel is not None:
                into.joinpath(*rel.parts).mkdir(mode=0o700, parents=True, exist_ok=True)
        elif member.isreg():
            if rel is None:
                raise SnapshotCorrupt("snapshot data root is not a folder")
            files.append(str(rel))
            src = tar.extractfile(member)
            assert src is not None
            if into is None:
                while src.read(_COPY_BYTES):  # the bytes must still be read to be authenticated
                    pass
                continue
            target = into.joinpath(*rel.parts)
            target.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
            fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(fd, "wb") as out:
                shutil.copyfileobj(src, out, _COPY_BYTES)
        else:
            # Links, devices and fifos never come from seal_dir; their presence means tampering.
            raise SnapshotCorrupt(f"snapshot member of forbidden type: {member.name!r}")
    return files


def _read(src: Path, into: Path | None, key: bytes, ad: bytes, offset: int) -> tuple[dict[str, Any], list[str]]:
    with open(src, "rb", buffering=_COPY_BYTES) as fh:
        fh.seek(offset)
        reader = _DecryptingReader(iter_stream(key, fh, ad))
        try:
            with tarfile.open(fileobj=reader, mode="r|", bufsize=_COPY_BYTES) as tar:
                meta = _read_header(tar)
                files = _extract(tar, into)
            reader.drain()
        except AuthenticationFailed as exc:
            raise SnapshotCorrupt(f"index snapshot does not authenticate: {exc}") from exc
        except (tarfile.TarError, EOFError) as exc:
            raise SnapshotCorrupt(f"index snapshot is malformed: {exc}") from exc
    return meta, files


def unseal(src: Path, into: Path, key: bytes, ad: bytes, offset: int = 0) -> dict[str, Any]:
    """Decrypt snapshot ``src`` into the new folder ``into`` and return its meta.

    Decryption streams straight into extraction. On any authentication failure, truncation or
    malformed content, ``into`` is removed and :class:`SnapshotCorrupt` raised; other errors
    (such as a full disk) also remove ``into`` and propagate unchanged.
    """
    into.mkdir(mode=0o700)
    try:
        return _read(src, into, key, ad, offset)[0]
    except BaseException:
        shutil.rmtree(into, ignore_errors=True)
        raise


def verify(src: Path, key: bytes, ad: bytes, offset: int = 0) -> tuple[dict[str, Any], list[str]]:
    """Authenticate all of ``src`` (every frame, the final one, member names and types) without
    writing anything; returns its meta and the files it holds. Raises :class:`SnapshotCorrupt`."""
    return _read(src, None, key, ad, offset)
