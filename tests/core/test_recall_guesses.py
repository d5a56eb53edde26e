"""A model's guesses at an answer's words widen recall for questions whose answers share no
word with them (list questions); a wrong guess never costs the question's own best match."""

from __future__ import annotations

import dataclasses
import logging
from datetime import datetime
from pathlib import Path

import pytest

from secondme.app import SecondMe
from secondme.guesses import answer_terms, cleaned
from secondme.memory.items import NewMemory
from secondme.memory.question_form import asks_list
from secondme.memory.recall import RecallWeights
from tests.core.conftest import chat_context, eval_model_path

DAY = 86400.0
START = datetime(2024, 5, 6, 18).timestamp()

# Priya plays tennis and basketball (what anyone guesses first); neither message says "sport".
# Around them, a message that does say it and one that names her, neither answering, and
# ordinary chat.
ANSWERS = {
    "s1:tennis": "Off to tennis practice tonight, the club moved it to Tuesdays.",
    "s2:basketball": "Our basketball team won on Sunday, I scored twelve points!",
}
DISTRACTORS = [
    "The sports pages were all about the election today, nothing else.",
    "Priya is my full name, but everyone at work calls me Pri.",
]
FILLER = [
    "The weather was grey all week, I mostly stayed in and read.",
    "Work has been hectic, three deadlines at once.",
    "We tried a new ramen place near the station, the broth was great.",
    "My sister is visiting in May, we plan to walk the coast path.",
    "The cat knocked over my plant again this morning.",
    "Thinking about repainting the kitchen a pale green colour.",
    "Booked train tickets for the holiday, the sleeper to Vienna.",
    "I baked sourdough bread and it actually rose this time.",
    "My cat is called Mochi, she is a grumpy old tabby.",
]


def _chat(ctx: SecondMe) -> None:
    turns: list[NewMemory] = []
    session_1 = [*FILLER[:5], DISTRACTORS[0]]
    session_2 = [*FILLER[5:], DISTRACTORS[1]]
    for n, (texts, answer_id) in enumerate(((session_1, "s1:tennis"), (session_2, "s2:basketball")), 1):
        at = START + (n - 1) * 30 * DAY
        for i, text in enumerate(texts):
            turns.append(NewMemory(text=text, kind="message", at=at + i * 60, speaker="Priya",
                                   source=f"chat:s{n}", source_id=f"s{n}:{i}"))
        turns.append(NewMemory(text=ANSWERS[answer_id], kind="message", at=at + 3600, speaker="Priya",
                               source=f"chat:s{n}", source_id=answer_id))
    ctx.session.memories.add_many(turns)
    ctx.session.sync.catch_up()


def _ranked(ctx: SecondMe, question: str, guesses: str | None) -> list[str]:
    found = ctx.memory.engine().evidence(question, k=20, when=START + 60 * DAY, expansion=guesses)
    return [str(e.hit.source_id) for e in found]


def test_guesses_bring_up_answers_that_share_no_word_with_the_question(notes_ctx: SecondMe) -> None:
    _chat(notes_ctx)
    question = "What sports does Priya play?"
    plain = _ranked(notes_ctx, question, None)
    guessed = _ranked(notes_ctx, question, "football, tennis, golf, basketball, swimming, running")
    _assert_lifted(plain, guessed)


def _assert_lifted(plain: list[str], guessed: list[str]) -> None:
    """No answer ranks lower with the guesses, and at least one ranks higher."""
    before = [plain.index(a) for a in ANSWERS]
    after = [guessed.index(a) for a in ANSWERS]
    assert all(x <= y for x, y in zip(after, before, strict=True)) and sum(after) < sum(before), (plain, guessed)


def _ranked_with(ctx: SecondMe, question: str, guesses: str, list_expansion: float) -> list[str]:
    w = dataclasses.replace(RecallWeights(), list_expansion=list_expansion)
    found = ctx.memory.engine().recaller.evidence(question, 20, when=START + 60 * DAY, expansion=guesses,
                                                  weights=w)
    return [str(e.hit.source_id) for e in found]


