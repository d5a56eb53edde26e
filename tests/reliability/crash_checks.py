"""What a person would check after a crash: it opens, nothing acknowledged is lost, nothing is
doubled, the database is sound, and search (keyword + vector index) agrees with the store.

Used by the crash and power-loss suites on a context reopened in the test process, and by the
crash driver itself: each run of the crash suite first checks what the run before it left
(``verify_acks`` with the workload's spec), before it does any work of its own.
"""

from __future__ import annotations

import os
import re
import shutil
import sqlite3
import time
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

from secondme.app import SecondMe, build
from secondme.index.sealed import DEFAULT_AD, PID_FILE, RUNTIME_PREFIX
from secondme.index.snapshot import unseal
from secondme.index.vector import DEFAULT_COLLECTION
from secondme.jobs.history import JobHistory
from secondme.search.ids import CHUNK, MEMORY, to_index
from tests.reliability.crash_harness import PASS

REV = re.compile(r"\brev (\d+)\b")


def reopen(ctx: SecondMe) -> float:
    """Unlock and bring the indexes up to date; returns the seconds it took (recovery time)."""
    t0 = time.perf_counter()
    ctx.unlock(PASS)
    ctx.session.sync.catch_up()
    return time.perf_counter() - t0


def store_only(data_dir: Path, create: bool = False) -> SecondMe:
    """The data directory unlocked without indexes (to read the store of another run), or
    with ``create`` a new one: a vault and an empty store, the indexes left to the first run."""
    ctx = build(str(data_dir), use_keyring=False, indexes=False)
    if create:
        ctx.init(PASS)
    else:
        ctx.unlock(PASS)
    return ctx


# --- common ------------------------------------------------------------------------------------
def expected_index_ids(ctx: SecondMe) -> tuple[set[int], set[int]]:
    """(keyword ids, vector ids) the indexes must hold: every chunk and memory, and the vector
    index those with an embedding."""
    kw: set[int] = set()
    vec: set[int] = set()
    for entity, table in ((CHUNK, "chunks"), (MEMORY, "memories")):
        for r in ctx.store.query(f"SELECT id, embedding IS NOT NULL FROM {table}"):
            iid = to_index(entity, int(r[0]))
            kw.add(iid)
            if r[1]:
                vec.add(iid)
    return kw, vec


def check_open(ctx: SecondMe, killed_pid: int | None = None) -> None:
    """Integrity, indexes caught up with the store, no plaintext folder left by the dead run."""
    assert ctx.store.integrity_check() == ["ok"]
    # Phase 2 (embedding) may have resumed on its own at the open: held while counting.
    ctx.notes.pause()
    try:
        _check_caught_up(ctx)
    finally:
        ctx.notes.resume()
    _check_unique(ctx, killed_pid)


def _check_caught_up(ctx: SecondMe) -> None:
    ctx.session.sync.catch_up()
    idx = ctx.session.indexes
    assert idx.watermark == ctx.store.last_change(), "the indexes replayed every store change"
    kw, vec = expected_index_ids(ctx)
    assert idx.keyword.count() == len(kw)
    assert idx.vector.count() == len(vec)
    assert not ctx.session.sync.corrupt_rows


def _check_unique(ctx: SecondMe, killed_pid: int | None) -> None:
    # Dead memory rows would show as duplicates of ids; memories must be unique per content,
    # source and time (an import re-run or a replay never adds one twice).
    # The exact event times are sealed (plain SQL keeps the day): compare the opened ones.
    keys = [(r["content_hash"], r["source_key"], r["event_time"])
            for r in ctx.store.select("memories", "kind = 'message'", columns=())]
    assert len(keys) == len(set(keys)), "duplicate memories"
    if killed_pid is not None:
        assert not runtime_dirs_of(killed_pid), "the dead run's plaintext RAM folder was removed"


def runtime_dirs_of(pid: int) -> list[Path]:
    out = []
    for base in {os.environ.get("XDG_RUNTIME_DIR"), "/dev/shm"}:
        if not base or not os.path.isdir(base):
            continue
        for d in Path(base).glob(RUNTIME_PREFIX + "*"):
            try:
                if (d / PID_FILE).read_text().split()[0] == str(pid):
                    out.append(d)
            except (OSError, IndexError):
                continue
    return out


