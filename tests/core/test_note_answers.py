"""Answers from notes as people write them: labelled lines, bullet lists, pages on many things.

The questions a new user asks of a notes folder, answered through the real default model
(SmolLM2, so quoted), the real MiniLM embedder and the real indexes.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import pytest

from secondme import when_said
from secondme.app import SecondMe
from secondme.extractive import choose
from secondme.grounding import plain_forms, unfamiliar
from secondme.question_terms import term
from secondme.span_fields import (
    abbreviated,
    compounded,
    field_value,
    label_fits,
    labelled,
    measure_words,
    shaped_answer,
)
from secondme.spans import short_answer
from tests.core.conftest import watching_notes

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


TRIP = """# Lisbon trip, May 2025

We fly from Bristol on 9 May with easyJet. Budget is about £1,800 for the two of us.
Things to pack: swimming kit, sun cream, the good camera.
"""

RECIPES = """# Recipes

## Aunt Bea's chickpea stew

Fry three shallots, add 400g chickpeas, a tin of tomatoes and smoked paprika. Simmer 40 minutes.
"""

MEETING = """# Release meeting

Decided to move the desktop release to March because the signing certificate has expired.
Noor owns the certificate renewal; Felix will write the release notes.
"""

ABOUT = """I grew up in Hull and studied geology at Durham.
These days I work as a data analyst at Pike & Sons.
"""


@pytest.fixture
def notes_ask(data_dir: Path, tmp_path: Path, embedder) -> Iterator[SecondMe]:  # type: ignore[no-untyped-def]
    c = watching_notes(data_dir, embedder, tmp_path / "notes", {
        "home.md": HOME, "journal/2024-03-02.md": JOURNAL, "work.md": WORK, "lisbon.md": TRIP,
        "recipes.md": RECIPES, "meetings/release.md": MEETING, "about.md": ABOUT})
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
    # The page's title and the heading a line sits under say what the line is about.
    ("What is the budget for Lisbon?", "£1,800 for the two", "lisbon.md"),
    ("How long does the chickpea stew simmer?", "40 minutes", "recipes.md"),
    ("How many chickpeas go in the stew?", "400g chickpeas", "recipes.md"),
    ("What do I need to pack for Lisbon?", "swimming kit, sun cream, the good camera", "lisbon.md"),
    ("When is the desktop release?", "March", "release.md"),
    ("Who is writing the release notes?", "Felix", "release.md"),
    ("What did I study?", "geology at Durham", "about.md"),
    ("Where do I work?", "Pike & Sons", "about.md"),
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
    # An address answers "where" whole.
    ("Where is my flat?", "- Address: 27 Quarry Lane, Flat 4, Sheffield", "27 Quarry Lane, Flat 4, Sheffield"),
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


def test_a_month_named_is_the_answer_not_the_day_the_note_was_saved() -> None:
    said = datetime(2026, 12, 7)
    assert when_said.resolve_when("We moved the release to March because of the audit.", said) == ""
    assert short_answer("When is the release?", "We moved the release to March because of the audit.") == "March"
    # "may" is a month only as "May".
    assert when_said.resolve_when("I may go to the fair.", said) == "7 December 2026"


def test_how_many_counts_what_is_asked() -> None:
    line = "Fry three shallots, add 400g chickpeas and a tin of tomatoes."
    assert short_answer("How many chickpeas go in the stew?", line) == "400g chickpeas"
    assert short_answer("How many shallots go in the stew?", line) == "three shallots"
    # A price asked ("cost") is the amount of money, with what it is per unless the question says it.
    assert short_answer("How much does a class cost?", "It's only $10 per class.") == "$10"
    assert short_answer("How much does the cleaner cost?", "Cleaner comes Fridays, £15 an hour.") == "£15 an hour"


def test_studied_is_study() -> None:
    assert term("studied") == term("study") == "study"
    assert term("carried") == "carry"


def test_how_much_is_money_and_a_weekday_is_no_person() -> None:
    plot = "Plot 14B at Fernlea allotments, rent £42 a year, due every October."
    assert short_answer("How much is the allotment rent?", plot) == "£42 a year"
    assert short_answer("Who is my physio?", "Physio every Tuesday at 8am with Joanna at Active Motion.") == "Joanna"


def test_she_is_the_one_just_named() -> None:
    texts = ["Journal (02 Oct 2024): Lunch with Priyanka at the Thai place on Clifton Road. She's moving to "
             "Glasgow in November for a job at the BBC."]
    quotes = choose("Where is Priyanka moving?", texts)
    assert quotes and quotes[0].sentence.startswith("She's moving") and quotes[0].span == "Glasgow"


# Notes in shorthand: labels cut short, a rating or a time with no word for it, a list entry
# holding its verdict after a full stop, a line about someone under the line naming them.
MOTORBIKE = """# Motorbike

