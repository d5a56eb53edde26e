"""Test side of the crash, power-loss and disk-full suites: inputs, driver processes, figures.

The driver (``crash_driver``) runs a workload in a child process; :class:`Driver` starts it,
waits for its events in the ack file, kills or stops it, and checks that the processes it
started (the vector index child) go away with it. Inputs are small and deterministic so the
suites fit in CI; ``SECONDME_SOAK=1`` asks for a longer run (more kills, more copies).
"""

from __future__ import annotations

import json
import os
import random
import signal
import statistics
import subprocess
import sys
import time
import uuid
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import psutil

REPO = Path(__file__).resolve().parents[2]
PASS = "crash suite passphrase 7fe1"
SOAK = os.environ.get("SECONDME_SOAK", "") not in ("", "0")
TAG_VAR = "SECONDME_CRASH_TAG"
VECTOR_CHILD = "secondme.index.vector_child"


def seed_from_env(name: str = "SECONDME_CRASH_SEED") -> int:
    """The seed of this run (printed by the tests; set the variable to replay a run)."""
    raw = os.environ.get(name)
    return int(raw) if raw else random.SystemRandom().randrange(1, 2**31)


# --- inputs ------------------------------------------------------------------------------------
TOPICS = ("design review of the {w} launch", "tomatoes and basil in the {w} garden",
          "train itinerary to {w} in spring", "budget numbers of the {w} project",
          "a lentil soup recipe with {w}", "the {w} book club discussion")


WORDS = ("morning coffee walk river station letter window garden market bridge orange "
         "winter summer kitchen table friend story music paper street city evening light "
         "mountain lake bread cheese train ticket office meeting plan notes week").split()


def note_text(i: int, rev: int) -> str:
    """A note whose every section says ``rev N``; every tenth note is longer (several chunks).

    Plain words, so the embedder sees ordinary token counts (made-up words split into many)."""
    w = f"kw{i:04d}"
    sections = 4 if i % 10 == 0 else 1
    words = 60 if i % 10 == 0 else 10
    out = [f"# Note {i}"]
    for s in range(sections):
        topic = TOPICS[(i + s) % len(TOPICS)].format(w=w)
        filler = " ".join(WORDS[(i * 7 + s * 3 + k * k) % len(WORDS)] for k in range(words))
        out.append(f"\n## Part {s}\nrev {rev}: {topic}. {filler}.\n")
    return "\n".join(out)


def write_notes(root: Path, ids: Iterable[int], rev: int) -> None:
    for i in ids:
        p = note_path(root, i)
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(note_text(i, rev))


def note_path(root: Path, i: int) -> Path:
    return root / f"d{i % 5}" / f"note-{i:04d}.md"


def message(i: int, conv: str) -> dict[str, Any]:
    people = ("Alma", "Bruno", "Chiara", "Dmitri", "Esme", "Farid", "Greta", "Hugo")
    text = f"Message {i}: {people[i % len(people)]} asked about the {TOPICS[i % len(TOPICS)].format(w=f'm{i}')}."
    return {"id": f"msg-{i}", "conversation": conv, "time": 1_700_000_000 + 60 * i,
            "speaker": "user" if i % 2 else "friend", "text": text}


def write_import_inputs(root: Path, files: int, per_file: int) -> dict[str, list[dict[str, Any]]]:
    """Alternating JSON Lines and ChatGPT export files; returns each file's messages."""
    root.mkdir(parents=True, exist_ok=True)
    out: dict[str, list[dict[str, Any]]] = {}
    for f in range(files):
        msgs = [message(f * per_file + j, f"conv-{f}") for j in range(per_file)]
        if f % 2 == 0:
            name = f"part-{f:02d}.jsonl"
            write_jsonl(root / name, msgs)
        else:
            name = f"part-{f:02d}.json"
            (root / name).write_text(json.dumps([chatgpt_conversation(f"conv-{f}", msgs)]))
            msgs = [{**m, "speaker": "user" if m["speaker"] == "user" else "assistant"} for m in msgs]
        out[name] = msgs
    return out


def chatgpt_conversation(cid: str, msgs: list[dict[str, Any]]) -> dict[str, Any]:
    """A conversation as a ChatGPT data export writes it (a ``mapping`` tree)."""
    mapping: dict[str, Any] = {"root": {"id": "root", "message": None, "parent": None, "children": []}}
    parent = "root"
    for m in msgs:
        nid = m["id"]
        mapping[parent]["children"].append(nid)
        mapping[nid] = {"id": nid, "parent": parent, "children": [], "message": {
            "id": nid, "author": {"role": "user" if m["speaker"] == "user" else "assistant"},
            "create_time": float(m["time"]), "content": {"content_type": "text", "parts": [m["text"]]}}}
        parent = nid
    return {"id": cid, "title": f"Chat {cid}", "create_time": float(msgs[0]["time"]), "mapping": mapping,
            "current_node": parent}


def nightly_messages(start: int, n: int) -> list[dict[str, Any]]:
    """Messages the exact fact extractors understand (people, pets, workplace updates)."""
    names = [a + b for a in ("Al", "Bo", "Ca", "Da", "El", "Fa", "Gi", "Ha") for b in ("ma", "ne", "ri", "so", "tu")]
    rels = ("friend", "cousin", "neighbor")
    out = []
    for i in range(start, start + n):
        if i % 10 == 9:
            text = f"I work at Company{i // 10} now."
        else:
            text = f"My {rels[i % 3]} {names[i % len(names)]}{i // 40} came over for dinner, day {i}."
        out.append({"id": f"n-{i}", "conversation": "life", "time": 1_700_000_000 + 3600 * i,
                    "speaker": "user", "text": text})
    return out