def lock_and_check_snapshot(ctx: SecondMe, scratch: Path) -> dict[str, int]:
    """Lock (which seals the indexes), then open the sealed snapshot itself: it must hold
    exactly the store's ids, at the store's last change."""
    keys = ctx.key_set
    # Phase 2 embeds in the background; held (its batch in flight committed) so what is measured
    # here is what the seal will hold.
    ctx.notes.pause()
    ctx.session.sync.catch_up()
    last = ctx.store.last_change()
    kw, vec = expected_index_ids(ctx)
    snap = ctx.session.indexes.snapshot_path
    ctx.lock()
    if not snap.exists():
        # Nothing was ever indexed, so nothing was ever sealed.
        assert not kw and not vec and last == 0, "indexed items but no snapshot"
        return {"keyword": 0, "vector": 0}
    folder = scratch / f"unsealed-{time.monotonic_ns()}"
    try:
        meta = unseal(snap, folder, keys.snapshot, DEFAULT_AD)
        assert meta["watermark"] == last, "the snapshot includes every change"
        conn = sqlite3.connect(f"file:{folder / 'keyword.sqlite3'}?mode=ro", uri=True)
        try:
            kw_ids = {int(r[0]) for r in conn.execute("SELECT rowid FROM kw")}
        finally:
            conn.close()
        vec_ids = chroma_ids(folder / "chroma", ctx)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    assert kw_ids == kw, f"keyword index vs store: missing {sorted(kw - kw_ids)[:5]}, extra {sorted(kw_ids - kw)[:5]}"
    assert vec_ids == vec, f"vector index vs store: missing {sorted(vec - vec_ids)[:5]}, extra {sorted(vec_ids - vec)[:5]}"
    return {"keyword": len(kw_ids), "vector": len(vec_ids)}


def chroma_ids(path: Path, ctx: SecondMe) -> set[int]:
    import chromadb
    from chromadb.config import Settings as ChromaSettings

    from secondme.embed.chroma_fn import ChromaEmbedding

    assert ctx.embedder is not None
    client = chromadb.PersistentClient(path=str(path), settings=ChromaSettings(anonymized_telemetry=False))
    try:
        coll = client.get_collection(DEFAULT_COLLECTION, embedding_function=ChromaEmbedding(ctx.embedder))  # type: ignore[arg-type]
        return {int(i) for i in coll.get(include=[])["ids"]}
    finally:
        client.close()  # type: ignore[attr-defined]


# --- per workload ------------------------------------------------------------------------------
def documents(ctx: SecondMe) -> dict[str, dict[str, Any]]:
    """path -> {state, revs (per chunk, in ordinal order), texts, ordinals}."""
    out: dict[str, dict[str, Any]] = {}
    by_id: dict[int, dict[str, Any]] = {}
    for r in ctx.store.select("documents", columns=("path",)):
        path = os.fsdecode(r["path"])
        assert path not in out, f"two documents for {path}"
        out[path] = by_id[r.id] = {"state": r["state"], "texts": [], "ordinals": [], "revs": []}
    for c in ctx.store.select("chunks", columns=("text",), order="document_id, ordinal"):
        d = by_id[int(c["document_id"])]
        d["texts"].append(str(c["text"]))
        d["ordinals"].append(int(c["ordinal"]))
        m = REV.search(str(c["text"]))
        d["revs"].append(int(m.group(1)) if m else None)
    return out


def check_index_acks(ctx: SecondMe, acks: list[dict[str, Any]]) -> int:
    """Every note revision reported indexed is there (or a newer one); every document is
    whole: chunks numbered 0..n-1, all from one revision. Returns how many acks were checked."""
    docs = documents(ctx)
    for path, d in docs.items():
        assert d["ordinals"] == list(range(len(d["ordinals"]))), f"chunk numbering of {path}"
        if d["state"] == "ok":
            assert len(set(d["revs"])) == 1, f"{path} mixes revisions {d['revs']}"
    latest: dict[str, int] = {}
    for a in acks:
        if a["t"] == "doc":
            latest[a["path"]] = max(latest.get(a["path"], -1), int(a["rev"]))
    for path, rev in latest.items():
        if not os.path.exists(path):
            continue  # the note was deleted since; its document may be gone
        d = docs.get(path)
        assert d is not None and d["state"] == "ok", f"acknowledged note lost: {path}"
        assert d["revs"][0] >= rev, f"{path}: rev {d['revs'][0]} < acknowledged rev {rev}"
    return len(latest)


def chunk_set(ctx: SecondMe) -> set[tuple[str, int, str]]:
    return {(p, o, t) for p, d in documents(ctx).items() for o, t in zip(d["ordinals"], d["texts"], strict=True)}


