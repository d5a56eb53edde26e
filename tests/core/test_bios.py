"""Bios and shades from a person's memories: templated with the default model, written by a
real instruct model when one is present (the 0.5B evaluation model)."""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

from secondme.app import SecondMe
from secondme.profile import bios as B
from secondme.profile import shades as S
from tests.core.conftest import chat_context, eval_model_path

DAY = 86400.0
NOW = time.time()

# (days before now, what Dana said or wrote): her identity, work, family, and three areas of
# interest in varied phrasings; the last week holds dated activities.
LIFE: list[tuple[float, str]] = [
    (60, "My name is Dana Whitfield."),
    (59, "I live at 14 Alder Street, Portland."),
    (58, "I work at Oceanix Labs as a marine biologist, mostly on reef surveys."),
    (57, "My partner Sam cooked dinner while I sorted the reef survey photos."),
    (56, "My daughter Mia is turning six in June."),
    # sea turtles
    (55, "The sea turtle nesting season starts soon; we tag green sea turtles on the beach at night."),
    (50, "Counted forty sea turtle nests along the beach this week, a record for May."),
    (45, "A loggerhead sea turtle came back to the same nesting beach after three years."),
    (40, "Wrote the grant report on sea turtle nesting and hatchling survival rates."),
    (35, "Plastic in the sea turtle feeding grounds keeps getting worse; the hatchlings eat it."),
    (30, "Our sea turtle tagging data shows the nesting females return every two years."),
    # sourdough baking
    (54, "Fed my sourdough starter twice today, the sourdough rose beautifully overnight."),
    (48, "The sourdough loaf had a great open crumb after a long cold proof in the fridge."),
    (42, "Tried a rye sourdough with caraway seeds; the sourdough crust came out too dark."),
    (36, "Gave a jar of sourdough starter to the neighbours so they can bake sourdough too."),
    (28, "Sourdough tip: a hotter oven and a Dutch oven lid give the loaf a crispier crust."),
    # trail running
    (53, "Did a long trail run up Forest Park, twelve miles of muddy trail running."),
    (47, "Trail running shoes with a rock plate save my feet on the rocky trail descents."),
    (41, "Signed up for the Portland half marathon; the trail running club trains on Tuesdays."),
    (34, "Hill repeats on the trail with the running club, my legs are done."),
    (29, "Trail running in the rain is the best way to clear my head after lab work."),
    # the last week
    (6, "I've started reading 'The Overstory' by Richard Powers."),
    (3, "Yesterday I ran the Portland half marathon in 1:52!"),
    (0.2, "I baked two sourdough loaves with Mia this morning."),
]


def _ctx(data_dir: Path, model_path: str | None, embedder: Any, fresh: bool = True) -> SecondMe:
    return chat_context(data_dir, embedder, model_path, fresh=fresh)


def _live(c: SecondMe) -> None:
    for days, text in LIFE:
        c.memory.remember(text, at=NOW - days * DAY)
    c.memory.consolidate()


@pytest.fixture
def dana(data_dir: Path, embedder: Any) -> Iterator[SecondMe]:
    c = _ctx(data_dir, None, embedder)  # the default model: too small to write
    _live(c)
    yield c
    c.close()


def _day(days_ago: float) -> str:
    d = datetime.fromtimestamp(NOW - days_ago * DAY)
    return f"{d.strftime('%a')} {d.day} {d.strftime('%b')}"


