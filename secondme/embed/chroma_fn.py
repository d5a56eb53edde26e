"""Chroma embedding-function adapter for our embedders.

Chroma persists the name and config of a collection's embedding function and rebuilds it from
its registry whenever the collection is loaded. Registering this class (importing this module
does it) means a reopened collection resolves to our own local model, never to Chroma's default
one, which would download a model. Pass a ``ChromaEmbedding`` on every create/get anyway: that
instance is the one Chroma uses for adds and queries.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import numpy as np
from chromadb.api.types import Documents, EmbeddingFunction, Embeddings, Space
from chromadb.utils.embedding_functions import register_embedding_function

from secondme.embed.base import EF_NAME, Embedder, embedder_config
from secondme.errors import ModelMissing


def _minilm() -> Embedder:
    from secondme.embed.minilm import MiniLMEmbedder

    return MiniLMEmbedder()


# Embedders that can be rebuilt from a persisted config alone (default paths, no settings).
_REBUILDABLE: dict[str, Callable[[], Embedder]] = {"all-MiniLM-L6-v2-int8": _minilm}


@register_embedding_function
class ChromaEmbedding(EmbeddingFunction[Documents]):
    """Presents any ``Embedder`` to Chroma as a registered, serializable embedding function.

    Built from a persisted config (Chroma does this on every collection load and in its own
    checks), the embedder is created lazily on first use, so loading a collection never loads
    a model it will not use.
    """

    def __init__(self, embedder: Embedder) -> None:
        """Wrap ``embedder`` (its name and dimension are what Chroma records)."""
        # Not calling super().__init__: Chroma's base __init__ only emits a deprecation warning.
        self._embedder: Embedder | None = embedder
        self._embedder_name = embedder.name
        self._dim = embedder.dim
        self._factory: Callable[[], Embedder] | None = None
        self._lock = threading.Lock()

    @classmethod
    def _deferred(cls, embedder_name: str, dim: int) -> ChromaEmbedding:
        self = cls.__new__(cls)
        self._embedder = None
        self._embedder_name = embedder_name
        self._dim = dim
        self._factory = _REBUILDABLE.get(embedder_name)
        self._lock = threading.Lock()
        return self

    @property
    def embedder(self) -> Embedder:
        """The wrapped embedder (created now if this instance was rebuilt from a config)."""
        if self._embedder is None:
            with self._lock:
                if self._embedder is None:
                    if self._factory is None:
                        raise ModelMissing(
                            f"This index was built with the embedder {self._embedder_name!r}, "
                            "which cannot be recreated automatically; open the collection "
                            "with embedding_function=ChromaEmbedding(<that embedder>)."
                        )
                    self._embedder = self._factory()
        return self._embedder

    def __call__(self, input: Documents) -> Embeddings:
        """Embed documents for Chroma (rows L2-normalized)."""
        return list(self.embedder.embed(list(input)))

    def embed_query(self, input: Documents) -> Embeddings:
        """Embed each query text for Chroma, one vector per text."""
        emb = self.embedder
        # Chroma does not pass through the subclass hook that normalizes __call__'s result
        # here, so return the list-of-arrays form it expects directly.
        return [np.asarray(emb.embed_query(text), dtype=np.float32) for text in input]

    @staticmethod
    def name() -> str:
        """The name this function is registered and persisted under."""
        return EF_NAME

    def default_space(self) -> Space:
        """The distance space of a new collection: cosine."""
        # Rows are L2-normalized, so cosine distance is 1 - similarity: readable scores.
        return "cosine"

    def supported_spaces(self) -> list[Space]:
        """The distance spaces our vectors are valid in."""
        return ["cosine", "l2", "ip"]

    def get_config(self) -> dict[str, Any]:
        """What Chroma persists with a collection: the embedder's name and dimension."""
        return embedder_config(self._embedder_name, self._dim)

    @staticmethod
    def build_from_config(config: dict[str, Any]) -> ChromaEmbedding:
        """Rebuild from a persisted config; the embedder itself is created only on first use."""
        ChromaEmbedding.validate_config(config)
        return ChromaEmbedding._deferred(str(config["embedder"]), int(config["dim"]))

    @staticmethod
    def validate_config(config: dict[str, Any]) -> None:
        """Raise ValueError unless ``config`` names an embedder and a dimension."""
        if not isinstance(config.get("embedder"), str) or not isinstance(config.get("dim"), int):
            raise ValueError(f"not a {EF_NAME} embedding config: {config!r}")

    def validate_config_update(self, old_config: dict[str, Any], new_config: dict[str, Any]) -> None:
        """Raise ValueError if the update changes the embedder or dimension (that needs a rebuild)."""
        # Vectors from two models do not live in one space: changing the model means a rebuild.
        if old_config.get("embedder") != new_config.get("embedder") or old_config.get(
            "dim"
        ) != new_config.get("dim"):
            raise ValueError("the collection's embedder cannot be changed in place; rebuild the index")
