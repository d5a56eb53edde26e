"""Chroma's engine (its Rust core, ``chromadb_rust_bindings``) driven without its Python client.

``import chromadb`` loads about 900 modules (HTTP and gRPC clients, OpenTelemetry, pydantic
settings, a zoo of hosted embedding functions) for about 1.5 CPU-s, in every process that opens
an index; the engine those modules end up calling ships in the same wheel and loads in 0.1 s.
The vector index needs eight of its calls, all made here with the values Chroma's own client
passes (``chromadb/api/rust.py``), so the files are Chroma's: a folder written here opens with
``chromadb.PersistentClient`` and the other way round (``tests/core/test_index_vector.py``).
Product telemetry lives in the client, so none of it is even loaded. The bindings are not a
public API: chromadb is pinned (``pyproject.toml``), and those tests fail if an upgrade changes
the calls or what a collection records.

The engine raises Chroma's own exception types (it imports ``chromadb.errors`` when it first
raises one).
"""

from __future__ import annotations

import json
import resource
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any, NamedTuple

import numpy as np
import numpy.typing as npt

# What Chroma's client uses when none are named (``chromadb.config``).
TENANT = "default_tenant"
DATABASE = "default_database"
# The embedding-function name our collections record (``secondme.embed.chroma_fn`` registers a
# class under it, so Chroma's client rebuilds our local model from the record, never its own).
EF_NAME = "secondme"


class EmbedderIdentity(NamedTuple):
    """An embedder's name and dimension: all a collection records about it."""

    name: str
    dim: int


def embedder_config(name: str, dim: int) -> dict[str, Any]:
    """The config recorded under :data:`EF_NAME` for the embedder ``name``."""
    return {"embedder": name, "dim": dim}


def embedding_function_record(ef: Any) -> dict[str, Any]:
    """What a collection records about ``ef``, as Chroma's client would record it.

    ``ef`` is None (recorded as ``legacy``: Chroma never builds one), a Chroma embedding
    function (``name()`` and ``get_config()``), or anything with ``name`` and ``dim``
    attributes (an ``Embedder``, an :class:`EmbedderIdentity`), recorded as ours."""
    if ef is None:
        return {"type": "legacy"}
    if callable(getattr(ef, "name", None)):
        return {"name": ef.name(), "type": "known", "config": ef.get_config()}
    return {"name": EF_NAME, "type": "known", "config": embedder_config(str(ef.name), int(ef.dim))}


class ChromaEngine:
    """One Chroma system on a folder (``path``), or in memory (``None``); :meth:`close` ends it."""

    def __init__(self, path: Path | None) -> None:
        import chromadb_rust_bindings as rb

        persist = None if path is None else str(path)
        sqlite = rb.SqliteDBConfig(
            hash_type=rb.MigrationHash.MD5,  # Chroma's default (Settings.migrations_hash_algorithm)
            migration_mode=rb.MigrationMode.Apply,
            url=None if path is None else str(path / "chroma.sqlite3"),
        )
        # As Chroma's client sizes it: each HNSW index keeps up to five files open.
        files = resource.getrlimit(resource.RLIMIT_NOFILE)[0]
        self._bindings: Any = rb.Bindings(
            allow_reset=False, sqlite_db_config=sqlite, persist_path=persist,
            hnsw_cache_size=max(1, files // 5))

    def _b(self) -> Any:
        if self._bindings is None:
            raise RuntimeError("the Chroma engine is closed")
        return self._bindings

    def close(self) -> None:
        """Drop the engine: it closes its SQLite database and HNSW files."""
        self._bindings = None

    def max_batch_size(self) -> int:
        return int(self._b().get_max_batch_size())

    def get_or_create(self, name: str, hnsw: Mapping[str, Any], ef: Any) -> str:
        """The id of collection ``name``, created with ``hnsw`` and ``ef`` if missing.

        An existing collection keeps its settings; one recorded with another embedding function
        is refused, as Chroma's client refuses it (vectors of two models share no space)."""
        record = embedding_function_record(ef)
        config = json.dumps({"hnsw": dict(hnsw), "spann": None, "embedding_function": record})
        coll = self._b().create_collection(name, config, None, None, True, TENANT, DATABASE)
        stored = (coll.configuration or {}).get("embedding_function") or {}
        ours = record.get("name")
        if ours is not None and stored.get("name") is not None and stored["name"] != ours:
            raise ValueError(
                f"collection {name!r} was made with the embedding function {stored['name']!r}, "
                f"not {ours!r}; rebuild the index")
        return str(coll.id)

    def delete_collection(self, name: str) -> None:
        self._b().delete_collection(name, TENANT, DATABASE)

    def count(self, coll: str) -> int:
        return int(self._b().count(coll, TENANT, DATABASE))

    def add(self, coll: str, ids: list[str], vectors: npt.NDArray[np.float32],
            metadatas: Sequence[Mapping[str, Any] | None] | None) -> None:
        self._b().add(ids, coll, list(vectors), _metas(metadatas), None, None, TENANT, DATABASE)

    def upsert(self, coll: str, ids: list[str], vectors: npt.NDArray[np.float32],
               metadatas: Sequence[Mapping[str, Any] | None] | None) -> None:
        self._b().upsert(coll, ids, list(vectors), _metas(metadatas), None, None, TENANT, DATABASE)

    def delete(self, coll: str, ids: list[str]) -> None:
        self._b().delete(coll, ids, None, None, None, TENANT, DATABASE)

    def query(self, coll: str, vector: npt.NDArray[np.float32], k: int,
              where: Mapping[str, Any] | None) -> tuple[list[str], list[float]]:
        """The ``k`` nearest ids to ``vector`` (one row) and their distances."""
        res = self._b().query(coll, None, list(vector), k, json.dumps(where) if where else None,
                              None, ["distances"], TENANT, DATABASE)
        return list(res.ids[0]), list((res.distances or [[]])[0])


def _metas(metadatas: Sequence[Mapping[str, Any] | None] | None) -> list[Any] | None:
    return None if metadatas is None else [None if m is None else dict(m) for m in metadatas]
