"""Sealed indexes: unlock/seal round trip, watermark, corruption, crash safety, canaries."""

from __future__ import annotations

import logging
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest

from secondme import crypto
from secondme.index import sealed as sealed_mod
from secondme.index import snapshot
from secondme.index.keyword import KeywordRow
from secondme.index.sealed import SealedIndexes, cleanup_stale_runtime_dirs
from secondme.paths import Paths

KEY = crypto.KeySet.from_data_key(bytes(range(32))).snapshot
CANARY_TEXT = "zanzibar-canary-quokka"
DIM = 64
N = 1500
PLANT = 17


def vectors(n: int = N) -> np.ndarray:
    rng = np.random.default_rng(11)
    v = rng.standard_normal((n, DIM)).astype(np.float32)
    return v / np.linalg.norm(v, axis=1, keepdims=True)


@pytest.fixture()
def env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Paths:
    ram = tmp_path / "ram"
    ram.mkdir(mode=0o700)
    # Paths.runtime_dir() prefers $XDG_RUNTIME_DIR: keep each test's RAM folder its own.
    monkeypatch.setenv("XDG_RUNTIME_DIR", str(ram))
    paths = Paths(tmp_path / "data")
    paths.ensure()
    return paths


def fill(s: SealedIndexes, n: int = N) -> np.ndarray:
    vecs = vectors(n)
    rows = [KeywordRow(i, f"note {i} about topic{i % 13} and things", "note", "f", "md", i)
            for i in range(n)]
    rows[PLANT] = KeywordRow(PLANT, f"the secret phrase is {CANARY_TEXT}", "memory", "g", "txt", 5)
    s.keyword.add_many(rows)
    s.vector.upsert(list(range(n)), vecs, [{"kind": r.kind} for r in rows])
    return vecs


@pytest.fixture()
def opened(env: Paths) -> Iterator[SealedIndexes]:
    s = SealedIndexes(env, KEY)
    yield s
    s.close(seal=False)


def test_first_open_is_empty(opened: SealedIndexes) -> None:
    assert opened.open() == 0
    assert opened.needs_rebuild and not opened.in_memory and not opened.dirty
    assert opened.keyword.count() == 0 and opened.vector.count() == 0
    rt = opened.runtime_dir
    assert rt is not None and (rt / sealed_mod.PID_FILE).exists()
    assert rt.stat().st_mode & 0o077 == 0


def test_round_trip_identical_results_and_watermark(env: Paths) -> None:
    s = SealedIndexes(env, KEY)
    s.open()
    vecs = fill(s)
    assert s.dirty
    kw_before = s.keyword.search("topic7 things", k=20)
    vec_before = s.vector.query(vecs[42], k=10)
    vec_where = s.vector.query(vecs[PLANT], k=3, where={"kind": "memory"})
    assert s.seal(watermark=42)
    assert not s.dirty
    rt = s.runtime_dir
    s.close()
    assert rt is not None and not rt.exists()

    s2 = SealedIndexes(env, KEY)
    assert s2.open() == 42
    assert not s2.needs_rebuild
    assert s2.vector.count() == N and s2.keyword.count() == N
    assert s2.keyword.search("topic7 things", k=20) == kw_before
    assert s2.vector.query(vecs[42], k=10) == vec_before
    assert s2.vector.query(vecs[PLANT], k=3, where={"kind": "memory"}) == vec_where
    # Replay beyond the watermark, then seal on close with the advanced watermark.
    s2.keyword.add_many([KeywordRow(N + 1, "replayed change")])
    s2.advance(43)
    assert s2.dirty
    s2.close()
    s3 = SealedIndexes(env, KEY)
    assert s3.open() == 43
    assert s3.keyword.search("replayed")[0].id == N + 1
    s3.close(seal=False)


def test_indexes_stay_usable_after_periodic_seal(opened: SealedIndexes) -> None:
    opened.open()
    vecs = fill(opened, 200)
    opened.seal(1)
    opened.vector.upsert([5000], vecs[:1])
    assert opened.dirty
    assert {i for i, _ in opened.vector.query(vecs[0], k=2)} == {0, 5000}
    assert opened.keyword.search(CANARY_TEXT)[0].id == PLANT


