"""Answers from notes written in Markdown: tables, emphasis and links, codes after their noun,
shortened months and words, names with small words inside them.

The questions are asked through the real default model (SmolLM2, so quoted), the real MiniLM
embedder and the real indexes, of a folder written the way people keep notes in Obsidian.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from secondme.app import SecondMe
from secondme.extractive import choose
from secondme.grounding import unfamiliar
from secondme.note_lines import plain, split_sentences, table_cells, under_headings
from secondme.question_terms import term, word_form_in
from secondme.span_fields import abbreviated, measure_span, named_value, written_as
from secondme.span_numbers import number_span
from secondme.spans import short_answer
from tests.core.conftest import watching_notes

TRAINS = """---
tags: [travel]
---
# Vienna, May

## Trains
| Leg | Train | Date | Leaves | Arrives |
|---|---|---|---|---|
| Out | RJX 261 | Sat 8 May | Munich 09:15 | Vienna 13:10 |
| Home | NJ 40490 | Wed 12 May | Vienna 21:40 | Munich 06:05 |

Reservation **PNR 7HQ2XZ**. Coach 24, seats 55 and 56. Paid €186 for both.

## Where we stay
Pension da Rosa, Josefstadt. Check-in after 2pm; ask [[Marta]] about the café she loved.
"""

HOUSE = """# House admin

Dishwasher: Bosch Serie 4, bought Sep 2022 from AO. Warranty ends 30 Sep 2027.
Water meter serial WM-440917, reading 01288 on 2 Mar.
Parking permit zone K — £96 a year, renew by 31 Jan.
Chimney swept every 18 months by Soot & Sons.
"""

BAKING = """# Baking

## Banana bread (the one Kit likes)
Flour 250g, 3 ripe bananas, butter 100g, sugar 120g. 170°C for 55 minutes.
"""

MARTA = """# Marta Kowalczyk

Flatmate from Leeds days. Lives in Graz now, teaches violin. Raved about a tiny café called Kaffee
von Stein near the Naschmarkt.
"""

DIARY = """- Physio appt moved to 19 Feb, 8:30, with Ines at Bodyworks.
- Lent my ladder to Colm across the road.
- Next hearing test due 4 Nov 2027.
- Borrowed Nell's gazebo for Saturday, return it Monday.
- Started sertraline 50mg, one each morning. Pharmacy ref RX-20931.
"""

HELPERS = """## Helpers

