"""Deterministic generator of realistic synthetic notes folders for tests and benchmarks.

    python tests/bench/notes_gen.py OUT_DIR --count 1000 --seed 0

Writes mostly Markdown (front matter with date and tags, headings, lists, todos), plus a few
plain-text and Org notes, in nested folders. The vocabulary includes invented names, places
and project codenames that occur nowhere else, so keyword queries have clear answers.
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import sys
import time
from collections.abc import Callable
from pathlib import Path

PEOPLE = [
    "Orrin Vasquez", "Maelle Quist", "Tobiah Renske", "Ilsa Marchetti", "Dov Achterberg",
    "Priya Okonkwo", "Fennick Hale", "Saoirse Lindqvist", "Jomo Tessaro", "Wren Abernathy",
    "Katya Polderman", "Lucan Ferreira", "Nadia Szabo-Reyes", "Bastien Okafor", "Yusra Elling",
    "Corentin Mbeki", "Hallie Dunmore", "Teodor Vasile", "Amaru Quispe", "Greta Sundholm",
]  # fmt: skip
PLACES = [
    "Lisbon", "Tromsø", "Valparaíso", "Ghent", "Kraków", "Hobart", "Oaxaca", "Tbilisi",
    "Bergen", "Matera", "Kyoto", "Galway", "Cluj-Napoca", "Porto Alegre", "Ljubljana",
]  # fmt: skip
VENUES = [
    "the Copperleaf café", "Marrow Street library", "the Quayside co-working space",
    "Bellwether hall", "the greenhouse at Ashby allotments", "Juniper & Vine bistro",
]  # fmt: skip
PROJECTS = [
    "Thornfield", "Bluewhistle", "Kestrel Ledger", "Saffron Gate", "Marlowe Sync",
    "Quillpoint", "Harrow Beacon", "Nimbus Orchard", "Tidewater Atlas", "Gossamer Vault",
]  # fmt: skip
TOPICS = [
    "sourdough", "beekeeping", "bouldering", "watercolour", "sailing", "chess openings",
    "birdwatching", "ceramics", "fermentation", "trail running", "astronomy", "bookbinding",
]  # fmt: skip
FOODS = [
    "shakshuka", "miso aubergine", "lentil dal", "focaccia", "bibimbap", "pasta e ceci",
    "plum clafoutis", "caldo verde", "green curry", "black bean tacos",
]  # fmt: skip
INGREDIENTS = [
    "garlic", "smoked paprika", "red lentils", "coconut milk", "fresh basil", "feta",
    "chickpeas", "rosemary", "lime zest", "miso paste", "sesame oil", "cumin seeds",
]  # fmt: skip
VERBS = [
    "reviewed", "sketched", "discussed", "postponed", "finished", "drafted", "tested",
    "questioned", "simplified", "measured", "planned", "fixed",
]  # fmt: skip
NOUNS = [
    "the budget", "the migration plan", "the onboarding flow", "the sensor readings",
    "the release notes", "the vendor contract", "the test harness", "the roadmap",
    "the garden layout", "the travel itinerary", "the quarterly report", "the API schema",
]  # fmt: skip
TASKS = [
    "review", "send", "book", "call about", "update", "finish", "print", "check", "share",
]  # fmt: skip
FILLER = (
    "honestly it went better than expected and I want to remember why. "
    "the weather was grey but the mood was good. "
    "I keep coming back to the idea that smaller steps work better. "
    "need to follow up before the end of the week. "
    "this connects to what we talked about last month. "
    "I wrote it down so I would not forget the details. "
    "overall a calm day with a few surprises. "
    "there is a risk we underestimated the effort. "
    "the numbers look fine but the timeline is tight. "
    "it reminded me of the trip two summers ago."
).split(". ")
FOLDERS = [
    "journal", "journal/2023", "journal/2024", "work/meetings", "work/projects", "recipes",
    "travel", "hobbies", "people", "inbox", "archive/old",
]  # fmt: skip
BASE_DATE = dt.date(2022, 1, 1)


class _Writer:
    """Builds one note's text from a seeded RNG (one instance per generator run)."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng

    def sentence(self) -> str:
        r = self.rng
        kind = r.randrange(6)
        if kind == 0:
            s = f"{r.choice(PEOPLE)} and I {r.choice(VERBS)} {r.choice(NOUNS)} for {r.choice(PROJECTS)}"
        elif kind == 1:
            s = f"Spent the afternoon in {r.choice(PLACES)} at {r.choice(VENUES)}, thinking about {r.choice(TOPICS)}"
        elif kind == 2:
            s = f"{r.choice(PEOPLE)} suggested we try {r.choice(TOPICS)} again"
        elif kind == 3:
            s = f"I {r.choice(VERBS)} {r.choice(NOUNS)}; {r.choice(FILLER)}"
        else:
            s = r.choice(FILLER)
        return s[0].upper() + s[1:].rstrip(".") + "."

    def paragraph(self, sentences: int) -> str:
        return " ".join(self.sentence() for _ in range(sentences))

    def body(self, words: int) -> str:
        """Paragraphs until roughly ``words`` words (sentences average ~10 words)."""
        parts: list[str] = []
        total = 0
        while total < words:
            para = self.paragraph(self.rng.randint(2, 6))
            parts.append(para)
            total += para.count(" ") + 1
        return "\n\n".join(parts)

    def todo_list(self) -> str:
        r = self.rng
        items = []
        for _ in range(r.randint(2, 6)):
            mark = "x" if r.random() < 0.4 else " "
            items.append(f"- [{mark}] {r.choice(TASKS)} {r.choice(NOUNS)} with {r.choice(PEOPLE).split()[0]}")
        return "\n".join(items)


