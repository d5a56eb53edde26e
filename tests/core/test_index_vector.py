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


# --- Chroma's own files, opened both ways ----------------------------------------------------
def _chroma_client(path: Path) -> Any:
    import chromadb
    from chromadb.config import Settings

    return chromadb.PersistentClient(path=str(path), settings=Settings(anonymized_telemetry=False))


def test_an_index_we_write_opens_with_chromas_own_client(tmp_path: Path) -> None:
    from secondme.embed.chroma_fn import ChromaEmbedding
    from secondme.index.chroma_engine import EmbedderIdentity
    from secondme.index.vector import DEFAULT_COLLECTION

    rng = np.random.default_rng(9)
    vecs = unit(rng, 300)
    ident = EmbedderIdentity("all-MiniLM-L6-v2-int8", DIM)
    vi = VectorIndex(tmp_path / "c", embedding_function=ident)
    vi.upsert(list(range(300)), vecs, [{"kind": "note" if i % 3 else "memory"} for i in range(300)])
    ours = vi.query(vecs[43], k=5, where={"kind": "note"})
    vi.close()

    client = _chroma_client(tmp_path / "c")
    try:
        coll = client.get_collection(DEFAULT_COLLECTION, embedding_function=ChromaEmbedding._deferred(*ident))
        # What a later open checks the embedder against, and what Chroma rebuilds ours from.
        assert coll.configuration_json["embedding_function"] == {
            "name": "secondme", "type": "known",
            "config": {"embedder": "all-MiniLM-L6-v2-int8", "dim": DIM}}
        assert coll.configuration_json["hnsw"]["space"] == "cosine"
        assert coll.count() == 300
        res = coll.query(query_embeddings=vecs[43:44], n_results=5, where={"kind": "note"}, include=["distances"])
        theirs = [(int(i), d) for i, d in zip(res["ids"][0], res["distances"][0], strict=True)]
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
                                        embedding_function=ChromaEmbedding._deferred("all-MiniLM-L6-v2-int8", DIM))
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
        VectorIndex(tmp_path / "c", embedding_function=_another_models_function())
    vi = VectorIndex(tmp_path / "c", embedding_function=EmbedderIdentity("all-MiniLM-L6-v2-int8", DIM))
    assert vi.count() == 201
    vi.close()


def _another_models_function() -> Any:
    """A Chroma embedding function that is not ours (another model's)."""
    from chromadb.api.types import Documents, EmbeddingFunction, Embeddings

    class Theirs(EmbeddingFunction[Documents]):
        def __init__(self) -> None:
            pass

        def __call__(self, input: Documents) -> Embeddings:
            raise AssertionError("vectors are always ours; Chroma never embeds")

        @staticmethod
        def name() -> str:
            return "someone-elses-model"

        def get_config(self) -> dict[str, Any]:
            return {}

        @staticmethod
        def build_from_config(config: dict[str, Any]) -> Any:
            return Theirs()

    return Theirs()


def _run_python(code: str, cwd: Path, env: dict[str, str] | None = None) -> str:
    import os
    import subprocess
    import sys

    repo = Path(__file__).resolve().parents[2]
    full_env = {**os.environ, "PYTHONPATH": str(repo), **(env or {})}
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120,
                         cwd=cwd, env=full_env)
    assert out.returncode == 0, out.stderr
    return out.stdout.strip().splitlines()[-1]


# Settings Chroma's client would read from the environment or a .env file: each would send
# something somewhere (telemetry on, spans to a collector, an HTTP client instead of the
# local engine). None of them may take effect.
_HOSTILE = {
    "ANONYMIZED_TELEMETRY": "True",
    "CHROMA_OTEL_COLLECTION_ENDPOINT": "http://198.51.100.7:4317",
    "CHROMA_OTEL_GRANULARITY": "all",
    "CHROMA_API_IMPL": "chromadb.api.fastapi.FastAPI",
    "CHROMA_SERVER_HOST": "198.51.100.7",
}


def test_the_client_sends_nothing_whatever_its_environment_says(tmp_path: Path) -> None:
    """In the process that hosts the index: Chroma's client is loaded, but no telemetry or
    tracing code, and no socket leaves the process, even with hostile settings in the
    environment and in a .env file of the working folder."""
    import textwrap

    work = tmp_path / "cwd"
    work.mkdir()
    (work / ".env").write_text("".join(f"{k}={v}\n" for k, v in _HOSTILE.items()))
    code = textwrap.dedent(f"""
        import json, sys
        net = []
        def hook(event, args):
            if event in ("socket.connect", "socket.getaddrinfo", "socket.sendto", "socket.gethostbyname"):
                net.append(event + " " + repr(args[1:] if event != "socket.getaddrinfo" else args[:2]))
        sys.addaudithook(hook)
        from pathlib import Path
        import numpy as np
        from secondme.index.chroma_engine import EmbedderIdentity
        from secondme.index.vector import VectorIndex
        vi = VectorIndex(Path({str(tmp_path / "c")!r}), embedding_function=EmbedderIdentity("all-MiniLM-L6-v2-int8", 8))
        vi.upsert([1, 2], np.eye(2, 8, dtype=np.float32), [{{"kind": "note"}}, {{"kind": "memory"}}])
        hit = vi.query(np.eye(1, 8, dtype=np.float32)[0], k=1, where={{"kind": "note"}})
        vi.close()
        from opentelemetry import trace
        from chromadb.telemetry import opentelemetry as chroma_otel
        # Chroma imports OpenTelemetry's exporter whatever it is told; what matters is that no
        # tracer was set up to use it.
        traced = [type(trace.get_tracer_provider()).__name__, chroma_otel.tracer is not None]
        mods = sorted(m for m in sys.modules if m.split(".")[0] == "posthog" or m.startswith((
            "chromadb.api.fastapi", "chromadb.api.async_fastapi")))
        print(json.dumps({{"hit": hit, "net": net, "mods": mods, "traced": traced,
                          "chroma": "chromadb" in sys.modules}}))
    """)
    import json

    # Not hardened (harden_process would overwrite ANONYMIZED_TELEMETRY): the settings must
    # hold on their own.
    got = json.loads(_run_python(code, work, env=_HOSTILE))
    assert got["chroma"] and got["hit"] == [[1, 0.0]]
    assert got["net"] == [] and got["mods"] == []
    assert got["traced"] == ["ProxyTracerProvider", False]
    assert (tmp_path / "c" / "chroma.sqlite3").exists(), "the local engine wrote the index"


def test_the_main_process_never_imports_chromas_client(tmp_path: Path) -> None:
    """Only the vector index's own process pays for Chroma: the process that opens, writes and
    searches through it (the app's, the command line's) loads none of it."""
    import textwrap

    code = textwrap.dedent(f"""
        import sys
        import numpy as np
        from pathlib import Path
        from secondme.index.chroma_engine import EmbedderIdentity
        from secondme.index.vector_process import VectorIndexProcess
        vi = VectorIndexProcess(Path({str(tmp_path / "c")!r}), embedding_function=EmbedderIdentity("all-MiniLM-L6-v2-int8", 8))
        vi.upsert([1, 2], np.eye(2, 8, dtype=np.float32))
        assert vi.query(np.eye(1, 8, dtype=np.float32)[0], k=1)[0][0] == 1
        vi.close()
        print(sorted(m for m in sys.modules if m.split(".")[0] in ("chromadb", "opentelemetry", "posthog", "httpx", "grpc")))
    """)
    assert _run_python(code, tmp_path) == "[]"
