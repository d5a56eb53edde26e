"""Profile fields from common English phrasings, without a language model (issue 19).

Each case is one thing a person might write about themselves and the exact field and value
the profile must get from it; the negatives are questions, conditions, negations and other
people's facts that must give the person nothing. The persona benchmark
(tests/bench/bench_persona.py) uses other sentences, written by its own generator.
"""

from __future__ import annotations

from datetime import datetime

import pytest

from secondme.profile import extract as X

AT = datetime(2024, 5, 6, 12).timestamp()


def found(text: str, region: str | None = "US") -> dict[str, set[str]]:
    cands = X.expand([c for c in X.resolve_phones(X.from_text(text, AT, 1), region) if c.field != "tel-pending"])
    out: dict[str, set[str]] = {}
    for c in cands:
        assert c.sources == [1]  # every candidate cites the memory it came from
        out.setdefault(c.field, set()).add(c.value)
    return out


POSITIVE: list[tuple[str, str, str]] = [
    # names
    ("My name is Dana Whitfield.", "name", "Dana Whitfield"),
    ("my full name is Priya Raman Iyer", "name", "Priya Raman Iyer"),
    ("my full name is Priya Raman Iyer", "additional-name", "Raman"),
    ("My first name is Dana and my surname is Whitfield.", "given-name", "Dana"),
    ("My first name is Dana and my surname is Whitfield.", "family-name", "Whitfield"),
    ("My first name is Dana and my surname is Whitfield.", "name", "Dana Whitfield"),
    ("My given name is Tomasz.", "given-name", "Tomasz"),
    ("My last name is O'Connor, with an apostrophe.", "family-name", "O'Connor"),
    ("my family name is Nakamura", "family-name", "Nakamura"),
    ("My middle name is Rose, after my grandmother.", "additional-name", "Rose"),
    ("Please call me Sasha.", "nickname", "Sasha"),
    ("Everyone calls me Bex these days.", "nickname", "Bex"),
    ("I go by Kit at work.", "nickname", "Kit"),
    ("My nickname is Lolo.", "nickname", "Lolo"),
    ("Hi, I'm Marcus Bell and I keep notes here.", "name", "Marcus Bell"),
    ("Rose is my middle name.", "additional-name", "Rose"),
    # work
    ("I started a new job as a marine biologist at Oceanix Labs.", "organization", "Oceanix Labs"),
    ("I started a new job as a marine biologist at Oceanix Labs.", "organization-title", "marine biologist"),
    ("I started a new job as a marine biologist at Oceanix Labs.", "work-since", "May 2024"),
    ("I work for Brightline Health as a nurse practitioner.", "organization", "Brightline Health"),
    ("I work for Brightline Health as a nurse practitioner.", "organization-title", "nurse practitioner"),
    ("I've been a pharmacist at Walgreens since 2019.", "organization-title", "pharmacist"),
    ("I've been a pharmacist at Walgreens since 2019.", "organization", "Walgreens"),
    ("I've been a pharmacist at Walgreens since 2019.", "work-since", "2019"),
    ("I joined Stripe as a backend engineer last month.", "organization", "Stripe"),
    ("I joined Stripe as a backend engineer last month.", "organization-title", "backend engineer"),
    ("I was promoted to head of design!", "organization-title", "head of design"),
    ("I got promoted to senior analyst yesterday.", "organization-title", "senior analyst"),
    ("I work as a carpenter for Oakline Builders.", "organization-title", "carpenter"),
    ("I work as a carpenter for Oakline Builders.", "organization", "Oakline Builders"),
    ("I'm a teacher at Riverside Primary School.", "organization", "Riverside Primary School"),
    ("I'm a teacher at Riverside Primary School.", "organization-title", "teacher"),
    ("My job title is Staff Software Engineer.", "organization-title", "Staff Software Engineer"),
    ("My employer is Northwind Traders.", "organization", "Northwind Traders"),
    ("I have worked at the Bank of Ireland since March 2015.", "organization", "Bank of Ireland"),
    ("I have worked at the Bank of Ireland since March 2015.", "work-since", "March 2015"),
    ("I took a new position as a lab manager with Genfield.", "organization", "Genfield"),
    ("I took a new position as a lab manager with Genfield.", "organization-title", "lab manager"),
    # places
    ("I live in Portland.", "address-level2", "Portland"),
    ("We moved to Denver last spring.", "address-level2", "Denver"),
    ("I just moved to Canada for the job.", "country-name", "Canada"),
    ("I'm based in Leeds, England.", "address-level2", "Leeds"),
    ("I'm based in Leeds, England.", "country-name", "England"),
    ("We relocated to Austin, Texas in March.", "address-level1", "Texas"),
    ("I've lived in Melbourne for six years.", "address-level2", "Melbourne"),
    ("I lived in Tokyo for two years after college.", "places-lived", "Tokyo"),
    ("I grew up in Cork.", "places-lived", "Cork"),
    ("I was born in Valparaíso.", "place-of-birth", "Valparaíso"),
    ("I moved to Germany in 2020.", "places-lived", "Germany"),
    # addresses
    ("I live at 12 Harbour Road, Flat 3, Portland, OR 97201, USA.", "address-line1", "12 Harbour Road"),
    ("I live at 12 Harbour Road, Flat 3, Portland, OR 97201, USA.", "address-line2", "Flat 3"),
    ("I live at 12 Harbour Road, Flat 3, Portland, OR 97201, USA.", "address-level2", "Portland"),
    ("I live at 12 Harbour Road, Flat 3, Portland, OR 97201, USA.", "postal-code", "97201"),
    ("I live at 12 Harbour Road, Flat 3, Portland, OR 97201, USA.", "address-level1", "OR"),
    ("I live at 12 Harbour Road, Flat 3, Portland, OR 97201, USA.", "country-name", "USA"),
    ("I live at 12 Harbour Road, Flat 3, Portland, OR 97201, USA.", "street-address",
     "12 Harbour Road, Flat 3, Portland, OR 97201, USA"),
    ("My address is 221 Elm Street Apt 4B, Springfield, IL 62704.", "address-line2", "Apt 4B"),
    ("My address is 221 Elm Street Apt 4B, Springfield, IL 62704.", "address-line1", "221 Elm Street"),
    ("My address is 221 Elm Street Apt 4B, Springfield, IL 62704.", "postal-code", "62704"),
    ("We moved to 5 Oak Street, Lyon last week.", "address-level2", "Lyon"),
    ("my new address: 48 Rue de la Paix, 75002 Paris, France", "postal-code", "75002"),
    ("my new address: 48 Rue de la Paix, 75002 Paris, France", "address-level2", "Paris"),
    ("my new address: 48 Rue de la Paix, 75002 Paris, France", "country-name", "France"),
    ("Our new flat is at 7 Kings Road, London SW3 4NB.", "postal-code", "SW3 4NB"),
    ("Our new flat is at 7 Kings Road, London SW3 4NB.", "address-level2", "London"),
    ("I live at Flat 2, 19 Mill Lane, Bristol, BS1 5AA.", "address-line1", "19 Mill Lane"),
    ("I live at Flat 2, 19 Mill Lane, Bristol, BS1 5AA.", "address-line2", "Flat 2"),
    # contact
    ("My email is dana.w@example.com if you need it.", "email", "dana.w@example.com"),
    ("Reach me at JO.PARK@Example.org any time.", "email", "jo.park@example.org"),
    ("My phone number is (503) 555-0177.", "tel", "+15035550177"),
    ("My phone number is (503) 555-0177.", "tel-national", "(503) 555-0177"),
    ("Text me on 503.555.0123 after six.", "tel", "+15035550123"),
    ("my mobile is +44 7911 123456", "tel", "+447911123456"),
    ("my mobile is +44 7911 123456", "tel-national", "07911 123456"),
    ("You can call me at +33 6 12 34 56 78.", "tel", "+33612345678"),
    ("My cell is 415-555-0199.", "tel-national", "(415) 555-0199"),
    # dates
    ("My birthday is March 3rd.", "bday", "3 March"),
    ("I was born on 14 July 1989.", "bday", "14 July 1989"),
    ("I was born on 14 July 1989.", "bday-year", "1989"),
    ("I was born on 1991-11-23 in a snowstorm.", "bday", "23 November 1991"),
    ("My date of birth is 23/04/1985.", "bday", "23 April 1985"),
    ("DOB: Sept 9, 1979", "bday", "9 September 1979"),
    ("my birthday is the 2nd of February", "bday-month", "2"),
    ("I was born in 1990, the year of the World Cup in Italy.", "bday-year", "1990"),
    ("Our anniversary is June 12.", "anniversary", "12 June"),
    ("We got married on 8 August 2015.", "anniversary", "8 August 2015"),
    ("We got married on 8 August 2015.", "life-events", "got married (8 August 2015)"),
    # people
    ("My wife Jane loves the garden.", "partner", "Jane"),
    ("I'm married to Omar.", "partner", "Omar"),
    ("My boyfriend, Luis, cooked tonight.", "partner", "Luis"),
    ("My son Leo turned six.", "children", "Leo (son)"),
    ("We have two kids, Maya and Theo.", "children", "Maya (child)"),
    ("We have two kids, Maya and Theo.", "children", "Theo (child)"),
    ("I have a daughter named Ines.", "children", "Ines (daughter)"),
    ("My mum Carol phoned this morning.", "relatives", "Carol (mother)"),
    ("My dad's name is Peter.", "relatives", "Peter (father)"),
    ("My older brother Sam is visiting.", "relatives", "Sam (brother)"),
    ("Nadia is my sister.", "relatives", "Nadia (sister)"),
    # pets and possessions
    ("I have a cat named Miso.", "pets", "Miso (cat)"),
    ("Our dog is called Biscuit.", "pets", "Biscuit (dog)"),
    ("We adopted a rabbit called Clover.", "pets", "Clover (rabbit)"),
    ("I drive a 2018 Toyota Corolla.", "vehicle", "Toyota Corolla"),
    ("My car is a blue Subaru Outback.", "vehicle", "Subaru Outback"),
    ("We bought a Tesla Model 3 in April.", "vehicle", "Tesla Model 3"),
    # preferences
    ("I love hiking and Thai food.", "likes", "hiking"),
    ("I love hiking and Thai food.", "likes", "Thai food"),
    ("I'm a huge fan of jazz.", "likes", "jazz"),
    ("I really enjoy bouldering.", "likes", "bouldering"),
    ("I hate cilantro.", "dislikes", "cilantro"),
    ("I can't stand horror movies.", "dislikes", "horror movies"),
    ("I don't like olives or anchovies.", "dislikes", "anchovies"),
    ("My favourite colour is teal.", "favorite-colour", "teal"),
    ("My favorite band is Radiohead.", "favorite-band", "Radiohead"),
    ("Dune is my favourite book.", "favorite-book", "Dune"),
    # diet and allergies
    ("I'm vegetarian, so no meat for me.", "dietary-preferences", "vegetarian"),
    ("I've been vegan since 2020.", "dietary-preferences", "vegan"),
    ("I don't eat pork.", "dietary-preferences", "no pork"),
    ("I'm allergic to peanuts and shellfish.", "allergies", "peanuts"),
    ("I'm allergic to peanuts and shellfish.", "allergies", "shellfish"),
    ("I have a severe penicillin allergy.", "allergies", "penicillin"),
    # health
    ("I have asthma, so I carry an inhaler.", "health", "asthma"),
    ("I was diagnosed with type 2 diabetes last year.", "health", "type 2 diabetes"),
    ("I suffer from migraines.", "health", "migraines"),
    ("I take levothyroxine every day.", "health", "takes levothyroxine"),
    # plans and events
    ("I'm planning to run the Chicago marathon in October.", "plans", "run the Chicago marathon in October"),
    ("We're hoping to visit Japan next spring.", "plans", "visit Japan next spring"),
    ("I graduated from Boston University in 2012.", "education", "Boston University"),
    ("I graduated in June 2012.", "life-events", "graduated (June 2012)"),
    ("I studied biology at McGill University.", "education", "McGill University"),
]

