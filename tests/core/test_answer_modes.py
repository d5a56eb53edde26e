"""Honest answers at every model size: quoted with the tiny default model, written and checked
with a real instruct model, and never a loop."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest

from secondme import extractive, when_said
from secondme.answer import EXTRACTIVE, GENERATED, parroted, writes_answers
from secondme.app import SecondMe
from secondme.grounding import about_the_named, supported
from secondme.llm.loops import loop_start, trim_loop
from secondme.results import SearchHit
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
    # A note's date is the day it was saved, not when what it says happens.
    due = tiny_ctx.models.ask("When is the oil change due?")
    assert "45,000 km" in due.text and str(date.today().year) not in due.text


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
    assert supported("You pay 1,450 euros a month.", src, "How much rent do I pay?")
    assert not supported("You pay 45,000 km.", src, "How much rent do I pay?")
    assert not supported("Your flight code is QX7P2L at the Hotel Bristol.", src)


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
        # The answer is what was asked, not the question restated, and a name stays whole.
        hotel = c.models.ask("Which hotel do we stay at in Oslo?")
        assert "Hotel Bristol" in hotel.text and len(hotel.text.split()) <= 5
        nothing = c.models.ask("What is the boiling point of liquid nitrogen?")
        assert nothing.abstained
        # A date is resolved and quoted, not left to the model's arithmetic.
        when = c.models.ask("When do we land in Oslo?")
        assert when.mode == EXTRACTIVE and when.text.startswith("14 June 2024 [1]")
        assert when.citations[0].path and when.citations[0].path.endswith("trip.md")
        due = c.models.ask("When is the oil change due?")
        assert "45,000 km" in due.text and str(date.today().year) not in due.text
        assert due.citations and due.citations[0].path and due.citations[0].path.endswith("car.md")
    finally:
        c.close()


def test_a_written_answer_that_copies_a_source_is_noticed() -> None:
    sources = ["Gina (29 Jan 2023): Hey Jon! Long time no see! Things have been hectic lately. I just "
               "launched an ad campaign for my clothing store in hopes of growing the business.",
               "Jon (30 Jan 2023): The dance studio opens on Friday and I am so excited about it."]
    # The label of a source, or fifteen of its words in a row, is a copy, not an answer.
    assert parroted("[1] Gina (29 Jan 2023): Hey Jon! Long time no see!", sources)
    assert parroted("[1] Gina (29 Jan 2023)", sources)
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

    assert when_said.resolve_when(sentence, datetime(2023, 5, 8)) == when
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


CHAT = [
    "Maria (12 Aug 2023): I joined a nearby church last week to feel closer to my community.",
    "John (12 Aug 2023): That's great, Maria! I started volunteering at the food bank.",
    "John (14 Aug 2023): My sister Ana moved to Lisbon for a design job.",
    "John (15 Aug 2023): Maria baked bread for the whole choir on Sunday.",
]


@pytest.mark.parametrize(("question", "written", "fits"), [
    # Drawn from Maria's message, asked about John: the premise names the wrong person.
    ("Why did John join a church?", "John wanted to feel closer to his community.", False),
    # Drawn from the named person's own message.
    ("Why did Maria join a church?", "To feel closer to her community [1]", True),
    ("Where does John volunteer?", "At the food bank [2]", True),
    # A message by someone else that names the person asked about counts as about them.
    ("What did Maria bake for the choir?", "Sourdough bread", True),
    # A question that names no author is not checked.
    ("Who moved to Lisbon?", "Ana", True),
])
def test_a_written_answer_must_come_from_the_named_persons_story(question: str, written: str,
                                                                  fits: bool) -> None:
    assert about_the_named(written, question, CHAT, CHAT) is fits


def test_a_number_in_digits_is_backed_by_the_same_number_in_words() -> None:
    src = ["Maria (3 Jun 2023): We adopted two dogs from the shelter this spring."]
    assert supported("Maria adopted 2 dogs.", src, "How many dogs did Maria adopt?")
    assert supported("Two", src, "How many dogs did Maria adopt?")
    assert not supported("5 dogs", src, "How many dogs did Maria adopt?")


def test_a_parent_named_formally_is_backed_by_the_chat_word() -> None:
    src = ["Deborah (3 Jun 2023): I lost my mom last year, and my dad passed away when I was a teen."]
    q = "Which of Deborah's family have passed away?"
    assert supported("Her father and mother", src, q)
    assert not supported("Her sister and aunt", src, q)
    # And the other way round: the question's "mom" finds a sentence that says "mother".
    found = extractive.choose("What did Deborah's mom teach her?",
                              ["Deborah (3 Jun 2023): My mother taught me to paint with watercolors."])
    assert found and "watercolors" in found[0].sentence


def test_a_written_answer_cites_the_sources_that_hold_it_numbered_as_listed() -> None:
    from secondme.answer import _recited, _renumbered
    seen = ["Car (2 Feb 2024): The winter tyres are stored at Garage Dupont on Rue Cler.",
            "Trip (3 Mar 2024): We land in Oslo on 14 June and stay at the Hotel Bristol.",
            "Home (1 Jan 2024): The landlord is Mrs Okafor."]
    q = "Which hotel do we stay at in Oslo?"
    # Cited nothing: the source that holds it is cited.
    assert _recited("Hotel Bristol", [], seen, q) == ("Hotel Bristol [2]", [2])
    # Cited to the source that holds it: kept as written.
    assert _recited("Hotel Bristol [2]", [2], seen, q) == ("Hotel Bristol [2]", [2])
    # Cited to one that does not: cited to the one that does instead of thrown away.
    assert _recited("Hotel Bristol [1]", [1], seen, q) == ("Hotel Bristol [2]", [2])
    # Held by none of them: kept as written, and the support check then refuses it.
    assert _recited("Hotel Savoy [1]", [1], seen, q) == ("Hotel Savoy [1]", [1])
    # Nothing of its own to attribute: as written.
    assert _recited("Yes", [], seen, "Do we stay at the Hotel Bristol?") == ("Yes", [])
    # The answer lists its citations in order, so its markers count from [1].
    assert _renumbered("Hotel Bristol [2], landlord Mrs Okafor [3] [7]", [2, 3]) == \
        "Hotel Bristol [1], landlord Mrs Okafor [2]"


def test_an_answer_that_picks_one_of_the_offered_choices_is_kept() -> None:
    from secondme.answer import _checked
    from secondme.question_terms import offers_choice
    texts = ["Jolene (2 Jan 2023): I adopted Susie, my first snake, when I was in college.",
             "Jolene (5 Mar 2023): Seraphim joined the family last month, a ball python."]
    hits = [SearchHit(id=i, kind="message", title="Jolene", snippet="", score=1.0) for i in range(2)]
    choice = "Which pet did Jolene adopt first - Susie or Seraphim?"
    assert offers_choice(choice)
    assert offers_choice("Does Deborah live close to the beach or the mountains?")
    assert not offers_choice("Which pet did Jolene adopt first?")
    # Every word of "Susie" is the question's, yet it answers: kept as written.
    assert _checked("Susie [1]", choice, texts[:1], hits, texts, None, []) is None
    # "Yes" is no pick: it goes to the quote, whose sentence names the option.
    instead = _checked("Yes, Jolene adopted both [1]", choice, texts[:1], hits, texts, None,
                       extractive.choose(choice, texts))
    assert instead is not None and instead.mode == EXTRACTIVE and instead.text.startswith("Susie"), instead
    # Without choices to pick from, the question's own words say nothing: quoted instead.
    instead = _checked("Jolene adopted [1]", "Which pet did Jolene adopt first?", texts[:1], hits, texts, None, [])
    assert instead is not None and instead.mode == EXTRACTIVE


def test_an_answer_moved_to_someone_else_s_message_is_quoted_not_refused() -> None:
    from secondme.answer import _checked
    # The model cites [1] for "a necklace in Lisbon", which only Omar's message [2] holds: a
    # wrong citation, and the answer is Omar's story. Unsupported as cited, it falls back to
    # quoting Nina's own sentence, as any answer its sources do not bear out.
    texts = ["Nina (2 Jan 2023): Thanks, Omar! Got any other things you treasure?",
             "Omar (2 Jan 2023): My grandma gave me this necklace when we lived in Lisbon.",
             "Nina (5 Mar 2023): These figurines I bought yesterday remind me of home."]
    hits = [SearchHit(id=i, kind="message", title=t.split(" (")[0], snippet="", score=1.0)
            for i, t in enumerate(texts)]
    q = "What has Nina bought?"
    quotes = extractive.choose(q, texts)
    assert quotes and "figurines" in quotes[0].sentence
    written = "Nina bought a necklace in Lisbon [1]"
    moved = _checked(written, q, texts[1:2], hits, texts, None, quotes, moved=True)
    assert moved is not None and moved.mode == EXTRACTIVE and "figurines" in moved.text
    # Cited so by the model itself, the same answer is another's story: not answered.
    own = _checked(written, q, texts[1:2], hits, texts, None, quotes)
    assert own is not None and own.abstained
