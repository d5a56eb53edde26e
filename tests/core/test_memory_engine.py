"""The memory engine on a small life corpus: recall, knowledge updates, forgetting, decay,
consolidation (idempotent), time phrases, and everything sealed on disk."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from secondme.app import SecondMe
from secondme.memory.forgetting import days_until_fade
from tests.canary import needles, scan
from tests.core import memory_corpus as corpus

DAY = 86400.0
ASKED = corpus.t("2024-06-12", 15)  # "today" for the corpus questions


@pytest.fixture
def mem(notes_ctx: SecondMe, tmp_path: Path) -> SecondMe:
    n = notes_ctx.memory.import_messages(str(corpus.write_jsonl(tmp_path / "chats.jsonl")))
    assert n == len(corpus.CHATS)
    notes_ctx.notes.add_folder(str(corpus.write_notes(tmp_path / "notes")))
    assert notes_ctx.notes.wait_indexed(60)
    notes_ctx.memory.consolidate()
    return notes_ctx


def _texts(ctx: SecondMe, hits: list) -> list[str]:  # type: ignore[type-arg]
    out = []
    for h in hits:
        table = "chunks" if h.kind == "chunk" else "memories"
        out.append(str(ctx.store.get(table, h.id, columns=("text",))["text"]))  # type: ignore[index]
    return out


def _count(ctx: SecondMe, where: str = "1") -> int:
    return int(ctx.store.scalar(f"SELECT COUNT(*) FROM memories WHERE {where}"))


def test_questions_get_the_newest_answer(mem: SecondMe) -> None:
    for question, expected, old in corpus.QUESTIONS:
        texts = _texts(mem, mem.memory.recall(question, k=3, when=ASKED))
        assert any(expected in t for t in texts), (question, texts)
        if old is not None:
            first_new = next(i for i, t in enumerate(texts) if expected in t)
            first_old = next((i for i, t in enumerate(texts) if old in t), len(texts))
            assert first_new < first_old, (question, texts)
    facts = mem.memory.memories(kind="fact", limit=100)
    superseded = {f.text for f in facts if f.state == "superseded"}
    assert "My home address: 12 Rue Cler" in superseded and "My workplace: Globex" in superseded
    active = {f.text for f in facts if f.state == "active"}
    assert {"My home address: 5 Oak Street", "My workplace: Acme Robotics", "My dog: Rex",
            "My sister: Anna", "My birthday: 14 March"} <= active


def test_facts_keep_provenance_keys_and_history(mem: SecondMe) -> None:
    s = mem.store
    for f in mem.memory.memories(kind="fact", limit=100):
        assert s.scalar("SELECT COUNT(*) FROM provenance WHERE memory_id = ?", (f.id,)) >= 1
    new = next(f for f in mem.memory.memories(kind="fact") if f.text == "My home address: 5 Oak Street")
    old = next(f for f in mem.memory.memories(kind="fact") if f.text == "My home address: 12 Rue Cler")
    assert s.get("memories", old.id)["meta"]["superseded_by"] == new.id  # type: ignore[index]
    src = s.scalar("SELECT source_memory_id FROM provenance WHERE memory_id = ?", (new.id,))
    keys = s.get("memories", int(src))["meta"]["keys"]  # type: ignore[index]
    assert "My home address: 5 Oak Street" in keys
    # Episodes per day, rolled into one history; links by id exist.
    days = {corpus.datetime.fromtimestamp(corpus.t(d)).date() for _, _, d, _, _ in corpus.CHATS}
    assert _count(mem, "kind = 'episode'") >= len(days)
    assert _count(mem, "kind = 'summary'") == 1
    assert s.scalar("SELECT COUNT(*) FROM links") > 0


def test_consolidation_is_idempotent(mem: SecondMe) -> None:
    before = (_count(mem), mem.store.last_change(), mem.store.scalar("SELECT COUNT(*) FROM links"),
              mem.store.scalar("SELECT COUNT(*) FROM provenance"))
    res = mem.memory.consolidate()
    assert res["facts_added"] == res["facts_merged"] == res["episodes"] == res["links"] == 0
    after = (_count(mem), mem.store.last_change(), mem.store.scalar("SELECT COUNT(*) FROM links"),
             mem.store.scalar("SELECT COUNT(*) FROM provenance"))
    assert after == before


def test_new_message_updates_knowledge_incrementally(mem: SecondMe) -> None:
    mem.memory.remember("I joined Initech as head of data last week.", at=corpus.t("2024-07-01"))
    res = mem.memory.consolidate()
    assert res["facts_added"] == 1 and res["facts_superseded"] == 1
    texts = _texts(mem, mem.memory.recall("Where do I work?", k=3))
    assert "Initech" in texts[0]


def test_import_is_idempotent_and_keeps_message_ids(mem: SecondMe, tmp_path: Path) -> None:
    assert mem.memory.import_messages(str(corpus.write_jsonl(tmp_path / "again.jsonl"))) == 0
    hits = mem.memory.recall("half marathon in September", k=5, when=ASKED)
    assert "c2-2" in [h.source_id for h in hits]


def test_time_phrases_filter_recall(mem: SecondMe) -> None:
    hits = mem.memory.recall("What did I cook in May?", k=3, when=ASKED)
    assert hits[0].source_id == "c5-2"
    hits = mem.memory.recall("How far did I run last week?", k=3, when=ASKED)
    assert hits[0].source_id == "c6-3"


def test_recall_reinforces_only_returned_memories(mem: SecondMe) -> None:
    before = {m.id: m.strength for m in mem.memory.memories(kind="message", limit=100)}
    hits = mem.memory.recall("Rex chewed my shoes", k=2)
    returned = {h.id for h in hits if h.kind == "message"}
    assert returned
    after = {m.id: m.strength for m in mem.memory.memories(kind="message", limit=100)}
    for mid, s in after.items():
        assert s == before[mid] + (1 if mid in returned else 0)


def test_unrecalled_memories_fade_on_schedule_and_nothing_is_deleted(mem: SecondMe) -> None:
    tau, thr = mem.settings.forgetting_tau_days, mem.settings.fade_threshold
    msgs = {m.source_id: m for m in mem.memory.memories(kind="message", limit=100)}
    pinned, recalled = msgs["c1-4"], msgs["c3-2"]
    mem.memory.pin(pinned.id)
    now = corpus.t("2024-06-12")
    mem.memory.engine().reinforce([recalled.id], now=now)  # S = 2, clock restarts
    total = _count(mem)
    # Just before the unrecalled message's fade day nothing of it fades; just after, it does.
    c11 = msgs["c1-1"]
    due = c11.last_recalled + days_until_fade(1.0, tau, thr) * DAY  # type: ignore[operator]
    mem.memory.decay(now=due - 3600)
    assert mem.store.get("memories", c11.id)["state"] == "active"  # type: ignore[index]
    mem.memory.decay(now=due + 3600)
    assert mem.store.get("memories", c11.id)["state"] == "faded"  # type: ignore[index]
    # The reinforced one (S = 2) lasts twice as long from its recall.
    later = now + days_until_fade(1.0, tau, thr) * DAY * 1.5
    mem.memory.decay(now=later)
    assert mem.store.get("memories", recalled.id)["state"] == "active"  # type: ignore[index]
    mem.memory.decay(now=now + days_until_fade(2.0, tau, thr) * DAY + 3600)
    assert mem.store.get("memories", recalled.id)["state"] == "faded"  # type: ignore[index]
    mem.memory.decay(now=now + 10_000 * DAY)
    assert mem.store.get("memories", pinned.id)["state"] == "active"  # type: ignore[index]
    assert _count(mem) == total  # decay deletes nothing
    assert _count(mem, "kind = 'summary' AND state = 'active'") == 1  # the history never fades
    # Faded memories are hidden from recall, unless asked for; recalling them revives them.
    assert "c1-1" not in [h.source_id for h in mem.memory.recall("flat near the market", k=5)]
    hits = mem.memory.recall("flat near the market", k=5, include_faded=True)
    assert "c1-1" in [h.source_id for h in hits]
    assert mem.store.get("memories", c11.id)["state"] == "active"  # type: ignore[index]
    assert "c1-1" in [h.source_id for h in mem.memory.recall("flat near the market", k=5)]


def test_forget_a_source_removes_its_items_and_facts_derived_only_from_it(mem: SecondMe) -> None:
    # 3 messages, 2 facts derived only from them, the 3 days' episodes and the history.
    assert mem.memory.forget("conversation:jun") == 3 + 2 + 3 + 1
    texts = " ".join(m.text for m in mem.memory.memories(limit=500))
    assert "Oak Street" not in texts and "sam.river" not in texts
    mem.memory.consolidate()  # rebuilds the episodes and history without the forgotten turns
    texts = " ".join(m.text for m in mem.memory.memories(limit=500))
    assert "Oak Street" not in texts and "Rhône" not in texts
    texts = _texts(mem, mem.memory.recall("Where do I live?", k=3))
    assert "Rue Cler" in texts[0]  # the older address is current again
    assert any(m.text == "My dog: Rex" for m in mem.memory.memories(kind="fact"))  # other sources' facts stay


def test_forget_one_memory_by_id(mem: SecondMe) -> None:
    dog = next(m for m in mem.memory.memories(kind="message", limit=100) if m.source_id == "c4-1")
    assert mem.memory.forget(dog.id) >= 2  # the message and the fact derived only from it
    assert not any(m.text == "My dog: Rex" for m in mem.memory.memories(kind="fact"))


def test_edit_corrects_a_memory_and_recall_follows(mem: SecondMe) -> None:
    from secondme.errors import UserError
    from secondme.results import HL_END, HL_START

    mid = mem.memory.remember("The spare key is under the red flowerpot")
    before = next(m for m in mem.memory.memories(limit=500) if m.id == mid)
    mem.memory.edit(mid, "The spare key is under the blue doormat")
    after = next(m for m in mem.memory.memories(limit=500) if m.id == mid)
    assert after.text == "The spare key is under the blue doormat"
    assert (after.event_time, after.pinned, after.kind) == (before.event_time, before.pinned, before.kind)
    hits = mem.memory.recall("where is the spare key doormat", k=3)
    plain = hits[0].snippet.replace(HL_START, "").replace(HL_END, "") if hits else ""
    assert hits and hits[0].id == mid and "blue doormat" in plain
    assert not [h for h in mem.memory.recall("red flowerpot", k=5) if h.id == mid and "flowerpot" in h.snippet]
    with pytest.raises(UserError, match="cannot be empty"):
        mem.memory.edit(mid, "   ")
    with pytest.raises(UserError, match="no memory"):
        mem.memory.edit(10**9, "x")


def test_chatgpt_export_import(notes_ctx: SecondMe, tmp_path: Path) -> None:
    export = [{
        "id": "conv-1", "title": "Trip", "create_time": corpus.t("2024-02-01"), "current_node": "n3",
        "mapping": {
            "root": {"id": "root", "message": None, "parent": None, "children": ["n1"]},
            "n1": {"id": "n1", "parent": "root", "children": ["n2"], "message": {
                "id": "m1", "author": {"role": "system"}, "content": {"content_type": "text", "parts": [""]}}},
            "n2": {"id": "n2", "parent": "n1", "children": ["n3", "n2b"], "message": {
                "id": "m2", "author": {"role": "user"}, "create_time": corpus.t("2024-02-01"),
                "content": {"content_type": "text", "parts": ["Plan a weekend in Ghent with my partner Lou"]}}},
            "n2b": {"id": "n2b", "parent": "n2", "children": [], "message": {
                "id": "m2b", "author": {"role": "assistant"}, "create_time": corpus.t("2024-02-01"),
                "content": {"content_type": "text", "parts": ["(an abandoned branch)"]}}},
            "n3": {"id": "n3", "parent": "n2", "children": [], "message": {
                "id": "m3", "author": {"role": "assistant"}, "create_time": corpus.t("2024-02-01") + 5,
                "content": {"content_type": "text", "parts": ["Visit the Gravensteen castle on Saturday."]}}},
        }}]
    f = tmp_path / "conversations.json"
    f.write_text(json.dumps(export), encoding="utf-8")
    assert notes_ctx.memory.import_chatgpt(str(f)) == 2
    assert notes_ctx.memory.import_chatgpt(str(f)) == 0
    hits = notes_ctx.memory.recall("Gravensteen castle", k=2)
    assert hits[0].source_id == "m3" and hits[0].title == "assistant"
    texts = " ".join(m.text for m in notes_ctx.memory.memories(limit=50))
    assert "abandoned" not in texts
    notes_ctx.memory.consolidate()
    assert any(m.text == "My partner: Lou" for m in notes_ctx.memory.memories(kind="fact"))


def test_all_memory_text_is_sealed_on_disk(mem: SecondMe) -> None:
    mem.memory.recall("Where do I live?")
    data_dir = mem.paths.root
    mem.close()
    secrets = ["Rue Cler", "Acme Robotics", "sam.river@example.org", "ratatouille", "Chez Janou",
               "My home address", "beagle"]
    hits = scan(data_dir, needles(secrets))
    assert hits == []
