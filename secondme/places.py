"""Which country (or US state) a city is in, for questions that ask for the region.

"Which country did James fly to?" is asked of a memory that says "I bought air tickets to
Toronto": the answer is Canada, which no source says. A small table of the world's larger
cities (``resources/places/cities.tsv``, from GeoNames, made by ``scripts/make_places.py``)
turns the city a source names into the country or state asked for; the source stays cited.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

from secondme.resources import resource_path

# "Which country…", "In what state…", "What US state…": the region a question asks for.
_ASKS_REGION = re.compile(r"\b(?:what|which)\s+(?:u\.?s\.?\s+)?(country|state)\b", re.IGNORECASE)
_CITE = re.compile(r"\s*\[\d{1,3}\]")


@dataclass(frozen=True)
class Places:
    """Cities by lowercased name, each with its country and US state ("" outside the US)."""

    cities: dict[str, tuple[str, str]]
    regions: frozenset[str]   # every country and state named, lowercased

    @classmethod
    def parse(cls, text: str) -> Places:
        """The table from the lines of ``cities.tsv`` (``#`` lines are comments)."""
        cities: dict[str, tuple[str, str]] = {}
        for line in text.splitlines():
            if not line or line.startswith("#"):
                continue
            name, country, state = [*line.split("\t"), "", ""][:3]
            cities[name.lower()] = (country, state)
        regions = frozenset(r.lower() for pair in cities.values() for r in pair if r)
        return cls(cities, regions)

    def region(self, place: str, kind: str) -> str:
        """The ``kind`` ("country" or "state") of the city named ``place``, or "" when it is
        not a city in the table (or, for "state", not one in the United States)."""
        found = self.cities.get(place.strip().lower())
        if found is None:
            return ""
        return found[0] if kind == "country" else found[1]


@functools.cache
def bundled() -> Places:
    """The table shipped in ``resources/places`` (read once; it never changes while running)."""
    return Places.parse(resource_path("places", "cities.tsv").read_text(encoding="utf-8"))


def asked_region(question: str) -> str:
    """"country" or "state" when ``question`` asks for one, else ""."""
    m = _ASKS_REGION.search(question)
    return m.group(1).lower() if m else ""


def as_region(question: str, answer: str, places: Places) -> str:
    """``answer`` with the city it names given as the country or state ``question`` asks
    for ("Toronto [1]" → "Canada [1]"); unchanged when the question asks for no region, or
    the answer is not just a city (it names the region already, or something else)."""
    kind = asked_region(question)
    if not kind:
        return answer
    cites = "".join(m.group(0) for m in _CITE.finditer(answer))
    bare = _CITE.sub("", answer).strip().rstrip(".!").strip()
    bare = re.sub(r"^(?:in|to|at)\s+", "", bare, flags=re.IGNORECASE)
    if bare.lower() in places.regions:
        return answer
    region = places.region(bare, kind)
    return f"{region}{cites}" if region else answer
