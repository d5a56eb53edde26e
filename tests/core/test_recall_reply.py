"""Recall lifts the turn that follows a question in a chat: the reply answers it, in words of its own."""

from __future__ import annotations

import dataclasses
from datetime import datetime

from secondme.app import SecondMe
from secondme.memory.recall import RecallWeights
from secondme.memory.timeparse import asks_for_date
from tests.core.conftest import add_chat, ranked_ids

START = datetime(2024, 3, 2, 19).timestamp()

GAMES = [
    ("Nate", "Won my first video game tournament last weekend, still buzzing."),
    ("Joanna", "Congrats! Video games really are your thing."),
    ("Nate", "Video games and movies, those are my main hobbies."),
    ("Joanna", "I can tell. So what's your favorite video game these days?"),
    ("Nate", "Definitely Hollow Knight, I've sunk eighty hours into it and still find secrets."),
    ("Joanna", "I finished my screenplay draft, printing it tomorrow."),
    ("Nate", "That's huge, you should celebrate with a movie night."),
]

ASKED = [("Joanna", "Nate, do you have a favorite video game?")]
NEXT = [("Nate", "My landlord finally fixed the heating."), ("Joanna", "Good, it was freezing in there."),
        ("Nate", "My favorite snack lately is spicy popcorn.")]

QUESTION = "What is Nate's favorite video game?"
PLAIN = dataclasses.replace(RecallWeights(), reply=0.0)
# Without the neighbour and session terms, which lift any turn next to a good one in either direction.
ALONE = RecallWeights(neighbour=0.0, session=0.0, opener=0.0)
ALONE_PLAIN = dataclasses.replace(ALONE, reply=0.0)


def test_the_reply_to_a_matching_question_reaches_the_top_hits(notes_ctx: SecondMe) -> None:
    add_chat(notes_ctx, GAMES, START, "chat:games", "g")
    # All turns are asked for: a recall strengthens the memories it returns, which would favour
    # the first ranking's top hits in the second.
    without = ranked_ids(notes_ctx, QUESTION, len(GAMES), START + 3600, PLAIN)
    with_reply = ranked_ids(notes_ctx, QUESTION, len(GAMES), START + 3600, RecallWeights())
    # The answer shares no word with the question; Joanna's question before it shares them all.
    assert "g:4" not in without[:2]
    assert "g:4" in with_reply[:2]


def test_only_a_turn_of_the_same_chat_counts_as_the_reply(notes_ctx: SecondMe) -> None:
    # The question ends one chat; the next memory stored opens another chat, and answers nothing.
    add_chat(notes_ctx, ASKED, START, "chat:asked", "a")
    add_chat(notes_ctx, NEXT, START + 600, "chat:next", "n")
    without = ranked_ids(notes_ctx, QUESTION, 4, START + 3600, ALONE_PLAIN)
    with_reply = ranked_ids(notes_ctx, QUESTION, 4, START + 3600, ALONE)
    assert with_reply == without


def test_the_same_turns_in_one_chat_lift_the_reply(notes_ctx: SecondMe) -> None:
    add_chat(notes_ctx, ASKED + NEXT, START, "chat:one", "c")
    without = ranked_ids(notes_ctx, QUESTION, 4, START + 3600, ALONE_PLAIN)
    with_reply = ranked_ids(notes_ctx, QUESTION, 4, START + 3600, ALONE)
    assert with_reply.index("c:1") < without.index("c:1")


def test_a_when_question_ranks_without_the_reply_term(notes_ctx: SecondMe) -> None:
    # "When" names the event in its own words; the telling turn dates it, not the reply.
    add_chat(notes_ctx, GAMES, START, "chat:games", "g")
    question = "When did Nate say what his favorite video game is?"
    assert asks_for_date(question)
    without = ranked_ids(notes_ctx, question, len(GAMES), START + 3600, PLAIN)
    with_reply = ranked_ids(notes_ctx, question, len(GAMES), START + 3600, RecallWeights())
    assert with_reply == without
    # The same words, asked for the game itself: the reply moves up.
    asked = "What did Nate say his favorite video game is?"
    assert not asks_for_date(asked)
    assert ranked_ids(notes_ctx, asked, len(GAMES), START + 3600, PLAIN) != \
        ranked_ids(notes_ctx, asked, len(GAMES), START + 3600, RecallWeights())


def test_a_question_told_to_memory_lifts_nothing(notes_ctx: SecondMe) -> None:
    # The turns of the chat above, told to memory one after the other: no chat, no reply.
    engine = notes_ctx.memory.engine()
    told = [engine.remember(text, at=START + i) for i, (_, text) in enumerate(ASKED + NEXT)]

    def ranked(weights: RecallWeights) -> list[int]:
        engine.recaller.w = weights
        return [h.id for h in engine.recall(QUESTION, k=len(told), when=START + 3600)]

    assert ranked(ALONE) == ranked(ALONE_PLAIN)
