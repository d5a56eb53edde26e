"""Grounded answers from the real default model: citations, streaming, abstention."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from secondme.app import SecondMe, chat_model_for
from secondme.paths import Paths
from secondme.settings import Settings
from secondme.vault import Vault
from tests.core.conftest import PASS, write


@pytest.fixture
def ask_ctx(data_dir: Path, tmp_path: Path, embedder) -> Iterator[SecondMe]:  # type: ignore[no-untyped-def]
    paths = Paths.at(data_dir)
    settings = Settings(n_ctx=2048)
    c = SecondMe(paths, settings, Vault(paths.vault_file, None), embedder,
                 chat_model_factory=lambda: chat_model_for(paths, settings))
    c.init(PASS)
    notes = tmp_path / "notes"
    write(notes / "garden.md", "# Garden\nI plant the San Marzano tomatoes in early May, by the shed.\n")
    write(notes / "car.md", "# Car\nThe car's winter tyres are stored at Garage Dupont on Rue Cler.\n")
    c.notes.add_folder(str(notes))
    assert c.notes.wait_indexed(60)
    yield c
    c.close()


def test_answer_streams_and_cites_the_note(ask_ctx: SecondMe) -> None:
    tokens: list[str] = []
    ans = ask_ctx.models.ask("Where are the winter tyres stored?", on_token=tokens.append)
    assert not ans.abstained and not ans.cancelled
    assert ans.text and "".join(tokens).strip() == ans.text
    assert ans.citations and ans.citations[0].path and ans.citations[0].path.endswith("car.md")


def test_abstains_when_nothing_relevant(ask_ctx: SecondMe) -> None:
    tokens: list[str] = []
    ans = ask_ctx.models.ask("What is the boiling point of liquid nitrogen?", on_token=tokens.append)
    assert ans.abstained and ans.citations == ()
    assert "don't find" in ans.text and "".join(tokens) == ans.text


def test_each_cited_chunk_is_decrypted_once(ask_ctx: SecondMe, monkeypatch: pytest.MonkeyPatch) -> None:
    # Recall opens a hit's text to rank and show it; filtering the hits and quoting them to the
    # model reuse that text instead of reading the row again.
    opened: Counter[tuple[str, int, str]] = Counter()
    real_open = ask_ctx.store.open_value

    def counting_open(table: str, row_id: int, column: str, sealed: bytes | None) -> Any:
        opened[(table, row_id, column)] += 1
        return real_open(table, row_id, column, sealed)

    monkeypatch.setattr(ask_ctx.store, "open_value", counting_open)
    ans = ask_ctx.models.ask("Where are the winter tyres stored?", remember=False)
    cited = [h for h in ans.citations if h.kind == "chunk"]
    assert cited and cited[0].path and cited[0].path.endswith("car.md")
    assert {h.id: opened[("chunks", h.id, "text")] for h in cited} == {h.id: 1 for h in cited}
