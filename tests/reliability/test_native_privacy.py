"""Nothing leaves the machine and nothing private lands outside the data directory — seen from
the kernel's side, so native code counts as much as Python.

One traced run serves both checks. The whole product flow — the command line (init, folders
add, index, search, remember, recall, ask with the default SmolLM2 model on the real llama.cpp,
profile build/show, fill, jobs run, backup export) and then the desktop app under Xvfb (started,
unlocked, a quick recall search, the Sources page's "Add folder…" dialog opened and cancelled,
quit) — runs under ``strace -f`` (every thread and child process: the vector index process,
onnxruntime's and llama.cpp's threads), with ``HOME`` and every ``XDG_*_HOME`` and
``XDG_RUNTIME_DIR`` pointed at a fresh folder and the data directory somewhere else.

Then (tests/reliability/native_trace.py says what counts): no connect/send to a non-loopback
address and no DNS traffic of any kind; no file left in that home folder (the RAM folder lives
in its XDG_RUNTIME_DIR and must be gone after the clean quit); and no canary, in any encoding,
under the home folder or in any file created or changed in /tmp and /dev/shm during the run.
The figures go to ``$SECONDME_TEST_ARTIFACTS/native_privacy.json``.

The canaries are fresh random words each run, so files of other tests (which plant fixed
canaries) can never be mistaken for a leak of this one.

``ORT_DISABLE_TELEMETRY`` is removed from the children's environment: the product must turn
onnxruntime's telemetry off itself (left on, its threads look up a Microsoft host and write
``~/.cache/Microsoft/DeveloperTools/.onnxruntime``, which this test reports as DNS packets and
files outside the data directory).
"""

from __future__ import annotations

import os
import secrets
import shutil
import stat
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import psutil
import pytest

from tests.canary import needles, scan
from tests.e2e.conftest import APP, _need, launched_app, wait_for, xdisplay  # noqa: F401
from tests.reliability.common import PASS, REPO, child_env, report
from tests.reliability.native_trace import Verdict, calls, judge, strace_prefix
from tests.ui.sockclient import call
from ui.instance import socket_name

CLI = REPO / ".venv" / "bin" / "secondme"
BACKUP_PASS_VAR = "SECONDME_TEST_BACKUP_PASS"
APP_UP_S = 12.0  # how long the app runs after its first search (see below)

# Files the flow may leave in the fresh home folder, each with why it is harmless. Keep it short:
# anything else found there fails the test.
ALLOWED_IN_HOME: dict[str, str] = {
    # fontconfig's cache of the system fonts' metadata (names, glyph coverage) that Qt builds
    # when it first draws text: it holds nothing about the person and is shared by every app.
    ".cache/fontconfig/": "font cache",
}


@pytest.fixture
def fresh_home() -> Iterator[Path]:
    """An empty home folder with a short path (the instance socket's path must fit in 108
    bytes), its XDG_RUNTIME_DIR made 0700 like the one systemd makes at login."""
    home = Path(tempfile.mkdtemp(prefix="smh-"))
    (home / ".run").mkdir(mode=0o700)
    try:
        yield home
    finally:
        shutil.rmtree(home, ignore_errors=True)


def home_env(home: Path) -> dict[str, str]:
    """HOME and the XDG base directories a program may write to, all in ``home``.

    XDG_DATA_DIRS and XDG_CONFIG_DIRS are read-only search paths of the system (fonts, icons,
    MIME types), not places a program writes, so they are left as they are.
    """
    return {"HOME": str(home), "XDG_CONFIG_HOME": str(home / ".config"), "XDG_CACHE_HOME": str(home / ".cache"),
            "XDG_DATA_HOME": str(home / ".local" / "share"), "XDG_STATE_HOME": str(home / ".local" / "state"),
            "XDG_RUNTIME_DIR": str(home / ".run")}


def _files(root: Path, skip: tuple[Path, ...] = ()) -> dict[str, tuple[int, int]]:
    """Regular files under ``root`` (not following links): path -> (inode, mtime_ns)."""
    out: dict[str, tuple[int, int]] = {}
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = [d for d in dirnames if Path(dirpath, d) not in skip]
        for name in filenames:
            p = os.path.join(dirpath, name)
            try:
                st = os.lstat(p)
            except OSError:
                continue
            if stat.S_ISREG(st.st_mode):
                out[p] = (st.st_ino, st.st_mtime_ns)
    return out


