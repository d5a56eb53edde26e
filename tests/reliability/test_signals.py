"""SIGTERM / SIGHUP (logout, ``systemctl stop``, a closed terminal) stop Second Me cleanly.

Real processes doing real work: ``secondme index`` of a few hundred notes and the desktop app
(offscreen, with its test channel) get the signal and must exit 0 with the indexes sealed and
no plaintext RAM folder left in ``$XDG_RUNTIME_DIR`` or ``/dev/shm``; reopening finds every note
the store had acknowledged, and the next ``index`` run finishes the rest. A RAM folder left by
a process that died is removed by any later start of the command.
"""

from __future__ import annotations

import os
import pty
import re
import select
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import psutil
import pytest

from secondme.app import build
from tests.reliability.common import PASS, REPO, child_env

pytestmark = pytest.mark.timeout(600)

NOTES = 240
APP = REPO / ".venv" / "bin" / "secondme-app"


def _token(i: int) -> str:
    return f"quokka{i:04d}zephyr"


def _note(i: int) -> str:
    # Long enough that indexing the folder takes several seconds on two cores.
    para = (f"On day {i} of the trip we walked along the river, read about harbours and old "
            f"lighthouses, and wrote down what the ferry timetable said about the evening. ")
    return f"# Journal {i}\n\nKeyword {_token(i)} marks this note.\n\n" + "\n\n".join([para] * 12) + "\n"


@pytest.fixture
def runtime(tmp_path: Path) -> Path:
    r = tmp_path / "xdg"
    r.mkdir(mode=0o700)
    return r


def _env(runtime: Path, **extra: str) -> dict[str, str]:
    return child_env(XDG_RUNTIME_DIR=str(runtime), SECONDME_PASSPHRASE=PASS, **extra)


def _cli(data: Path, *args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "secondme", "--data-dir", str(data), *args], env=env,
                          capture_output=True, text=True, timeout=300, stdin=subprocess.DEVNULL)


def _ram_folders(runtime: Path, pid: int | None = None) -> list[Path]:
    """Our plaintext index folders: all in the test's private runtime dir, and in /dev/shm
    those owned by ``pid`` (other tests may run beside us)."""
    found = [p for p in runtime.glob("secondme-*") if p.is_dir()]
    shm = Path("/dev/shm")
    if pid is not None and shm.is_dir():
        for p in shm.glob("secondme-*"):
            try:
                owner = (p / "owner.pid").read_text().split()
            except OSError:
                continue
            if owner and owner[0] == str(pid):
                found.append(p)
    return found


def _snapshots(data: Path) -> list[Path]:
    return list(data.rglob("indexes.snap"))


@pytest.fixture
def data(tmp_path: Path, runtime: Path) -> Path:
    """An initialised data dir watching a folder of NOTES notes, none indexed yet."""
    notes = tmp_path / "notes"
    notes.mkdir()
    for i in range(NOTES):
        (notes / f"journal-{i:04d}.md").write_text(_note(i), "utf-8")
    d = tmp_path / "data"
    env = _env(runtime)
    for step in (["init"], ["folders", "add", str(notes)]):
        r = _cli(d, *step, env=env)
        assert r.returncode == 0, r.stderr
    # ``folders add`` only records the folder: nothing indexed, so nothing sealed yet.
    assert _snapshots(d) == []
    return d


