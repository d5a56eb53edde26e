"""Chroma vector index: kNN, filters, batching, reopen, and no default embedding function."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from secondme.index.vector import VectorIndex

DIM = 32


def unit(rng: np.random.Generator, n: int, dim: int = DIM) -> np.ndarray:
    v = rng.standard_normal((n, dim)).astype(np.float32)
    return v / np.linalg.norm(v, axis=1, keepdims=True)


@pytest.fixture(autouse=True)
def no_default_embedder(monkeypatch: pytest.MonkeyPatch) -> None:
    """Chroma's default embedding function downloads a model: fail loudly if it is ever used."""
    from chromadb.api import types
    from chromadb.utils.embedding_functions import onnx_mini_lm_l6_v2

    def boom(*_a: Any, **_k: Any) -> Any:
        raise AssertionError("Chroma's default embedding function was used")

    monkeypatch.setattr(types.DefaultEmbeddingFunction, "__call__", boom)
    monkeypatch.setattr(onnx_mini_lm_l6_v2.ONNXMiniLM_L6_V2, "__init__", boom)


@pytest.fixture(params=["persistent", "ephemeral"])
def index(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[VectorIndex]:
    vi = VectorIndex(tmp_path / "chroma" if request.param == "persistent" else None)
    yield vi
    vi.close()


def test_planted_nearest_neighbour(index: VectorIndex) -> None:
    rng = np.random.default_rng(7)
    vecs = unit(rng, 2000)
    index.upsert(list(range(2000)), vecs)
    assert index.count() == 2000
    target = 1234
    query = vecs[target] + 0.05 * unit(rng, 1)[0]
    hits = index.query(query, k=5)
    assert hits[0][0] == target
    assert 0 <= hits[0][1] < 0.01  # cosine distance
    assert [d for _, d in hits] == sorted(d for _, d in hits)


def test_metadata_filter(index: VectorIndex) -> None:
    rng = np.random.default_rng(1)
    vecs = unit(rng, 100)
    metas = [{"kind": "note" if i % 2 else "memory", "date": i, "none": None} for i in range(100)]
    index.upsert(list(range(100)), vecs, metas)
    hits = index.query(vecs[10], k=5, where={"kind": "memory"})
    assert hits[0][0] == 10
    assert all(i % 2 == 0 for i, _ in hits)
    hits = index.query(vecs[10], k=100, where={"date": {"$gte": 90}})
    assert sorted(i for i, _ in hits) == list(range(90, 100))


def test_upsert_replaces_and_delete(index: VectorIndex) -> None:
    rng = np.random.default_rng(2)
    vecs = unit(rng, 10)
    index.upsert(list(range(10)), vecs)
    index.upsert([3], vecs[7:8])
    assert index.count() == 10
    assert {i for i, _ in index.query(vecs[7], k=2)} == {3, 7}
    gen = index.generation
    index.delete([3, 7, 12345])
    assert index.generation > gen
    assert index.count() == 8
    assert {i for i, _ in index.query(vecs[7], k=8)}.isdisjoint({3, 7})


def test_batches_beyond_max_batch(index: VectorIndex) -> None:
    index._max_batch = 7  # exercise the batching loop without 5k+ vectors
    rng = np.random.default_rng(3)
    vecs = unit(rng, 50)
    index.upsert(list(range(50)), vecs, [{"i": i} for i in range(50)])
    assert index.count() == 50
    index.delete(list(range(0, 50, 2)))
    assert index.count() == 25


def test_empty_and_bad_input(index: VectorIndex) -> None:
    assert index.query(np.ones(DIM, dtype=np.float32), k=3) == []
    index.upsert([], np.zeros((0, DIM), dtype=np.float32))
    with pytest.raises(ValueError):
        index.upsert([1, 2], np.zeros((1, DIM), dtype=np.float32))
    with pytest.raises(ValueError):
        index.upsert([1], np.zeros((1, DIM), dtype=np.float32), [{}, {}])


def test_persistent_reopen_keeps_everything(tmp_path: Path) -> None:
    rng = np.random.default_rng(4)
    vecs = unit(rng, 3000)
    vi = VectorIndex(tmp_path / "c")
    vi.upsert(list(range(3000)), vecs)
    before = vi.query(vecs[5], k=10)
    vi.close()
    vi = VectorIndex(tmp_path / "c")
    assert vi.count() == 3000
    assert vi.query(vecs[5], k=10) == before
    vi.close()


def test_paused_then_usable(tmp_path: Path) -> None:
    rng = np.random.default_rng(5)
    vecs = unit(rng, 20)
    vi = VectorIndex(tmp_path / "c")
    vi.upsert(list(range(20)), vecs)
    with vi.paused():
        assert (tmp_path / "c" / "chroma.sqlite3").exists()
    assert vi.query(vecs[3], k=1)[0][0] == 3
    vi.close()
    with pytest.raises(RuntimeError):
        vi.count()


def test_ephemeral_indexes_are_separate() -> None:
    rng = np.random.default_rng(6)
    a, b = VectorIndex(None), VectorIndex(None)
    a.upsert([1], unit(rng, 1))
    assert (a.count(), b.count()) == (1, 0)
    a.close()
    assert b.count() == 0
    b.close()


def test_custom_embedding_function_passed_on_every_open(tmp_path: Path) -> None:
    from chromadb.api.types import Documents, EmbeddingFunction, Embeddings

    calls: list[int] = []

    class Ours(EmbeddingFunction[Documents]):
        def __init__(self) -> None:
            pass

        def __call__(self, input: Documents) -> Embeddings:
            calls.append(len(input))
            return [np.ones(DIM, dtype=np.float32) for _ in input]

        @staticmethod
        def name() -> str:
            return "secondme-test-embedder"

        def get_config(self) -> dict[str, Any]:
            return {}

        @staticmethod
        def build_from_config(config: dict[str, Any]) -> Ours:
            return Ours()

    rng = np.random.default_rng(8)
    vecs = unit(rng, 5)
    vi = VectorIndex(tmp_path / "c", embedding_function=Ours())
    vi.upsert(list(range(5)), vecs)
    vi.close()
    vi = VectorIndex(tmp_path / "c", embedding_function=Ours())
    assert vi.query(vecs[2], k=1)[0][0] == 2
    vi.close()
    assert calls == []  # vectors are always ours; Chroma never embeds


def test_collection_name_length(tmp_path: Path) -> None:
    with pytest.raises(ValueError):
        VectorIndex(tmp_path / "c", collection="ab")
