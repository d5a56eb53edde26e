"""SIGKILL at random moments during four workloads: indexing notes, chatting with the local
model, importing conversations and the nightly run.

Each workload runs in a child process (``crash_driver``) on one data directory reused across
kills: run, kill at a random moment, reopen here and check what a person would check (it
unlocks, nothing acknowledged is lost or doubled, the database is sound, the search indexes
agree with the store, no process is left behind), then run again from where it stopped.
Finally a run is let finish and compared with an uninterrupted run where the outcome is
deterministic. The seed is printed; ``SECONDME_CRASH_SEED=N`` replays a run, and
``SECONDME_SOAK=1`` kills five times as often. One JSON line of figures is printed and written
to ``$SECONDME_TEST_ARTIFACTS/crash_suite.json``.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from secondme.app import SecondMe, build
from tests.reliability import crash_checks as checks
from tests.reliability.crash_harness import (
    PASS,
    SOAK,
    Driver,
    nightly_messages,
    note_path,
    publish,
    quantiles,
    read_acks,
    seed_from_env,
    write_import_inputs,
    write_jsonl,
    write_notes,
)

SEED = seed_from_env()
KILLS = 8 * (5 if SOAK else 1)  # per workload: 32 in CI, 160 in the soak run
# How often a kill lands during startup (unlock, unsealing, replay) instead of the work itself.
STARTUP_SHARE = 0.15

pytestmark = [pytest.mark.slow, pytest.mark.timeout(3600 if SOAK else 1200)]


@dataclass
class Figures:
    kills: int = 0
    startup_kills: int = 0
    kills_after_work: int = 0  # kills that landed after the run had acknowledged some work
    finished_runs: int = 0
    acks_checked: int = 0
    recovery_s: list[float] = field(default_factory=list)
    lost: int = 0
    duplicates: int = 0
    orphans: int = 0
    # Wall time per phase of the cycle (where the suite's minutes go).
    phase_s: dict[str, float] = field(default_factory=dict)

    @contextmanager
    def timed(self, phase: str) -> Iterator[None]:
        t0 = time.monotonic()
        try:
            yield
        finally:
            self.phase_s[phase] = self.phase_s.get(phase, 0.0) + time.monotonic() - t0

    def as_dict(self) -> dict[str, Any]:
        return {"kills": self.kills, "startup_kills": self.startup_kills,
                "kills_after_work": self.kills_after_work, "finished_runs": self.finished_runs,
                "acks_checked": self.acks_checked, "recovery_s": quantiles(self.recovery_s),
                "lost": self.lost, "duplicates": self.duplicates, "orphans": self.orphans,
                "phase_s": {k: round(v, 1) for k, v in self.phase_s.items()}}


@pytest.fixture(scope="module")
def figures(request: pytest.FixtureRequest) -> Iterator[dict[str, Figures]]:
    figs: dict[str, Figures] = {}
    t0 = time.monotonic()
    yield figs
    every = [r for f in figs.values() for r in f.recovery_s]
    summary = {
        "suite": "crash", "seed": SEED, "soak": SOAK,
        "kills": sum(f.kills for f in figs.values()),
        "workloads": {name: f.as_dict() for name, f in figs.items()},
        "recovery_s": quantiles(every),
        "lost": sum(f.lost for f in figs.values()),
        "duplicates": sum(f.duplicates for f in figs.values()),
        "orphans": sum(f.orphans for f in figs.values()),
        "seconds": round(time.monotonic() - t0, 1),
    }
    publish("crash_suite.json", summary, request.config.pluginmanager.get_plugin("terminalreporter"))


WORK = {"doc", "mem", "ask", "import", "step"}


def work(events: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [e for e in events if e["t"] in WORK]


class Workload:
    """One data directory, one ack file, and the kill / reopen / check cycle on them."""

    def __init__(self, name: str, tmp: Path, figs: Figures, rng: random.Random, jitter: float) -> None:
        self.name = name
        self.tmp = tmp
        self.data = tmp / "data"
        self.acks = tmp / "acks.jsonl"
        self.logs = tmp / "logs"
        self.figs = figs
        self.rng = rng
        self.jitter = jitter  # about the time between two acknowledgements of this workload
        self.runs = 0
        self.pending: list[Driver] = []
        self.next: Driver | None = None
        ctx = build(str(self.data), use_keyring=False)
        ctx.init(PASS)
        self.ctx: SecondMe = ctx  # the test's own view, unlocked only between runs

    def launch(self) -> None:
        """Start the next run's process now: its imports overlap the checks of this one."""
        if self.next is None:
            self.next = Driver(self.name, self.data, self.acks, self.runs, self.logs)
            self.runs += 1

    def run(self, *args: str, kill: bool = True, expect: int = 1, launch_next: bool = False) -> Driver:
        """One driver run killed at a random moment (or let finish when ``kill`` is False).

        The moment: after a random number (0..``expect``) of the run's acknowledgements, plus a
        random part of ``jitter``; or, now and then, a random moment of the startup (unlock,
        unsealing the indexes, replaying the store)."""
        self.launch()
        d, self.next = self.next, None
        assert d is not None
        d.go(*args)
        try:
            if not kill:
                assert d.wait() == 0 and d.finished_ok(), d.tail()
                self.figs.finished_runs += 1
                self.pending.append(d)
                return d
            assert d.wait_for("start"), d.tail()
            if self.rng.random() < STARTUP_SHARE:
                time.sleep(self.rng.uniform(0.0, 1.0))
            else:
                assert d.wait_for("ready"), d.tail()
                after = self.rng.randint(0, max(0, expect))
                while len(work(d.events())) < after and d.proc.poll() is None:
                    time.sleep(0.01)
                time.sleep(self.rng.uniform(0.0, self.jitter))
            events = d.events()
            if d.kill():
                self.figs.kills += 1
                self.figs.startup_kills += not any(e["t"] == "ready" for e in events)
                self.figs.kills_after_work += bool(work(events))
            d.wait()
            if not d.killed:
                assert d.finished_ok(), d.tail()
                self.figs.finished_runs += 1
        finally:
            if d.proc.poll() is None:
                d.kill()
                d.wait()
        self.pending.append(d)
        if launch_next:
            self.launch()
        return d

    def check_leftovers(self) -> None:
        """Checked after the reopen: meanwhile the dead run's vector process had time to exit."""
        for d in self.pending:
            left = d.leftovers()
            self.figs.orphans += len(left)
            assert not left, f"processes outlived the killed app: {left}"
        self.pending.clear()

    def reopen(self, d: Driver | None) -> None:
        self.figs.recovery_s.append(checks.reopen(self.ctx))
        checks.check_open(self.ctx, d.proc.pid if d is not None and d.killed else None)

    def check(self, verify: Callable[[list[dict[str, Any]]], int]) -> None:
        try:
            self.figs.acks_checked += verify(read_acks(self.acks))
        except AssertionError as exc:
            if "lost" in str(exc):
                self.figs.lost += 1
            if "twice" in str(exc) or "duplicate" in str(exc):
                self.figs.duplicates += 1
            raise

    def lock(self) -> None:
        checks.lock_and_check_snapshot(self.ctx, self.tmp)

    def cycles(self, args: Callable[[], list[str]], verify: Callable[[list[dict[str, Any]]], int],
               between: Callable[[Driver], None] | None = None, expect: Callable[[], int] = lambda: 1) -> None:
        """Kill ``KILLS`` times: run, kill, reopen, check, prepare the next run, lock."""
        self.ctx.lock()
        while self.figs.kills < KILLS:
            assert self.runs < KILLS * 4, f"{self.name}: the runs kept finishing before the kill"
            with self.figs.timed("run"):
                d = self.run(*args(), expect=expect(), launch_next=True)
            with self.figs.timed("reopen"):
                self.reopen(d)
            with self.figs.timed("verify"):
                self.check(verify)
            if between is not None:
                with self.figs.timed("between"):
                    between(d)
            with self.figs.timed("lock"):
                self.lock()
            with self.figs.timed("leftovers"):
                self.check_leftovers()

    def finish(self, args: list[str], verify: Callable[[list[dict[str, Any]]], int]) -> None:
        """A last run let finish, then the same checks."""
        with self.figs.timed("finish"):
            self.run(*args, kill=False)
        with self.figs.timed("reopen"):
            self.reopen(None)
        with self.figs.timed("verify"):
            self.check(verify)
        with self.figs.timed("leftovers"):
            self.check_leftovers()

    def close(self) -> None:
        try:
            if self.next is not None:
                self.next.wait(60)  # never let go: it closes and exits
        finally:
            self.ctx.close()