| Who | Role | Number |
|---|---|---|
| Bex | dog walker, Mondays | 07700 118 220 |
| Dr Amin | GP | 0113 496 0871 |
"""


@pytest.fixture
def markdown_ask(data_dir: Path, tmp_path: Path, embedder) -> Iterator[SecondMe]:  # type: ignore[no-untyped-def]
    c = watching_notes(data_dir, embedder, tmp_path / "vault", {
        "Travel/Vienna.md": TRAINS, "Home/House admin.md": HOUSE, "Home/Baking.md": BAKING,
        "People/Marta.md": MARTA, "Daily/2027-01-20.md": DIARY, "People/Helpers.md": HELPERS})
    yield c
    c.close()


@pytest.mark.parametrize("question, expected, source", [
    ("What train are we taking to Vienna?", "RJX 261", "Vienna.md"),               # a table's column
    ("What time does the train home leave?", "21:40", "Vienna.md"),                # its row, its time
    ("What is the reservation code?", "PNR 7HQ2XZ", "Vienna.md"),                  # bold, after its noun
    ("How much were the trains?", "€186", "Vienna.md"),                            # money, not "261"
    ("Where are we staying in Vienna?", "Pension da Rosa", "Vienna.md"),           # "da" in a name
    ("What café did Marta love?", "Kaffee von Stein", "Marta.md"),                 # "called …"
    ("What parking zone are we?", "zone K", "House admin.md"),                     # a letter after its noun
    ("What is the water meter serial?", "WM-440917", "House admin.md"),
    ("When does the dishwasher warranty end?", "30 Sep 2027", "House admin.md"),  # a month in short
    ("How often is the chimney swept?", "every 18 months", "House admin.md"),
    ("What temperature for the banana bread?", "170°C", "Baking.md"),             # under "(…)" heading
    ("How much butter goes in the banana bread?", "100g", "Baking.md"),
    ("When is my physio appointment?", "19 Feb", "2027-01-20.md"),                 # "appt"
    ("Who did I lend my ladder to?", "Colm", "2027-01-20.md"),                     # "lent"
    ("Whose gazebo did I borrow?", "Nell", "2027-01-20.md"),                       # not "Borrowed Nell"
    ("What dose of sertraline am I on?", "50mg", "2027-01-20.md"),
    ("What is the pharmacy reference?", "RX-20931", "2027-01-20.md"),             # "ref" before a code
    ("What is the GP's number?", "0113 496 0871", "Helpers.md"),                   # a row's other cell
])
def test_markdown_notes_are_answered(markdown_ask: SecondMe, question: str, expected: str, source: str) -> None:
    ans = markdown_ask.models.ask(question, remember=False)
    assert not ans.abstained, question
    assert ans.text.split(" [")[0] == expected
    assert ans.citations and str(ans.citations[0].path).endswith(source)


@pytest.mark.parametrize("question", ["What is Marta's phone number?", "Who is our plumber?",
                                      "What train are we taking to Salzburg?"])
def test_markdown_notes_do_not_make_up_what_is_not_there(markdown_ask: SecondMe, question: str) -> None:
    ans = markdown_ask.models.ask(question, remember=False)
    assert ans.abstained and not ans.citations


def test_what_a_helper_does_is_said_by_who_they_are(markdown_ask: SecondMe) -> None:
    # "When does Bex walk the dog?" of the row "Bex | dog walker, Mondays": the walker walks.
    ans = markdown_ask.models.ask("When does Bex walk the dog?", remember=False)
    assert not ans.abstained and "Mondays" in ans.text.split(" [")[0]
    assert ans.citations and str(ans.citations[0].path).endswith("Helpers.md")


def test_a_weekly_table_and_a_kind_named_after_its_noun() -> None:
    week = ("Calendar (1 Dec 2026): Weekly\n\n| Day | Who | What |\n|---|---|---|\n| Mon | Isla | Brownies 6pm |\n"
            "| Tue | Ollie | football, Castle Park |\n| Fri | me | pottery class 7–9pm |")
    assert choose("What does Isla do on Monday?", [week])[0].span == "Brownies 6pm"   # "Mon" is Monday
    assert choose("When is my pottery class?", [week])[0].span == "Fri"             # the "Day:" cell
    assert choose("Where is Ollie's football?", [week])[0].span == "Castle Park"
    contacts = ("Contacts (1 Dec 2026): | Who | Role |\n|---|---|\n| Mr Osei | Leo's form tutor |")
    assert choose("Who is Leo's form tutor?", [contacts])[0].span == "Mr Osei"       # the "Who:" cell
    assert named_value("What variety of garlic did I plant?", "Garlic in bed 3, variety Germidour.") == "Germidour"
    assert short_answer("Who has a spare key?", "Neighbours at no. 14 (Lena and Marco) have a spare key.") == "Lena"


def test_a_shortened_word_s_full_stop_ends_no_sentence() -> None:
    assert split_sentences("RAC, membership no. 66201945. Saw Dr. Okafor. I said no. Then we left.") == [
        "RAC, membership no. 66201945.", "Saw Dr. Okafor.", "I said no.", "Then we left."]


def test_a_table_row_is_read_cell_by_cell_under_its_column() -> None:
    rows = ["| Name | Phone |", "|:---|---:|", "| Ravi | 0770 111 |", "| Jo | — |"]
    assert list(table_cells(rows)) == [("Name: Ravi", {"0770", "111"}), ("Phone: 0770 111", {"ravi"}),
                                       ("Name: Jo", set())]
    body = "Contacts\n\n| Name | Phone |\n|---|---|\n| Ravi | 0770 111 |\n\nCall Ravi first."
    said = list(under_headings(body))
    assert ("Phone: 0770 111", {"contact", "ravi"}) in said
    assert said[-1][0] == "Call Ravi first."


def test_markdown_wrapping_is_not_part_of_the_words() -> None:
    assert plain("Code **QZ7** and *Klara and the Sun*, ask [[Ruth]] or [[Jo|Joanna]]") == \
        "Code QZ7 and Klara and the Sun, ask Ruth or Joanna"
    assert plain("- [x] Book [the tower](https://example.org) `now`") == "- Book the tower now"
    # A star that wraps nothing and a name with underscores are left alone.
    assert plain("5 * 3 = 15, file_name_here") == "5 * 3 = 15, file_name_here"


def test_a_heading_with_a_note_on_it_names_what_follows() -> None:
    body = "Intro line.\n\nFlapjacks (for the bake sale)\n\nOats 300g. 180°C for 22 minutes."
    said = dict(under_headings(body))
    assert term("flapjacks") in said["180°C for 22 minutes."]


@pytest.mark.parametrize("question, sentence, value", [
    ("What is the booking code?", "Booking code QZ7KLM. Seats 14A.", "QZ7KLM"),
    ("What council tax band are we?", "Council tax band D — £2,105 this year.", "band D"),
    ("What is the broadband account number?", "Account number ZN-884213.", "ZN-884213"),
    ("What was the meter reading?", "Thames Water, meter reading 00412 on 1 Nov.", "00412"),
    ("What flight are we on?", "We are on flight BA 117 to Boston.", "BA 117"),
    ("What mark do I need to pass?", "Exam on 24 March; need 60% to pass.", ""),       # "need" is no noun
    ("What did I get for my birthday?", "For my birthday I got a bike.", ""),         # "I" is a word
    ("What boiler do we have?", "Boiler: Worcester Greenstar 30i", ""),               # a name, no code
])
def test_a_code_after_its_noun_is_the_value(question: str, sentence: str, value: str) -> None:
    assert named_value(question, sentence) == value


@pytest.mark.parametrize("question, sentence, span", [
    ("When is Dad's knee operation?", "His knee op is booked for 15 Jan at the Royal Devon.", "15 Jan"),
    ("When is the next MOT due?", "Next MOT due 27 Nov 2027.", "27 Nov 2027"),
    ("When am I on call?", "On-call — rota for December agreed. I'm on call 14–20 Dec.", "14–20 Dec"),
    ("Who installed the boiler?", "Boiler installed Oct 2019 by Halden Heating.", "Halden Heating"),
    ("Where are we staying?", "Casa do Largo, Alfama.", "Casa do Largo"),
    ("What fado bar did Ruth like?", "Raved about a tiny bar called Tasca do Chico in Bairro Alto.",
     "Tasca do Chico"),
    ("Who is my car insurer?", "Insurance: Admiral, renews 2 February, policy AD-88213574", "Admiral"),
    ("What time does the flight leave?", "Departs: LIS 18:10", "18:10"),
])
def test_notes_spans(question: str, sentence: str, span: str) -> None:
    assert short_answer(question, sentence) == span


def test_measures_and_amounts_of_what_is_asked() -> None:
    assert measure_span("What temperature for the flapjacks?", "180°C for 22 minutes.") == "180°C"
    assert measure_span("What temp is the oven?", "Oven at 200 degrees.") == "200 degrees"
    assert number_span("How much water goes in the loaf?", "500g flour, 350g water, 10g salt.") == "350g water"
    assert number_span("How much oats go in?", "Oats 300g, butter 200g") == "300g"
    assert number_span("How often does the cleaner come?", "Comes every 6 weeks, £20.") == "every 6 weeks"
    assert number_span("How often do we visit?", "Every other weekend.") == "Every other weekend"


def test_a_price_asked_prefers_money_over_a_code() -> None:
    text = ("Trip (1 Mar 2027): Flights\n\n| Leg | Flight |\n|---|---|\n| Out | TP1357 |\n\n"
            "Paid £412 for both of us.")
    quotes = choose("How much were the flights?", [text])
    assert quotes and quotes[0].span.startswith("£412")


def test_shortened_and_irregular_words_are_the_same_word() -> None:
    assert term("op") == term("operation") and term("appt") == term("appointment")
    assert term("lent") == term("lend") and term("caught") == term("catch")
    assert written_as("registration", "Car\n- Reg: LR19 KXP") and written_as("operation", "knee op on Friday")
    assert not written_as("operation", "I opened the window")
    texts = ["Diary (1 Jan 2027): Dad's knee op is booked for 15 Jan. Lent my drill to Priya."]
    held = {"dad", "knee", "op", "booked", "15", "jan", "lent", "drill", "priya"}
    assert unfamiliar("When is Dad's knee operation?", texts, lambda w: w in held) == []
    assert unfamiliar("Who did I lend my drill to?", texts, lambda w: w in held) == []
    assert unfamiliar("When is Dad's hip surgery?", texts, lambda w: w in held) == ["hip", "surgery"]
    # "ref" before a code is "reference" in short; "in" before one is only a preposition.
    assert abbreviated("reference", "Quote ref HWD-77120.") and not abbreviated("interview", "parked in KX7")
    assert word_form_in("clean", {"cleaner"}) and word_form_in("drive", {"driver"})
    assert not word_form_in("win", {"winter"})