def _findable(data: Path, runtime: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[int, int]:
    """(notes the store holds, of those how many a search finds) after reopening."""
    monkeypatch.setenv("XDG_RUNTIME_DIR", str(runtime))
    ctx = build(str(data), use_keyring=False)
    ctx.unlock(PASS)
    try:
        # Embedding what the interrupted run left takes a while on a busy two-core machine.
        assert ctx.notes.wait_indexed(300)
        held = sum(f.documents for f in ctx.notes.folders())
        # Every note says "Keyword ... marks this note": one search that may return them all.
        hits = ctx.notes.search("keyword marks this note", k=NOTES * 4)
        found = len({h.path for h in hits if "journal-" in (h.path or "")})
        return held, found
    finally:
        ctx.close()


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGHUP], ids=["SIGTERM", "SIGHUP"])
def test_signal_during_index_seals_and_loses_nothing(signum: int, data: Path, runtime: Path,
                                                     tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # On a terminal the command reports its progress; the signal comes once notes are done.
    master, slave = pty.openpty()
    proc = subprocess.Popen([sys.executable, "-m", "secondme", "--data-dir", str(data), "index"],
                            env=_env(runtime), stdout=subprocess.DEVNULL, stderr=slave,
                            stdin=subprocess.DEVNULL)
    os.close(slave)
    out = b""
    try:
        deadline = time.monotonic() + 180
        while not re.search(rb"indexing: [1-9]\d* done", out):
            assert proc.poll() is None, out.decode(errors="replace")
            assert time.monotonic() < deadline, "secondme index made no progress:\n" + out.decode()
            if select.select([master], [], [], 0.2)[0]:
                out += os.read(master, 4096)
        assert proc.poll() is None, "indexing finished before the signal: make the notes longer"
        assert _ram_folders(runtime), "indexing, but no RAM folder"
        proc.send_signal(signum)
        deadline = time.monotonic() + 120
        while proc.poll() is None and time.monotonic() < deadline:
            if select.select([master], [], [], 0.2)[0]:
                try:
                    out += os.read(master, 4096)
                except OSError:
                    break
        rc = proc.wait(120)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait(10)
        os.close(master)
    stderr = out.decode(errors="replace")
    assert rc == 0, stderr
    assert "Traceback" not in stderr, stderr
    assert _ram_folders(runtime, proc.pid) == [], "plaintext indexes left in RAM after the signal"
    assert len(_snapshots(data)) == 1, "the indexes were not sealed"

    held, found = _findable(data, runtime, monkeypatch)
    # Indexing has two phases (text and keywords for every note, then embeddings): the signal
    # lands in one of them, and the last progress line before it says which.
    seen = re.findall(rb"(\d+) of (\d+) notes embedded", out)
    embedded, of = (int(seen[-1][0]), int(seen[-1][1])) if seen else (0, 0)
    assert 0 < held and (held < NOTES or embedded < of), \
        f"the signal did not land during indexing ({held} of {NOTES} stored, {embedded} of {of} embedded)"
    assert found == held, f"{held} notes acknowledged before the signal, only {found} findable"

    r = _cli(data, "index", env=_env(runtime))  # the rest is indexed on the next run
    assert r.returncode == 0, r.stderr
    assert _findable(data, runtime, monkeypatch) == (NOTES, NOTES)
    assert _ram_folders(runtime) == []


def test_stale_ram_folder_of_a_dead_process_goes_at_any_cli_start(runtime: Path, tmp_path: Path) -> None:
    dead = subprocess.Popen(["true"])
    dead.wait()
    stale = runtime / "secondme-abc123"
    (stale / "index").mkdir(parents=True, mode=0o700)
    (stale / "owner.pid").write_text(f"{dead.pid} 12345\n")
    (stale / "index" / "keyword.sqlite3").write_text("plaintext tokens of someone's notes")
    live = runtime / "secondme-live"  # a running instance's folder is left alone
    live.mkdir(mode=0o700)
    (live / "owner.pid").write_text(f"{os.getpid()} -\n")
    # A command that never unlocks (the data dir is not even initialised).
    r = _cli(tmp_path / "no-data", "doctor", "--json", env=_env(runtime))
    assert r.returncode in (0, 1), r.stderr
    assert not stale.exists(), "a dead process's plaintext RAM folder survived a CLI start"
    assert live.exists()


def _wait_ready(name: str, proc: subprocess.Popen[bytes], err: Path) -> dict[str, object]:
    from tests.ui.sockclient import call

    deadline = time.monotonic() + 120
    while True:
        assert proc.poll() is None, err.read_text()
        assert time.monotonic() < deadline, "the app never became ready:\n" + err.read_text()
        r = call(name, {"cmd": "ping"}, timeout=2)
        if r and r.get("state") == "ready":
            return r
        time.sleep(0.2)


@pytest.fixture
def app_data(tmp_path: Path, runtime: Path) -> Iterator[Path]:
    notes = tmp_path / "notes"
    notes.mkdir()
    for i in range(5):
        (notes / f"journal-{i:04d}.md").write_text(_note(i), "utf-8")
    d = tmp_path / "data"
    env = _env(runtime)
    for step in (["init"], ["folders", "add", str(notes)], ["index"]):
        r = _cli(d, *step, env=env)
        assert r.returncode == 0, r.stderr
    yield d


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGHUP], ids=["SIGTERM", "SIGHUP"])
def test_signal_to_the_desktop_app_quits_cleanly(signum: int, app_data: Path, runtime: Path,
                                                 tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The running app (unlocked, its vector index process up) gets the signal: exit 0,
    sealed, no plaintext RAM folder; its passphrase was never in /proc/PID/environ."""
    monkeypatch.setenv("XDG_RUNTIME_DIR", str(runtime))
    from ui.instance import socket_name

    name = socket_name(app_data)
    err = tmp_path / "app.err"
    env = _env(runtime, QT_QPA_PLATFORM="offscreen", SECONDME_TEST_COMMANDS="1")
    with open(err, "wb") as fe:
        proc = subprocess.Popen([str(APP), "--no-tray", "--data-dir", str(app_data)], env=env,
                                stdout=subprocess.DEVNULL, stderr=fe, stdin=subprocess.DEVNULL)
    try:
        _wait_ready(name, proc, err)
        assert _ram_folders(runtime), "the app is unlocked but has no RAM folder"
        tree = [psutil.Process(proc.pid), *psutil.Process(proc.pid).children(recursive=True)]
        assert len(tree) >= 2, "no vector index process"
        for p in tree:
            raw = Path(f"/proc/{p.pid}/environ").read_bytes()
            assert PASS.encode() not in raw, f"the passphrase is in /proc/{p.pid}/environ"
        proc.send_signal(signum)
        rc = proc.wait(120)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait(10)
    stderr = err.read_text()
    assert rc == 0, stderr
    assert "Traceback" not in stderr, stderr
    assert _ram_folders(runtime, proc.pid) == [], "plaintext indexes left in RAM after the signal"
    assert "quitting" in (app_data / "logs").joinpath("secondme.log").read_text() if \
        (app_data / "logs" / "secondme.log").exists() else True
