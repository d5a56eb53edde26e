"""The vector index hosted in its own process behaves like the in-process one."""

from __future__ import annotations

import os
import signal
from pathlib import Path

import numpy as np
import pytest

from secondme.index.vector import VectorIndex
from secondme.index.vector_process import VectorHost, VectorIndexProcess, VectorProcessDied

DIM = 16


def _vectors(n: int, seed: int = 3) -> np.ndarray:
    v = np.random.default_rng(seed).standard_normal((n, DIM)).astype(np.float32)
    return v / np.linalg.norm(v, axis=1, keepdims=True)


def test_same_answers_as_the_in_process_index(tmp_path: Path) -> None:
    vecs = _vectors(300)
    metas = [{"kind": "chunk" if i % 3 else "memory", "folder": str(i % 5)} for i in range(300)]
    local = VectorIndex(tmp_path / "local")
    remote = VectorIndexProcess(tmp_path / "remote")
    try:
        for ix in (local, remote):
            ix.upsert(list(range(1, 301)), vecs, metas)  # bulk load, then updates in slices
            ix.upsert(list(range(1, 41)), vecs[40:80], metas[:40])
            ix.delete([5, 6, 7])
        assert remote.count() == local.count() == 297
        for q in _vectors(5, seed=9):
            assert remote.query(q, 10) == local.query(q, 10)
            assert remote.query(q, 7, where={"kind": "memory"}) == local.query(q, 7, where={"kind": "memory"})
        assert remote.generation > 0
    finally:
        local.close()
        remote.close()


def test_errors_cross_back_and_the_index_keeps_working(tmp_path: Path) -> None:
    ix = VectorIndexProcess(tmp_path / "v")
    try:
        ix.upsert([1, 2], _vectors(2))
        with pytest.raises(ValueError):
            ix.upsert([1], _vectors(2))  # checked before anything is sent
        with pytest.raises(Exception, match="dimension"):
            ix.query(np.zeros(DIM + 3, dtype=np.float32), 2)
        assert [i for i, _ in ix.query(_vectors(2)[0], 1)] == [1]
    finally:
        ix.close()


def test_paused_index_has_complete_files_and_resumes(tmp_path: Path) -> None:
    ix = VectorIndexProcess(tmp_path / "v")
    try:
        ix.upsert(list(range(1, 51)), _vectors(50))
        with ix.paused():
            assert (tmp_path / "v" / "chroma.sqlite3").stat().st_size > 0
        copy = VectorIndex(tmp_path / "v")  # what a seal copies must open on its own
        try:
            assert copy.count() == 50
        finally:
            copy.close()
        assert ix.count() == 50
    finally:
        ix.close()


def test_child_exits_on_close_and_a_killed_child_is_reported(tmp_path: Path) -> None:
    ix = VectorIndexProcess(None)
    proc = ix._child.proc
    ix.close()
    assert proc.returncode == 0

    ix = VectorIndexProcess(None)
    os.kill(ix.pid, signal.SIGKILL)
    ix._child.proc.wait(10)
    with pytest.raises(VectorProcessDied, match="exited"):
        ix.count()
    ix.close()


def test_host_hands_out_a_started_child_and_refills(tmp_path: Path) -> None:
    host = VectorHost()
    spare = host._spare
    assert spare is not None
    ix = VectorIndexProcess(None, host=host)
    try:
        assert ix._child is spare and host._spare is None
        host.refill()
        assert host._spare is not None and host._spare is not spare
    finally:
        ix.close()
        host.close()
    assert spare.proc.returncode == 0


def test_waiting_for_the_spare_readies_it_for_the_next_open(tmp_path: Path) -> None:
    host = VectorHost()
    try:
        spare = host._spare
        assert host.wait_spare(), "the spare started and loaded Chroma"
        assert spare is not None and spare._ready, "the next open need not wait"
        ix = VectorIndexProcess(tmp_path / "v", host=host)
        try:
            assert ix._child is spare
            ix.upsert([1, 2], _vectors(2), [{"kind": "chunk"}, {"kind": "memory"}])
            assert ix.count() == 2
        finally:
            ix.close()
        assert not host.wait_spare(), "no spare until the host is refilled"
        host.refill()
        dying = host._spare
        assert dying is not None
        dying.proc.kill()
        dying.proc.wait()
        assert not host.wait_spare(), "a spare that died is reported, not raised"
    finally:
        host.close()
