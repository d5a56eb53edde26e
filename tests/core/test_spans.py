"""Short extractive answers: the span of the quoted sentence that answers, by question type,
and abstention when the question's premise names someone the evidence is not about."""

from __future__ import annotations

from datetime import datetime

import pytest

from secondme import extractive, when_said
from secondme.answer import extractive_answer
from secondme.results import SearchHit
from secondme.spans import short_answer


@pytest.mark.parametrize("question, sentence, span", [
    # what / which: the complement of the question's words (the object after the verb)
    ("What music has Priya been getting into?", "Lately I've been getting into Afrobeat and old soul.",
     "Afrobeat and old soul"),
    ("What did Tomas research?", "Researching cheap flights to Lisbon — we want to go in spring.",
     "cheap flights to Lisbon"),
    ("What does Ines feel when she swims in the sea?", "Swimming in the sea makes me feel calm and light.",
     "calm and light"),
    ("What is a stress reliever for Omar?", "I find knitting to be a great stress reliever.", "knitting"),
    ("What was Lena limiting herself to on her diet?",
     "I've started a new diet, limiting myself to one coffee a day.", "one coffee a day"),
    ("Which board game did Kofi buy yesterday?", "Yesterday I bought a board game called Azul!", "Azul"),
    # "one of my …" is the thing itself; where a pictured thing stands only places it
    ("What did Rosa win at the chess open?", "Here is one of my medals from the chess open.", "medals"),
    ("Which toy did Ken share a photo of?", "[shares a photo: a photo of a wooden robot sitting on a shelf]",
     "a wooden robot"),
    # the clause that goes on past the question's words holds the answer
    ("What are Kai and his bandmates planning to record on a band trip?",
     "We're planning to take a band trip next month to record a live album.", "a live album"),
    # where: the place phrase
    ("Where did Marta move from?", "I moved here from Porto when I was twelve.", "Porto"),
    ("What country is Aiko's grandfather from?", "My grandfather grew up in a village in Japan.", "Japan"),
    # who: the person
    ("Who taught Sven to sail?", "My uncle Lars taught me to sail on the lake.", "Lars"),
    ("Who helped Nadia fix the bike?", "A close friend helped me fix the bike last weekend.", "A close friend"),
    # how many / how much / how long / how often: the number phrase
    ("How much rent does Ravi pay?", "I pay 1,450 euros of rent every month.", "1,450 euros"),
    ("How many cats does Elif have?", "We have three cats and a very old dog.", "three cats"),
    ("How long has Bea played the cello?", "I've played the cello for about six years now.", "about six years"),
    ("How often does Tariq run?", "I run twice a week along the canal.", "twice a week"),
    # why: the reason clause
    ("Why did Noor paint the door yellow?", "I painted the door yellow because it makes the house look happy.",
     "it makes the house look happy"),
])
def test_the_span_answers_the_question(question: str, sentence: str, span: str) -> None:
    assert short_answer(question, sentence) == span


@pytest.mark.parametrize("question, when, span", [
    ("When did Caro go to the support group?", "7 May 2023", "7 May 2023"),
    ("What year did Ben start surfing?", "2018", "2018"),
    ("Which month did Ana move?", "the week before 16 March 2023", "March 2023"),
])
def test_when_questions_answer_with_the_resolved_date_alone(question: str, when: str, span: str) -> None:
    assert short_answer(question, "I did it then.", when) == span


def test_a_span_is_empty_when_nothing_shorter_answers() -> None:
    # A sentence made only of the question's words keeps the sentence.
    assert short_answer("What did Leo visit?", "Leo visited.") == ""
    assert short_answer("Where did Leo go?", "Leo went there.") == ""


def test_time_words_never_become_the_answer_to_a_what_question() -> None:
    assert short_answer("What did Zoe see at the council meeting?",
                        "Last Friday I went to the council meeting and saw dozens of families.") \
        == "dozens of families"


@pytest.mark.parametrize("sentence, when", [
    ("We went wine tasting last weekend.", "the weekend before 8 May 2023"),
    ("I'm starting the new job next month.", "June 2023"),
    ("We fly out next week.", "the week after 8 May 2023"),
    ("I'm making it for my family this weekend.", "the weekend of 8 May 2023"),
])
def test_more_relative_times_resolve_against_the_day_said(sentence: str, when: str) -> None:
    assert when_said.resolve_when(sentence, datetime(2023, 5, 8)) == when


