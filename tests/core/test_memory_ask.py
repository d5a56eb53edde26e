"""``ask`` over the memory corpus with the real default model: grounded answers, abstention,
and every chat turn remembered (never cited back as evidence)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from secondme.app import SecondMe, chat_model_for
from secondme.paths import Paths
from secondme.settings import Settings
from secondme.vault import Vault
from tests.core import memory_corpus as corpus
from tests.core.conftest import PASS


@pytest.fixture
def ask_ctx(data_dir: Path, tmp_path: Path, embedder) -> Iterator[SecondMe]:  # type: ignore[no-untyped-def]
    paths = Paths.at(data_dir)
    settings = Settings(n_ctx=2048)
    c = SecondMe(paths, settings, Vault(paths.vault_file, None), embedder,
                 chat_model_factory=lambda: chat_model_for(paths, settings))
    c.init(PASS)
    c.import_messages(str(corpus.write_jsonl(tmp_path / "chats.jsonl")))
    c.consolidate()
    yield c
    c.close()


def test_abstains_on_questions_the_memory_cannot_answer(ask_ctx: SecondMe) -> None:
    for q in corpus.ABSTAIN:
        ans = ask_ctx.ask(q, conversation="t")
        assert ans.abstained and ans.citations == (), (q, ans.text)
        assert "don't find that in your memory" in ans.text


def test_answers_from_memory_and_remembers_the_exchange(ask_ctx: SecondMe) -> None:
    before = {m.id: m.strength for m in ask_ctx.memories(limit=500)}
    ans = ask_ctx.ask("What is the name of my dog?", conversation="chat-1")
    assert not ans.abstained and ans.citations
    cited = {h.id for h in ans.citations if h.kind != "chunk"}
    assert any("Rex" in (ask_ctx.store.get("memories", i)["text"]) for i in cited)  # type: ignore[index]
    after = {m.id: m.strength for m in ask_ctx.memories(limit=500)}
    for mid in cited:
        assert after[mid] == before[mid] + 1  # only what the answer used is reinforced
    turns = [m for m in ask_ctx.memories(kind="message", limit=500) if m.id not in before]
    assert sorted(m.speaker or "" for m in turns) == ["assistant", "user"]
    assert {m.text for m in turns if m.speaker == "user"} == {"What is the name of my dog?"}
    # Asking again never cites the earlier question or answer as evidence.
    again = ask_ctx.ask("What is the name of my dog?", conversation="chat-1")
    assert not {h.id for h in again.citations} & {m.id for m in turns}
    # Forgetting the chat removes both of its turns.
    assert ask_ctx.forget("conversation:chat-1") == 4 - (1 if again.abstained else 0)


def test_model_fact_extraction_is_bounded_and_grounded(data_dir: Path, tmp_path: Path, embedder) -> None:  # type: ignore[no-untyped-def]
    """Forced on with the tiny default model (auto leaves it off): it runs within its budget,
    and whatever it returns is kept only if the value occurs in the message."""
    paths = Paths.at(data_dir)
    settings = Settings(n_ctx=2048)
    c = SecondMe(paths, settings, Vault(paths.vault_file, None), embedder,
                 chat_model_factory=lambda: chat_model_for(paths, settings))
    c.init(PASS)
    try:
        for text in ("My colleague Priya sent me the slides.", "Lunch was pasta again.",
                     "I live at 8 Mill Lane, Leeds."):
            c.remember(text)
        engine = c._memory_engine()
        assert engine._llm_for_extraction(None) is None  # 135M parameters: off by default
        res = engine.consolidate(use_llm=True)
        assert 1 <= res["llm_calls"] <= 3
        sources = " ".join(m.text for m in c.memories(kind="message")).lower()
        for f in c.memories(kind="fact"):
            value = f.text.split(": ", 1)[1].lower()
            assert value in sources, f.text
        assert any(f.text == "My home address: 8 Mill Lane" for f in c.memories(kind="fact"))
    finally:
        c.close()