def test_default_model_bios_name_the_person_and_list_last_weeks_activities(dana: SecondMe) -> None:
    stats = dana.profile.build()
    prof = dana.profile.show()
    glob, status = prof["bios"]["global"], prof["bios"]["status"]
    print("global bio:", glob["text"])
    print("status bio:", status["text"])
    for s in prof["shades"]:
        print("shade:", s["name"], "|", s["description"])
    assert glob["origin"] == "template" and status["origin"] == "template"
    text = glob["text"]
    assert text.startswith("Dana Whitfield, a marine biologist at Oceanix Labs in Portland.")
    assert "This person" not in text
    # The largest shades are named by their distinctive words, and the bio names them.
    names = [s["name"].lower() for s in prof["shades"]]
    for topic in ("sea turtle", "sourdough", "trail running"):
        assert any(topic in n for n in names), (topic, names)
        assert topic in text.lower()
    assert "partner Sam" in text and "Mia" in text
    # The status bio: last week's activities, each with its date; never "nothing recorded".
    st = status["text"]
    assert "nothing recorded" not in st
    assert f"ran the Portland half marathon in 1:52 ({_day(4)})" in st  # "yesterday", said 3 days ago
    assert f"started reading 'The Overstory' by Richard Powers ({_day(6)})" in st
    assert st.startswith("Last day: baked two sourdough loaves with Mia")
    assert st.count("baked two sourdough loaves") == 1 and "Earlier this week: " in st
    assert stats["bios_regenerated"] == 2


def test_statements_of_profile_details_are_not_interests() -> None:
    from secondme.profile.bios import global_draft, global_inputs

    fields = {"name": "Dana Whitfield", "organization": "Oceanix Labs"}
    shades = [{"name": "Name & whitfield", "size": 5, "keywords": ["name", "whitfield", "surname"]},
              {"name": "Half marathon", "size": 2, "keywords": ["half marathon", "portland half"]},
              {"name": "Phone & Dana", "size": 2, "keywords": ["phone number", "dana", "whitfield"]}]
    text = global_draft(global_inputs(fields, shades))
    cares = text.split("Cares most about: ", 1)[1].split(".", 1)[0]
    assert cares == "half marathon", text


def test_shades_have_distinctive_names_and_a_dated_timeline_back_to_memories(dana: SecondMe) -> None:
    dana.profile.build()
    shades = dana.profile.show()["shades"]
    ids = {int(r[0]) for r in dana.store.query("SELECT id FROM memories")}
    turtles = next(s for s in shades if "sea turtle" in s["name"].lower())
    assert turtles["description"].startswith("About sea turtle")
    assert "memories from" in turtles["description"] and "Typical: “" in turtles["description"]
    dates = [t["date"] for t in turtles["timeline"]]
    assert dates == sorted(dates) and all(t["id"] in ids and t["text"] for t in turtles["timeline"])
    # c-TF-IDF: a word of every shade ("the", "my") never names one; each name is its own.
    assert len({s["name"] for s in shades}) == len(shades)


def test_unchanged_inputs_regenerate_nothing_and_a_new_job_changes_the_bio(dana: SecondMe) -> None:
    dana.profile.build()
    before = dana.profile.show()["bios"]
    again = dana.profile.build()
    assert again["bios_regenerated"] == 0 and again["shades_action"] == "unchanged"
    assert dana.profile.show()["bios"]["global"]["at"] == before["global"]["at"]
    dana.memory.remember("I work at Tidewater Institute as a research director.", at=time.time())
    dana.memory.consolidate()
    stats = dana.profile.build()
    after = dana.profile.show()["bios"]["global"]
    print("updated global bio:", after["text"])
    assert stats["bios_regenerated"] >= 1
    assert "Tidewater Institute" in after["text"] and "Oceanix Labs" not in after["text"]
    assert after["versions"][-1]["text"] == before["global"]["text"]


def test_nothing_known_says_what_the_app_needs(data_dir: Path, embedder: Any) -> None:
    c = _ctx(data_dir, None, embedder)
    try:
        c.profile.build()
        bios = c.profile.show()["bios"]
        assert bios["global"]["text"] == B.EMPTY_GLOBAL
        assert bios["global"]["text"].startswith("Not enough yet: tell Second Me about yourself")
        assert "add a notes folder" in bios["status"]["text"]
    finally:
        c.close()


