"""Recall lifts the turn that opens a chat, or opens it again after hours apart: it tells the news."""

from __future__ import annotations

import dataclasses
from datetime import datetime

from secondme.app import SecondMe
from secondme.memory.recall import RecallWeights
from secondme.memory.turn_form import OPENER_GAP
from tests.core.conftest import add_chat, ranked_ids

START = datetime(2024, 5, 11, 10).timestamp()
DAY = 86400.0

# The same news twice: once mid-chat, once opening a chat a week later.
MIDDLE = [
    ("Leo", "How did the move go?"),
    ("Maya", "Smoothly, the boxes are mostly unpacked and the kitchen works."),
    ("Maya", "We also adopted a rescue greyhound called Biscuit on Saturday."),
]
OPENING = [
    ("Maya", "Hey Leo! News: we adopted a rescue greyhound, Pepper, on Sunday."),
    ("Leo", "Congrats, send pictures!"),
]

QUESTION = "Which rescue greyhound did Maya adopt?"
PLAIN = dataclasses.replace(RecallWeights(), opener=0.0)


def _ranks(ctx: SecondMe) -> tuple[list[str], list[str]]:
    when = START + 30 * DAY
    return (ranked_ids(ctx, QUESTION, 5, when, PLAIN), ranked_ids(ctx, QUESTION, 5, when, RecallWeights()))


def test_the_opening_turn_outranks_the_same_news_mid_chat(notes_ctx: SecondMe) -> None:
    add_chat(notes_ctx, MIDDLE, START, "chat:move", "m")
    add_chat(notes_ctx, OPENING, START + 7 * DAY, "chat:news", "n")
    without, with_opener = _ranks(notes_ctx)
    assert without.index("m:2") < without.index("n:0")
    assert with_opener.index("n:0") < with_opener.index("m:2")


def test_a_turn_after_a_long_gap_in_one_chat_opens_it_again(notes_ctx: SecondMe) -> None:
    # One chat, one source: the news comes a week after the last turn.
    turns = [*MIDDLE, *OPENING]
    add_chat(notes_ctx, turns[:3], START, "chat:one", "a")
    add_chat(notes_ctx, turns[3:], START + 7 * DAY, "chat:one", "b")
    without, with_opener = _ranks(notes_ctx)
    assert without.index("a:2") < without.index("b:0")
    assert with_opener.index("b:0") < with_opener.index("a:2")


def test_a_turn_minutes_after_the_last_does_not_open_the_chat(notes_ctx: SecondMe) -> None:
    assert OPENER_GAP >= 3600
    add_chat(notes_ctx, MIDDLE, START, "chat:one", "a")
    add_chat(notes_ctx, OPENING, START + 600, "chat:one", "b")
    without, with_opener = _ranks(notes_ctx)
    # The same turns as above, ten minutes apart: the news stays under the one told first.
    assert without.index("a:2") < without.index("b:0")
    assert with_opener.index("a:2") < with_opener.index("b:0")


def test_a_turn_nobody_answered_soon_opens_nothing(notes_ctx: SecondMe) -> None:
    # A diary-like chat, one message every few days: no turn opens an exchange, none gains.
    add_chat(notes_ctx, MIDDLE, START, "chat:move", "m")
    add_chat(notes_ctx, OPENING[:1], START + 7 * DAY, "chat:news", "n")
    without, with_opener = _ranks(notes_ctx)
    assert without.index("m:2") < without.index("n:0")
    assert with_opener.index("m:2") < with_opener.index("n:0")
