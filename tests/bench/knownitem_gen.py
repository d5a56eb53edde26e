"""A seeded generator of a known-item search corpus: short notes, each with a title, a one-line
description, headings and a body, and queries of 3-6 words taken from one note's description.

    python -m tests.bench.knownitem_gen OUT_DIR --notes 7000 --seed 1

It mimics the folder the known-item figures were first measured on (7,000 short reference
pages: a title, a "> description" line, a few sections that repeat the page's words): notes
share topics and vocabulary, so a query's words occur in many notes and only the right mix
points at one. Queries are perturbed the way people type: word order changes, an inflected
form ("backups" for "backup"), sometimes a synonym the note does not contain, sometimes a
word the note lacks. Everything is real English, so the dense side (MiniLM) gets a fair test.
Different seeds give different corpora: calibrate on one seed, report on another.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
from dataclasses import dataclass
from pathlib import Path

# Topic vocabularies: nouns and adjectives a note about the topic would use.
TOPICS: dict[str, list[str]] = {
    "cooking": "onion garlic sauce pan oven skillet broth stock simmer roast spice pepper butter flour "
               "dough knife chopping board recipe dinner lentils rice noodles marinade vinegar".split(),
    "gardening": "tomato seedling compost soil mulch bed trellis pruning shears hedge lawn weeds "
                 "greenhouse bulbs tulips watering hose fertiliser roots seeds harvest shade frost".split(),
    "software": "function module library compiler debugger branch commit merge release build test "
                "refactor interface class method variable exception stack thread config package".split(),
    "networking": "router switch firewall port packet address subnet gateway dns proxy tunnel vpn "
                  "bandwidth latency cable wireless signal modem certificate handshake socket".split(),
    "finance": "budget invoice receipt expense account balance savings loan interest mortgage "
               "payment transfer statement salary pension tax refund ledger spreadsheet bank".split(),
    "travel": "flight ticket passport luggage hotel booking itinerary airport train station map "
              "visa currency hostel ferry border customs suitcase guidebook museum beach".split(),
    "fitness": "workout running squat deadlift bench press stretching cardio interval marathon "
               "treadmill dumbbell kettlebell warmup recovery muscle endurance pace sprint core".split(),
    "music": "guitar piano chord scale melody rhythm tempo metronome song lyrics album concert "
             "amplifier string pedal recording microphone harmony drum bass tuning".split(),
    "photography": "camera lens aperture shutter exposure tripod flash portrait landscape focus "
                   "zoom sensor raw editing lightroom filter composition sunset print album".split(),
    "woodworking": "plank saw chisel plane sanding varnish joint dovetail clamp drill screw glue "
                   "oak walnut pine bench workshop lathe router grain finish".split(),
    "parenting": "toddler nursery bedtime nappy school homework lunchbox playground tantrum "
                 "babysitter daycare teacher birthday party stroller pediatrician story".split(),
    "health": "doctor appointment prescription pharmacy vaccine allergy blood pressure dentist "
              "symptom fever headache insurance clinic therapy sleep vitamin diet checkup".split(),
    "reading": "novel chapter author library shelf paperback review quote poem poetry essay "
               "biography fiction mystery series bookmark bookshop translation edition".split(),
    "cars": "engine tyre brake clutch gearbox battery oil filter mechanic garage service "
            "mileage fuel petrol diesel insurance licence parking windscreen wiper".split(),
    "home": "boiler radiator leak plumber roof gutter window door lock paint wallpaper floor "
            "tiles kitchen bathroom shelf drill fuse socket insulation damp".split(),
    "pets": "dog puppy cat kitten vet leash collar food bowl litter grooming walk kennel "
            "vaccination flea worming training treat crate aquarium hamster".split(),
    "astronomy": "telescope eyepiece planet moon crater galaxy nebula star cluster comet "
                 "meteor orbit eclipse jupiter saturn mars constellation observatory sky".split(),
    "languages": "vocabulary grammar verb noun tense pronunciation accent dictionary lesson "
                 "flashcards spanish french german japanese conversation fluency tutor exam".split(),
    "chess": "opening endgame gambit pawn knight bishop rook queen king castling checkmate "
             "tactics puzzle tournament rating blitz clock defence sicilian".split(),
    "cycling": "bicycle saddle chain derailleur gears puncture tube helmet pedals route "
               "climb descent cadence wheel spokes pump commute panniers lights".split(),
    "coffee": "espresso grinder beans roast filter brew crema milk latte cappuccino kettle "
              "scale aeropress dripper barista cafe acidity origin tamper".split(),
    "databases": "table index query schema migration backup replica transaction join column "
                 "row primary key postgres sqlite vacuum snapshot cluster cache".split(),
    "linux": "kernel shell terminal process daemon permission user group mount disk partition "
             "archive compress service log cron script package file directory".split(),
    "writing": "draft outline paragraph sentence editor manuscript deadline publisher "
               "chapter character plot dialogue revision notebook blog article pitch".split(),
}

# Verbs for descriptions, with the synonyms a person might type instead.
VERBS: dict[str, list[str]] = {
    "fix": ["repair", "mend"], "make": ["create", "build"], "show": ["display", "list"],
    "remove": ["delete", "erase"], "start": ["begin", "launch"], "buy": ["purchase", "order"],
    "check": ["inspect", "verify"], "change": ["modify", "adjust"], "clean": ["wash", "scrub"],
    "plan": ["schedule", "organise"], "find": ["locate", "search"], "store": ["keep", "save"],
    "compare": ["contrast", "weigh"], "measure": ["gauge", "assess"], "replace": ["swap", "substitute"],
    "prepare": ["ready", "arrange"], "record": ["log", "note"], "test": ["try", "trial"],
    "improve": ["enhance", "boost"], "reduce": ["lower", "cut"], "set": ["configure", "setup"],
    "learn": ["study", "practise"], "share": ["send", "distribute"], "track": ["monitor", "follow"],
}
ADJECTIVES = ("quick old new small large weekly daily cheap simple broken spare first second "
              "home winter summer portable quiet heavy light basic advanced").split()
FILLER = [
    "this worked better than I expected", "keep this short and simple", "ask again next week",
    "the usual mistake is to rush it", "write down what went wrong", "it took about an hour",
    "do this before the weekend", "there is a cheaper way too", "worth doing twice a year",
    "the manual says something else", "it depends on the season", "remember to take photos",
    "the second attempt was easier", "costs were lower than last time", "check the notes below",
]
FORMATS = ("md", "md", "md", "md", "txt", "org")
# Syllables of the names notes are about (a tool, a product, a place, a person's nickname):
# real folders have a long tail of such words that occur in a handful of notes only.
ONSETS = "b br c ch d f g gr h j k kl l m n p pl qu r s sk st t tr v w z".split()
NUCLEI = "a e i o u ai ea ou y".split()
CODAS = ["", "n", "r", "x", "sh", "ck", "m", "l", "st", "t"]


@dataclass(frozen=True)
class KnownItem:
    """One query and the note (path relative to the corpus root) it must find."""

    query: str
    target: str
    kind: str  # which perturbation made it: "plain", "shuffled", "inflected", "synonym", "extra"


def _inflect(word: str) -> str:
    """A plausible inflected form (the stemmer, not the note, has to bring it back)."""
    if word.endswith("y") and len(word) > 3 and word[-2] not in "aeiou":
        return word[:-1] + "ies"
    if word.endswith(("s", "x", "ch", "sh")):
        return word + "es"
    return word + "s"


class _Note:
    def __init__(self, rng: random.Random, index: int, names: list[str]) -> None:
        self.rng = rng
        topic = rng.choice(list(TOPICS))
        other = rng.choice([t for t in TOPICS if t != topic])
        words = TOPICS[topic]
        # A note is about a few focus words it repeats, like a reference page about one thing.
        self.focus = rng.sample(words, 5)
        self.side = rng.sample(words, 6) + rng.sample(TOPICS[other], 3)
        self.verb = rng.choice(list(VERBS))
        self.name = names[rng.randrange(len(names))]
        adj = rng.choice(ADJECTIVES)
        f = self.focus
        n = self.name
        self.title = rng.choice([
            f"{f[0].capitalize()} {f[1]}",
            f"{adj.capitalize()} {f[0]} {f[1]}",
            f"{self.verb.capitalize()} the {f[0]}",
            f"{f[0].capitalize()} and {f[1]} notes",
            f"{n} {f[0]}",
            f"{n}",
        ])
        self.description = rng.choice([
            f"How to {self.verb} the {adj} {f[0]} and {f[1]} with a {f[2]}",
            f"{self.verb.capitalize()} a {f[0]} {f[1]} before the {f[2]} and the {self.side[0]}",
            f"Notes on how I {self.verb} the {f[0]} using {f[1]} and {f[2]}",
            f"Steps to {self.verb} {f[0]} {f[1]} for the {adj} {f[2]} {self.side[1]}",
            f"How to {self.verb} the {n} {f[0]} with {f[1]}",
            f"{self.verb.capitalize()} {f[0]} and {f[1]} on the {n}",
            f"The {n} {f[0]}: {self.verb} a {f[1]} {f[2]}",
        ])
        self.desc_words = [w.strip(":") for w in self.description.lower().split()
                           if w not in {"how", "to", "the", "and", "a", "with", "before", "on", "i", "using", "for",
                                        "notes", "steps"}]
        self.fmt = FORMATS[index % len(FORMATS)] if rng.random() < 0.9 else rng.choice(FORMATS)
        self.sections = rng.choice([1, 2, 2, 3, 3, 4]) if rng.random() < 0.9 else rng.randint(8, 14)

    def sentence(self) -> str:
        r = self.rng
        pick = (self.focus if r.random() < 0.5 else self.side)
        a, b = r.sample(pick, 2)
        if r.random() < 0.25:
            a = self.name
        verb = r.choice(list(VERBS))
        form = r.choice([
            f"{verb.capitalize()} the {a} first, then the {b}",
            f"The {a} needs a {r.choice(ADJECTIVES)} {b}",
            f"Use the {a} with the {b}; {r.choice(FILLER)}",
            f"{r.choice(FILLER).capitalize()}",
            f"If the {a} is {r.choice(ADJECTIVES)}, {verb} the {b}",
        ])
        return form + "."

    def heading(self) -> str:
        r = self.rng
        w = r.choice(self.focus + self.side)
        return r.choice([f"{w.capitalize()}", f"{r.choice(list(VERBS)).capitalize()} the {w}",
                         f"{w.capitalize()} tips", "Notes", "Examples"])

    def text(self) -> str:
        r = self.rng
        secs = []
        for _ in range(self.sections):
            body = " ".join(self.sentence() for _ in range(r.randint(2, 6)))
            secs.append((self.heading(), body))
        if self.fmt == "md":
            out = f"# {self.title}\n\n> {self.description}.\n"
            for h, b in secs:
                out += f"\n## {h}\n\n{b}\n"
        elif self.fmt == "org":
            out = f"#+TITLE: {self.title}\n\n{self.description}.\n"
            for h, b in secs:
                out += f"\n* {h}\n{b}\n"
        else:
            out = f"{self.title}\n\n{self.description}.\n"
            for h, b in secs:
                out += f"\n{h}\n{b}\n"
        return out


def _query(rng: random.Random, note: _Note) -> tuple[str, str]:
    words = list(dict.fromkeys(note.desc_words))
    n = min(len(words), rng.randint(3, 6))
    picked = rng.sample(words, n) if rng.random() < 0.5 else words[:n]
    kind = "plain" if picked == words[:n] else "shuffled"
    roll = rng.random()
    if roll < 0.2:
        i = rng.randrange(len(picked))
        picked[i] = _inflect(picked[i])
        kind = "inflected"
    elif roll < 0.35 and note.verb in picked:
        picked[picked.index(note.verb)] = rng.choice(VERBS[note.verb])
        kind = "synonym"
    elif roll < 0.45:
        picked.append(rng.choice(rng.choice(list(TOPICS.values()))))
        kind = "extra"
    return " ".join(picked), kind


def _names(rng: random.Random, count: int) -> list[str]:
    out: set[str] = set()
    while len(out) < count:
        syl = [rng.choice(ONSETS) + rng.choice(NUCLEI) + rng.choice(CODAS) for _ in range(rng.choice([2, 2, 3]))]
        out.add("".join(syl))
    return sorted(out)


def generate(folder: Path, n: int, seed: int, queries: int = 500) -> list[KnownItem]:
    """Write ``n`` notes under ``folder`` and return ``queries`` known-item queries over them."""
    rng = random.Random(seed)
    # About three notes share a name (a tool and its related pages, a place visited twice).
    names = _names(rng, max(1, n // 3))
    folder.mkdir(parents=True, exist_ok=True)
    subs = ["reference", "howto", "home", "work", "archive", "inbox"]
    for s in subs:
        (folder / s).mkdir(exist_ok=True)
    notes: list[tuple[str, _Note]] = []
    for i in range(n):
        note = _Note(rng, i, names)
        slug = "-".join(note.title.lower().split())
        rel = f"{subs[i % len(subs)]}/{slug}-{i}.{note.fmt}"
        (folder / rel).write_text(note.text(), encoding="utf-8")
        notes.append((rel, note))
    qrng = random.Random(seed * 7919 + 1)
    items = []
    for rel, note in qrng.sample(notes, min(queries, n)):
        q, kind = _query(qrng, note)
        items.append(KnownItem(q, rel, kind))
    return items


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    ap.add_argument("out_dir", type=Path)
    ap.add_argument("--notes", type=int, default=7000)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--queries", type=int, default=500)
    args = ap.parse_args(argv)
    items = generate(args.out_dir, args.notes, args.seed, args.queries)
    print(json.dumps([item.__dict__ for item in items[:5]], indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
