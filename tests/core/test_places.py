"""A city named where a country or US state is asked for is answered with that region."""

from __future__ import annotations

import pytest

from secondme.answer import extractive_answer
from secondme.places import Places, as_region, asked_region, bundled
from secondme.results import SearchHit


def test_the_bundled_table_knows_larger_cities_and_their_regions() -> None:
    places = bundled()
    assert places.region("Lyon", "country") == "France"
    assert places.region("osaka", "country") == "Japan"
    assert places.region("Tucson", "state") == "Arizona"
    assert places.region("Tucson", "country") == "United States"
    # Outside the United States there is no state to give; a village is not in the table.
    assert places.region("Lyon", "state") == ""
    assert places.region("Little Snoring", "country") == ""
    # One row per name: the most populous city of that name.
    assert places.region("Birmingham", "country") == "United Kingdom"


@pytest.mark.parametrize(("question", "kind"), [
    ("Which country did Ana fly to in May?", "country"),
    ("In what country did she buy the lamp?", "country"),
    ("What US state does Leo live in?", "state"),
    ("In which state is the farm?", "state"),
    ("Where did Ana fly to in May?", ""),
    ("What did the state fair sell?", ""),
])
def test_a_question_asks_for_a_region(question: str, kind: str) -> None:
    assert asked_region(question) == kind


def test_a_city_answer_becomes_the_region_asked_for_and_keeps_its_citation() -> None:
    places = Places.parse("# comment\nLyon\tFrance\t\nTucson\tUnited States\tArizona\n")
    assert as_region("Which country did Ana fly to?", "Lyon [2]", places) == "France [2]"
    assert as_region("What state did Leo move to?", "in Tucson. [1]", places) == "Arizona [1]"
    # Already a region, not only a city, or no region asked for: unchanged.
    assert as_region("Which country did Ana fly to?", "France [2]", places) == "France [2]"
    assert as_region("Which country did Ana fly to?", "a trip to Lyon [2]", places) == "a trip to Lyon [2]"
    assert as_region("Where did Ana fly to?", "Lyon [2]", places) == "Lyon [2]"
    assert as_region("What state did Ana visit?", "Lyon [2]", places) == "Lyon [2]"


def test_a_quoted_answer_names_the_country_of_the_city_its_source_names() -> None:
    texts = ["Ana (3 May 2024): I just booked my flights to Lyon for the conference!",
             "Ana (9 May 2024): The hotel near the station looks fine."]
    hits = [SearchHit(id=i, kind="message", title="Ana", snippet="", score=1.0) for i in range(2)]
    found = extractive_answer("Which country did Ana book flights to?", hits, texts)
    assert found.text == "France [1]", found
    # The sentence that names the city stays as the answer's support.
    assert "Lyon" in " ".join(found.support)
