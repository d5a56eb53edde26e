"""Profile field precision and recall on generated personas, through the real app, as JSON.

A seeded generator writes one person's chats and notes over two years: identity, contact,
address, work, family, pets, preferences, health and plans, each told in one of several
phrasings (some the rules do not read, as in life), with values that change over time (a
move, a new job and a promotion, a new phone, a change of diet, a second pet). The notes
are remembered and the chats imported into a fresh encrypted store, then ``consolidate``
and ``build_profile`` run as the nightly job does. A field counts as correct when its
current value equals the truth (multi-valued fields: the same set of items).

The phrasings here are the generator's own and differ from tests/core/test_profile_phrasings.py
on purpose: the rules are not tuned to these sentences.

With ``--model PATH`` (a GGUF, e.g. the 0.5B or 1.5B evaluation model) each persona is
consolidated twice, into two fresh stores: rules alone, then rules plus the model reading
windows of each conversation (secondme.memory.windows); precision/recall of both and the
consolidation time per 1,000 messages are reported. The profile fields are built without a
model in both (the model's part is the facts it adds), so the difference is the extraction's.

With ``--cache FILE`` the model's answers are kept in FILE (plain JSON, generated data only:
evaluation use), keyed by the exact prompt, so a later run with the same model replays them and
measures a change to what is done with the model's answers in seconds instead of an hour. The
consolidation time is then the replay's, not the model's; the JSON says how many answers came
from the cache.

Run: .venv/bin/python -m tests.bench.bench_persona [--personas 5] [--seed 7] [--model PATH] [--cache FILE]
"""

from __future__ import annotations

import argparse
import json
import random
import re
import sys
import tempfile
import time
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO))

from secondme.app import SecondMe  # noqa: E402
from secondme.paths import Paths  # noqa: E402
from secondme.profile.fields import spec  # noqa: E402
from secondme.settings import Settings  # noqa: E402
from secondme.vault import Vault  # noqa: E402

FIRST = ["Dana", "Mateo", "Ingrid", "Kofi", "Harriet", "Yusuf", "Colette", "Ravi", "Elsa", "Tobias"]
MIDDLE = ["June", "Ellis", "Maren", "Kwame", "Louise", "Emre", "Anne", "Arjun", "Signe", "Paul"]
LAST = ["Whitfield", "Okafor", "Lindqvist", "Mensah", "Carrow", "Demir", "Fontaine", "Bhatt", "Holm", "Brenner"]
NICK = ["Dee", "Teo", "Inga", "Kof", "Hattie", "Yus", "Coco", "Rav", "Elly", "Tobi"]
CITIES = [("Portland", "OR", "97214", "503"), ("Seattle", "WA", "98103", "206"), ("Denver", "CO", "80205", "303"),
          ("Austin", "TX", "78704", "512"), ("Boston", "MA", "02139", "617"), ("Chicago", "IL", "60614", "312"),
          ("Madison", "WI", "53703", "608"), ("Raleigh", "NC", "27601", "919")]
STREETS = ["Harbour Road", "Alder Street", "Maple Avenue", "Linden Lane", "Cedar Drive", "Juniper Court",
           "Willow Way", "Birch Boulevard"]
UNITS = ["Flat 3", "Apt 4B", "Unit 12", "Apartment 7", "Suite 210"]
ORGS = ["Oceanix Labs", "Brightwater Analytics", "Kestrel Systems", "Harlow & Finch", "Bluepeak Energy",
        "Tidewell Foods", "Norrland Games", "Copperleaf Studio"]
TITLES = ["marine biologist", "data engineer", "product designer", "operations manager", "research chemist",
          "account executive", "game developer", "urban planner"]
PROMOS = ["senior marine biologist", "lead data engineer", "principal designer", "head of operations",
          "senior research chemist", "sales director", "lead game developer", "senior urban planner"]
SCHOOLS = ["Oregon State University", "University of Michigan", "Reed College", "Tufts University"]
KIDS = ["Leo", "Maya", "Ines", "Theo", "Nora", "Felix", "Ada", "Jonah"]
PARTNERS = ["Sam", "Priya", "Jonas", "Aiko", "Marta", "Dev", "Lucia", "Owen"]
PETS = [("dog", "Biscuit"), ("cat", "Pixel"), ("dog", "Juno"), ("cat", "Mochi"), ("rabbit", "Clover")]
CARS = ["Honda Civic", "Subaru Forester", "Toyota RAV4", "Volkswagen Golf", "Mazda CX-5", "Kia Niro"]
LIKES = ["kayaking", "sourdough baking", "board games", "birdwatching", "trail running", "jazz piano"]
DISLIKES = ["mushrooms", "reality TV", "crowded malls", "cold coffee"]
FOODS = ["ramen", "paella", "dumplings", "tacos", "lasagna"]
ALLERGIES = ["peanuts", "penicillin", "bee stings", "latex"]
HEALTH = ["asthma", "migraines", "hypothyroidism"]
PLANS = ["hike the Pacific Crest Trail next summer", "learn Portuguese this year", "run a marathon in October"]