def uninterrupted(kind: str, data: Path, rng: random.Random, digest: Callable[[Any], Any],
                  *args: str, before: Callable[[SecondMe], Any] | None = None) -> Any:
    """``digest`` of the store after the same workload ran once without a kill."""
    clean = Workload(kind, data, Figures(), rng, jitter=0)
    try:
        if before is not None:
            before(clean.ctx)
        clean.ctx.lock()
        clean.run(*args, kill=False)
    finally:
        clean.close()
    ref = checks.store_only(clean.data)
    try:
        return digest(ref)
    finally:
        ref.close()


def index_workload(tmp_path: Path, figs: Figures) -> None:
    rng = random.Random(SEED * 10 + 1)
    notes = tmp_path / "notes"
    live = set(range(150))
    note_rev = dict.fromkeys(live, 0)
    write_notes(notes, live, 0)
    w = Workload("index", tmp_path / "killed", figs, rng, jitter=0.4)
    next_id = max(live) + 1

    def next_revision(d: Driver) -> None:
        # After each complete run the folder changes: a third of the notes edited, two
        # deleted, three new.
        nonlocal next_id
        if d.killed:
            return
        for i in rng.sample(sorted(live), 2):
            note_path(notes, i).unlink()
            live.discard(i)
        edited = [i for i in sorted(live) if rng.random() < 1 / 3] + list(range(next_id, next_id + 3))
        next_id += 3
        for i in edited:
            live.add(i)
            note_rev[i] = note_rev.get(i, -1) + 1
            write_notes(notes, [i], note_rev[i])

    def verify(acks: list[dict[str, Any]]) -> int:
        return checks.check_index_acks(w.ctx, acks)

    def remaining() -> int:
        acked: dict[str, int] = {}
        for a in read_acks(w.acks):
            if a["t"] == "doc":
                acked[a["path"]] = max(acked.get(a["path"], -1), a["rev"])
        return sum(1 for i in live if acked.get(str(note_path(notes, i)), -1) < note_rev[i])

    try:
        w.cycles(lambda: ["--notes", str(notes)], verify, next_revision, expect=remaining)
        w.finish(["--notes", str(notes)], verify)
        final = checks.chunk_set(w.ctx)
        docs = checks.documents(w.ctx)
        assert {p for p, d in docs.items() if d["state"] == "ok"} == {str(note_path(notes, i)) for i in live}
        assert all(d["revs"][0] == note_rev[i] for i in live for d in [docs[str(note_path(notes, i))]]), \
            "every note at its last revision"
        w.lock()
    finally:
        w.close()
    # An uninterrupted run over the same folder gives the same chunks.
    assert uninterrupted("index", tmp_path / "clean", rng, checks.chunk_set, "--notes", str(notes)) == final
    assert figs.kills >= KILLS