def left_in_home(home: Path) -> list[str]:
    """Everything in ``home`` after the run but the (empty) runtime folder and the allowances."""
    found = []
    for dirpath, dirnames, filenames in os.walk(home):
        for name in dirnames + filenames:
            rel = os.path.relpath(os.path.join(dirpath, name), home)
            if os.path.isdir(os.path.join(dirpath, name)) and not os.path.islink(os.path.join(dirpath, name)):
                rel += "/"
                # A folder counts through what is in it, except an empty one outside the runtime dir.
                if rel == ".run/" or os.listdir(os.path.join(dirpath, name)):
                    continue
            if any(rel.startswith(a) for a in ALLOWED_IN_HOME):
                continue
            found.append(rel)
    return sorted(found)


def write_notes(root: Path, c: dict[str, str]) -> Path:
    notes = root / f"notes-{c['folder']}"
    notes.mkdir(parents=True)
    (notes / "plans.md").write_text(
        f"# Garden plans\n\nThe {c['note']} greenhouse gets built in May behind the shed. "
        f"Ask {c['note']} about the tomato seeds.\n", "utf-8")
    (notes / f"{c['name']}.txt").write_text(f"A plain note that mentions the {c['note']} greenhouse once.\n", "utf-8")
    return notes


def run_traced(name: str, args: list[str], env: dict[str, str], logs: Path, timeout: float = 300) -> str:
    """One CLI command under strace; its stdout."""
    cmd = [*strace_prefix(logs / f"{len(list(logs.iterdir())):02d}-{name}.txt"), str(CLI), *args]
    r = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=timeout)
    assert r.returncode == 0, f"`secondme {' '.join(args[2:])}` failed ({r.returncode}):\n{r.stderr[-3000:]}"
    return r.stdout


def judge_logs(logs: Path) -> tuple[Verdict, dict[str, dict[str, int]], int]:
    total = Verdict()
    by_step: dict[str, dict[str, int]] = {}
    pids: set[int] = set()
    for log in sorted(logs.iterdir()):
        cs = calls(log.read_text("utf-8", "replace"))
        pids |= {c.pid for c in cs}
        v = judge(cs)
        total.non_loopback += v.non_loopback
        total.dns += v.dns
        for k, n in v.counts.items():
            total.counts[k] = total.counts.get(k, 0) + n
        by_step[log.stem] = {"non_loopback": len(v.non_loopback), "dns": len(v.dns),
                             "unix": v.counts.get("unix", 0), "netlink": v.counts.get("netlink", 0)}
    return total, by_step, len(pids)