@pytest.mark.parametrize("sentence, when", [
    ("When I was 10, my parents got me a chess set.", "When I was 10"),
    ("I learned to swim as a kid at the lake.", "as a kid"),
    ("We lived in Leeds throughout my teens.", "throughout my teens"),
    ("I played the cello in high school.", "in high school"),
    ("She taught me to knit at the age of 7.", "at the age of 7"),
])
def test_a_time_of_life_is_the_answer_not_the_day_it_was_told(sentence: str, when: str) -> None:
    # No calendar date can be made of "when I was 10" without a birthday; the day it was said
    # (8 May 2023) would be a wrong answer.
    assert when_said.resolve_when(sentence, datetime(2023, 5, 8)) == when


def test_a_when_question_about_childhood_answers_with_the_time_of_life() -> None:
    texts = ["Ines (03 Sep 2023): Our families sure are supportive! When I was 9, my uncle gave me "
             "my first guitar and it started my love of music.",
             "Ines (04 Sep 2023): I bought a new amp yesterday."]
    hits = [_hit(i, "Ines") for i in range(2)]
    ans = extractive_answer("When did Ines get her first guitar?", hits, texts)
    assert ans.text == "When I was 9 [1]"
    assert "my uncle gave me my first guitar" in ans.support[0]
    amp = extractive_answer("When did Ines buy an amp?", hits, texts)
    assert amp.text == "3 September 2023 [1]" and amp.citations == (hits[1],)


def _hit(i: int, who: str) -> SearchHit:
    return SearchHit(id=i, kind="message", title=who, snippet="", score=1.0)


CHAT = [
    "Ruth (12 Mar 2023): My necklace is from my grandmother. It stands for love and courage.",
    "Ahmed (12 Mar 2023): Thanks, Ruth! I bought new running shoes yesterday.",
    "Ahmed (14 Mar 2023): Sorry to hear about your job, Ruth. Congrats on the new bike though!",
    "Ruth (14 Mar 2023): What made you pick those shoes?",
]


def _answer(question: str):  # type: ignore[no-untyped-def]
    hits = [_hit(i, t.split(" (")[0]) for i, t in enumerate(CHAT)]
    return extractive_answer(question, hits, CHAT)


def test_the_named_speaker_s_own_words_answer() -> None:
    ans = _answer("What does Ruth's necklace stand for?")
    assert not ans.abstained and ans.text == "love and courage [1]"
    assert ans.support == ("It stands for love and courage. [1]",)
    shoes = _answer("When did Ahmed buy running shoes?")
    assert shoes.text == "11 March 2023 [1]"


@pytest.mark.parametrize("question", [
    "What does Ahmed's necklace stand for?",   # Ruth's necklace, not Ahmed's
    "When did Ruth buy running shoes?",        # Ahmed bought them; Ruth is only addressed
    "What happened to Ahmed's job?",           # "your job": Ahmed speaks of Ruth's
    "Why did Ruth pick those shoes?",          # only a question about it was said
    "Where did Ruth ride the Vespa?",          # nothing mentions a Vespa
])
def test_a_question_about_the_wrong_person_or_an_unmentioned_thing_abstains(question: str) -> None:
    ans = _answer(question)
    assert ans.abstained and ans.citations == ()


def test_a_question_asking_for_several_things_gets_each_cited() -> None:
    texts = ["Mo (01 Jun 2023): I bought some clay figurines at the market.",
             "Mo (09 Jun 2023): Then I bought new hiking boots for the trip.",
             "Mo (10 Jun 2023): The weather was lovely all week."]
    hits = [_hit(i, "Mo") for i in range(3)]
    ans = extractive_answer("What items has Mo bought?", hits, texts)
    assert ans.text == "clay figurines at the market [1]; new hiking boots for the trip [2]"
    assert len(ans.support) == 2


def test_a_time_phrase_in_the_question_matches_the_day_said_not_the_words() -> None:
    texts = ["Lu (09 Jul 2022): I like to relax by reading old novels.",
             "Lu (20 Aug 2022): I relax by cooking on Sundays."]
    quotes = extractive.choose("How did Lu relax on 9 July, 2022?", texts)
    assert quotes and quotes[0].source == 0