def _pick(rng: random.Random, options: list[str], **kw: str) -> str:
    return rng.choice(options).format(**kw)


def persona(seed: int) -> dict[str, Any]:
    """One person: the truth (field -> value) and their dated texts (chat or note)."""
    rng = random.Random(seed)
    i = rng.randrange(len(FIRST))
    first, middle, last, nick = FIRST[i], MIDDLE[i], LAST[i], NICK[i]
    (c1, s1, z1, a1), (c2, s2, z2, a2) = rng.sample(CITIES, 2)
    st1, st2 = rng.sample(STREETS, 2)
    n1, n2 = rng.randint(2, 980), rng.randint(2, 980)
    unit = rng.choice(UNITS)
    (org1, org2), k = rng.sample(ORGS, 2), rng.randrange(len(TITLES))
    title1, title2, promo = TITLES[(k + 3) % len(TITLES)], TITLES[k], PROMOS[k]
    school = rng.choice(SCHOOLS)
    partner = rng.choice(PARTNERS)
    kid1, kid2 = rng.sample(KIDS, 2)
    (pk1, pn1), (pk2, pn2) = rng.sample(PETS, 2)
    car = rng.choice(CARS)
    like1, _ = rng.sample(LIKES, 2)
    dislike = rng.choice(DISLIKES)
    food = rng.choice(FOODS)
    allergy = rng.choice(ALLERGIES)
    health = rng.choice(HEALTH)
    plan = rng.choice(PLANS)
    bday = datetime(rng.randint(1975, 1998), rng.randint(1, 12), rng.randint(1, 28))
    wedding = datetime(rng.randint(2008, 2020), rng.randint(1, 12), rng.randint(1, 28))
    phone1 = f"({a1}) 555-01{rng.randint(10, 99)}"
    phone2 = f"{a2}-555-01{rng.randint(10, 99)}"
    email = f"{first.lower()}.{last.lower()}@example.net"
    mother, brother = rng.choice(["Carol", "Ruth", "Amara", "Helga"]), rng.choice(["Nils", "Ben", "Tariq", "Hugo"])
    since_year = rng.randint(2012, 2019)
    born = rng.choice(["Duluth", "Tucson", "Halifax", "Galway", "Bergen", "Accra"])
    color = rng.choice(["teal", "mustard yellow", "forest green", "navy"])
    lang = rng.choice(["English", "Spanish", "Norwegian", "Twi"])
    blood = rng.choice(["A+", "O-", "B+", "AB+"])
    url = f"https://{last.lower()}.example.com"

    start = datetime(2023, 1, 5, 9)
    texts: list[tuple[str, str]] = []  # (kind, text) in time order

    def say(kind: str, *options: str, **kw: str) -> None:
        texts.append((kind, _pick(rng, list(options), **kw)))

    say("note", "Personal details, for forms.\nFull name: {f} {m} {l}. My full name is {f} {m} {l}.",
        "About me: my name is {f} {m} {l}, though most people just use {n}.", f=first, m=middle, l=last, n=nick)
    say("chat", "Friends call me {n}, nobody uses {f}.", "Honestly you can call me {n}, everyone does.",
        "{n} is what my friends have always called me.",
        n=nick, f=first)
    say("chat", "Note to self: my birthday is {d}.", "I was born on {d2} in a tiny hospital.",
        d=bday.strftime("%B %-d"), d2=bday.strftime("%-d %B %Y"))
    say("note", "Born in 19xx? No: I was born in {y}, the year my parents met the neighbours.", y=str(bday.year))
    say("chat", "Contact sheet: my email is {e}.", "My email is {e} for anything official.", e=email)
    say("chat", "New number, my phone number is {p}.", "My mobile is {p} if the landline fails.",
        "Best way to reach me is {p}, evenings.", p=phone1)
    say("note", "Home: I live at {n} {s}, {c}, {st} {z}, USA.", "Moving day! We moved to {n} {s}, {c}, {st} {z}, USA.",
        n=str(n1), s=st1, c=c1, st=s1, z=z1)
    say("chat", "I work as a {t} for {o}, mostly fieldwork.", "I've been a {t} at {o} since {y}.",
        t=title1, o=org1, y=str(since_year))
    say("chat", "I studied at {s}, a long time ago now.", "I graduated from {s} with a lot of debt.", s=school)
    say("chat", "I'm married to {p}; {p} is the better cook.", "My husband {p} is away this week.",
        "My partner {p} made dinner again.", p=partner)
    say("chat", "Our anniversary is {d}, need to book somewhere.", "We got married on {d2}, what a day.",
        d=wedding.strftime("%B %-d"), d2=wedding.strftime("%-d %B %Y"))
    say("note", "Kids: my daughter {a} starts school soon and my son {b} is obsessed with trains.",
        "We have two kids, {a} and {b}.", a=kid1, b=kid2)
    say("chat", "My mother {m} called about the holidays.", "My mom {m} is visiting in May.", m=mother)
    say("chat", "My younger brother {b} lent me his tent.", "{b} is my brother, he's the loud one.", b=brother)
    say("chat", "We have a {k} named {n} and it rules the house.", "Our {k} is called {n}.", k=pk1, n=pn1)
    say("chat", "I drive a {c}, it's fine in snow.", "My car is a grey {c}.",
        "Took the {c} in for new tyres, it's my daily driver.", c=car)
    say("chat", "I really enjoy {a}.", "I'm really into {a} lately.", "Nothing beats a weekend of {a} for me.", a=like1)
    say("chat", "I absolutely hate {d}.", "I can't stand {d}.", d=dislike)
    say("chat", "My favourite food is {f}, any day.", "My favorite food is {f}.", f=food)
    say("chat", "I'm allergic to {a}, so careful.", "Reminder: I'm allergic to {a}.", a=allergy)
    say("note", "Health: I have {h}.", "Doctor visit: I was diagnosed with {h} years ago.", h=health)
    say("chat", "I'm vegetarian these days.", "I've been vegetarian for a while now.")
    say("note", "Trivia: I was born in {c}, though we left when I was two.", "Fun fact, I was born in {c}.", c=born)
    say("chat", "My favorite color is {c}, always has been.", "My favourite colour is {c}.", c=color)
    say("note", "Languages: my native language is {l}.", "My first language is {l}, then school French.", l=lang)
    say("note", "Medical card: my blood type is {b}.", "Donated today, my blood type is {b}.", b=blood)
    say("chat", "My website is {u} if you want the portfolio.", "My blog is {u}, rarely updated.", u=url)
    say("chat", "The weather is awful, my sister lives in Rome and it's sunny there.",
        "If I moved to Lisbon I'd surf every day.")
    # --- changes over time
    say("chat", "Big news: I started a new job as a {t} at {o}.", "I joined {o} as a {t}.", t=title2, o=org2)
    say("chat", "We moved! New place: I live at {n} {s}, {u}, {c}, {st} {z}, USA.",
        "Our new address is {n} {s}, {u}, {c}, {st} {z}, USA.", n=str(n2), s=st2, u=unit, c=c2, st=s2, z=z2)
    say("chat", "Changed carriers, my new phone number is {p}.", "My cell is now {p}.", p=phone2)
    say("chat", "Adopted a {k} today, I have a {k} named {n} now too.", "We got a {k} named {n}.", k=pk2, n=pn2)
    say("chat", "I was promoted to {p} this week!", "I got promoted to {p} today.",
        "New business cards arrived: {P}, that's me now.", p=promo, P=promo.title())
    say("chat", "I went vegan this spring.", "I'm vegan now, no more cheese.")
    say("chat", "I'm planning to {p}.", "We're hoping to {p}.", "The big goal: {p}.", p=plan)
    # Assistant turns and small talk the rules must not read as facts about the person.
    say("assistant", "Your new address sounds lovely; I live in the cloud, of course.")
    say("chat", "Long day, the train was late again.")

    dated: list[tuple[float, str, str]] = []
    when = start
    for kind, text in texts:
        when += timedelta(days=rng.randint(10, 25), hours=rng.randint(0, 8))
        dated.append((when.timestamp(), kind, text))
    org2_month = datetime.fromtimestamp(next(t for t, _, x in dated if org2 in x)).strftime("%B %Y")
    truth = {
        "name": f"{first} {middle} {last}", "given-name": first, "additional-name": middle, "family-name": last,
        "nickname": nick, "bday": bday.strftime("%-d %B %Y"), "bday-day": str(bday.day),
        "bday-month": str(bday.month), "bday-year": str(bday.year), "email": email,
        "tel": "+1" + re.sub(r"\D", "", phone2), "tel-national": f"({a2}) {phone2[4:]}",
        "street-address": f"{n2} {st2}, {unit}, {c2}, {s2} {z2}, USA", "address-line1": f"{n2} {st2}",
        "address-line2": unit, "address-level2": c2, "address-level1": s2, "postal-code": z2,
        "country-name": "USA", "organization": org2, "organization-title": promo, "work-since": org2_month,
        "education": school, "partner": partner, "children": f"{kid1} ({'daughter' if 'daughter' in texts[11][1] else 'child'}), "
        f"{kid2} ({'son' if 'daughter' in texts[11][1] else 'child'})",
        "relatives": f"{mother} (mother), {brother} (brother)",
        "anniversary": wedding.strftime("%-d %B") + (f" {wedding.year}" if "married" in texts[10][1] else ""),
        "pets": f"{pn1} ({pk1}), {pn2} ({pk2})", "vehicle": car, "likes": like1, "dislikes": dislike,
        "favorite-food": food, "allergies": allergy, "health": health, "dietary-preferences": "vegan",
        "plans": plan, "place-of-birth": born, "favorite-color" if "favorite color" in texts[23][1]
        else "favorite-colour": color, "language": lang, "blood-type": blood, "url": url,
    }
    if "married" in texts[10][1]:
        truth["life-events"] = f"got married ({wedding.strftime('%-d %B %Y')})"
    if "birthday is" in texts[2][1]:
        truth["bday"] = bday.strftime("%-d %B")  # told without the year (the year comes separately)
    return {"truth": truth, "texts": dated}


