"""An embedder that loads its model on first use (keeps startup fast)."""

from __future__ import annotations

import threading
from collections.abc import Callable

from secondme.embed.base import Embedder, Vectors


class LazyEmbedder:
    """Wraps a factory; the real embedder is built once, on the first call that needs it."""

    def __init__(self, factory: Callable[[], Embedder], name: str, dim: int) -> None:
        """Hold ``factory`` and the ``name`` and ``dim`` it will build, without building it."""
        self._factory = factory
        self._name = name
        self._dim = dim
        self._inner: Embedder | None = None
        self._lock = threading.Lock()

    @property
    def name(self) -> str:
        """Stable identifier of the model, known without loading it."""
        return self._name

    @property
    def dim(self) -> int:
        """Length of every vector, known without loading the model."""
        return self._dim

    @property
    def loaded(self) -> bool:
        """Whether the model has been built yet."""
        return self._inner is not None

    def get(self) -> Embedder:
        """The real embedder, built now (once, thread-safe) if it was not yet."""
        if self._inner is None:
            with self._lock:
                if self._inner is None:
                    self._inner = self._factory()
        return self._inner

    def embed(self, texts: list[str]) -> Vectors:
        """Embed documents, loading the model first if needed."""
        return self.get().embed(texts)

    def embed_query(self, text: str) -> Vectors:
        """Embed one query, loading the model first if needed."""
        return self.get().embed_query(text)
