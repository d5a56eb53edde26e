"""The embedder interface every embedding model implements."""

from __future__ import annotations

from typing import Any, Protocol, runtime_checkable

import numpy as np
import numpy.typing as npt

Vectors = npt.NDArray[np.float32]


@runtime_checkable
class Embedder(Protocol):
    """Turns texts into L2-normalized float32 vectors of a fixed dimension."""

    @property
    def name(self) -> str:
        """Stable identifier of the model (stored with vectors so a model change re-embeds)."""
        ...

    @property
    def dim(self) -> int:
        """Length of every vector this embedder returns."""
        ...

    def embed(self, texts: list[str]) -> Vectors:
        """Embed documents; shape (len(texts), dim), rows L2-normalized."""
        ...

    def embed_query(self, text: str) -> Vectors:
        """Embed one query; shape (dim,)."""
        ...


# The embedding-function name our Chroma collections record (``secondme.embed.chroma_fn``
# registers a class under it, so Chroma's client rebuilds our local model from the record,
# never its own).
EF_NAME = "secondme"


def embedder_config(name: str, dim: int) -> dict[str, Any]:
    """The config recorded under :data:`EF_NAME` for the embedder ``name``."""
    return {"embedder": name, "dim": dim}