def test_a_list_question_follows_its_guesses_further(notes_ctx: SecondMe) -> None:
    _chat(notes_ctx)
    question = "What sports does Priya play?"
    assert asks_list(question) and RecallWeights().list_expansion > RecallWeights().expansion
    guesses = "football, tennis, golf, basketball, swimming, running"
    half = _ranked_with(notes_ctx, question, guesses, RecallWeights().expansion)
    full = _ranked_with(notes_ctx, question, guesses, RecallWeights().list_expansion)
    _assert_lifted(half, full)
    # A question for one thing is lifted as before: its guesses' weight is ``expansion``.
    one = "What is the name of Priya's cat?"
    assert not asks_list(one)
    dog = "Rex, Buddy, Max, Bella, puppy, dog, leash"
    assert _ranked_with(notes_ctx, one, dog, 0.5) == _ranked_with(notes_ctx, one, dog, 2.0)


def test_a_wrong_guess_keeps_the_questions_own_best_match(notes_ctx: SecondMe) -> None:
    _chat(notes_ctx)
    question = "What is the name of Priya's cat?"
    mochi = "s2:3"  # "My cat is called Mochi"
    plain = _ranked(notes_ctx, question, None)
    assert plain.index(mochi) <= 2, plain
    # The model guessed a dog's names: the message naming the cat loses no place.
    wrong = _ranked(notes_ctx, question, "Rex, Buddy, Max, Bella, puppy, dog, leash")
    assert wrong.index(mochi) <= plain.index(mochi), wrong


@pytest.mark.parametrize(("raw", "terms"), [
    ("swimming, hiking, pottery", ["swimming", "hiking", "pottery"]),
    # A looping model: each term once.
    ("Kind, adventurous, adventurous, Adventurous, adventurous", ["Kind", "adventurous"]),
    # A numbered list, bullets, "and", a closing full stop.
    ("1. Tennis\n2. Golf and squash.", ["Tennis", "Golf", "squash"]),
    ("- camping\n- the long museum trip with the kids", ["camping"]),
    # A sentence is no search term.
    ("She moved from a small flat in Leeds to a bigger one near the sea", []),
    ("", []),
])
def test_guesses_are_cleaned_to_distinct_short_terms(raw: str, terms: list[str]) -> None:
    assert cleaned(raw) == terms


def test_at_most_twelve_terms() -> None:
    assert len(cleaned(", ".join(f"term{i}" for i in range(40)))) == 12


class _Counting:
    """Counts the generations asked of it (the guess must not be asked for at all)."""

    def __init__(self) -> None:
        self.calls = 0

    def generate(self, *args: object, **kwargs: object) -> None:
        self.calls += 1
        raise AssertionError("a when question is not guessed for")


@pytest.mark.parametrize("question", ["When did Priya start playing tennis?",
                                      "What year did Priya move to Leeds?",
                                      "What date is Priya's tennis final?"])
def test_when_questions_make_no_guess(question: str) -> None:
    model = _Counting()
    assert answer_terms(model, question) == ""
    assert model.calls == 0


def test_a_real_models_guesses_widen_what_ask_recalls(
        data_dir: Path, embedder, caplog: pytest.LogCaptureFixture) -> None:  # type: ignore[no-untyped-def]
    c = chat_context(data_dir, embedder, eval_model_path())
    question = "What sports does Priya play?"
    try:
        _chat(c)
        guesses = answer_terms(c.models.chat_model, question)
        terms = cleaned(guesses)
        assert 2 <= len(terms) <= 12 and guesses == ", ".join(terms), guesses
        assert answer_terms(c.models.chat_model, "When did Priya join the tennis club?") == ""
        _assert_lifted(_ranked(c, question, None), _ranked(c, question, guesses))
        # ask, with a model that writes answers, searches with its guesses too.
        with caplog.at_level(logging.DEBUG, logger="secondme.guesses"):
            c.models.ask(question, when=START + 60 * DAY, remember=False)
        assert any(r.getMessage().startswith("recall guesses for") for r in caplog.records)
    finally:
        c.close()
