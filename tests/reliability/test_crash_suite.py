"""SIGKILL at random moments during four workloads: indexing notes, chatting with the local
model, importing conversations and the nightly run.

Each workload runs in a child process (``crash_driver``) on one data directory reused across
kills: run, kill at a random moment, and the next run reopens the directory as the app does and
first checks what a person would check (it unlocks, nothing acknowledged is lost or doubled, the
database is sound, the search indexes agree with the store, the dead run's plaintext RAM folder
is gone) before it does any work; here, no process of the dead run is left behind. Finally a run
is let finish, the test reopens the directory itself, checks again and checks the sealed index
snapshot, and compares with an uninterrupted run where the outcome is deterministic. The seed is printed; ``SECONDME_CRASH_SEED=N`` replays a run, and
``SECONDME_SOAK=1`` kills five times as often. One JSON line of figures is printed and written
to ``$SECONDME_TEST_ARTIFACTS/crash_suite.json``.
"""

from __future__ import annotations

import json
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
    """One data directory, one ack file, and the kill / reopen-and-check cycle on them."""

    def __init__(self, name: str, tmp: Path, figs: Figures, rng: random.Random, jitter: float,
                 spec: dict[str, Any] | None = None, session: bool = False) -> None:
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
        # What every run checks first (crash_checks.verify_acks); None: runs check nothing.
        self.spec = spec
        self.spec_file = tmp / "verify.json"
        if spec is not None:
            tmp.mkdir(parents=True, exist_ok=True)
            self.spec_file.write_text(json.dumps(spec))
        self.killed: list[int] = []  # runs killed since the last run that checked
        # The test's own view of the directory, unlocked only at the start and the end. Made
        # with the indexes only when the test itself works in the directory first (``session``);
        # otherwise the directory starts as a new vault and an empty store, and the first run
        # builds the indexes: no vector index process started for nothing.
        self._ctx: SecondMe | None = None
        if session:
            self._ctx = build(str(self.data), use_keyring=False)
            self._ctx.init(PASS)
        else:
            init = checks.store_only(self.data, create=True)
            init.close()

    @property
    def ctx(self) -> SecondMe:
        """The full context (indexes included), built on first use after the runs."""
        if self._ctx is None:
            self._ctx = build(str(self.data), use_keyring=False)
            self._ctx.warm_up()  # its vector index process ready: the reopen time is recovery only
        return self._ctx

    def launch(self) -> None:
        """Start the next run's process now: its imports overlap the checks of this one."""
        if self.next is None:
            self.next = Driver(self.name, self.data, self.acks, self.runs, self.logs)
            self.runs += 1

    def verify_args(self) -> list[str]:
        if self.spec is None:
            return []
        return ["--verify", str(self.spec_file), *(a for pid in self.killed for a in ("--killed", str(pid)))]

    def run(self, *args: str, kill: bool = True, expect: int = 1, launch_next: bool = False) -> Driver:
        """One driver run killed at a random moment (or let finish when ``kill`` is False).

        The moment: after the run's checks, a random number (0..``expect``) of its
        acknowledgements, plus a random part of ``jitter``; or, now and then, a random moment
        of the startup (unlock, unsealing the indexes, replaying the store, the checks)."""
        self.launch()
        d, self.next = self.next, None
        assert d is not None
        d.go(*args, *self.verify_args())
        ready = "ready" if self.spec is None else "verify"
        try:
            if kill:
                assert d.wait_for("start"), d.tail()
                if self.rng.random() < STARTUP_SHARE:
                    time.sleep(self.rng.uniform(0.0, 1.0))
                elif d.wait_for(ready):
                    after = self.rng.randint(0, max(0, expect))
                    while len(work(d.events())) < after and d.proc.poll() is None:
                        time.sleep(0.01)
                    time.sleep(self.rng.uniform(0.0, self.jitter))
                events = d.events()
                if d.kill():
                    self.figs.kills += 1
                    self.figs.startup_kills += not any(e["t"] == ready for e in events)
                    self.figs.kills_after_work += bool(work(events))
            d.wait()
            self.record_checks(d)
            if not d.killed:
                assert d.finished_ok(), d.tail()
                self.figs.finished_runs += 1
        finally:
            if d.proc.poll() is None:
                d.kill()
                d.wait()
        if d.killed:
            self.killed.append(d.proc.pid)
        self.pending.append(d)
        if launch_next:
            self.launch()
        return d

    def record_checks(self, d: Driver) -> None:
        """The outcome of the checks the run did first (if it got that far)."""
        v = next((e for e in d.events() if e["t"] == "verify"), None)
        if v is None:
            return
        if not v["ok"]:
            self.count_failure(v["error"])
            raise AssertionError(f"{self.name}: after a kill: {v['error']}")
        self.killed.clear()
        self.figs.acks_checked += v["checked"]
        self.figs.recovery_s.append(v["recovery_s"])

    def count_failure(self, error: str) -> None:
        if "lost" in error:
            self.figs.lost += 1
        if "twice" in error or "duplicate" in error:
            self.figs.duplicates += 1

    def check_leftovers(self, keep: int = 0) -> None:
        """No process of a dead run outlives it (its vector process exits by itself). The last
        ``keep`` runs are checked later, so their processes' exit overlaps the next run."""
        while len(self.pending) > keep:
            left = self.pending.pop(0).leftovers()
            self.figs.orphans += len(left)
            assert not left, f"processes outlived the killed app: {left}"

    def reopen_and_check(self) -> None:
        """The test's own reopen: unlock and the same checks (it stays unlocked for the
        workload's final checks; :meth:`lock` then checks the sealed snapshot)."""
        with self.figs.timed("reopen"):
            self.figs.recovery_s.append(checks.reopen(self.ctx))
            checks.check_open(self.ctx, self.killed[-1] if self.killed else None)
        with self.figs.timed("verify"):
            try:
                if self.spec is not None:
                    self.figs.acks_checked += checks.verify_acks(self.ctx, self.spec, read_acks(self.acks))
            except AssertionError as exc:
                self.count_failure(str(exc))
                raise

    def lock(self) -> None:
        checks.lock_and_check_snapshot(self.ctx, self.tmp)

    def cycles(self, args: Callable[[], list[str]], between: Callable[[Driver], None] | None = None,
               expect: Callable[[], int] = lambda: 1) -> None:
        """Kill ``KILLS`` times: run (which checks the run before), kill, prepare the next run."""
        if self._ctx is not None:
            self._ctx.lock()
        while self.figs.kills < KILLS:
            assert self.runs < KILLS * 4, f"{self.name}: the runs kept finishing before the kill"
            with self.figs.timed("run"):
                d = self.run(*args(), expect=expect(), launch_next=True)
            if between is not None:
                with self.figs.timed("between"):
                    between(d)
            with self.figs.timed("leftovers"):
                self.check_leftovers(keep=1)

    def finish(self, args: list[str]) -> None:
        """A last run let finish (it checks the runs before), then the test's own checks."""
        with self.figs.timed("finish"):
            self.run(*args, kill=False)
        self.reopen_and_check()
        with self.figs.timed("leftovers"):
            self.check_leftovers()

    def close(self) -> None:
        try:
            if self.next is not None:
                self.next.wait(60)  # never let go: it closes and exits
        finally:
            if self._ctx is not None:
                self._ctx.close()


