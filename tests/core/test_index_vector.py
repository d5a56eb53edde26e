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


# --- the engine driven directly writes Chroma's own files -------------------------------------
def _chroma_client(path: Path) -> Any:
    import chromadb
    from chromadb.config import Settings

    return chromadb.PersistentClient(path=str(path), settings=Settings(anonymized_telemetry=False))


def test_an_index_we_write_opens_with_chromas_own_client(tmp_path: Path) -> None:
    from chromadb.api.collection_configuration import create_collection_configuration_to_json

    from secondme.embed.chroma_fn import ChromaEmbedding
    from secondme.index.chroma_engine import EmbedderIdentity, embedding_function_record
    from secondme.index.vector import DEFAULT_COLLECTION

    rng = np.random.default_rng(9)
    vecs = unit(rng, 300)
    ident = EmbedderIdentity("all-MiniLM-L6-v2-int8", DIM)
    vi = VectorIndex(tmp_path / "c", embedding_function=ident)
    vi.upsert(list(range(300)), vecs, [{"kind": "note" if i % 3 else "memory"} for i in range(300)])
    ours = vi.query(vecs[43], k=5, where={"kind": "note"})
    vi.close()

    ef = ChromaEmbedding._deferred(*ident)
    # What we record about the embedder is what Chroma's client records.
    assert embedding_function_record(ident) == embedding_function_record(ef) == \
        create_collection_configuration_to_json({"hnsw": {"space": "cosine"}, "embedding_function": ef})["embedding_function"]
    client = _chroma_client(tmp_path / "c")
    try:
        coll = client.get_collection(DEFAULT_COLLECTION, embedding_function=ef)  # type: ignore[arg-type]
        assert coll.count() == 300
        assert coll.configuration_json["hnsw"]["space"] == "cosine"
        res = coll.query(query_embeddings=vecs[43:44], n_results=5, where={"kind": "note"}, include=["distances"])
        theirs = [(int(i), d) for i, d in zip(res["ids"][0], res["distances"][0], strict=True)]  # type: ignore[index]
        assert [i for i, _ in theirs] == [i for i, _ in ours] and ours[0][0] == 43
        assert np.allclose([d for _, d in theirs], [d for _, d in ours], atol=1e-6)
    finally:
        client.close()


def test_an_index_chromas_client_wrote_opens_here(tmp_path: Path) -> None:
    from secondme.embed.chroma_fn import ChromaEmbedding
    from secondme.index.chroma_engine import EmbedderIdentity
    from secondme.index.vector import DEFAULT_COLLECTION

    rng = np.random.default_rng(10)
    vecs = unit(rng, 200)
    client = _chroma_client(tmp_path / "c")
    try:
        coll = client.create_collection(DEFAULT_COLLECTION, configuration={"hnsw": {"space": "cosine"}},
                                        embedding_function=ChromaEmbedding._deferred("all-MiniLM-L6-v2-int8", DIM))  # type: ignore[arg-type]
        coll.add(ids=[str(i) for i in range(200)], embeddings=vecs)
    finally:
        client.close()
    vi = VectorIndex(tmp_path / "c", embedding_function=EmbedderIdentity("all-MiniLM-L6-v2-int8", DIM))
    try:
        assert vi.count() == 200
        assert vi.query(vecs[77], k=1)[0][0] == 77
        vi.upsert([200], unit(rng, 1))
        assert vi.count() == 201
    finally:
        vi.close()
    # Vectors of another model share no space with these: that open is refused, nothing changes.
    with pytest.raises(ValueError, match="embedding function"):
        VectorIndex(tmp_path / "c", embedding_function=_Named("someone-elses-model"))
    vi = VectorIndex(tmp_path / "c", embedding_function=EmbedderIdentity("all-MiniLM-L6-v2-int8", DIM))
    assert vi.count() == 201
    vi.close()


class _Named:
    """A Chroma embedding function that is not ours (only what a collection records of it)."""

    def __init__(self, name: str) -> None:
        self._name = name

    def name(self) -> str:
        return self._name

    def get_config(self) -> dict[str, Any]:
        return {}


def test_the_index_loads_no_part_of_chromas_python_client(tmp_path: Path) -> None:
    """Chroma's client (and its telemetry code) is never loaded to open, write or search."""
    import subprocess
    import sys
    import textwrap

    code = textwrap.dedent(f"""
        import sys
        import numpy as np
        from secondme.index.vector import VectorIndex
        from pathlib import Path
        vi = VectorIndex(Path({str(tmp_path / "c")!r}))
        vi.upsert([1, 2], np.eye(2, 8, dtype=np.float32))
        assert vi.query(np.eye(1, 8, dtype=np.float32)[0], k=1)[0][0] == 1
        vi.close()
        print(sorted(m for m in sys.modules if m.split(".")[0] in ("chromadb", "opentelemetry", "posthog", "httpx")))
    """)
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120,
                         cwd=Path(__file__).resolve().parents[2])
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "[]"
