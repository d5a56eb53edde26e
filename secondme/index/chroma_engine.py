"""Chroma through its public Python client (``chromadb.PersistentClient`` / ``EphemeralClient``).

The client is what Chroma documents and keeps stable across releases; the index needs eight of
its calls. Importing it is the cost: measured against driving ``chromadb_rust_bindings``
directly (``tests/bench/bench_chroma_client.py``, 2 busy cores), a vector index process is ready
after ~0.73 CPU-s instead of ~0.16 and holds ~44 MB more, while adds, updates, deletes and
queries cost the same CPU per item (0.89-1.12x over two runs, within their noise). That start
is paid in the vector index's own process, started ahead of need (``vector_process.VectorHost``),
so an unlock does not wait for it, and the main process never imports Chroma
(``tests/core/test_index_vector.py`` checks both). What it still costs: every such process
started (a command line run, a test) spends the extra ~0.6 CPU-s.

Nothing here may reach the network:
- product telemetry is off (``anonymized_telemetry=False``; Chroma 1.5's telemetry client is a
  stub that sends nothing, and posthog is not installed);
- every setting that could point the client elsewhere is pinned: Chroma's ``Settings`` reads
  environment variables and a ``.env`` file in the working folder, so the local (Rust) API, no
  OpenTelemetry endpoint and no ``.env`` are given explicitly.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple, cast

import numpy as np
import numpy.typing as npt

from secondme.errors import Closed

if TYPE_CHECKING:
    from chromadb.api import ClientAPI
    from chromadb.api.models.Collection import Collection
    from chromadb.config import Settings



class EmbedderIdentity(NamedTuple):
    """An embedder's name and dimension: all a collection records about it."""

    name: str
    dim: int


def chroma_embedding_function(ef: Any) -> Any:
    """What to hand Chroma's client for ``ef``.

    None stays None (Chroma records ``legacy`` and never builds one: it must not fall back to
    its default, which downloads a model); a Chroma embedding function (``name()`` callable)
    is passed as is; anything with ``name`` and ``dim`` attributes (an ``Embedder``, an
    :class:`EmbedderIdentity`) becomes our registered ``ChromaEmbedding`` without a model:
    vectors always arrive computed, so Chroma never calls it."""
    if ef is None or callable(getattr(ef, "name", None)):
        return ef
    from secondme.embed.chroma_fn import ChromaEmbedding

    return ChromaEmbedding._deferred(str(ef.name), int(ef.dim))


def client_settings() -> Settings:
    """Chroma settings for a local, silent client (see the module docstring)."""
    from chromadb.config import Settings

    # _env_file is pydantic-settings' own switch: no .env from whatever folder we run in.
    return Settings(  # type: ignore[call-arg]
        _env_file=None,
        anonymized_telemetry=False,
        allow_reset=False,
        chroma_api_impl="chromadb.api.rust.RustBindingsAPI",
        chroma_otel_collection_endpoint="",
        chroma_otel_granularity=None,
    )


def preload() -> None:
    """Import what opening an index needs (run in a pre-started process, before it is used)."""
    import chromadb.api.rust  # noqa: F401  (and chromadb itself)

    import secondme.embed.chroma_fn  # noqa: F401  (registers our embedding function)

    client_settings()


class ChromaEngine:
    """One Chroma client on a folder (``path``), or in memory (``None``); :meth:`close` ends it.

    Every in-memory client of a process shares one Chroma system (so in-memory collections
    need names of their own); closing the last client on a folder closes its SQLite database
    and HNSW files, which is what makes a paused folder complete."""

    def __init__(self, path: Path | None) -> None:
        """Start a Chroma client on the folder ``path``, or in memory when None (telemetry off)."""
        import chromadb

        self._client: ClientAPI | None = (
            chromadb.EphemeralClient(settings=client_settings()) if path is None
            else chromadb.PersistentClient(path=str(path), settings=client_settings()))

    def _c(self) -> ClientAPI:
        if self._client is None:
            raise Closed("the Chroma engine is closed")
        return self._client

    def close(self) -> None:
        """Let go of the client (Chroma stops its system once no client uses it)."""
        client, self._client = self._client, None
        if client is not None:
            # ClientAPI does not declare close(); both factories return a chromadb Client.
            cast(Any, client).close()

    def max_batch_size(self) -> int:
        """The most records Chroma takes in one add, upsert or delete."""
        return int(self._c().get_max_batch_size())

    def get_or_create(self, name: str, hnsw: Mapping[str, Any], ef: Any) -> Collection:
        """Collection ``name``, created with ``hnsw`` and ``ef`` if missing.

        An existing collection keeps its settings; one recorded with another embedding function
        is refused by Chroma's client (vectors of two models share no space)."""
        return self._c().get_or_create_collection(
            name=name, configuration={"hnsw": cast(Any, dict(hnsw))},
            embedding_function=chroma_embedding_function(ef))

    def delete_collection(self, name: str) -> None:
        """Drop collection ``name`` and its vectors."""
        self._c().delete_collection(name)

    @staticmethod
    def count(coll: Collection) -> int:
        """How many vectors ``coll`` holds."""
        return int(coll.count())

    @staticmethod
    def add(coll: Collection, ids: list[str], vectors: npt.NDArray[np.float32],
            metadatas: Sequence[Mapping[str, Any] | None] | None) -> None:
        """Add new vectors to ``coll`` under ``ids`` (faster than upsert when none exist yet)."""
        coll.add(ids=ids, embeddings=vectors, metadatas=_metas(metadatas))

    @staticmethod
    def upsert(coll: Collection, ids: list[str], vectors: npt.NDArray[np.float32],
               metadatas: Sequence[Mapping[str, Any] | None] | None) -> None:
        """Add or replace the vectors of ``ids`` in ``coll``."""
        coll.upsert(ids=ids, embeddings=vectors, metadatas=_metas(metadatas))

    @staticmethod
    def delete(coll: Collection, ids: list[str]) -> None:
        """Remove ``ids`` from ``coll`` (ids it lacks are ignored)."""
        coll.delete(ids=ids)

    @staticmethod
    def query(coll: Collection, vector: npt.NDArray[np.float32], k: int,
              where: Mapping[str, Any] | None) -> tuple[list[str], list[float]]:
        """The ``k`` nearest ids to ``vector`` (one row) and their distances."""
        res = coll.query(query_embeddings=vector, n_results=k,
                         where=cast(Any, dict(where)) if where else None, include=["distances"])
        return list(res["ids"][0]), [float(d) for d in (res["distances"] or [[]])[0]]


def _metas(metadatas: Sequence[Mapping[str, Any] | None] | None) -> Any:
    return None if metadatas is None else [None if m is None else dict(m) for m in metadatas]