def write_jsonl(path: Path, msgs: list[dict[str, Any]]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join(json.dumps(m) + "\n" for m in msgs))
    return path


# --- acknowledgements --------------------------------------------------------------------------
def read_acks(path: Path) -> list[dict[str, Any]]:
    """Complete lines of the ack file (a line cut by a kill mid-write would be ignored)."""
    if not path.exists():
        return []
    data = path.read_bytes()
    lines = data.split(b"\n")[:-1]  # the part after the last newline is incomplete
    return [json.loads(x) for x in lines if x.strip()]


# --- the driver process ------------------------------------------------------------------------
class Driver:
    """One run of ``crash_driver`` in a child process, tagged so its descendants can be found.

    It is launched ahead (imports, the vector index process starting) and waits; :meth:`go`
    hands it the rest of its arguments and lets it unlock and work."""

    def __init__(self, workload: str, data: Path, acks: Path, run: int, log_dir: Path) -> None:
        self.acks = acks
        self.run = run
        self.tag = uuid.uuid4().hex
        # Only lines written after this point can be ours; read incrementally (polled often).
        self._offset = acks.stat().st_size if acks.exists() else 0
        self._events: list[dict[str, Any]] = []
        env = {**os.environ, "PYTHONPATH": str(REPO), "HF_HUB_OFFLINE": "1",
               "SECONDME_PASSPHRASE": PASS, TAG_VAR: self.tag}
        log_dir.mkdir(parents=True, exist_ok=True)
        self.log = log_dir / f"{workload}-{run}.log"
        self._log_fh = open(self.log, "wb")
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "tests.reliability.crash_driver", workload, "--data", str(data),
             "--acks", str(acks), "--run", str(run)],
            stdout=self._log_fh, stderr=subprocess.STDOUT, stdin=subprocess.PIPE, cwd=REPO, env=env)
        self.killed = False

    def go(self, *args: str) -> None:
        assert self.proc.stdin is not None
        self.proc.stdin.write((json.dumps(list(args)) + "\n").encode())
        self.proc.stdin.close()

    def events(self) -> list[dict[str, Any]]:
        """This run's acknowledgements so far."""
        try:
            with open(self.acks, "rb") as fh:
                fh.seek(self._offset)
                data = fh.read()
        except FileNotFoundError:
            return self._events
        end = data.rfind(b"\n") + 1  # a line still being written is read next time
        for line in data[:end].split(b"\n"):
            if line.strip():
                ev = json.loads(line)
                if ev.get("run") == self.run:
                    self._events.append(ev)
        self._offset += end
        return self._events

    def wait_for(self, kind: str, timeout: float = 120.0) -> bool:
        """Wait until the driver acks ``kind``; False if it exited first."""
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            if any(e["t"] == kind for e in self.events()):
                return True
            if self.proc.poll() is not None:
                return any(e["t"] == kind for e in self.events())
            time.sleep(0.02)
        raise AssertionError(f"driver did not reach {kind!r} in {timeout:.0f}s; log:\n{self.tail()}")

    def kill(self) -> bool:
        """SIGKILL now; True if it was still running (a real kill, not a finished run)."""
        if self.proc.poll() is not None:
            return False
        os.kill(self.proc.pid, signal.SIGKILL)
        self.killed = True
        return True

    def wait(self, timeout: float = 600.0) -> int:
        try:
            if self.proc.stdin is not None and not self.proc.stdin.closed:
                self.proc.stdin.close()  # a run never let go ends by itself
            return self.proc.wait(timeout)
        finally:
            if self.proc.poll() is None:
                self.proc.kill()
                self.proc.wait()
            self._log_fh.close()

    def finished_ok(self) -> bool:
        return self.proc.returncode == 0 and any(e["t"] == "done" for e in self.events())

    def tail(self, n: int = 4000) -> str:
        try:
            return self.log.read_text(errors="replace")[-n:]
        except OSError:
            return "(no log)"

    def leftovers(self, timeout: float = 15.0) -> list[str]:
        """Processes this run started that are still alive after ``timeout`` (must be none).

        The vector index child exits by itself when its socket closes; a spare one still
        loading Chroma exits when it is done."""
        end = time.monotonic() + timeout
        while True:
            alive = tagged_processes(self.tag)
            if not alive or time.monotonic() >= end:
                return alive
            time.sleep(0.1)


def tagged_processes(tag: str) -> list[str]:
    out = []
    for p in psutil.process_iter(["pid", "cmdline", "status"]):
        try:
            if p.info["status"] == psutil.STATUS_ZOMBIE:
                continue
            if p.environ().get(TAG_VAR) == tag:
                out.append(f"{p.pid}: {' '.join(p.info['cmdline'] or [])}")
        except (psutil.NoSuchProcess, psutil.AccessDenied, psutil.ZombieProcess):
            continue
    return out


# --- figures -----------------------------------------------------------------------------------
def quantiles(xs: list[float]) -> dict[str, float | None]:
    if not xs:
        return {"p50": None, "max": None}
    return {"p50": round(statistics.median(xs), 3), "max": round(max(xs), 3)}


def publish(name: str, summary: dict[str, Any], reporter: Any = None) -> str:
    """Print the summary as one JSON line, and write it to ``$SECONDME_TEST_ARTIFACTS/name``."""
    line = json.dumps(summary, sort_keys=True)
    print(line)
    if reporter is not None:
        reporter.write_line(line)
    art = os.environ.get("SECONDME_TEST_ARTIFACTS")
    if art:
        Path(art).mkdir(parents=True, exist_ok=True)
        (Path(art) / name).write_text(line + "\n")
    return line
