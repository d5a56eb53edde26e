"""The profile built from the synthetic person's memories with the default (extractive) path."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from secondme.app import SecondMe
from secondme.profile import shades as S
from tests.canary import needles, scan
from tests.core import memory_corpus as corpus

# Expected profile of the synthetic person (field -> value); used for precision / recall.
EXPECTED: dict[str, str] = {
    "street-address": "5 Oak Street, Lyon", "address-line1": "5 Oak Street", "address-level2": "Lyon",
    "organization": "Acme Robotics", "email": "sam.river@example.org", "bday": "14 March",
    "bday-day": "14", "bday-month": "3", "pets": "Rex (dog)", "relatives": "Anna (sister)",
    "work-since": "May 2024",  # "I started a new job at Acme Robotics today" on 6 May 2024
}


@pytest.fixture
def prof(notes_ctx: SecondMe, tmp_path: Path) -> Iterator[SecondMe]:
    notes_ctx.memory.import_messages(str(corpus.write_jsonl(tmp_path / "chats.jsonl")))
    notes_ctx.memory.consolidate()
    notes_ctx.profile.build()
    yield notes_ctx


def _ids(ctx: SecondMe) -> set[int]:
    return {int(r[0]) for r in ctx.store.query("SELECT id FROM memories")}


def test_field_precision_and_recall_on_the_synthetic_person(prof: SecondMe) -> None:
    fields = {n: f.value for n, f in prof.profile.show()["fields"].items() if f.value}
    correct = [n for n, v in EXPECTED.items() if fields.get(n) == v]
    # Every produced value counts: a stale value (the job title of the previous employer) is
    # a false positive, an outdated-and-withheld one is not produced at all.
    precision = sum(1 for n, v in fields.items() if EXPECTED.get(n) == v) / max(1, len(fields))
    recall = len(correct) / len(EXPECTED)
    print(f"field precision {precision:.2f} recall {recall:.2f}: {sorted(fields)}")
    assert recall >= 0.9 and precision >= 0.9


def test_job_change_outdates_the_old_title(prof: SecondMe) -> None:
    title = prof.profile.show()["fields"]["organization-title"]
    assert title.value == "" and [h["value"] for h in title.history] == ["data analyst"]
    assert prof.profile.fill("Job title") is None, "the title at the previous employer is not current"
    prof.memory.remember("At Acme Robotics I work as a perception engineer.", at=corpus.t("2024-06-01"))
    prof.profile.build()
    assert prof.profile.show()["fields"]["organization-title"].value == "perception engineer"


def test_knowledge_update_keeps_the_old_address_in_history(prof: SecondMe) -> None:
    f = prof.profile.show()["fields"]["street-address"]
    assert "Oak Street" in f.value
    assert any("Rue Cler" in h["value"] for h in f.history)
    org = prof.profile.show()["fields"]["organization"]
    assert org.value == "Acme Robotics" and [h["value"] for h in org.history] == ["Globex"]
    # A newer move replaces it again, incrementally.
    prof.memory.remember("We moved to 9 Canal Road, Utrecht last week.", at=corpus.t("2024-07-01"))
    prof.profile.build()
    f = prof.profile.show()["fields"]["street-address"]
    assert f.value.startswith("9 Canal Road")
    assert {"Rue Cler", "Oak Street"} <= {w for h in f.history for w in ("Rue Cler", "Oak Street") if w in h["value"]}


def test_provenance_points_at_real_memories(prof: SecondMe) -> None:
    ids = _ids(prof)
    for f in prof.profile.show()["fields"].values():
        assert f.sources and set(f.sources) <= ids, f.field
    res = prof.profile.fill("E-mail")
    assert res is not None and res.value == "sam.river@example.org"
    assert res.source_ids and set(res.source_ids) <= ids
    texts = [str(prof.store.get("memories", i, columns=("text",))["text"]) for i in res.source_ids]  # type: ignore[index]
    assert any("sam.river@example.org" in t for t in texts)


def test_locked_field_survives_a_rebuild(prof: SecondMe) -> None:
    prof.profile.set_field("organization", "Initech", lock=True)
    prof.memory.remember("I joined Umbrella Corp today.", at=corpus.t("2024-08-01"))
    prof.profile.build()
    f = prof.profile.show()["fields"]["organization"]
    assert f.value == "Initech" and f.locked
    prof.profile.set_field("organization", None, lock=False)
    prof.profile.build()  # unlocked, but the user's edit is newer than the evidence
    assert prof.profile.show()["fields"]["organization"].value == "Initech"
    prof.memory.remember("I joined Umbrella Corp today.")  # stated after the edit: it wins
    prof.profile.build()
    f = prof.profile.show()["fields"]["organization"]
    assert f.value == "Umbrella Corp" and "Initech" in [h["value"] for h in f.history]


def test_user_edit_and_delete(prof: SecondMe) -> None:
    prof.profile.set_field("Job title", "Perception engineer")
    assert prof.profile.fill("Job title").value == "Perception engineer"  # type: ignore[union-attr]
    prof.profile.build()  # evidence older than the edit does not replace it
    assert prof.profile.show()["fields"]["organization-title"].value == "Perception engineer"
    assert prof.profile.delete_field("organization-title")
    assert "organization-title" not in prof.profile.show()["fields"]


def test_sensitive_fields_are_gated_and_unknown_is_unknown(prof: SecondMe) -> None:
    prof.memory.remember("My passport number is X1234567 for the trip.")
    prof.profile.build()
    gated = prof.profile.fill("Passport No.")
    assert gated is not None and gated.status == "needs_confirmation" and gated.value is None
    ok = prof.profile.fill("Numéro de passeport", confirm_sensitive=True)
    assert ok is not None and ok.value == "X1234567"
    assert "X1234567" not in prof.profile.export("json") and "X1234567" not in prof.profile.export("vcard")
    assert prof.profile.fill("Favourite colour") is None          # no field for the label
    assert prof.profile.fill("Blood type") is None                # a field, but no value: no guess
    assert prof.profile.fill_result("Favourite colour").status == "unknown"


def test_exports(prof: SecondMe) -> None:
    import json

    data = json.loads(prof.profile.export("json"))
    assert data["fields"]["email"]["value"] == "sam.river@example.org"
    card = prof.profile.export("vcard")
    assert card.startswith("BEGIN:VCARD\r\nVERSION:4.0\r\n") and card.endswith("END:VCARD\r\n")
    assert "EMAIL;TYPE=home:sam.river@example.org" in card and "ORG:Acme Robotics" in card
    assert "BDAY:--0314" in card
    assert all(len(line.encode()) <= 75 for line in card.split("\r\n"))


def test_shades_are_deterministic_and_bios_regenerate_only_on_change(prof: SecondMe) -> None:
    shades = prof.profile.show()["shades"]
    assert shades and all(s["timeline"] and s["name"] for s in shades)
    ids = _ids(prof)
    assert all(t["id"] in ids for s in shades for t in s["timeline"])
    items = prof.profile._open()._items()
    a, _ = S.update(None, items)
    b, _ = S.update(None, list(reversed(items)))
    assert a == b
    bios = prof.profile.show()["bios"]
    assert bios["global"]["text"] and "Acme Robotics" in bios["global"]["text"]
    stats = prof.profile.build()
    assert stats["bios_regenerated"] == 0 and stats["shades_action"] == "unchanged"
    assert prof.profile.show()["bios"]["global"]["at"] == bios["global"]["at"]
    prof.memory.remember("My sister Anna loves the new running club we joined.", at=corpus.t("2024-06-10"))
    stats = prof.profile.build()
    assert stats["shades_action"] in ("assigned", "clustered")
    new = prof.profile.show()["bios"]
    assert stats["bios_regenerated"] >= 1  # a new memory in the shades changes the inputs
    regenerated = [k for k in ("global", "status") if new[k]["hash"] != bios[k]["hash"]]
    assert regenerated and all(new[k]["versions"][-1]["text"] == bios[k]["text"] for k in regenerated)


def test_ward_is_deterministic_and_separates_clusters() -> None:
    import numpy as np

    rng = np.random.default_rng(0)
    a, b = np.array([1.0, 0, 0]), np.array([0, 1.0, 0])
    x = np.vstack([rng.normal(0, 0.05, (5, 3)) + a, rng.normal(0, 0.05, (5, 3)) + b])
    labels = S.ward(x, 2)
    assert labels == S.ward(x, 2) and labels[:5] == [0] * 5 and labels[5:] == [1] * 5


def test_profile_values_are_not_readable_on_disk_after_close(prof: SecondMe, data_dir: Path) -> None:
    prof.memory.remember("My passport number is QZ9876543 and my blood type is AB negative.")
    prof.profile.build()
    prof.profile.set_field("nickname", "Sammy-Canary")
    prof.close()
    hits = scan(data_dir, needles(["QZ9876543", "Sammy-Canary", "sam.river@example.org", "Acme Robotics"]))
    assert hits == []