def _scan(root: Path, needles: list[bytes]) -> list[tuple[Path, bytes]]:
    found = []
    for p in root.rglob("*"):
        if p.is_file():
            data = p.read_bytes()
            found += [(p, n) for n in needles if n in data]
    return found


def test_canary_nothing_plain_at_rest(env: Paths, tmp_path: Path) -> None:
    s = SealedIndexes(env, KEY)
    s.open()
    vecs = fill(s)
    rt = s.runtime_dir
    assert rt is not None
    planted = vecs[PLANT].astype(np.float32).tobytes()
    # The canaries really are in the plaintext index files while unlocked...
    assert _scan(rt, [CANARY_TEXT.encode()]) and _scan(rt, [planted[:32]])
    s.seal(7)
    s.close()
    # ...and nowhere in the data directory afterwards; the RAM folder is gone.
    assert not rt.exists()
    needles = [CANARY_TEXT.encode(), CANARY_TEXT.encode("utf-16-le"), planted, planted[:16],
               planted[-16:], vecs[3].tobytes()[:16]]
    assert _scan(env.root, needles) == []
    assert sorted(p.name for p in env.index_dir.iterdir()) == [sealed_mod.SNAPSHOT_NAME]
    assert list((tmp_path / "ram").iterdir()) == []


@pytest.mark.parametrize("damage", ["flip", "truncate", "wrong-key", "garbage"])
def test_corrupt_snapshot_starts_empty(
    env: Paths, damage: str, caplog: pytest.LogCaptureFixture
) -> None:
    s = SealedIndexes(env, KEY)
    s.open()
    fill(s, 100)
    s.close()
    snap = env.index_dir / sealed_mod.SNAPSHOT_NAME
    data = bytearray(snap.read_bytes())
    key = KEY
    if damage == "flip":
        data[len(data) // 2] ^= 1
    elif damage == "truncate":
        del data[-100:]
    elif damage == "garbage":
        data = bytearray(os.urandom(len(data)))
    else:
        key = bytes(32)
    snap.write_bytes(bytes(data))
    caplog.set_level(logging.WARNING, logger="secondme.index")
    s2 = SealedIndexes(env, key)
    assert s2.open() == 0
    assert s2.needs_rebuild
    assert s2.keyword.count() == 0 and s2.vector.count() == 0
    assert any("unusable" in r.getMessage() for r in caplog.records)
    s2.close(seal=False)


def test_expectation_mismatch_rebuilds(env: Paths) -> None:
    s = SealedIndexes(env, KEY, expect={"embedder": "a", "dim": DIM})
    s.open()
    fill(s, 50)
    s.close()
    s2 = SealedIndexes(env, KEY, expect={"embedder": "b", "dim": DIM})
    assert s2.open() == 0 and s2.needs_rebuild
    s2.close(seal=False)
    s3 = SealedIndexes(env, KEY, expect={"embedder": "a", "dim": DIM})
    assert s3.open() == 0 and not s3.needs_rebuild  # watermark 0 was what got sealed
    assert s3.keyword.count() == 50
    s3.close(seal=False)


def test_crash_during_seal_keeps_previous_snapshot(
    env: Paths, monkeypatch: pytest.MonkeyPatch
) -> None:
    s = SealedIndexes(env, KEY)
    s.open()
    fill(s, 300)
    s.seal(10)
    before = (env.index_dir / sealed_mod.SNAPSHOT_NAME).read_bytes()
    s.keyword.add_many([KeywordRow(9999, "unsealed change")])

    class Crash(crypto.StreamWriter):
        def write(self, data: bytes) -> int:
            raise OSError("simulated crash while sealing")

    monkeypatch.setattr(snapshot, "StreamWriter", Crash)
    with pytest.raises(OSError, match="simulated"):
        s.seal(11)
    assert s.dirty
    rt = s.runtime_dir
    assert rt is not None and not list(rt.glob("stage-*"))
    assert (env.index_dir / sealed_mod.SNAPSHOT_NAME).read_bytes() == before
    assert sorted(p.name for p in env.index_dir.iterdir()) == [sealed_mod.SNAPSHOT_NAME]
    with pytest.raises(OSError):
        s.close()  # sealing on close fails too, yet the RAM folder is removed
    assert not rt.exists()
    monkeypatch.undo()
    s2 = SealedIndexes(env, KEY)
    assert s2.open() == 10
    assert s2.keyword.count() == 300
    s2.close(seal=False)


def test_no_ram_folder_means_memory_and_rebuild(
    env: Paths, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(Paths, "runtime_dir", lambda self: None)
    s = SealedIndexes(env, KEY)
    assert s.open() == 0
    assert s.in_memory and s.needs_rebuild
    vecs = fill(s, 100)
    assert s.vector.query(vecs[3], k=1)[0][0] == 3
    assert s.keyword.search(CANARY_TEXT)[0].id == PLANT
    assert s.seal(5) is False
    s.close()
    assert list(env.index_dir.iterdir()) == []


def test_cleanup_stale_runtime_dirs(tmp_path: Path) -> None:
    base = tmp_path / "shm"
    base.mkdir()
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                          capture_output=True, text=True, check=True)
    dead_pid = int(dead.stdout)
    gone = base / "secondme-dead"
    gone.mkdir()
    (gone / sealed_mod.PID_FILE).write_text(f"{dead_pid} -\n")
    (gone / "index").mkdir()
    mine = base / "secondme-mine"
    mine.mkdir()
    sealed_mod._write_pid_file(mine)
    reused = base / "secondme-reused"
    reused.mkdir()
    (reused / sealed_mod.PID_FILE).write_text(f"{os.getpid()} 1\n")  # our pid, other start
    old_pidless = base / "secondme-old"
    old_pidless.mkdir()
    long_ago = time.time() - 3600
    os.utime(old_pidless, (long_ago, long_ago))
    young_pidless = base / "secondme-young"
    young_pidless.mkdir()
    # A pid file seen while its owner writes it (empty): a live folder, not a dead owner's.
    being_written = base / "secondme-writing"
    being_written.mkdir()
    (being_written / sealed_mod.PID_FILE).write_text("")
    old_empty = base / "secondme-old-empty"
    old_empty.mkdir()
    (old_empty / sealed_mod.PID_FILE).write_text("")
    os.utime(old_empty, (long_ago, long_ago))
    other = base / "unrelated-dir"
    other.mkdir()
    removed = cleanup_stale_runtime_dirs([base])
    assert sorted(p.name for p in removed) == ["secondme-dead", "secondme-old", "secondme-old-empty",
                                                "secondme-reused"]
    assert sorted(p.name for p in base.iterdir()) == [
        "secondme-mine", "secondme-writing", "secondme-young", "unrelated-dir"]
    assert sorted(p.name for p in mine.iterdir()) == [sealed_mod.PID_FILE], "no temporary file left"


def test_open_twice_refused(opened: SealedIndexes) -> None:
    opened.open()
    with pytest.raises(RuntimeError):
        opened.open()


def test_leftover_seal_temp_file_removed(env: Paths) -> None:
    leftover = env.index_dir / f".{sealed_mod.SNAPSHOT_NAME}.4242.deadbeef.tmp"
    leftover.write_bytes(b"partial ciphertext")
    s = SealedIndexes(env, KEY)
    s.open()
    assert not leftover.exists()
    s.close(seal=False)


def test_failed_open_leaves_no_ram_folder(
    env: Paths, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*_a: object, **_k: object) -> None:
        raise OSError("no space left in RAM folder")

    monkeypatch.setattr(sealed_mod, "VectorIndex", broken)
    monkeypatch.setattr(sealed_mod, "VectorIndexProcess", broken)
    s = SealedIndexes(env, KEY)
    with pytest.raises(OSError):
        s.open()
    assert list((tmp_path / "ram").iterdir()) == []