@pytest.mark.e2e
@pytest.mark.slow
@pytest.mark.timeout(900)
def test_full_flow_reaches_no_network_and_writes_nothing_outside_the_data_dir(
        xdisplay: str, fresh_home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:  # noqa: F811
    _need("strace", "strace")
    word = secrets.token_hex(4)
    c = {"note": f"Quillfern{word}", "name": f"zephyrine-{word}", "folder": f"orchardvale-{word}",
         "memory": f"Tavishmoor{word}", "email": f"brindle.{word}@example.org"}
    notes = write_notes(tmp_path, c)
    data, logs, backup = tmp_path / "data", tmp_path / "trace", tmp_path / "out.smbackup"
    logs.mkdir()
    env = child_env(**home_env(fresh_home), SECONDME_PASSPHRASE=PASS, **{BACKUP_PASS_VAR: "backup pass " + word})
    env.pop("ORT_DISABLE_TELEMETRY", None)  # the product must turn it off itself
    env.pop("XDG_SESSION_TYPE", None)
    skip = (tmp_path, fresh_home)
    before = {**_files(Path("/tmp"), skip), **_files(Path("/dev/shm"), skip)}
    t0 = time.monotonic()

    d = ["--data-dir", str(data)]
    run_traced("init", [*d, "init"], env, logs)
    run_traced("folders-add", [*d, "folders", "add", str(notes)], env, logs)
    run_traced("index", [*d, "index", "run", "--wait"], env, logs)
    out = run_traced("search", [*d, "search", f"{c['note']} greenhouse"], env, logs)
    assert "plans.md" in out, out
    run_traced("remember", [*d, "remember", f"My email is {c['email']}. {c['memory']} keeps the spare key."],
               env, logs)
    out = run_traced("recall", [*d, "recall", "who keeps the spare key"], env, logs)
    assert c["memory"] in out, out
    out = run_traced("ask", [*d, "ask", "--max-tokens", "32", "When does the greenhouse get built?"], env, logs)
    assert out.strip(), "the model answered"
    run_traced("profile-build", [*d, "profile", "build"], env, logs)
    run_traced("profile-show", [*d, "profile", "show"], env, logs)
    run_traced("fill", [*d, "fill", "E-mail"], env, logs)
    run_traced("jobs-run", [*d, "jobs", "run"], env, logs)
    run_traced("backup-export", [*d, "backup", "export", "--backup-passphrase-env", BACKUP_PASS_VAR,
                                 str(backup)], env, logs)
    assert backup.exists()
    cli_s = time.monotonic() - t0

    # The desktop app, on the same data and in the same home.
    app_env = {**env, "DISPLAY": xdisplay, "QT_QPA_PLATFORM": "xcb", "SECONDME_TEST_COMMANDS": "1"}
    monkeypatch.setenv("XDG_RUNTIME_DIR", env["XDG_RUNTIME_DIR"])  # socket_name() looks there
    name = socket_name(data)
    t_app = time.monotonic()
    marks: dict[str, float] = {}
    app_log = logs / f"{len(list(logs.iterdir())):02d}-app.txt"
    app_cmd = [*strace_prefix(app_log), str(APP), *d]
    with launched_app(app_cmd, app_env, tmp_path) as app:
        try:
            wait_for("the app to be ready",
                     lambda: (r := call(name, {"cmd": "ping"})) and r.get("state") == "ready", timeout=180)
            assert ok(call(name, {"cmd": "recall-type", "args": {"text": f"{c['note']} greenhouse"}}))
            marks["ready_s"] = round(time.monotonic() - t_app, 1)
            t_search = time.monotonic()
            state = wait_for("recall results", lambda: (s := ok(call(name, {"cmd": "recall-state"})))["hits"] and s)
            assert "Garden plans" in state["hits"], state
            shown = call(name, {"cmd": "folder-dialog", "args": {"dir": str(notes)}}, timeout=60)
            assert shown and shown["ok"] and Path(shown["dir"]) == notes, shown
            marks["dialog_s"] = round(time.monotonic() - t_app, 1)
            # A long-lived process is where background threads phone home: onnxruntime's telemetry
            # first sends ~9 s after its first session. The app stays up that long after its
            # first search, so such lookups are seen, not just the files they leave.
            time.sleep(max(0.0, APP_UP_S - (time.monotonic() - t_search)))
            assert ok(call(name, {"cmd": "quit"}))
            rc = app.proc.wait(120)
            marks["quit_s"] = round(time.monotonic() - t_app, 1)
        finally:
            _kill_tree(app.proc.pid)
    assert rc == 0, app.stderr()
    seconds = time.monotonic() - t0

    verdict, by_step, traced_pids = judge_logs(logs)
    # The recorder was live in the app: it saw the app connect to the X server.
    assert ".X11-unix/X" in app_log.read_text("utf-8", "replace"), \
        "strace did not see the app's connection to the X server: was it tracing?"
    left = left_in_home(fresh_home)
    needle = needles(c.values())
    assert scan(notes, needle), "the canary scan finds the canaries in the plain notes"
    after = {**_files(Path("/tmp"), skip), **_files(Path("/dev/shm"), skip)}
    changed = sorted(p for p, key in after.items() if before.get(p) != key)
    canary_hits = scan(fresh_home, needle) + [h for p in changed for h in _scan_file(Path(p), needle)]
    checks_s = time.monotonic() - t0 - seconds
    figures: dict[str, Any] = {
        "connections_non_loopback": len(verdict.non_loopback), "dns_packets": len(verdict.dns),
        "files_outside_data_dir": len(left), "files_outside_data_dir_names": left[:50],
        "canary_hits": len(canary_hits), "tmp_files_checked": len(changed),
        "threads_and_processes_traced": traced_pids, "unix_connects": verdict.counts.get("unix", 0),
        "netlink_calls": verdict.counts.get("netlink", 0), "by_step": by_step,
        "cli_s": round(cli_s, 1), "app_s": round(seconds - (t_app - t0), 1), "app_marks": marks, "seconds": round(seconds, 1),
        "checks_s": round(checks_s, 1),
        "first_non_loopback": verdict.non_loopback[:5], "first_dns": verdict.dns[:5]}
    report("native_privacy", figures)
    print(f"connections to non-loopback: {len(verdict.non_loopback)}, DNS packets: {len(verdict.dns)}, "
          f"files outside the data dir: {len(left)}, canary hits: {len(canary_hits)}")
    problems = []
    if verdict.non_loopback:
        problems.append(f"connections beyond loopback: {verdict.non_loopback[:10]}")
    if verdict.dns:
        problems.append(f"DNS traffic: {verdict.dns[:10]}")
    if left:
        problems.append(f"files left in the home folder, outside the data dir: {left[:30]}")
    if canary_hits:
        problems.append(f"canaries outside the data dir: {canary_hits[:20]}")
    if shown["native"]:
        problems.append("the file dialog was opened without DontUseNativeDialog: a native one (GTK, portal) "
                        "keeps its own history of the folders chosen")
    assert not problems, "\n".join(problems)


def ok(reply: dict[str, Any] | None) -> dict[str, Any]:
    """A test-channel reply that must have come, and said ok."""
    assert reply is not None and reply.get("ok"), reply
    return reply


def _scan_file(path: Path, needle: dict[str, bytes]) -> list[str]:
    """Canary hits in one file (its content and its name)."""
    try:
        blob = path.read_bytes()
    except OSError:
        return []
    hits = [f"{path}: {label}" for label, n in needle.items() if n in blob]
    hits += [f"name {path}: {label}" for label, n in needle.items() if n in os.fsencode(path.name)]
    return hits


def _kill_tree(pid: int) -> None:
    """The traced app and everything under strace, when a step failed before the clean quit."""
    try:
        procs = psutil.Process(pid).children(recursive=True)
    except psutil.Error:
        return
    for p in procs:
        try:
            p.kill()
        except psutil.Error:
            pass


SELF_TEST = r"""
import ctypes, os, socket, struct, threading
libc = ctypes.CDLL(None, use_errno=True)

def inet(host, port):
    return struct.pack("=H", socket.AF_INET) + struct.pack("!H", port) + socket.inet_aton(host) + bytes(8)

def native_connect(family, kind, addr):
    fd = libc.socket(family, kind, 0)
    libc.connect(fd, ctypes.c_char_p(addr), len(addr))
    libc.close(fd)

# In a thread: a loopback connect (allowed) and a UDP "connect" to a TEST-NET address, which
# sends no packet but is an attempt to reach beyond this machine.
t = threading.Thread(target=lambda: (native_connect(socket.AF_INET, socket.SOCK_DGRAM, inet("127.0.0.1", 9)),
                                     native_connect(socket.AF_INET, socket.SOCK_DGRAM, inet("192.0.2.1", 9))))
t.start(); t.join()
# In a forked child: what glibc's resolver does (nscd's socket, then port 53).
pid = os.fork()
if pid == 0:
    native_connect(socket.AF_INET, socket.SOCK_DGRAM, inet("127.0.0.53", 53))
    unix = struct.pack("=H", socket.AF_UNIX) + b"/var/run/nscd/socket\0"
    native_connect(socket.AF_UNIX, socket.SOCK_STREAM, unix)
    os._exit(0)
os.waitpid(pid, 0)
"""


def test_recorder_sees_native_calls_from_threads_and_children(tmp_path: Path) -> None:
    """The recorder is not blind: native (ctypes → libc) connects made from a thread and from a
    forked child, which no Python audit hook sees, are caught and classified."""
    _need("strace", "strace")
    log = tmp_path / "self-test.txt"
    r = subprocess.run([*strace_prefix(log), sys.executable, "-c", SELF_TEST], capture_output=True, text=True,
                       timeout=60)
    assert r.returncode == 0, r.stderr
    v = judge(calls(log.read_text()))
    assert len(v.non_loopback) == 1 and "192.0.2.1" in v.non_loopback[0], v
    assert len(v.dns) == 1 and "htons(53)" in v.dns[0], v.dns
    # No nscd runs here (or it would have answered): a failed connect sends no request, so it
    # is counted, not judged.
    assert v.counts.get("loopback_inet") == 1 and v.counts.get("nscd_connect") == 1, v.counts


def test_parser_joins_unfinished_and_resumed_calls() -> None:
    log = (
        '101 connect(7<UDP:[1]>, {sa_family=AF_INET, sin_port=htons(443), sin_addr=inet_addr("20.1.2.3")}, 16'
        ' <unfinished ...>\n'
        '102 sendto(8<UDP:[192.0.2.2:5000->10.0.0.9:53]>, "\\1\\2", 2, MSG_NOSIGNAL, NULL, 0 <unfinished ...>\n'
        '101 <... connect resumed>) = -1 ENETUNREACH (Network is unreachable)\n'
        '103 sendmsg(9<UDPv6:[[::1]:4000->[2001:db8::1]:443]>, {msg_name=NULL, msg_namelen=0}, 0) = 10\n'
        '104 connect(10<TCPv6:[5]>, {sa_family=AF_INET6, sin6_port=htons(80), sin6_flowinfo=htonl(0), '
        'inet_pton(AF_INET6, "::ffff:127.0.0.1", &sin6_addr), sin6_scope_id=0}, 28) = 0\n'
        '105 connect(11<NETLINK:[6]>, {sa_family=AF_NETLINK, nl_pid=0, nl_groups=00000000}, 12) = 0\n'
        '106 connect(12<UNIX-STREAM:[7]>, {sa_family=AF_UNIX, sun_path="/tmp/.X11-unix/X99"}, 110) = 0\n'
        '107 connect(13<UNIX-STREAM:[8]>, {sa_family=AF_UNIX, sun_path="/run/systemd/resolve/io.systemd.Resolve"}'
        ', 110 <unfinished ...>\n'
        '102 <... sendto resumed>) = 2\n'
        # nscd: a failed connect (not running), then a passwd request (fine) and a getaddrinfo one.
        '108 connect(5<UNIX-STREAM:[9]>, {sa_family=AF_UNIX, sun_path="/var/run/nscd/socket"}, 110) = -1 ENOENT\n'
        '109 connect(5<UNIX-STREAM:[10]>, {sa_family=AF_UNIX, sun_path="/var/run/nscd/socket"}, 110) = 0\n'
        '109 sendto(5<UNIX-STREAM:[10->11]>, "\\2\\0\\0\\0\\1\\0\\0\\0\\2\\0\\0\\0000\\0", 14, MSG_NOSIGNAL, NULL, 0) = 14\n'
        '109 socket(AF_UNIX, SOCK_STREAM|SOCK_CLOEXEC|SOCK_NONBLOCK, 0) = 5<UNIX-STREAM:[12]>\n'
        '109 connect(5<UNIX-STREAM:[12]>, {sa_family=AF_UNIX, sun_path="/var/run/nscd/socket"}, 110) = 0\n'
        '109 sendto(5<UNIX-STREAM:[12->13]>, "\\2\\0\\0\\0\\16\\0\\0\\0\\f\\0\\0\\0example.com\\0", 24, '
        'MSG_NOSIGNAL, NULL, 0) = 24\n'
        '101 +++ exited with 0 +++\n'
    )
    v = judge(calls(log))
    assert [x.split(":")[0] for x in v.non_loopback] == ["pid 101", "pid 103"], v.non_loopback
    assert [x.split(":")[0] for x in v.dns] == ["pid 102", "pid 109", "pid 107"], v.dns
    assert "nscd request 14" in v.dns[1], v.dns
    assert v.counts["loopback_inet6"] == 1 and v.counts["unix"] == 1 and v.counts["netlink"] == 1
    assert v.counts["nscd_connect"] == 3