- Model: 2020 Triumph Bonneville T100, green
- Reg: WN20 FTR
- Insurance: Bennetts, renews 3 May

Bought it from Fowlers in Bristol in 2021 for £7,900.
"""

FAMILY = """# Family

Jonah (age 6), school: Ashgrove Primary. Judo on Tuesdays 6pm.
Allergic to kiwi!
"""

THEATRE = """# Theatre 2026

- Hamlet — the Globe. Gripping, 4/5.
- Cats — Palladium. Not for me, 2/5.
"""

LEAVING_DO = """Leah's leaving do

Date: Friday 20 November
Location: The Lamb, Holborn
"""

DAY = """# 11 June

The viewing went well. Agent was Farida Noor and her assistant.
Swam 1500m in 31:05, my fastest yet.
Council tax ref number CT-558102.
"""


@pytest.fixture
def shorthand_ask(data_dir: Path, tmp_path: Path, embedder) -> Iterator[SecondMe]:  # type: ignore[no-untyped-def]
    c = watching_notes(data_dir, embedder, tmp_path / "notes", {
        "motorbike.md": MOTORBIKE, "family.md": FAMILY, "theatre.md": THEATRE, "leah.md": LEAVING_DO,
        "diary/2026-06-11.md": DAY})
    yield c
    c.close()


@pytest.mark.parametrize("question, expected, source", [
    ("What is my motorbike registration?", "WN20 FTR", "motorbike.md"),        # "Reg:"
    ("How much did I pay for the motorbike?", "£7,900", "motorbike.md"),       # "Bought … for"
    ("What is Jonah allergic to?", "kiwi", "family.md"),                       # the line under his
    ("What did I rate Hamlet?", "4/5", "theatre.md"),                          # no "rate" anywhere
    ("Where is Leah's leaving do?", "The Lamb, Holborn", "leah.md"),           # not its "Date:"
    ("Who was at the viewing?", "Farida Noor", "2026-06-11.md"),               # the next sentence
    ("What was my 1500m time?", "31:05", "2026-06-11.md"),
    ("What is the council tax reference number?", "CT-558102", "2026-06-11.md"),  # "ref"
])
def test_notes_in_shorthand_are_answered(shorthand_ask: SecondMe, question: str, expected: str,
                                         source: str) -> None:
    ans = shorthand_ask.models.ask(question, remember=False)
    assert not ans.abstained, question
    assert ans.text.split(" [")[0] == expected
    assert ans.citations and str(ans.citations[0].path).endswith(source)


@pytest.mark.parametrize("question", ["What is Jonah's shoe size?", "Who is my plumber?", "When is Leah's birthday?"])
def test_shorthand_does_not_make_up_what_is_not_there(shorthand_ask: SecondMe, question: str) -> None:
    ans = shorthand_ask.models.ask(question, remember=False)
    assert ans.abstained and not ans.citations


def test_shorthand_is_the_word_in_short_and_a_name_is_not() -> None:
    note = ("- Reg: AB12 CDE\nGas ref number GX-1\nGym rota: me Mon/Wed, Ada Tue/Thu.\n"
            "Sam will call back. I met Tom. Tel. 0113 496 0000")
    for word in ("registration", "reference", "thursday", "wednesday", "telephone"):
        assert abbreviated(word, note), word
    # "Sam will…" opens a sentence and "Tom." ends one: names, not "sample" or "tomorrow" in short.
    for word in ("sample", "tomorrow", "mention"):
        assert not abbreviated(word, note), word


def test_a_measure_and_a_word_in_short_are_no_premise() -> None:
    texts = ["Diary (11 Jun 2026): Swam 1500m in 31:05.\nCouncil tax ref number CT-558102.\n"
             "- The Globe, Hamlet. Gripping, 4/5."]
    held = {"swam", "1500m", "council", "tax", "ref", "number", "globe", "hamlet", "gripping"}

    def knows(w: str) -> bool:
        return w in held

    assert unfamiliar("What was my 1500m time?", texts, knows) == []
    assert unfamiliar("What is the council tax reference number?", texts, knows) == []
    assert unfamiliar("What did I rate Hamlet?", texts, knows) == []
    assert unfamiliar("How much did I pay for the gym?", texts, knows) == ["gym"]
    # "swimming" is held as "swam"; a coach never was.
    assert unfamiliar("What is my swimming coach called?", texts, knows) == ["coach", "called"]


@pytest.mark.parametrize("question, line, span", [
    ("What did I rate Cats?", "- Cats — Palladium. Not for me, 2/5.", "2/5"),
    ("What was my parkrun time?", "Parkrun in 24:48 today, a best!", "24:48"),
    ("How much did I pay for the sofa?", "Sofa from Loaf, bought for £1,240 in the sale.", "£1,240"),
    ("What is the salary?", "Salary: they offered £52k–£58k plus bonus", "£52k–£58k plus bonus"),
    ("What is the salary range?", "They offered £52k–£58k.", "£52k–£58k"),
    ("What is my prescription?", "Prescription: -1.75 left, -2.00 right", "-1.75 left, -2.00 right"),
    ("Which hospital is Gran's operation at?", "Gran's knee operation is on 3 May at St Mary's.", "St Mary's"),
    ("Who interviewed me?", "Panel was Tomasz Wicks and two engineers.", "Tomasz Wicks"),
])
def test_the_value_asked_for_is_the_span(question: str, line: str, span: str) -> None:
    assert short_answer(question, line) == span


def test_a_label_says_what_kind_of_answer_its_value_is() -> None:
    assert label_fits("place", "Location: The Lamb, Holborn") is True
    assert label_fits("place", "Date: Friday 20 November") is False
    assert label_fits("date", "Date: Friday 20 November") is True
    assert label_fits("place", "Dress code: black tie") is None
    assert label_fits("place", "We met at the Lamb") is None
    texts = ["Party (01 Jan 2026): Leah's leaving do\n\nDate: Friday 20 November\nLocation: The Lamb, Holborn"]
    assert [q.span for q in choose("Where is Leah's leaving do?", texts)] == ["The Lamb, Holborn"]


def test_a_line_naming_someone_is_no_answer_by_the_name_alone() -> None:
    texts = ["Family (01 Jan 2026): Jonah (age 6), school: Ashgrove Primary.\nAllergic to kiwi!"]
    assert [q.span for q in choose("What is Jonah allergic to?", texts)] == ["kiwi"]
    # A name is all "Who is Jonah?" holds: his line answers it.
    assert choose("Who is Jonah?", texts)
    # Nothing about his birthday: the line naming him is not an answer to it.
    assert choose("When is Jonah's birthday?", texts) == []


def test_the_next_sentence_names_who_was_there() -> None:
    texts = ["Diary (11 Jun 2026): The viewing went well. Agent was Farida Noor and her assistant."]
    quotes = choose("Who was at the viewing?", texts)
    assert quotes and quotes[0].span == "Farida Noor"
    assert quotes[0].sentence.endswith("her assistant.")


def test_a_word_and_its_past_meet_in_notes() -> None:
    texts = ["about (01 Jan 2026): I was born in York and moved to Leeds in 2015 for work."]
    quotes = choose("When did I move to Leeds?", texts)
    assert quotes and "2015" in quotes[0].sentence


def test_a_word_at_the_end_of_a_longer_one_is_said() -> None:
    assert compounded("statin", "Taking 20mg simvastatin at night")
    assert compounded("flower", "sowing a wildflower strip")
    assert not compounded("art", "the start of term")       # too short to tell
    texts = ["Health (01 Jan 2026): Taking 20mg simvastatin at night since June."]

    def knows(w: str) -> bool:
        return w in {"taking", "simvastatin", "night", "june"}

    assert unfamiliar("What statin do I take?", texts, knows) == []


def test_a_measure_asked_is_in_the_line_or_nowhere() -> None:
    texts = ["Offsite (01 Jan 2026): Action items:\n- Hire the minibus from Penrith station (Ola)\n"
             "- Room rate: £120 a night"]
    assert choose("How much did the minibus cost?", texts) == []
    assert [q.span for q in choose("How much is the room rate?", texts)] == ["£120 a night"]
    # "fixed rate" is no rating asked for: "When" asks a date.
    note = ["Mortgage (01 Jan 2026): Fixed rate ends 30 June 2027, then tracker."]
    assert [q.span for q in choose("When does my fixed rate end?", note)] == ["30 June 2027"]


@pytest.mark.parametrize("question, line, span", [
    ("How long did the 20 mile run take?", "Long run: 20 miles by the river, 3:02:15.", "3:02:15"),
    ("How long did the parkrun take?", "Parkrun 26:58 this morning.", "26:58"),
    ("Who is hiring the minibus?", "- Hire the minibus from Penrith station (Ola)", "Ola"),
    ("What is my prescription?", "Eye test in May; current prescription -1.50 both eyes.", "-1.50 both eyes"),
])
def test_a_stopwatch_a_person_after_a_place_and_a_sign(question: str, line: str, span: str) -> None:
    assert short_answer(question, line) == span


def test_a_time_taken_is_asked_only_as_one() -> None:
    assert measure_words("What was my 5k time?") == {"time"}
    assert measure_words("How did John relax in his free time?") == set()
    assert measure_words("What time is standup?") == set()
    assert measure_words("When does my fixed rate end?") == set()     # a date asked
    assert measure_words("How much did I pay for the bike?") == {"pay"}


@pytest.mark.parametrize("question, line, span", [
    ("What is my day rate?", "Day rate £520, invoiced monthly.", "£520"),
    ("What is the interest rate?", "Fixed at 4.35% until 2028.", "4.35%"),
    ("Who is Nadia's deputy?", "Main contact is Nadia Berg; her deputy is Tom Ferris.", "Tom Ferris"),
    ("Who is Rufus's vet?", "Vet: Elm Park Vets, Dr Joan Achebe.", "Dr Joan Achebe"),
])
def test_a_rate_a_deputy_and_a_titled_person(question: str, line: str, span: str) -> None:
    assert short_answer(question, line) == span


def test_notes_are_read_as_they_are_written() -> None:
    texts = ["Clients (01 Jan 2026): Project: new shop website. Fixed fee £2,900, half upfront.\n"
             "Invoice #207 sent 2 Mar, paid 9 Mar."]
    # "When" asks a day even where it says "paid"; "how much" an amount, not the "Project:" line.
    assert [q.sentence for q in choose("When was invoice 207 paid?", texts)] == ["Invoice #207 sent 2 Mar, paid 9 Mar."]
    assert [q.span[:6] for q in choose("How much is the shop website project?", texts)] == ["£2,900"]
    # "eats" is "eat" in notes.
    dog = ["Dog (01 Jan 2026): Pepper, a whippet, born 2019.\nEats 3 scoops of kibble a day."]
    assert [q.span for q in choose("How much does Pepper eat?", dog)] == ["3 scoops"]


def test_a_verbs_particle_is_no_premise() -> None:
    texts = ["Clients (01 Jan 2026): Launch pushed to 15 January because the bank needs their VAT number."]

    def knows(w: str) -> bool:
        return w in {"launch", "pushed", "january", "bank", "vat", "number"}

    assert unfamiliar("Why was the launch pushed back?", texts, knows) == []
    assert unfamiliar("What hurt my back?", texts, knows) == ["hurt", "back"]