def chat_workload(tmp_path: Path, figs: Figures) -> None:
    rng = random.Random(SEED * 10 + 2)
    w = Workload("chat", tmp_path / "killed", figs, rng, jitter=3.0)
    per_run = 2

    def next_args() -> list[str]:
        done = [a["i"] for a in read_acks(w.acks) if a["t"] == "ask"]
        return ["--start", str(max(done) + 1 if done else 0), "--count", str(per_run)]

    def verify(acks: list[dict[str, Any]]) -> int:
        return checks.check_chat_acks(w.ctx, acks)

    try:
        w.cycles(next_args, verify, expect=lambda: 2)
        w.finish(next_args(), verify)
        acks = read_acks(w.acks)
        answered = {a["i"] for a in acks if a["t"] == "ask"}
        assert answered == set(range(max(answered) + 1)), "every question was answered once the runs finish"
        texts = {m["text"] for m in checks.messages(w.ctx)}
        assert all(f"gym number {i} is" in " ".join(texts) for i in answered)
        w.lock()
    finally:
        w.close()
    assert figs.kills >= KILLS


def import_workload(tmp_path: Path, figs: Figures) -> None:
    rng = random.Random(SEED * 10 + 3)
    inputs = tmp_path / "inputs"
    by_file = write_import_inputs(inputs, files=10, per_file=20)
    w = Workload("import", tmp_path / "killed", figs, rng, jitter=0.3)

    def verify(acks: list[dict[str, Any]]) -> int:
        return checks.check_import_acks(w.ctx, acks, by_file)

    def summary(ctx: SecondMe) -> set[tuple[Any, ...]]:
        return {(m["meta"].get("source_id"), m["text"], m["speaker"], m["event_time"]) for m in checks.messages(ctx)}

    try:
        w.cycles(lambda: ["--inputs", str(inputs)], verify, expect=lambda: len(by_file))
        w.finish(["--inputs", str(inputs)], verify)
        final = summary(w.ctx)
        expected = {(m["id"], m["text"], m["speaker"], float(m["time"])) for ms in by_file.values() for m in ms}
        assert final == expected, "every message imported exactly once"
        w.lock()
    finally:
        w.close()
    assert uninterrupted("import", tmp_path / "clean", rng, summary, "--inputs", str(inputs)) == final
    assert figs.kills >= KILLS