def test_templates_degrade_gracefully_with_few_fields() -> None:
    assert B.global_draft(B.global_inputs({"given-name": "Dana"}, [])) == "Dana."
    assert B.global_draft(B.global_inputs({"address-level2": "Portland"}, [])) == "Lives in Portland."
    assert B.global_draft(B.global_inputs({"organization": "Oceanix Labs"}, [])) == "Working at Oceanix Labs."
    assert B.global_draft(B.global_inputs({"organization-title": "engineer", "address-level2": "Oslo"}, [])) \
        == "An engineer in Oslo."
    only_shades = B.global_draft(B.global_inputs({}, [{"name": "Sea turtles & beach", "size": 4,
                                                       "keywords": ["sea turtles", "beach"]}]))
    assert only_shades == "Cares most about: sea turtles."
    # Old memories only: the latest week on record, with years, instead of "nothing recorded".
    old = [B.Event("1", NOW - 400 * DAY, "I finished the bathroom tiles.")]
    text = B.status_draft(B.status_inputs(old, NOW))
    assert text.startswith("Nothing in the last week. The latest week on record") and "finished the bathroom tiles" in text


def test_activity_phrases() -> None:
    got = {p for t in ("I'm training for the coast race, which is hard.", "Baked bread with Mia.",
                       "I think sourdough is great.", "Did you see that?", "We finally visited the aquarium.",
                       "I have a dog.", "I've finished my thesis draft!")
           for p, _ in B.activities(t)}
    assert got == {"training for the coast race", "baked bread with Mia", "visited the aquarium",
                   "finished their thesis draft"}


def test_shade_keywords_prefer_distinctive_phrases() -> None:
    import numpy as np

    v = np.ones(3) / np.sqrt(3)
    def items(texts: list[str], start: int) -> list[S.Item]:
        return [S.Item(start + i, NOW, t, v) for i, t in enumerate(texts)]
    a = items(["My sea turtles work at the beach.", "Sea turtles nest at the beach at night.",
               "Tagged sea turtles at the beach."], 1)
    b = items(["My trail running at the weekend.", "Trail running in the rain at night.",
               "Trail running shoes at the shop."], 10)
    ka, kb = S.keywords([a, b])
    assert ka[0] == "sea turtles" and kb[0] == "trail running"
    assert "night" not in ka[:2] and "night" not in kb[:2]  # in both: not distinctive


def test_a_real_instruct_model_writes_bios_that_mention_the_facts(data_dir: Path, embedder: Any) -> None:
    model = eval_model_path()
    # Memories, facts and shades come from the default path (the model's extraction is tested
    # elsewhere and costs minutes on a CPU); the bios are then written by the real model.
    c = _ctx(data_dir, None, embedder)
    _live(c)
    c.profile.build()
    c.close()
    c = _ctx(data_dir, model, embedder, fresh=False)
    try:
        prof = c.profile._open()
        facts = B.global_facts(B.global_inputs({n: f.value for n, f in prof.all().items()}, prof.shades()))
        assert prof.update_bios(time.time(), c.models.chat_model) == 2  # a new writer: both rewritten
        bios = c.profile.show()["bios"]
        glob = bios["global"]
        print("model global bio:", glob["origin"], glob["text"])
        print("model status bio:", bios["status"]["origin"], bios["status"]["text"])
        # The model's text stays only when it names the facts and adds none; else the template.
        for fact in ("Dana Whitfield", "Oceanix Labs"):
            assert fact in glob["text"]
        if glob["origin"] == "model":
            assert B.mentions(glob["text"], facts) and not B.invented(glob["text"], facts)
        else:
            assert glob["text"] == B.global_draft(B.global_inputs({n: f.value for n, f in prof.all().items()},
                                                                  prof.shades()))
        assert prof.update_bios(time.time(), c.models.chat_model) == 0  # same inputs: the model is not asked again
    finally:
        c.close()
