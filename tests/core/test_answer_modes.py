"""Honest answers at every model size: quoted with the tiny default model, written and checked
with a real instruct model, and never a loop."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from secondme import extractive
from secondme.answer import EXTRACTIVE, GENERATED, parroted, writes_answers
from secondme.app import SecondMe
from secondme.llm.loops import loop_start, trim_loop
from tests.core.conftest import PASS, chat_context, eval_model_path, write

NOTES = {
    "home.md": "# Flat\nThe lease started in March 2023. I pay 1,450 euros of rent every month, "
               "due on the 3rd. The landlord is Mrs Okafor.\n",
    "car.md": "# Car\nThe oil change is due at 45,000 km. The winter tyres are stored at Garage "
              "Dupont on Rue Cler.\n",
    "trip.md": "# Trip to Oslo\nFlight confirmation code QX7P2L. We land in Oslo on 14 June 2024 "
               "and stay at the Hotel Bristol.\n",
}


def _ctx(data_dir: Path, tmp_path: Path, embedder, model_path: str | None) -> SecondMe:  # type: ignore[no-untyped-def]
    c = chat_context(data_dir, embedder, model_path)
    notes = tmp_path / "notes"
    for name, text in NOTES.items():
        write(notes / name, text)
    c.notes.add_folder(str(notes))
    assert c.notes.wait_indexed(60)
    return c


@pytest.fixture
def tiny_ctx(data_dir: Path, tmp_path: Path, embedder) -> Iterator[SecondMe]:  # type: ignore[no-untyped-def]
    c = _ctx(data_dir, tmp_path, embedder, None)
    yield c
    c.close()


def test_the_default_model_quotes_the_sentence_that_answers(tiny_ctx: SecondMe) -> None:
    assert not writes_answers(tiny_ctx.models.chat_model)  # SmolLM2-135M: too small to write
    # The person's own earlier question is remembered too; it must never be the answer.
    tiny_ctx.memory.remember("How much rent do I pay?")
    tokens: list[str] = []
    ans = tiny_ctx.models.ask("How much rent do I pay?", on_token=tokens.append)
    assert ans.mode == EXTRACTIVE and not ans.abstained
    assert "1,450 euros" in ans.text and "45,000" not in ans.text
    assert ans.citations and ans.citations[0].path and ans.citations[0].path.endswith("home.md")
    assert "[1]" in ans.text and "".join(tokens) == ans.text
    assert "rent" in ans.highlights

    # The short answer leads; the whole sentence it comes from follows as its cited support.
    assert ans.text.startswith("1,450 euros")
    assert ans.support and "I pay 1,450 euros of rent every month" in ans.support[0]
    when = tiny_ctx.models.ask("When do we land in Oslo?")
    assert when.mode == EXTRACTIVE and when.text.startswith("14 June 2024 [1]")
    assert "We land in Oslo on 14 June 2024" in when.support[0] and when.support[0].endswith("[1]")
    assert when.citations[0].path and when.citations[0].path.endswith("trip.md")


def test_the_default_model_abstains_when_no_sentence_answers(tiny_ctx: SecondMe) -> None:
    ans = tiny_ctx.models.ask("What is the boiling point of liquid nitrogen?")
    assert ans.abstained and ans.citations == ()


def test_choose_prefers_the_value_asked_for_and_skips_questions() -> None:
    texts = ["Car: The oil change is due at 45,000 km. I should pay the garage soon.",
             "Chat: How much rent do I pay?",
             "Flat: My rent is 1,450 euros a month."]
    quotes = extractive.choose("How much rent do I pay?", texts)
    assert quotes and quotes[0].sentence == "My rent is 1,450 euros a month."
    assert extractive.choose("Who won the 1954 World Cup?", texts) == []


def test_supported_rejects_numbers_the_sources_do_not_hold() -> None:
    src = ["Flat: My rent is 1,450 euros a month, due on the 3rd."]
    assert extractive.supported("You pay 1,450 euros a month.", src, "How much rent do I pay?")
    assert not extractive.supported("You pay 45,000 km.", src, "How much rent do I pay?")
    assert not extractive.supported("Your flight code is QX7P2L at the Hotel Bristol.", src)


@pytest.mark.parametrize("text, kept", [
    ("It doesn't compile because it" + " doesn't compile because it" * 40, "It doesn't compile because it"),
    ("The answer is 42. " + "I think so. " * 10, "The answer is 42. I think so."),
    ("A normal answer with no loop at all [1].", "A normal answer with no loop at all [1]."),
    ("Numbers 1 2 3 4 5 6 7 8 9 10 11 12 are fine.", "Numbers 1 2 3 4 5 6 7 8 9 10 11 12 are fine."),
])
def test_loops_are_cut_to_one_copy(text: str, kept: str) -> None:
    assert trim_loop(text) == kept
    assert (loop_start(text) is None) == (text == kept)


def test_a_real_instruct_model_writes_a_supported_cited_answer(data_dir: Path, tmp_path: Path, embedder) -> None:  # type: ignore[no-untyped-def]
    c = _ctx(data_dir, tmp_path, embedder, eval_model_path())
    try:
        assert writes_answers(c.models.chat_model)  # Qwen2.5-Coder 0.5B: large enough to write
        ans = c.models.ask("How much rent do I pay each month?")
        assert not ans.abstained
        assert "1,450" in ans.text or "1450" in ans.text
        assert "45,000" not in ans.text
        assert ans.mode in (GENERATED, EXTRACTIVE)
        assert ans.citations and any(h.path and h.path.endswith("home.md") for h in ans.citations)
        assert loop_start(ans.text) is None
        nothing = c.models.ask("What is the boiling point of liquid nitrogen?")
        assert nothing.abstained
        # A date is resolved and quoted, not left to the model's arithmetic.
        when = c.models.ask("When do we land in Oslo?")
        assert when.mode == EXTRACTIVE and when.text.startswith("14 June 2024 [1]")
        assert when.citations[0].path and when.citations[0].path.endswith("trip.md")
    finally:
        c.close()


def test_a_written_answer_that_copies_a_source_is_noticed() -> None:
    sources = ["Gina (29 Jan 2023): Hey Jon! Long time no see! Things have been hectic lately. I just "
               "launched an ad campaign for my clothing store in hopes of growing the business.",
               "Jon (30 Jan 2023): The dance studio opens on Friday and I am so excited about it."]
    # The label of a source, or fifteen of its words in a row, is a copy, not an answer.
    assert parroted("[1] Gina (29 Jan 2023): Hey Jon! Long time no see!", sources)
    assert parroted("Things have been hectic lately. I just launched an ad campaign for my clothing "
                    "store in hopes of growing it [1]", sources)
    # A short answer in the sources' words, or a sentence of its own, is an answer.
    assert not parroted("An ad campaign for her clothing store [1]", sources)
    assert not parroted("Jon feels excited: the dance studio opens on Friday and he cannot wait to see "
                        "his students and the whole neighbourhood there [2]", sources)


@pytest.mark.parametrize("sentence, when", [
    ("I went to a support group yesterday.", "7 May 2023"),
    ("Last Saturday we hiked up the ridge.", "the Saturday before 8 May 2023"),
    ("I ran a charity race last week.", "the week before 8 May 2023"),
    ("Two years ago I moved to Oslo.", "2021"),
    ("We land in Oslo on 14 June 2024.", ""),
    ("We met on May 3rd at the cafe.", ""),
    ("I finished the painting.", "8 May 2023"),
])
def test_when_answers_resolve_time_words_against_the_day_said(sentence: str, when: str) -> None:
    from datetime import datetime

    assert extractive.resolve_when(sentence, datetime(2023, 5, 8)) == when
    quotes = extractive.choose("When did that happen: " + sentence.rstrip("."),
                               [f"Chat (08 May 2023): {sentence}"])
    assert quotes and quotes[0].when == when


def test_the_cli_says_when_an_answer_was_quoted(data_dir: Path, tmp_path: Path, embedder,  # type: ignore[no-untyped-def]
                                                monkeypatch: pytest.MonkeyPatch,
                                                capsys: pytest.CaptureFixture[str]) -> None:
    import json

    from secondme.cli.main import main

    _ctx(data_dir, tmp_path, embedder, None).close()
    monkeypatch.setenv("SECONDME_PASSPHRASE", PASS)
    assert main(["--data-dir", str(data_dir), "ask", "--json", "How much rent do I pay?"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["mode"] == "extractive" and "1,450 euros" in out["answer"]
    assert main(["--data-dir", str(data_dir), "ask", "How much rent do I pay?"]) == 0
    assert "Quoted from your sources" in capsys.readouterr().out
