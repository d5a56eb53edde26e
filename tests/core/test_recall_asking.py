"""Recall lowers a message that ends by asking: it resembles the question, the reply answers it."""

from __future__ import annotations

from datetime import datetime

from secondme.app import SecondMe
from secondme.memory.recall import RecallWeights
from secondme.memory.turn_form import asks
from tests.core.conftest import add_chat, ranked_ids

START = datetime(2024, 9, 14, 18).timestamp()

TURNS = [
    ("Ines", "Back at work, the inbox is a disaster after two weeks away."),
    ("Tom", "Welcome back! Did you manage to try the ramen at Kurobuta in the end?"),
    ("Ines", "Yes, the ramen at Kurobuta was rich and smoky, the best bowl of the trip."),
    ("Tom", "I still have to plan my own trip, maybe the Alps in October."),
    ("Ines", "Take the train, the views are worth it."),
    ("Tom", "Good idea, I'll look at tickets tonight."),
]


def _chat(ctx: SecondMe) -> None:
    add_chat(ctx, TURNS, START, "chat:back", "b")


def test_a_message_asks_when_it_ends_with_a_question() -> None:
    assert asks("Welcome back! Where did you go?")
    assert asks("Did you see it? [shares a photo: a dog on a beach]")
    assert not asks("Where did we go? Crete, of course.")
    assert not asks("We went to Crete. [shares a photo: is this the beach?]")
    assert not asks("")


def test_the_reply_outranks_the_question_it_answers(notes_ctx: SecondMe) -> None:
    _chat(notes_ctx)
    question = "What was the ramen at Kurobuta like?"
    without = ranked_ids(notes_ctx, question, 3, START + 3600, RecallWeights(asking=0.0))
    # In so small a chat the scores spread wide: a full point of penalty shows the effect.
    with_penalty = ranked_ids(notes_ctx, question, 3, START + 3600, RecallWeights(asking=1.0))
    # Tom's question holds the same words and asks, as the question does; Ines's reply answers.
    assert without[:2] == ["b:1", "b:2"]
    assert with_penalty[:2] == ["b:2", "b:1"]
