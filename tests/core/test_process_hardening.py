"""Process hardening (issue 18): no telemetry files, no passphrase in /proc, no core dumps.

Every test runs the real ``secondme`` command (and its real vector index process) and checks
what another program on the machine could see: files under the home folder, the process's
``/proc/PID/environ``, its core-dump limit and whether another process of the same user can
read its memory-backed ``/proc`` files.
"""

from __future__ import annotations

import os
import resource
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import psutil
import pytest

REPO = Path(__file__).resolve().parents[2]
PASS = "hardening test passphrase 7f3a"
NOTE = "# Trip to Lisbon\n\nIn Lisbon we ate pastel de nata at a bakery in Belem.\n"

pytestmark = pytest.mark.timeout(300)

# The opt-outs of our dependencies' telemetry and downloads that every process must have set.
PRIVACY_ENV = {"ORT_DISABLE_TELEMETRY": "1", "ANONYMIZED_TELEMETRY": "False", "HF_HUB_OFFLINE": "1",
               "HF_HUB_DISABLE_TELEMETRY": "1", "DO_NOT_TRACK": "1"}


def _env(home: Path, runtime: Path, **extra: str) -> dict[str, str]:
    """A child environment like a fresh login's: none of the opt-outs that importing
    ``secondme`` in this test process put into ``os.environ``."""
    env = {k: v for k, v in os.environ.items()
           if k not in PRIVACY_ENV and k != "SECONDME_PASSPHRASE" and not k.startswith("XDG_")}
    env.update({"PYTHONPATH": str(REPO), "HOME": str(home), "XDG_RUNTIME_DIR": str(runtime),
                "PYTHONDONTWRITEBYTECODE": "1", **extra})
    if "DBUS_SESSION_BUS_ADDRESS" in os.environ:
        env["DBUS_SESSION_BUS_ADDRESS"] = os.environ["DBUS_SESSION_BUS_ADDRESS"]
    return env


def _cli(*args: str, env: dict[str, str], timeout: float = 180) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "secondme", *args], env=env, capture_output=True,
                          text=True, timeout=timeout, stdin=subprocess.DEVNULL)


@pytest.fixture
def home(tmp_path: Path) -> Path:
    h = tmp_path / "home"
    h.mkdir()
    return h


@pytest.fixture
def runtime(tmp_path: Path) -> Path:
    r = tmp_path / "xdg-runtime"
    r.mkdir(mode=0o700)
    return r


@pytest.fixture
def notes(tmp_path: Path) -> Path:
    n = tmp_path / "notes"
    n.mkdir()
    (n / "lisbon.md").write_text(NOTE, "utf-8")
    return n


def test_cli_flow_writes_nothing_under_home(tmp_path: Path, home: Path, runtime: Path,
                                             notes: Path) -> None:
    """init, index, search and ask with HOME a fresh folder: ONNX Runtime's device id and
    event store (~/.cache/Microsoft/DeveloperTools/.onnxruntime) and anything else stay out."""
    data = tmp_path / "data"
    env = _env(home, runtime, SECONDME_PASSPHRASE=PASS)
    d = ["--data-dir", str(data)]
    for step in (["init"], ["folders", "add", str(notes)], ["index"], ["search", "pastel de nata"],
                 ["ask", "What did we eat in Lisbon?", "--json"]):
        r = _cli(*d, *step, env=env)
        assert r.returncode == 0, f"{step}: {r.stderr}"
    assert "lisbon.md" in _cli(*d, "search", "pastel de nata", env=env).stdout
    written = sorted(str(p.relative_to(home)) for p in home.rglob("*"))
    assert written == [], f"files written under HOME: {written}"


def test_vector_child_opts_out_and_drops_core_dumps(tmp_path: Path) -> None:
    """The vector index's process entry (``child_main``) sets the telemetry opt-outs and drops
    core dumps itself, even when started from an environment without them."""
    script = (
        "import os, resource, sys\n"
        f"for k in {sorted(PRIVACY_ENV)!r}: os.environ.pop(k, None)\n"
        "from secondme.index.vector_process import child_main\n"
        "from secondme.hardening import is_dumpable\n"
        "child_main(int(sys.argv[1]))\n"
        f"print({{k: os.environ.get(k) for k in {sorted(PRIVACY_ENV)!r}}})\n"
        "print(resource.getrlimit(resource.RLIMIT_CORE), is_dumpable())\n"
    )
    ours, theirs = socket.socketpair()
    env = {k: v for k, v in os.environ.items() if k not in PRIVACY_ENV}
    env["PYTHONPATH"] = str(REPO)
    proc = subprocess.Popen([sys.executable, "-c", script, str(theirs.fileno())],
                            pass_fds=(theirs.fileno(),), env=env, stdout=subprocess.PIPE, text=True)
    theirs.close()
    ours.close()  # the parent went away at once: the child returns after its set-up
    out, _ = proc.communicate(timeout=120)
    lines = out.strip().splitlines()
    assert proc.returncode == 0 and len(lines) == 2, out
    assert eval(lines[0]) == PRIVACY_ENV
    assert lines[1] == "(0, 0) False", "the vector child can still write core dumps"


