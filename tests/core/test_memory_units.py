"""Pure pieces of the memory engine: the forgetting curve, time phrases, exact fact patterns."""

from __future__ import annotations

import itertools
import math
from datetime import datetime

import pytest

from secondme.memory.facts import Fact, extract, llm_enabled
from secondme.memory.forgetting import days_until_fade, retention
from secondme.memory.timeparse import asks_for_date, parse_time

DAY = 86400.0
NOW = datetime(2024, 6, 12, 15, 0)  # a Wednesday


def test_retention_decreases_with_time() -> None:
    rs = [retention(0.0, 1.0, d * DAY, 30.0) for d in (0, 1, 10, 30, 90)]
    assert rs[0] == 1.0
    assert all(a > b for a, b in itertools.pairwise(rs))
    assert rs[3] == pytest.approx(math.exp(-1.0))


def test_stronger_memory_fades_slower_unlike_memorybank_code() -> None:
    t = 20 * DAY
    weak, strong = retention(0.0, 1.0, t, 5.0), retention(0.0, 3.0, t, 5.0)
    assert strong > weak
    assert strong == pytest.approx(math.exp(-20 / (5 * 3)))

    # MemoryBank's published code: exp(-t / 5*S) == exp(-(t/5)*S): the bug this avoids.
    def buggy(days: float, s: float) -> float:
        return math.exp(-days / 5 * s)

    assert buggy(20, 3.0) < buggy(20, 1.0)


def test_fade_schedule() -> None:
    d = days_until_fade(2.0, 30.0, 0.05)
    assert retention(0.0, 2.0, (d - 0.01) * DAY, 30.0) > 0.05 > retention(0.0, 2.0, (d + 0.01) * DAY, 30.0)


@pytest.mark.parametrize(("q", "start", "end"), [
    ("what did I do yesterday", "2024-06-11", "2024-06-12"),
    ("where did I go last week", "2024-06-03", "2024-06-10"),
    ("what happened in March", "2024-03-01", "2024-04-01"),
    ("the trip last March", "2024-03-01", "2024-04-01"),
    ("what was I doing two years ago", "2022-01-01", "2023-01-01"),
    ("in 2022 I", "2022-01-01", "2023-01-01"),
    ("the dinner on 8 May", "2024-05-08", "2024-05-09"),
    ("meeting on May 8th 2023", "2023-05-08", "2023-05-09"),
    ("what did I cook 3 days ago", "2024-06-09", "2024-06-10"),
    ("the party in December", "2023-12-01", "2024-01-01"),
])
def test_time_phrases(q: str, start: str, end: str) -> None:
    r = parse_time(q, NOW)
    assert r is not None
    assert datetime.fromtimestamp(r.since).strftime("%Y-%m-%d") == start
    assert datetime.fromtimestamp(r.until).strftime("%Y-%m-%d") == end
    assert r.phrase.lower() not in r.strip(q).lower()


def test_no_time_phrase() -> None:
    assert parse_time("Where do I live?", NOW) is None
    assert parse_time("may I ask where the keys are", NOW) is None


@pytest.mark.parametrize("question", [
    "When did Caroline go to the support group?", "So when was the concert?",
    "What year did they move to Lisbon?", "Which month is her birthday?", "How long ago did he quit?"])
def test_questions_that_ask_for_a_date(question: str) -> None:
    assert asks_for_date(question)


@pytest.mark.parametrize("question", [
    "What did Caroline do at the support group?", "Where does Whenua live?", "How long is the hike?",
    "What time-saving tips did she share?"])
def test_questions_that_do_not_ask_for_a_date(question: str) -> None:
    assert not asks_for_date(question)


def test_time_is_relative_to_the_question_date() -> None:
    r = parse_time("what did I do last week", datetime(2023, 1, 4))
    assert r is not None and datetime.fromtimestamp(r.since).year == 2022


def test_exact_fact_patterns() -> None:
    facts = {(f.attribute, f.value) for f in extract(
        "I live at 12 Rue Cler, Paris. My email is Sam.River@example.org, phone number +33 6 12 34 56 78. "
        "My sister Anna came with my dog Rex. My birthday is on 14 March. I work at Globex as an analyst.")}
    assert facts >= {("address", "12 Rue Cler"), ("email", "sam.river@example.org"),
                     ("phone", "+33 6 12 34 56 78"), ("person:sister", "Anna"), ("pet:dog", "Rex"),
                     ("birthday", "14 March"), ("workplace", "Globex")}
    assert {(f.attribute, f.value) for f in extract("We moved to Sweden 4 years ago")} == {("address", "Sweden")}
    assert {(f.attribute, f.value) for f in extract("I started a new job at Acme Robotics today.")} == {
        ("workplace", "Acme Robotics")}
    assert extract("I joined a gym and it was fun") == []
    assert extract("The weather is nice today") == []


def test_fact_slots() -> None:
    a, b = Fact("user", "address", "12 Rue Cler"), Fact("user", "address", "5 Oak Street")
    assert a.slot == b.slot and a.single_valued  # a newer address replaces the older one
    c, d = Fact("user", "pet:dog", "Rex"), Fact("user", "pet:dog", "Max")
    assert c.slot != d.slot  # two dogs are two facts


def test_llm_extraction_only_for_bigger_models() -> None:
    assert not llm_enabled("auto", 134_515_008)  # SmolLM2-135M
    # Measured to make the profile worse at 0.5B and 1.5B (secondme.memory.facts): "auto" is off.
    assert not llm_enabled("auto", 1_500_000_000) and not llm_enabled("auto", 7_000_000_000)
    assert llm_enabled("on", 1) and not llm_enabled("off", 10**10)
    assert not llm_enabled("auto", None)