NEGATIVE: list[tuple[str, str]] = [
    ("If I moved to Paris, I would learn French.", "address-level2"),
    ("Where do I live again?", "address-level2"),
    ("My sister lives in Rome.", "address-level2"),
    ("My brother works at Google as an engineer.", "organization"),
    ("I would love to work at NASA as an astronaut.", "organization"),
    ("Do I work at Globex?", "organization"),
    ("I don't live in Boston anymore.", "address-level2"),
    ("I no longer work at Initech.", "organization"),
    ("Maybe I'll move to Lisbon.", "address-level2"),
    ("My wife's birthday is 3 May.", "bday"),
    ("Anna's email is anna@example.com.", "name"),
    ("I joined a gym and it was fun.", "organization"),
    ("I used to live in Paris.", "address-level2"),
    ("Imagine I lived in Oslo.", "address-level2"),
    ("What is my phone number?", "tel"),
    ("I'd like a quiet dinner.", "likes"),
    ("I love it.", "likes"),
    ("Call me when you land.", "nickname"),
    ("He said I live in Madrid.", "address-level2"),
    ("I'm not allergic to anything.", "allergies"),
    ("My colleague drives a Toyota Prius.", "vehicle"),
    ("If I had a dog named Rex, I'd walk him.", "pets"),
    ("I think I work at Acme now.", "organization"),
]