class CachedModel:
    """The chat model with its ``generate_json`` answers kept in a JSON file by prompt."""

    def __init__(self, model: Any, path: Path) -> None:
        self.model, self.path = model, path
        self.answers: dict[str, Any] = json.loads(path.read_text()) if path.exists() else {}
        self.hits = self.misses = 0

    def __getattr__(self, name: str) -> Any:
        return getattr(self.model, name)

    def generate_json(self, messages: list[dict[str, str]], schema: Any, **kw: Any) -> Any:
        key = json.dumps([messages, schema, kw.get("max_tokens")], sort_keys=True, ensure_ascii=False)
        if key in self.answers:
            self.hits += 1
            return self.answers[key]
        self.misses += 1
        data = self.model.generate_json(messages, schema, **kw)
        self.answers[key] = data
        tmp = self.path.with_suffix(".tmp")
        tmp.write_text(json.dumps(self.answers, ensure_ascii=False))
        tmp.replace(self.path)
        return data


def _same(field: str, got: str, want: str) -> bool:
    def n(s: str) -> str:
        return re.sub(r"\s+", " ", s.strip().lower())
    if spec(field).multi:
        return {n(x) for x in got.split(", ")} == {n(x) for x in want.split(", ")}
    return n(got) == n(want)


def run_one(seed: int, embedder: Any, tmp: Path, model: Any = None) -> dict[str, Any]:
    p = persona(seed)
    paths = Paths.at(tmp / f"p{seed}{'m' if model is not None else ''}")
    settings = Settings()
    if model is not None:
        settings.extra["llm_fact_extraction"] = "on"
    ctx = SecondMe(paths, settings, Vault(paths.vault_file, None), embedder)
    ctx.init("persona benchmark passphrase")
    stats: dict[str, Any] = {}
    try:
        chats = tmp / f"chats{seed}.jsonl"
        with open(chats, "w", encoding="utf-8") as fh:
            for i, (at, kind, text) in enumerate(p["texts"]):
                if kind == "note":
                    ctx.memory.remember(text, at=at, source="notes/me.md")
                else:
                    fh.write(json.dumps({"id": f"m{i}", "conversation": "life", "time": datetime.fromtimestamp(at).isoformat(),
                                         "speaker": "assistant" if kind == "assistant" else "user", "text": text}) + "\n")
        ctx.memory.import_messages(str(chats))
        messages = int(ctx.store.scalar("SELECT COUNT(*) FROM memories WHERE kind = 'message'") or 0)
        if model is not None:
            ctx.memory.engine()._chat_model = lambda: model  # the shared, already loaded model
        t0 = time.perf_counter()
        stats = ctx.memory.consolidate()
        consolidate_s = time.perf_counter() - t0
        ctx.profile.build()
        seconds = time.perf_counter() - t0
        fields = {n: f for n, f in ctx.profile.show()["fields"].items() if f.value}
        ids = {int(r[0]) for r in ctx.store.query("SELECT id FROM memories")}
        provenance_ok = all(f.sources and set(f.sources) <= ids for f in fields.values())
    finally:
        ctx.close()
    truth: dict[str, str] = p["truth"]
    correct = [f for f, v in truth.items() if f in fields and _same(f, fields[f].value, v)]
    wrong = {f: {"got": fields[f].value, "want": truth.get(f)} for f in fields
             if f not in correct}
    missing = sorted(f for f in truth if f not in fields)
    return {"seed": seed, "truth_fields": len(truth), "produced": len(fields), "correct": len(correct),
            "precision": round(len(correct) / max(1, len(fields)), 3), "recall": round(len(correct) / len(truth), 3),
            "wrong": wrong, "missing": missing, "provenance_ok": provenance_ok, "seconds": round(seconds, 2),
            "messages": messages, "consolidate_seconds": round(consolidate_s, 2),
            "windows": stats.get("windows", 0), "model_facts": stats.get("model_facts", 0),
            "model_dropped": stats.get("model_dropped", 0), "fields": {f: fields[f].value for f in sorted(fields)}}


