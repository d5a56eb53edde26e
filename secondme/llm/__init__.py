"""Local language models: the GGUF reader, model discovery, the default model and the runtime.

Importing this package is cheap: llama.cpp is loaded only when a model is.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from secondme.paths import Paths
from secondme.settings import Settings

if TYPE_CHECKING:
    from secondme.llm.runtime import ChatModel


def resolve_model_path(settings: Settings, paths: Paths) -> Path:
    """The model the settings name, or the default model (installed into the models dir)."""
    if settings.model_path:
        return Path(settings.model_path).expanduser()
    from secondme.llm.default_model import ensure_default_model

    return ensure_default_model(paths.models_dir)


def chat_model_from_settings(settings: Settings, paths: Paths) -> ChatModel:
    """A ``ChatModel`` configured from the settings (the caller owns it and closes it)."""
    from secondme.llm.runtime import ChatModel

    return ChatModel(
        resolve_model_path(settings, paths),
        n_ctx=settings.n_ctx,
        n_threads=settings.n_threads,
        gpu_layers=settings.gpu_layers,
        idle_unload_seconds=settings.idle_unload_seconds,
    )