def _front_matter(date: dt.date, tags: list[str], title: str) -> str:
    return f'---\ntitle: "{title}"\ndate: {date.isoformat()}\ntags: [{", ".join(tags)}]\n---\n'


def _journal(w: _Writer, date: dt.date, words: int) -> tuple[str, str]:
    r = w.rng
    title = f"Journal {date.isoformat()}"
    text = _front_matter(date, ["journal", r.choice(TOPICS).replace(" ", "-")], title)
    text += f"# {title}\n\n{w.body(words // 2)}\n\n## Later\n\n{w.body(words // 2)}\n"
    if r.random() < 0.5:
        text += f"\n## Todo\n\n{w.todo_list()}\n"
    return title, text


def _meeting(w: _Writer, date: dt.date, words: int) -> tuple[str, str]:
    r = w.rng
    project = r.choice(PROJECTS)
    people = r.sample(PEOPLE, r.randint(2, 4))
    title = f"{project} sync {date.isoformat()}"
    text = _front_matter(date, ["meeting", project.lower().replace(" ", "-")], title)
    text += (
        f"# {title}\n\nAttendees: {', '.join(people)}\nLocation: {r.choice(VENUES)}, {r.choice(PLACES)}\n\n"
    )
    text += "## Agenda\n\n" + "\n".join(f"1. {r.choice(NOUNS)}" for _ in range(3))
    text += f"\n\n## Notes\n\n{w.body(words)}\n\n## Action items\n\n{w.todo_list()}\n"
    return title, text


def _recipe(w: _Writer, date: dt.date, words: int) -> tuple[str, str]:
    r = w.rng
    dish = r.choice(FOODS)
    title = f"Recipe: {dish}"
    text = _front_matter(date, ["recipe", "cooking"], title)
    text += f"# {title}\n\nServes {r.randint(2, 6)}. From {r.choice(PEOPLE)}.\n\n## Ingredients\n\n"
    text += "\n".join(f"- {r.randint(1, 400)} g {ing}" for ing in r.sample(INGREDIENTS, 5))
    steps = [f"{i}. {w.sentence()}" for i in range(1, r.randint(4, 8))]
    text += "\n\n## Method\n\n" + "\n".join(steps) + f"\n\n## Notes\n\n{w.body(words // 3)}\n"
    return title, text