def nightly_workload(tmp_path: Path, figs: Figures) -> None:
    rng = random.Random(SEED * 10 + 4)
    w = Workload("nightly", tmp_path / "killed", figs, rng, jitter=1.0)
    fed: list[dict[str, Any]] = []
    batch = 40

    def feed(ctx: SecondMe, n: int) -> None:
        # New conversation between nights, so every run has work to do (acknowledged here).
        msgs = nightly_messages(len(fed), n)
        added = ctx.import_messages(str(write_jsonl(tmp_path / f"feed-{len(fed)}.jsonl", msgs)))
        assert added == n
        fed.extend(msgs)

    def verify(acks: list[dict[str, Any]]) -> int:
        return checks.check_nightly_acks(w.ctx, acks, {m["id"] for m in fed})

    try:
        feed(w.ctx, 3 * batch)
        w.cycles(lambda: [], verify, lambda d: feed(w.ctx, batch), expect=lambda: 2)
        # The first run completes the interrupted one: it skips the steps that run finished
        # (by design, see secondme/jobs/history.resume_point), so the conversation fed since
        # waits for the next run, which is a fresh one.
        w.finish([], verify)
        w.lock()
        w.finish([], verify)
        final = checks.facts(w.ctx)
        runs = w.ctx.jobs_history(100)
        assert runs[0]["status"] == "ok"
        assert {r["status"] for r in runs} <= {"ok", "interrupted"}, [r["status"] for r in runs]
        w.lock()
    finally:
        w.close()
    # The same conversation consolidated by one uninterrupted run gives the same facts.
    assert uninterrupted("nightly", tmp_path / "clean", rng, checks.facts, before=lambda ctx: ctx.import_messages(
        str(write_jsonl(tmp_path / "all.jsonl", fed)))) == final
    assert figs.kills >= KILLS


# --- the tests: the four workloads run side by side --------------------------------------------
# Each workload spends much of its time waiting (for its driver to start, for the moment of the
# kill, for the dead run's processes to go), so running them together keeps both cores busy and
# takes about half the time of running them one after another.
WORKLOADS: dict[str, Callable[[Path, Figures], None]] = {
    "index": index_workload, "chat": chat_workload, "import": import_workload, "nightly": nightly_workload,
}
TESTS = {"test_sigkill_while_indexing_notes": "index", "test_sigkill_while_chatting": "chat",
         "test_sigkill_while_importing": "import", "test_sigkill_during_the_nightly_run": "nightly"}


@pytest.fixture(scope="module")
def outcomes(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory,
             figures: dict[str, Figures]) -> Iterator[dict[str, Future[None]]]:
    """Starts the workloads of the selected tests at once; each test waits for its own."""
    selected = {TESTS[i.name] for i in request.session.items if i.name in TESTS and getattr(i, "module", None) is request.module}
    pool = ThreadPoolExecutor(max_workers=len(selected) or 1, thread_name_prefix="crash-workload")
    futures: dict[str, Future[None]] = {}
    for name in WORKLOADS:
        if name in selected:
            figures[name] = Figures()
            futures[name] = pool.submit(WORKLOADS[name], tmp_path_factory.mktemp(f"crash-{name}"), figures[name])
    try:
        yield futures
    finally:
        pool.shutdown(wait=True)


def test_sigkill_while_indexing_notes(outcomes: dict[str, Future[None]]) -> None:
    outcomes["index"].result()


def test_sigkill_while_chatting(outcomes: dict[str, Future[None]]) -> None:
    outcomes["chat"].result()


def test_sigkill_while_importing(outcomes: dict[str, Future[None]]) -> None:
    outcomes["import"].result()


def test_sigkill_during_the_nightly_run(outcomes: dict[str, Future[None]]) -> None:
    outcomes["nightly"].result()
