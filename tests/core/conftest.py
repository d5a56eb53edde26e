"""Fixtures for the headless core."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from secondme.app import SecondMe
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


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path
