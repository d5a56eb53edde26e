"""At rest, nothing private is readable: a full session (notes, chat, memories, an import, the
profile, a nightly run) in one data directory, then every byte of it is scanned for canaries
(text, file names and the embedding vectors) — after a clean quit, and after a SIGKILL followed
by a restart that must also clear the plaintext RAM folder the killed process left behind.

tests/core/test_canary_store.py covers the store alone and tests/core/test_notes_crash.py notes
alone; this is the whole product, in child processes, with the real model and embedder.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from tests.canary import needles, scan
from tests.reliability.common import PASS, REPO, child_env, last_json, report
from tests.reliability.hostile_files import docx_paragraphs, minimal_pdf
from tests.reliability.session_child import CANARIES

pytestmark = [pytest.mark.slow, pytest.mark.timeout(1500)]


@pytest.fixture(scope="module")
def embedder() -> Any:
    from secondme.embed.minilm import MiniLMEmbedder

    return MiniLMEmbedder()


@pytest.fixture
def runtime(tmp_path: Path) -> Iterator[Path]:
    """A private XDG_RUNTIME_DIR for the children: where the plaintext RAM folder lives."""
    d = tmp_path / "xdg"
    d.mkdir(mode=0o700)
    yield d


def write_notes(tmp_path: Path) -> Path:
    notes = tmp_path / "notes" / CANARIES["folder_name"]
    notes.mkdir(parents=True)
    c, name = CANARIES["note_text"], CANARIES["note_name"]
    (notes / f"{name}.md").write_text(f"# Secret plans\n\nThe {c} project starts in May. Ask {c} for keys.\n")
    (notes / "plain.txt").write_text(f"A plain note that mentions {c} once.\n")
    (notes / "report.docx").write_bytes(docx_paragraphs([f"Report about {c}", "Nothing else here."]))
    (notes / "scan.pdf").write_bytes(minimal_pdf(f"Scanned page about {c}."))
    (notes / "sub").mkdir()
    (notes / "sub" / f"{name}-2.org").write_text(f"* Heading\nMore about {c} here.\n")
    return notes


def all_needles(work: Path, notes: Path, embedder: Any) -> dict[str, bytes]:
    texts = [*CANARIES.values(), str(notes), CANARIES["email"].split("@")[0]]
    vectors = list(np.load(work / "vectors.npy"))
    vectors += list(embedder.embed([f"The {CANARIES['note_text']} project starts in May.",
                                    f"My email is {CANARIES['email']}.", CANARIES["memory"]]))
    return needles(texts, vectors)


def run_session(mode: str, data: Path, notes: Path, work: Path, runtime: Path,
                timeout: float = 900) -> dict[str, Any]:
    r = subprocess.run([sys.executable, "-m", "tests.reliability.session_child", mode, str(data), str(notes),
                        str(work)], cwd=REPO, env=child_env(XDG_RUNTIME_DIR=str(runtime)),
                       capture_output=True, text=True, timeout=timeout)
    assert r.returncode == 0, f"session ({mode}) failed:\n{r.stderr[-5000:]}"
    assert_no_canary_in(r.stderr, f"stderr of the {mode} session")
    return last_json(r.stdout)


def assert_no_canary_in(text: str, where: str) -> None:
    for label, value in CANARIES.items():
        assert value.lower() not in text.lower(), f"the {label} canary is in {where}"


def ram_folders(runtime: Path) -> list[Path]:
    return [p for p in runtime.glob("secondme-*") if p.is_dir()]


def test_full_session_leaves_nothing_readable(tmp_path: Path, runtime: Path, embedder: Any) -> None:
    notes = write_notes(tmp_path)
    data, work = tmp_path / "data", tmp_path / "work"
    work.mkdir()
    t0 = time.monotonic()
    out = run_session("close", data, notes, work, runtime)
    session_s = time.monotonic() - t0
    assert out["note_found"], "the session really indexed the canary note"
    assert out["imported"] == 2 and out["recalled"] >= 1 and out["answer_chars"] > 0
    assert out["vectors"] >= 5
    n = all_needles(work, notes, embedder)
    # The scan can see what it looks for: the notes folder itself is full of hits.
    assert scan(notes.parent, n), "the canary scan finds the canaries in the plain notes"
    hits = scan(data, n)
    assert hits == [], f"private data readable at rest: {hits[:20]}"
    assert ram_folders(runtime) == [], "the plaintext RAM folder is removed on quit"
    logs = sorted(p.name for p in (data / "logs").iterdir())
    assert logs, "the session wrote a log (scanned above)"

    # The command line on the same data directory: its log lines (on stderr) and the data
    # directory stay clean too. Its other output (results, a filled value's provenance) is the
    # answer the person asked for.
    cli = REPO / ".venv" / "bin" / "secondme"
    env = child_env(XDG_RUNTIME_DIR=str(runtime), SECONDME_PASSPHRASE=PASS)
    for args in (["search", CANARIES["note_text"]], ["recall", CANARIES["memory"]],
                 ["remember", f"{CANARIES['memory']} also keeps the spare key."], ["profile", "show"],
                 ["fill", "E-mail"], ["index", "status", "--json"], ["jobs", "history"]):
        r = subprocess.run([str(cli), "--data-dir", str(data), *args], env=env, capture_output=True, text=True,
                           timeout=300)
        assert r.returncode == 0, f"secondme {args[0]} failed: {r.stderr[-2000:]}"
        log_lines = [line for line in r.stderr.splitlines()
                     if line.split(" ", 1)[0] in ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")]
        assert_no_canary_in("\n".join(log_lines), f"the log output of `secondme {args[0]}`")
    hits = scan(data, n)
    assert hits == [], f"private data readable after CLI commands: {hits[:20]}"
    report("at_rest_clean", {"session_s": round(session_s, 1), "vectors": out["vectors"],
                             "needles": len(n), "hits": len(hits), "files_scanned": _count_files(data),
                             "bytes_scanned": _size(data), "logs": logs})


def test_sigkill_mid_session_then_restart(tmp_path: Path, runtime: Path, embedder: Any) -> None:
    notes = write_notes(tmp_path)
    data, work = tmp_path / "data", tmp_path / "work"
    work.mkdir()
    proc = subprocess.Popen([sys.executable, "-m", "tests.reliability.session_child", "kill", str(data),
                             str(notes), str(work)], cwd=REPO, env=child_env(XDG_RUNTIME_DIR=str(runtime)),
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    assert proc.stdout is not None
    lines = []
    try:
        deadline = time.monotonic() + 900
        while time.monotonic() < deadline:
            line = proc.stdout.readline()
            if not line:
                break
            lines.append(line)
            if line.strip() == "ready":
                break
        assert lines and lines[-1].strip() == "ready", f"the session did not finish: {proc.stderr.read()[-4000:]}"
        descendants = _descendants(proc.pid)
        proc.send_signal(signal.SIGKILL)
        proc.wait(30)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert proc.stderr is not None
    stderr = proc.stderr.read()
    proc.stdout.close()
    proc.stderr.close()
    assert_no_canary_in(stderr, "stderr of the killed session")
    out = last_json("".join(lines[:-1]))
    # The vector index's own process notices its parent is gone and exits.
    _wait_gone(descendants, 30)
    n = all_needles(work, notes, embedder)
    hits = scan(data, n)
    assert hits == [], f"private data readable after SIGKILL: {hits[:20]}"
    left = ram_folders(runtime)
    ram_hits = sum(len(scan(p, n)) for p in left)
    # The killed process could not clean up: its plaintext RAM folder is still there (this is
    # what the restart must remove), and the scan does see plaintext in it.
    assert left and ram_hits > 0, "expected the killed session's plaintext RAM folder"

    reopened = run_session("reopen", data, notes, work, runtime)
    assert reopened["reopened_hits"] >= 1, "the restart recovered the indexes"
    assert ram_folders(runtime) == [], f"stale plaintext RAM folders remain: {ram_folders(runtime)}"
    hits_after = scan(data, n) + scan(runtime, n)
    assert hits_after == [], f"private data readable after restart: {hits_after[:20]}"
    report("at_rest_sigkill", {"vectors": out["vectors"], "ram_folder_hits_before_restart": ram_hits,
                               "hits_after_restart": len(hits_after), "data_hits_after_kill": len(hits),
                               "bytes_scanned": _size(data)})


def _descendants(pid: int) -> list[int]:
    import psutil

    try:
        return [p.pid for p in psutil.Process(pid).children(recursive=True)]
    except psutil.Error:
        return []


def _wait_gone(pids: list[int], timeout: float) -> None:
    import psutil

    end = time.monotonic() + timeout
    alive = pids
    while alive and time.monotonic() < end:
        alive = [p for p in alive if psutil.pid_exists(p) and psutil.Process(p).status() != psutil.STATUS_ZOMBIE]
        time.sleep(0.2)
    assert not alive, f"processes of the killed session still run: {alive}"


def _count_files(root: Path) -> int:
    return sum(len(files) for _, _, files in os.walk(root))


def _size(root: Path) -> int:
    return sum(os.path.getsize(os.path.join(d, f)) for d, _, files in os.walk(root) for f in files)