def summary(mode: str, runs: list[dict[str, Any]]) -> dict[str, Any]:
    produced = sum(r["produced"] for r in runs)
    correct = sum(r["correct"] for r in runs)
    truth = sum(r["truth_fields"] for r in runs)
    msgs = sum(r["messages"] for r in runs)
    cons = sum(r["consolidate_seconds"] for r in runs)
    return {"mode": mode, "personas": len(runs), "truth_fields": truth, "produced": produced, "correct": correct,
            "precision": round(correct / max(1, produced), 3), "recall": round(correct / max(1, truth), 3),
            "messages": msgs, "windows": sum(r["windows"] for r in runs),
            "consolidate_seconds": round(cons, 1),
            "consolidate_seconds_per_1000_messages": round(1000 * cons / max(1, msgs), 1)}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--personas", type=int, default=5)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--model", help="a GGUF chat model: also consolidate with it reading windows")
    ap.add_argument("--threads", type=int, default=0, help="llama.cpp threads (0: physical cores)")
    ap.add_argument("--cache", type=Path, help="keep/replay the model's answers in this JSON file")
    args = ap.parse_args()
    from secondme.embed.minilm import MiniLMEmbedder

    embedder = MiniLMEmbedder()
    model = None
    if args.model:
        from secondme.llm.runtime import ChatModel

        model = ChatModel(args.model, n_ctx=4096, n_threads=args.threads)
        if args.cache:
            model = CachedModel(model, args.cache)
    with tempfile.TemporaryDirectory() as tmp:
        runs = [run_one(args.seed + i, embedder, Path(tmp)) for i in range(args.personas)]
        with_model = [run_one(args.seed + i, embedder, Path(tmp), model) for i in range(args.personas)] \
            if model is not None else []
    out: dict[str, Any] = summary("rules (no model)", runs)
    out["truth_fields_per_persona"] = runs[0]["truth_fields"]
    if model is not None:
        out = {"rules": out, "rules+model": summary(f"rules + model windows ({Path(args.model).name})", with_model),
               "model": Path(args.model).name}
        if isinstance(model, CachedModel):
            out["cache"] = {"replayed": model.hits, "asked": model.misses}
        # Per persona: the fields the model path changed (gained, lost or altered) against rules.
        out["changes"] = [{"seed": a["seed"], **{f: {"rules": a["fields"].get(f), "rules+model": b["fields"].get(f),
                                                      "want": persona(a["seed"])["truth"].get(f)}
                                                  for f in sorted(set(a["fields"]) | set(b["fields"]))
                                                  if a["fields"].get(f) != b["fields"].get(f)}}
                          for a, b in zip(runs, with_model, strict=True)]
        out["runs"] = [{k: v for k, v in r.items() if k != "fields"} for r in with_model]
        model.close()
    else:
        out["runs"] = [{k: v for k, v in r.items() if k != "fields"} for r in runs]
    print(json.dumps(out, indent=2, ensure_ascii=False))


if __name__ == "__main__":
    main()