def uninterrupted(kind: str, data: Path, rng: random.Random, digest: Callable[[Any], Any],
                  *args: str, before: Callable[[SecondMe], Any] | None = None) -> Any:
    """``digest`` of the store after the same workload ran once without a kill."""
    clean = Workload(kind, data, Figures(), rng, jitter=0, session=before is not None)
    try:
        if before is not None:
            before(clean.ctx)
            clean.ctx.close()  # not a lock: the test does not reopen it (no spare to start)
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
    live = set(range(60))
    note_rev = dict.fromkeys(live, 0)
    write_notes(notes, live, 0)
    w = Workload("index", tmp_path / "killed", figs, rng, jitter=0.4, spec={"kind": "index"})
    next_id = max(live) + 1

    def next_revision(d: Driver) -> None:
        # Once the folder is all indexed it changes (a third of the notes edited, two deleted,
        # three new), so every run has indexing to be killed in.
        nonlocal next_id
        if remaining() and not any(e["t"] == "indexed" for e in d.events()):
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

    def remaining() -> int:
        acked: dict[str, int] = {}
        for a in read_acks(w.acks):
            if a["t"] == "doc":
                acked[a["path"]] = max(acked.get(a["path"], -1), a["rev"])
        return sum(1 for i in live if acked.get(str(note_path(notes, i)), -1) < note_rev[i])

    try:
        w.cycles(lambda: ["--notes", str(notes)], next_revision, expect=remaining)
        w.finish(["--notes", str(notes)])
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
    # An answer from the default model is quoted from the sources (no generation): a
    # remember + ask pair takes a fraction of a second, so a run holds several pairs and the
    # kill comes within half a second of a random acknowledgement.
    w = Workload("chat", tmp_path / "killed", figs, rng, jitter=0.5, spec={"kind": "chat"})
    per_run = 6

    def next_args() -> list[str]:
        done = [a["i"] for a in read_acks(w.acks) if a["t"] == "ask"]
        return ["--start", str(max(done) + 1 if done else 0), "--count", str(per_run)]

    try:
        w.cycles(next_args, expect=lambda: 2 * per_run)
        w.finish(next_args())
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
    w = Workload("import", tmp_path / "killed", figs, rng, jitter=0.3, spec={"kind": "import", "by_file": by_file})

    def summary(ctx: SecondMe) -> set[tuple[Any, ...]]:
        return {(m["meta"].get("source_id"), m["text"], m["speaker"], m["event_time"]) for m in checks.messages(ctx)}

    try:
        w.cycles(lambda: ["--inputs", str(inputs)], expect=lambda: len(by_file))
        w.finish(["--inputs", str(inputs)])
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
    batch = 40
    fed: list[dict[str, Any]] = nightly_messages(0, 2 * batch)
    w = Workload("nightly", tmp_path / "killed", figs, rng, jitter=1.0,
                 spec={"kind": "nightly", "inputs": [m["id"] for m in fed]}, session=True)
    feeds: list[Path] = []

    def feed(d: Driver) -> None:
        # A new conversation between nights, so every run has work to do. The next run
        # imports it first (its import acknowledged), again if it was killed before that.
        msgs = nightly_messages(len(fed), batch)
        feeds.append(write_jsonl(tmp_path / f"feed-{len(fed)}.jsonl", msgs))
        fed.extend(msgs)

    def pending_feeds() -> list[str]:
        done = {a["file"] for a in read_acks(w.acks) if a["t"] == "fed"}
        return [a for f in feeds if f.name not in done for a in ("--feed", str(f))]

    try:
        assert w.ctx.memory.import_messages(str(write_jsonl(tmp_path / "feed-first.jsonl", fed))) == len(fed)
        w.cycles(pending_feeds, feed, expect=lambda: 2)
        # The first run completes the interrupted one: it skips the steps that run finished
        # (by design, see secondme/jobs/history.resume_point), so the conversation fed since
        # waits for the next run, which is a fresh one.
        w.finish(pending_feeds())
        w.lock()
        w.finish([])
        assert not pending_feeds(), "every conversation fed was imported"
        final = checks.facts(w.ctx)
        runs = w.ctx.jobs.history(100)
        assert runs[0]["status"] == "ok"
        assert {r["status"] for r in runs} <= {"ok", "interrupted"}, [r["status"] for r in runs]
        w.lock()
    finally:
        w.close()
    # The same conversation consolidated by one uninterrupted run gives the same facts.
    assert uninterrupted("nightly", tmp_path / "clean", rng, checks.facts, before=lambda ctx: ctx.memory.import_messages(
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