def _project_log(w: _Writer, date: dt.date, words: int) -> tuple[str, str]:
    r = w.rng
    project = r.choice(PROJECTS)
    title = f"{project} project log"
    text = _front_matter(date, ["project", project.lower().replace(" ", "-")], title)
    text += f"# {title}\n\nOwner: {r.choice(PEOPLE)}\n"
    day = date
    sections = max(2, words // 150)
    for _ in range(sections):
        day += dt.timedelta(days=r.randint(1, 9))
        text += f"\n## {day.isoformat()}\n\n{w.body(words // sections)}\n"
    return title, text


def _travel(w: _Writer, date: dt.date, words: int) -> tuple[str, str]:
    r = w.rng
    place = r.choice(PLACES)
    title = f"Trip to {place}"
    text = _front_matter(date, ["travel", place.lower().replace(" ", "-")], title)
    text += f"{title}\n{'=' * len(title)}\n\nTravelled with {r.choice(PEOPLE)}.\n\n"
    text += "## Places\n\n" + "\n".join(f"* {v}" for v in r.sample(VENUES, 3))
    text += f"\n\n## Diary\n\n{w.body(words)}\n"
    return title, text


_KINDS: list[Callable[[_Writer, dt.date, int], tuple[str, str]]] = [
    _journal, _journal, _journal, _meeting, _meeting, _recipe, _project_log, _travel,
]  # fmt: skip


def _size(rng: random.Random) -> int:
    roll = rng.random()
    if roll < 0.05:
        return rng.randint(3, 30)  # a few tiny notes
    if roll < 0.93:
        return rng.randint(100, 600)
    return rng.randint(2000, 5000)


def _as_text(title: str, markdown: str) -> str:
    body = markdown.split("---\n", 2)[-1]
    return title + "\n\n" + body.replace("# ", "").replace("#", "")


def _as_org(title: str, date: dt.date, markdown: str) -> str:
    body = markdown.split("---\n", 2)[-1]
    lines = [f"#+TITLE: {title}", f"#+DATE: {date.isoformat()}", ""]
    for line in body.split("\n"):
        stripped = line.lstrip("#")
        level = len(line) - len(stripped)
        if level and stripped.startswith(" "):
            lines.append("*" * level + stripped)
        elif line.startswith("* "):
            lines.append("- " + line[2:])  # a Markdown bullet would be an Org heading
        elif line and set(line) == {"="}:
            continue
        elif line.startswith("- [x] "):
            lines.append("- DONE " + line[6:])
        else:
            lines.append(line)
    return "\n".join(lines)


def generate_notes(folder: Path, n: int, seed: int = 0) -> list[Path]:
    """Write ``n`` notes under ``folder`` (created if needed); return their paths in order."""
    rng = random.Random(seed)
    writer = _Writer(rng)
    folder.mkdir(parents=True, exist_ok=True)
    made_dirs: set[Path] = set()
    paths: list[Path] = []
    for index in range(n):
        date = BASE_DATE + dt.timedelta(days=rng.randrange(1000))
        kind = rng.choice(_KINDS)
        words = _size(rng)
        title, text = kind(writer, date, words)
        sub = folder / rng.choice(FOLDERS)
        if sub not in made_dirs:
            sub.mkdir(parents=True, exist_ok=True)
            made_dirs.add(sub)
        slug = "".join(c if c.isalnum() else "-" for c in title.lower()).strip("-")
        roll = rng.random()
        if roll < 0.07:
            path, content = sub / f"{slug}-{index}.txt", _as_text(title, text)
        elif roll < 0.12:
            path, content = sub / f"{slug}-{index}.org", _as_org(title, date, text)
        else:
            path, content = sub / f"{slug}-{index}.md", text
        path.write_text(content, encoding="utf-8")
        paths.append(path)
    return paths


def sample_queries(seed: int = 0) -> list[str]:
    """Realistic keyword and semantic queries whose answers exist in any generated corpus."""
    rng = random.Random(seed + 7919)
    queries: list[str] = []
    for _ in range(5):
        queries.append(f"{rng.choice(PROJECTS)} meeting with {rng.choice(PEOPLE).split()[0]}")
        queries.append(f"what did I do in {rng.choice(PLACES)}")
        queries.append(f"{rng.choice(FOODS)} recipe")
        queries.append(f"when did I last talk to {rng.choice(PEOPLE)}")
        queries.append(f"notes about {rng.choice(TOPICS)}")
        queries.append(f"{rng.choice(PROJECTS)} {rng.choice(NOUNS).removeprefix('the ')}")
    queries += ["todo items not done yet", "how do I cook with smoked paprika"]
    return queries


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("out_dir", type=Path)
    parser.add_argument("--count", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    started = time.perf_counter()
    paths = generate_notes(args.out_dir, args.count, args.seed)
    print(f"wrote {len(paths)} notes to {args.out_dir} in {time.perf_counter() - started:.1f}s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
