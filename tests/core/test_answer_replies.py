"""A chat turn is read with the question it replies to: "Been doing it for 3 years" answers
"Which year did Jolene start yoga?" because the turn before asked "How long have you been
doing yoga?". Real store, real embedder and indexes, the default (extractive) model."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import pytest

from secondme import extractive
from secondme.app import SecondMe, chat_model_for
from secondme.paths import Paths
from secondme.replies import another_kind_only, contrasts
from secondme.settings import Settings
from secondme.vault import Vault
from secondme.when_said import date_span
from tests.core.conftest import PASS, add_chat, chat_context, eval_model_path

SAID = datetime(2023, 8, 21, 18).timestamp()
ASKED_AFTER = datetime(2024, 1, 10).timestamp()

YOGA = [
    ("Deborah", "I started a pottery class on Tuesdays, the teacher is brilliant."),
    ("Jolene", "That sounds lovely! My partner and I plan a camping trip to practice yoga by the lake."),
    ("Deborah", "Funny photo! How long have you been doing yoga?"),
    ("Jolene", "Been doing it for 3 years. It's a great way to escape studying and work stress."),
    ("Deborah", "I need something like that for exam season."),
    ("Deborah", "Do you go to a studio?"),
]


@pytest.fixture
def chat_ctx(data_dir: Path, embedder) -> Iterator[SecondMe]:  # type: ignore[no-untyped-def]
    """An unlocked context holding the chat above, with the default model (it quotes)."""
    paths = Paths.at(data_dir)
    settings = Settings(n_ctx=2048)
    c = SecondMe(paths, settings, Vault(paths.vault_file, None), embedder,
                 chat_model_factory=lambda: chat_model_for(paths, settings))
    c.init(PASS)
    add_chat(c, YOGA, SAID, "chat:yoga", "y")
    yield c
    c.close()


def test_a_reply_answers_with_what_it_was_asked(chat_ctx: SecondMe) -> None:
    answer = chat_ctx.models.ask("Which year did Jolene start practicing yoga?", when=ASKED_AFTER,
                                  remember=False)
    assert not answer.abstained
    assert answer.mode == "extractive"
    # Three years before the day she said it, cited to her reply.
    assert answer.text.startswith("2020")
    assert [h.source_id for h in answer.citations] == ["y:3"]
    assert any("Been doing it for 3 years" in s for s in answer.support)


def test_evidence_carries_the_question_each_turn_replies_to(notes_ctx: SecondMe) -> None:
    add_chat(notes_ctx, YOGA, SAID, "chat:yoga", "y")
    # The same question, then an answer in a chat opened the next day: it replies to nothing.
    add_chat(notes_ctx, [("Deborah", "How long have you been doing yoga?")], SAID + 3600, "chat:late", "l")
    add_chat(notes_ctx, [("Jolene", "Yoga for three years now, and pilates since spring.")],
             SAID + 86400, "chat:late", "m")
    engine = notes_ctx.memory.engine()
    found = engine.evidence("How long has Jolene been doing yoga?", k=10, when=ASKED_AFTER, answering=True)
    asked = {e.hit.source_id: e.asked for e in found}
    # Only the question that ends the turn before, not its opening remark.
    assert asked["y:3"] == "How long have you been doing yoga?"
    assert asked["m:0"] == ""  # a day after the question: another exchange
    assert asked.get("y:1", "") == ""  # the turn before is no question
    # Deborah's own follow-up answers no question of hers.
    assert asked.get("y:5", "") == ""
    # Plain recall (not for an answer) opens no neighbours.
    assert all(e.asked == "" for e in engine.evidence("How long has Jolene been doing yoga?", k=10,
                                                         when=ASKED_AFTER))


def test_what_the_person_told_memory_replies_to_nothing(notes_ctx: SecondMe) -> None:
    engine = notes_ctx.memory.engine()
    for i, (_, text) in enumerate(YOGA):
        engine.remember(text, at=SAID + i)
    found = engine.evidence("How long has Jolene been doing yoga?", k=10, when=ASKED_AFTER, answering=True)
    assert found and all(e.asked == "" for e in found)


def test_a_reply_saying_nothing_asked_for_is_no_answer() -> None:
    question = "What project is Nate working on in his notebook?"
    texts = ["Nate (9 Nov 2022): Yeah actually, it's been so much fun lately."]
    asked = ["Are you working on any new projects?"]
    # The question before it holds every word; the reply itself says none of them.
    assert extractive.choose(question, texts, asked=asked) == []
    told = ["Nate (9 Nov 2022): Yeah, a project about gaming tournaments, it's been so much fun."]
    quotes = extractive.choose(question, told, asked=asked)
    assert quotes and "gaming tournaments" in quotes[0].sentence


def test_what_a_question_asks_for_is_not_taken_from_the_reply_it_asked() -> None:
    # "How long" asks for a length; the reply's "How long have you been playing professionally?"
    # holds the same word, which says nothing about the piano.
    question = "How long has John been playing the piano?"
    texts = ["John (6 Dec 2023): I've been playing professionally for just under a year now."]
    assert extractive.choose(question, texts, asked=["How long have you been playing professionally?"]) == []


def test_another_kind_of_a_compound_answers_nothing() -> None:
    question = "What suggestions did Evan give for high-impact exercises?"
    low = ["Evan (10 Jan 2024): As for low-impact exercises, swimming, yoga, and walking are good options."]
    assert extractive.choose(question, low, asked=["Any suggestions for low-impact exercises?"]) == []
    high = ["Evan (10 Jan 2024): As for high-impact exercises, sprints and box jumps are good options."]
    quotes = extractive.choose(question, high, asked=["Any suggestions for high-impact exercises?"])
    assert quotes and "sprints" in quotes[0].sentence
    assert contrasts("Is my part-time job enough?", "I took a full-time job.")
    assert not contrasts("Is my part-time job enough?", "My part-time job pays well.")


def test_a_state_kept_for_years_dates_its_start() -> None:
    asked = "Which year did Audrey adopt her three dogs?"
    assert date_span(asked, "I've had them for 3 years! Their names are Pepper, Precious and Panda.",
                     "21 August 2023") == "2020"
    assert date_span(asked, "We've been together for two years now.", "3 March 2022") == "2020"
    # Said without lasting to the day it was told, the length dates nothing.
    assert date_span(asked, "I took them to the coast for 3 years in a row.", "21 August 2023") != "2020"


EXERCISE = [("Sam", "Do you have any suggestions for low-impact exercises?"),
            ("Evan", "As for low-impact exercises, swimming, yoga and walking are good options.")]
# "high" and "impact" are each held, but only low-impact exercises were ever spoken of.
SCHOOL = [("Evan", "My son's high school team won the regional final.")]


def _exercise_chat(c: SecondMe) -> None:
    add_chat(c, EXERCISE, SAID + 7200, "chat:exercise", "x")
    add_chat(c, SCHOOL, SAID + 9000, "chat:school", "s")


def test_a_kind_memory_never_spoke_of_is_not_answered(chat_ctx: SecondMe) -> None:
    _exercise_chat(chat_ctx)
    wrong = chat_ctx.models.ask("What did Evan suggest for high-impact exercises?", when=ASKED_AFTER,
                                remember=False)
    assert wrong.abstained, wrong.text
    right = chat_ctx.models.ask("What did Evan suggest for low-impact exercises?", when=ASKED_AFTER,
                                remember=False)
    assert not right.abstained and "swimming" in right.text.lower() + " ".join(right.support).lower()
    # Written without its hyphen, the kind asked is still the kind spoken of.
    assert not another_kind_only("Which open-world game?", ["Zelda is the best open world game."])
    assert not another_kind_only("What programming-related events?", ["Work-related stress again."])
    assert not another_kind_only("When is my follow-up appointment?", ["Dentist check-up on Friday."])


def test_a_model_is_not_asked_about_a_kind_memory_never_spoke_of(data_dir: Path, embedder) -> None:  # type: ignore[no-untyped-def]
    # A model given the low-impact reply lists it for "high-impact" (LoCoMo, the 1.5B).
    c = chat_context(data_dir, embedder, eval_model_path())
    try:
        _exercise_chat(c)
        wrong = c.models.ask("What did Evan suggest for high-impact exercises?", when=ASKED_AFTER,
                             remember=False)
        assert wrong.abstained and wrong.mode == "generated", wrong.text
    finally:
        c.close()