@pytest.mark.parametrize(("text", "field", "value"), POSITIVE)
def test_phrasing_gives_the_field(text: str, field: str, value: str) -> None:
    got = found(text)
    assert value in got.get(field, set()), f"{field}: {got.get(field)} (all: {got})"


@pytest.mark.parametrize(("text", "field"), NEGATIVE)
def test_non_statement_gives_nothing(text: str, field: str) -> None:
    got = found(text)
    assert field not in got, got


def test_the_list_covers_every_attribute() -> None:
    assert len(POSITIVE) >= 100
    fields = {f for _, f, _ in POSITIVE}
    for needed in ("name", "given-name", "family-name", "additional-name", "nickname", "organization",
                   "organization-title", "work-since", "address-level2", "country-name", "places-lived",
                   "address-line1", "address-line2", "postal-code", "email", "tel", "tel-national", "bday",
                   "anniversary", "partner", "children", "relatives", "likes", "dislikes", "dietary-preferences",
                   "allergies", "health", "vehicle", "pets", "plans", "life-events"):
        assert needed in fields, needed


def test_national_numbers_need_a_region_and_take_the_profiles_country() -> None:
    text = "My phone number is (503) 555-0177. I live at 9 Pine Street, Salem, OR 97301, USA."
    assert found(text, region=None)["tel"] == {"+15035550177"}   # the country in the profile decides
    assert "tel" not in found("My phone number is (503) 555-0177.", region=None)  # no region: not guessed
    assert "tel" not in found("My phone number is 12345.")  # not a valid number


def test_sensitive_fields_stay_sensitive() -> None:
    from secondme.profile.fields import is_sensitive

    got = found("I have asthma. I'm allergic to latex.")
    assert got["health"] and got["allergies"]
    assert is_sensitive("health") and is_sensitive("allergies") and not is_sensitive("likes")
