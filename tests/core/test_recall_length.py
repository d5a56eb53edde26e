"""Recall prefers a chat's long turns to its short ones: small talk is short, what someone
tells is long."""

from __future__ import annotations

from datetime import datetime

from secondme.app import SecondMe
from secondme.memory.items import NewMemory
from secondme.memory.recall import RecallWeights
from secondme.memory.turn_form import length_prior
from tests.core.conftest import add_chat, ranked_ids

START = datetime(2024, 3, 9, 20).timestamp()

TURNS = [
    ("Max", "How was the pottery class?"),
    ("Lena", "The pottery class was great."),
    ("Max", "Glad to hear the class was great!"),
    ("Lena", "At the pottery class I made a lopsided bowl, the teacher showed me how to centre the clay "
             "with my elbows braced, and I already booked the next four Thursdays because "
             "it was the calmest evening I have had in months."),
    ("Max", "Sounds lovely. I should try it too."),
]


def _chat(ctx: SecondMe) -> None:
    add_chat(ctx, TURNS, START, "chat:pottery", "p")


def test_the_prior_runs_from_short_to_long() -> None:
    assert length_prior("Wow, that's great!") == -1.0
    assert length_prior(" ".join(["word"] * 20)) == 0.0
    assert length_prior(" ".join(["word"] * 200)) == 1.0
    assert length_prior("Nice! [shares a photo: " + "a very long caption " * 20 + "]") == -1.0
    assert -1.0 < length_prior(" ".join(["word"] * 10)) < 0.0 < length_prior(" ".join(["word"] * 40)) < 1.0


def test_the_turn_that_tells_outranks_the_small_talk(notes_ctx: SecondMe) -> None:
    _chat(notes_ctx)
    question = "What happened at Lena's pottery class?"
    without = ranked_ids(notes_ctx, question, 2, START + 3600, RecallWeights(length=0.0))
    # In so small a chat the scores spread wide: a full point shows the effect.
    with_prior = ranked_ids(notes_ctx, question, 2, START + 3600, RecallWeights(length=1.0))
    assert without[0] != "p:3"
    assert with_prior[0] == "p:3"


LOCKER = ["Locker code at the pool: 4471.",
          "The pool changed its lockers last spring, and now every locker takes a four digit code "
          "that you set yourself when you close the door, which is handy when you forget the key."]


def test_what_the_person_told_memory_is_not_held_to_it(notes_ctx: SecondMe) -> None:
    # "remember" keeps a one-liner because it is to the point: no penalty for being short.
    engine = notes_ctx.memory.engine()
    engine.recaller.w = RecallWeights(length=1.0, opener=0.0)  # the chat's first turn would gain too
    told = [engine.remember(text, at=START + i) for i, text in enumerate(LOCKER)]
    assert [h.id for h in engine.recall("locker code at the pool", k=2, now=START + 60)] == told
    # The same two as turns of a chat: the long one now comes first.
    chat = engine.items.add_many([NewMemory(text=text, kind="message", at=START + 10 + i, speaker="Ana",
                                            source="chat:swim", source_id=f"s:{i}")
                                  for i, text in enumerate(LOCKER)])
    notes_ctx.session.sync.catch_up()
    got = [h.id for h in engine.recall("locker code at the pool", k=4, now=START + 60)]
    assert got.index(chat[1]) < got.index(chat[0])
    assert got.index(told[0]) < got.index(told[1])