@contextmanager
def _watching(tmp_path: Path, env: dict[str, str], **popen: object) -> Iterator[psutil.Process]:
    """``secondme watch`` running (unlocked, its vector index process started)."""
    err = tmp_path / "watch.err"
    with open(err, "wb") as fe:
        proc = subprocess.Popen([sys.executable, "-m", "secondme", "--data-dir", str(tmp_path / "data"),
                                 "watch"], env=env, stdout=subprocess.DEVNULL, stderr=fe,
                                stdin=subprocess.DEVNULL, **popen)  # type: ignore[call-overload]
    try:
        deadline = time.monotonic() + 120
        while b"watching" not in err.read_bytes():
            assert proc.poll() is None, err.read_text()
            assert time.monotonic() < deadline, "secondme watch did not start"
            time.sleep(0.1)
        yield psutil.Process(proc.pid)
        proc.terminate()
        assert proc.wait(60) == 0, err.read_text()
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait(10)


def _init(tmp_path: Path, env: dict[str, str], notes: Path) -> None:
    d = ["--data-dir", str(tmp_path / "data")]
    for step in (["init"], ["folders", "add", str(notes)]):
        r = _cli(*d, *step, env={**env, "SECONDME_PASSPHRASE": PASS})
        assert r.returncode == 0, r.stderr


def test_passphrase_is_not_in_proc_environ_of_watch_or_its_child(
        tmp_path: Path, home: Path, runtime: Path, notes: Path) -> None:
    env = _env(home, runtime)
    _init(tmp_path, env, notes)
    with _watching(tmp_path, {**env, "SECONDME_PASSPHRASE": PASS}) as watch:
        children = watch.children(recursive=True)
        assert children, "no vector index process"
        for p in [watch, *children]:
            raw = Path(f"/proc/{p.pid}/environ").read_bytes()
            assert PASS.encode() not in raw, f"the passphrase is readable in /proc/{p.pid}/environ"
            assert b"SECONDME_PASSPHRASE=" not in raw, f"/proc/{p.pid}/environ"
            assert b"HOME=" in raw  # the rest of the environment is still there


def _core_limit(pid: int) -> str:
    for line in Path(f"/proc/{pid}/limits").read_text().splitlines():
        if line.startswith("Max core file size"):
            return " ".join(line.split()[4:6])
    raise AssertionError("no core limit line")


def _allow_core_dumps() -> None:
    resource.setrlimit(resource.RLIMIT_CORE, (resource.RLIM_INFINITY, resource.RLIM_INFINITY))


def test_no_core_dumps_from_watch_or_its_child(tmp_path: Path, home: Path, runtime: Path,
                                               notes: Path) -> None:
    """Started with core dumps allowed (ulimit -c unlimited), the process drops the limit to 0
    (hard too) for itself and its vector index process."""
    env = _env(home, runtime)
    _init(tmp_path, env, notes)
    with _watching(tmp_path, {**env, "SECONDME_PASSPHRASE": PASS},
                   preexec_fn=_allow_core_dumps) as watch:
        for p in [watch, *watch.children(recursive=True)]:
            assert _core_limit(p.pid) == "0 0", f"process {p.pid} ({p.name()}) may dump core"


_REPORT_DUMPABLE = """
import atexit, ctypes, os

def _report():
    flag = ctypes.CDLL(None).prctl(3, 0, 0, 0, 0)  # PR_GET_DUMPABLE
    with open(os.environ["SM_DUMPABLE_REPORT"], "w") as f:
        f.write(str(flag))

atexit.register(_report)
"""


def test_cli_process_is_not_dumpable(tmp_path: Path, home: Path, runtime: Path) -> None:
    """PR_SET_DUMPABLE 0: no core dump, and another process of the same user can no longer
    read the process's ``/proc/PID/environ`` or ``mem`` nor attach a debugger. (Asked inside
    the real command at its exit: the tests run as root, to whom /proc shows everything.)"""
    hook = tmp_path / "hook"
    hook.mkdir()
    (hook / "sitecustomize.py").write_text(_REPORT_DUMPABLE)
    report = tmp_path / "dumpable"
    env = _env(home, runtime, PYTHONPATH=f"{hook}{os.pathsep}{REPO}", SM_DUMPABLE_REPORT=str(report),
               SECONDME_PASSPHRASE=PASS)
    r = _cli("--data-dir", str(tmp_path / "data"), "init", env=env)
    assert r.returncode == 0, r.stderr
    assert report.read_text() == "0", "the secondme process is dumpable"
