"""Fixtures for the headless core."""

from __future__ import annotations

import os
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import pytest

from secondme.app import SecondMe, chat_model_for
from secondme.memory.items import NewMemory
from secondme.paths import Paths
from secondme.settings import Settings
from secondme.vault import Vault

PASS = "correct horse battery staple"


@pytest.fixture
def ctx(data_dir: Path) -> Iterator[SecondMe]:
    """An initialized, unlocked context protected by a passphrase (no keyring)."""
    paths = Paths.at(data_dir)
    c = SecondMe(paths, Settings(), Vault(paths.vault_file, None))
    c.init(PASS)
    yield c
    c.close()


@pytest.fixture(scope="session")
def embedder():  # type: ignore[no-untyped-def]
    """The real MiniLM embedder, loaded once for the whole session."""
    from secondme.embed.minilm import MiniLMEmbedder

    return MiniLMEmbedder()


@pytest.fixture
def notes_ctx(data_dir: Path, embedder) -> Iterator[SecondMe]:  # type: ignore[no-untyped-def]
    """An unlocked context with the real embedder and indexes (no watcher started)."""
    paths = Paths.at(data_dir)
    c = SecondMe(paths, Settings(debounce_seconds=0.2), Vault(paths.vault_file, None), embedder)
    c.init(PASS)
    yield c
    c.close()


def add_chat(ctx: SecondMe, turns: Sequence[tuple[str, str]], start: float, source: str,
             prefix: str) -> None:
    """Store ``turns`` (speaker, text) as one chat a minute apart from ``start``, each with the
    source id ``{prefix}:{i}``, and index them."""
    ctx.session.memories.add_many([
        NewMemory(text=text, kind="message", at=start + i * 60, speaker=who, source=source,
                  source_id=f"{prefix}:{i}")
        for i, (who, text) in enumerate(turns)])
    ctx.session.sync.catch_up()


def ranked_ids(ctx: SecondMe, question: str, k: int, when: float, weights: Any = None) -> list[str]:
    """The source ids of recall's best ``k`` for ``question`` asked at ``when``, ranked with
    ``weights`` (a :class:`RecallWeights`) when given; the engine keeps them afterwards."""
    if weights is not None:
        ctx.memory.engine().recaller.w = weights
    return [str(h.source_id) for h in ctx.memory.recall(question, k=k, when=when)]


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def chat_context(data_dir: Path, embedder: Any, model_path: str | None = None, *,
                 fresh: bool = True) -> SecondMe:
    """A passphrase context with the real embedder and a chat model (the default one, or the
    GGUF at ``model_path``); created (``fresh``) or reopened."""
    paths = Paths.at(data_dir)
    settings = Settings(n_ctx=2048)
    if model_path:
        settings.model_path = model_path
    c = SecondMe(paths, settings, Vault(paths.vault_file, None), embedder,
                 chat_model_factory=lambda: chat_model_for(paths, settings))
    if fresh:
        c.init(PASS)
    else:
        c.unlock(PASS)
    return c


def watching_notes(data_dir: Path, embedder: Any, notes: Path, pages: dict[str, str]) -> SecondMe:
    """A real context watching ``notes`` once ``pages`` (relative path -> text) are written there."""
    c = chat_context(data_dir, embedder)
    for rel, text in pages.items():
        write(notes / rel, text)
    c.notes.add_folder(str(notes))
    assert c.notes.wait_indexed(60)
    return c


def eval_model_path() -> str:
    """The 0.5B evaluation model fetched by scripts/eval_model.py (run-tests.sh exports its
    path): skipped where it is not fetched, a failure in CI, which must fetch it."""
    path = os.environ.get("SECONDME_EVAL_MODEL_0_5B")
    if path and Path(path).is_file():
        return path
    if os.environ.get("CI"):
        pytest.fail("CI must fetch the 0.5B evaluation model (scripts/eval_model.py 0.5b)")
    pytest.skip("the 0.5B evaluation model is not fetched here (make eval-model)")