def messages(ctx: SecondMe) -> list[dict[str, Any]]:
    out = []
    for r in ctx.store.select("memories", "kind = 'message'", columns=("text", "meta")):
        meta = r.get("meta", {}) or {}
        out.append({"id": r.id, "text": str(r["text"]), "meta": meta, "event_time": r["event_time"],
                    "speaker": meta.get("speaker")})
    return out


def check_import_acks(ctx: SecondMe, acks: list[dict[str, Any]], by_file: dict[str, list[dict[str, Any]]]) -> int:
    """Every message of a file whose import returned is there, exactly once."""
    have = Counter(m["meta"].get("source_id") for m in messages(ctx))
    doubled = [k for k, n in have.items() if k is not None and n > 1]
    assert not doubled, f"messages imported twice: {doubled[:5]}"
    checked = 0
    for f in {a["file"] for a in acks if a["t"] == "import"}:
        missing = [m["id"] for m in by_file[f] if m["id"] not in have]
        assert not missing, f"{f}: acknowledged import lost {missing[:5]}"
        checked += len(by_file[f])
    return checked


def check_chat_acks(ctx: SecondMe, acks: list[dict[str, Any]]) -> int:
    """Remembered items keep their ids and texts; each answered question and its answer are
    stored in the conversation."""
    mems = {m["id"]: m for m in messages(ctx)}
    texts: dict[tuple[str, str | None], int] = Counter((m["text"], m["speaker"]) for m in mems.values())
    checked = 0
    for a in acks:
        if a["t"] == "mem":
            m = mems.get(int(a["id"]))
            assert m is not None and m["text"] == a["text"], f"acknowledged memory lost: {a}"
        elif a["t"] == "ask":
            assert texts[(a["q"], "user")] >= 1, f"acknowledged question lost: {a['q']}"
            if not a["abstained"] and a["answer"].strip():
                assert texts[(a["answer"], "assistant")] >= 1, f"acknowledged answer lost: {a['answer']!r}"
        else:
            continue
        checked += 1
    return checked


def facts(ctx: SecondMe) -> list[tuple[str, str]]:
    return sorted((str(r["text"]), str(r["state"]))
                  for r in ctx.store.select("memories", "kind = 'fact'", columns=("text",)))


def check_nightly_acks(ctx: SecondMe, acks: list[dict[str, Any]], inputs: set[str]) -> int:
    """Steps recorded done stay done; facts are not doubled; the messages fed in are there."""
    history = JobHistory(ctx.store)
    checked = 0
    for a in acks:
        if a["t"] == "step":
            run = history.get(int(a["run_id"]))
            assert run is not None, f"acknowledged run lost: {a}"
            step = next(s for s in run.steps if s["name"] == a["step"])
            assert step["status"] == a["state"], f"acknowledged step lost: {a} vs {step}"
            checked += 1
    active = Counter(t for t, st in facts(ctx) if st == "active")
    assert all(n == 1 for n in active.values()), f"duplicate facts: {[t for t, n in active.items() if n > 1][:5]}"
    prov = ctx.store.scalar("SELECT COUNT(*) FROM (SELECT 1 FROM provenance GROUP BY memory_id, chunk_id, "
                            "source_memory_id HAVING COUNT(*) > 1)")
    assert prov == 0, "duplicate provenance rows"
    added = sum(int(a["changed"].get("facts_added", 0)) for a in acks
                if a["t"] == "step" and a["step"] == "consolidate")
    assert len(facts(ctx)) >= added, "facts reported added are missing"
    have = {m["meta"].get("source_id") for m in messages(ctx)}
    assert inputs <= have, f"messages lost: {sorted(inputs - have)[:5]}"
    return checked + len(inputs)


def verify_acks(ctx: SecondMe, spec: dict[str, Any], acks: list[dict[str, Any]]) -> int:
    """The check of one workload (``spec["kind"]``) over every acknowledgement so far; returns
    how many were checked. ``spec`` is JSON: what the test knows that the store must hold."""
    kind = spec["kind"]
    if kind == "index":
        return check_index_acks(ctx, acks)
    if kind == "chat":
        return check_chat_acks(ctx, acks)
    if kind == "import":
        return check_import_acks(ctx, acks, spec["by_file"])
    if kind == "nightly":
        fed = {i for a in acks if a["t"] == "fed" for i in a["ids"]}
        return check_nightly_acks(ctx, acks, set(spec["inputs"]) | fed)
    raise ValueError(f"unknown workload {kind!r}")


def group_by(items: list[dict[str, Any]], key: str) -> dict[str, list[dict[str, Any]]]:
    out: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for it in items:
        out[it[key]].append(it)
    return out
