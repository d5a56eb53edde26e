"""Answers from notes as people write them: labelled lines, bullet lists, pages on many things.

The questions a new user asks of a notes folder, answered through the real default model
(SmolLM2, so quoted), the real MiniLM embedder and the real indexes.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from secondme.app import SecondMe
from secondme.grounding import plain_forms, unfamiliar
from secondme.span_fields import field_value, labelled, shaped_answer
from secondme.spans import short_answer
from tests.core.conftest import chat_context, write

HOME = """# Home

## Flat
- Address: 27 Quarry Lane, Flat 4, Sheffield S11 8AB
- Rent: £890 a month, paid on the 3rd to Northgate Lettings
- Landlord: Olu Bakare, 07911 402311
- Boiler serviced 9 January 2024 by Hallam Heating

## Car
The Corsa's MOT is due on 17 November. Last oil change at 48,300 miles.
"""

JOURNAL = """# 2 March 2024

Went bouldering at the Foundry with Marek. Finally topped the blue V3.
Booked a ferry to Bilbao for 14 August, staying six nights in the old town.
Dad's birthday is on 30 April; he wants a new pair of walking boots.
"""

WORK = """# Work

Team standup is at 10:15 every weekday. My manager is Ines Duarte.
Project Kestrel: moving the invoicing reports from cron jobs to Prefect.
"""


@pytest.fixture
def notes_ask(data_dir: Path, tmp_path: Path, embedder) -> Iterator[SecondMe]:  # type: ignore[no-untyped-def]
    c = chat_context(data_dir, embedder)
    notes = tmp_path / "notes"
    write(notes / "home.md", HOME)
    write(notes / "journal" / "2024-03-02.md", JOURNAL)
    write(notes / "work.md", WORK)
    c.notes.add_folder(str(notes))
    assert c.notes.wait_indexed(60)
    yield c
    c.close()


@pytest.mark.parametrize("question, expected, source", [
    ("How much rent do I pay?", "£890 a month", "home.md"),
    ("Who is my landlord?", "Olu Bakare", "home.md"),
    ("What is my landlord's phone number?", "07911 402311", "home.md"),
    ("What is my address?", "27 Quarry Lane, Flat 4, Sheffield S11 8AB", "home.md"),
    ("Who did I go bouldering with?", "Marek", "2024-03-02.md"),
    ("How long am I staying in Bilbao?", "six nights", "2024-03-02.md"),
    ("What does Dad want for his birthday?", "a new pair of walking boots", "2024-03-02.md"),
    ("When is Dad's birthday?", "30 April", "2024-03-02.md"),
    ("What time is standup?", "10:15", "work.md"),
    ("What is project Kestrel?", "moving the invoicing reports from cron jobs to Prefect", "work.md"),
])
def test_a_question_about_one_line_of_a_page_is_answered_by_that_line(
        notes_ask: SecondMe, question: str, expected: str, source: str) -> None:
    # Each page is about many things; its one vector is far from a question about one line
    # (MiniLM ~0.25), which used to fall under the floor below which nothing is found.
    ans = notes_ask.models.ask(question, remember=False)
    assert not ans.abstained, question
    assert ans.text.split(" [")[0] == expected
    assert ans.citations and str(ans.citations[0].path).endswith(source)


@pytest.mark.parametrize("question", [
    "What is my landlord's email?",   # the landlord's line has a phone number, no e-mail
    "What is my cat's name?",         # no cat anywhere
    "Who is my dentist?",
])
def test_what_the_notes_do_not_say_is_not_found(notes_ask: SecondMe, question: str) -> None:
    ans = notes_ask.models.ask(question, remember=False)
    assert ans.abstained and not ans.citations


@pytest.mark.parametrize("question, line, span", [
    ("Who is my GP?", "GP: Dr Lena Moss at Crookes Surgery.", "Dr Lena Moss"),
    ("What is my blood type?", "- Blood type: A positive", "A positive"),
    ("When is the MOT due?", "* MOT due: 17 November", "17 November"),
    ("How much is the gym?", "Gym: £32 a month, cancel by the 20th", "£32 a month"),
    ("What is Ada's email?", "Ada Lim: ada.lim@example.org, 0114 496 0000", "ada.lim@example.org"),
    ("What is Ada's phone number?", "Ada Lim: ada.lim@example.org, +44 114 496 0000", "+44 114 496 0000"),
    ("Where is my flat?", "- Address: 27 Quarry Lane, Flat 4, Sheffield", "Quarry Lane"),
])
def test_a_labelled_line_answers_with_its_value(question: str, line: str, span: str) -> None:
    assert short_answer(question, line) == span


def test_what_is_a_label_and_what_is_not() -> None:
    assert labelled("- Landlord: Olu Bakare") == ("Landlord", "Olu Bakare")
    assert labelled("Team standup at 10:15 every day") is None      # a time's colon
    assert labelled("[shares a photo: a dog on a beach]") is None   # a chat's photo caption
    assert labelled("Well I said this to him and more: go away") is None  # too long for a label
    assert field_value("Who is my landlord?", "Rent: £890 a month") == ""  # a label not asked about
    assert shaped_answer("What is Olu's email?", "Landlord: Olu Bakare, 07911 402311") == ""
    assert shaped_answer("Who is Olu?", "Landlord: Olu Bakare") is None


def test_a_person_is_not_the_verb_a_note_opens_with() -> None:
    # Notes drop their "I": "Went climbing…" opens with a capitalized verb, no name.
    assert short_answer("Who did I go climbing with?", "Went climbing at the Crag with Jess.") == "Jess"
    assert short_answer("Who did I meet at the market?", "Bumped into Tom Reyes at the market.") == "Tom Reyes"


def test_the_word_after_how_and_an_attribute_asked_are_no_premise() -> None:
    texts = ["Journal (02 Mar 2024): Booked a ferry to Bilbao, staying six nights."]
    held = {"book", "booked", "ferry", "bilbao", "stay", "staying", "six", "nights", "went", "landlord"}

    def knows(w: str) -> bool:
        return w in held

    assert unfamiliar("How long am I staying in Bilbao?", texts, knows) == []
    assert unfamiliar("What is my landlord's phone number?", texts, knows) == []
    # "going" is held as "went"; a word never held still is not.
    assert unfamiliar("Where am I going in August?", texts, knows) == []
    assert unfamiliar("How long is the kayak trip?", texts, knows) == ["kayak", "trip"]
    assert plain_forms("running") == ("runn", "runne", "run")
    assert plain_forms("pays") == ("pay",)
