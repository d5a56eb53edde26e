"""The desktop app, end to end, never reaches for the network.

The real ``secondme-app`` runs under Xvfb with a tray, with an audit hook injected into it (and
into every Python process it starts) through a ``sitecustomize`` module: every socket creation,
connect, bind, send and name lookup is written to a file. The flow: unlock (passphrase from the
environment), quick recall search, ask the local model, open the main window, quit. Then: zero
attempts to reach anything but AF_UNIX and loopback, and proof that the hook was live (it saw the
app's own Unix sockets). The same again inside ``unshare -n`` (a network namespace with no
network at all), where the whole flow must still work.
"""

from __future__ import annotations

import ipaddress
import json
import os
import shutil
import socket
import subprocess
import time
from pathlib import Path
from typing import Any

import pytest

from tests.e2e.conftest import APP, launched_app, prepared, runtime_dir, wait_for, xdisplay  # noqa: F401
from tests.reliability.common import report
from tests.ui.conftest import PASS
from tests.ui.sockclient import call
from ui.instance import socket_name

pytestmark = [pytest.mark.e2e, pytest.mark.timeout(900)]

SITECUSTOMIZE = r'''
"""Injected by test_e2e_no_network: log every socket operation of this process to a file."""
import json as _json
import os as _os
import sys as _sys

_path = _os.environ.get("SECONDME_AUDIT_LOG")
if _path:
    _fd = _os.open(_path, _os.O_WRONLY | _os.O_APPEND | _os.O_CREAT, 0o600)
    _ADDR_EVENTS = ("socket.connect", "socket.bind", "socket.sendto", "socket.sendmsg")
    _NAME_EVENTS = ("socket.getaddrinfo", "socket.gethostbyname", "socket.gethostbyname_ex",
                    "socket.gethostbyaddr", "socket.getnameinfo")

    def _hook(event, args):
        if not event.startswith("socket."):
            return
        family, addr = None, None
        if event == "socket.__new__":
            family = args[1]
        elif event in _ADDR_EVENTS:
            family, addr = getattr(args[0], "family", None), args[1]
        elif event in _NAME_EVENTS:
            addr = args[0]
        else:
            return
        try:
            family = int(family) if family is not None and int(family) >= 0 else None
        except (TypeError, ValueError):
            family = None
        if isinstance(addr, tuple):
            host = addr[0]
        else:
            host = addr
        if isinstance(host, bytes):
            host = host.decode("utf-8", "replace")
        rec = {"pid": _os.getpid(), "argv0": _sys.argv[0] if _sys.argv else "", "event": event,
               "family": family, "host": None if host is None else str(host), "addr": repr(addr)[:200]}
        _os.write(_fd, (_json.dumps(rec) + "\n").encode())

    _sys.addaudithook(_hook)
    _os.write(_fd, (_json.dumps({"pid": _os.getpid(), "argv0": _sys.argv[0] if _sys.argv else "",
                                 "event": "hook.installed", "family": None, "host": None, "addr": ""})
                    + "\n").encode())
'''

LOCAL_FAMILIES = {int(socket.AF_UNIX), int(getattr(socket, "AF_NETLINK", 16))}


def _is_loopback(host: str | None) -> bool:
    if host in (None, "", "localhost", "localhost.localdomain"):
        return True
    assert host is not None
    try:
        return ipaddress.ip_address(host.split("%")[0]).is_loopback
    except ValueError:
        return False


def non_local(records: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Records that try to reach beyond this machine (or to resolve a name)."""
    bad = []
    for r in records:
        if r["event"] in ("socket.__new__", "hook.installed"):
            continue  # creating a socket reaches nothing; its connect/send is checked
        if r["event"] in ("socket.connect", "socket.sendto", "socket.sendmsg", "socket.bind"):
            if r["family"] in LOCAL_FAMILIES:
                continue
            if r["event"] == "socket.sendmsg" and r["addr"] == "None":
                continue  # a send on an already connected socket: its connect was checked
            if _is_loopback(r["host"]):
                continue
        elif _is_loopback(r["host"]):
            continue
        bad.append(r)
    return bad


def _unshare_works() -> bool:
    if shutil.which("unshare") is None:
        return False
    return subprocess.run(["unshare", "-n", "true"], capture_output=True).returncode == 0


@pytest.mark.parametrize("where", ["host", "netns"])
def test_desktop_app_attempts_no_network(where: str, xdisplay: str, prepared: Path,  # noqa: F811
                                         runtime_dir: str, tmp_path: Path) -> None:  # noqa: F811
    if where == "netns" and not _unshare_works():
        if os.environ.get("CI"):
            pytest.fail("cannot create a network namespace here (unshare -n)")
        pytest.skip("this machine does not allow network namespaces")
    hook_dir = tmp_path / "hook"
    hook_dir.mkdir()
    (hook_dir / "sitecustomize.py").write_text(SITECUSTOMIZE)
    audit = tmp_path / "audit.jsonl"
    env = {**os.environ, "DISPLAY": xdisplay, "QT_QPA_PLATFORM": "xcb", "XDG_RUNTIME_DIR": runtime_dir,
           "SECONDME_PASSPHRASE": PASS, "SECONDME_TEST_COMMANDS": "1", "SECONDME_AUDIT_LOG": str(audit),
           "PYTHONPATH": os.pathsep.join(filter(None, [str(hook_dir), os.environ.get("PYTHONPATH")]))}
    cmd = [str(APP), "--data-dir", str(prepared)]
    if where == "netns":
        # No network at all: not even a loopback interface that is up. The X server and the
        # instance socket are path-based Unix sockets, which a network namespace does not hide.
        env.pop("DBUS_SESSION_BUS_ADDRESS", None)
        cmd = ["unshare", "-n", "--", *cmd]
    name = socket_name(prepared)
    t0 = time.monotonic()
    figures: dict[str, Any] = {"where": where}
    with launched_app(cmd, env, tmp_path) as app:
        wait_for("the app to be ready", lambda: (r := call(name, {"cmd": "ping"})) and r.get("state") == "ready",
              timeout=120)
        figures["ready_s"] = round(time.monotonic() - t0, 1)
        assert call(name, {"cmd": "recall-type", "args": {"text": "pastel de nata"}})["ok"]
        state = wait_for("recall results", lambda: (s := call(name, {"cmd": "recall-state"}))["hits"] and s)
        assert state["hits"][0] == "Trip to Lisbon"
        t1 = time.monotonic()
        assert call(name, {"cmd": "recall-key", "args": {"key": "enter"}})["ok"]
        wait_for("the model's answer", lambda: call(name, {"cmd": "recall-state"})["answer_done"], timeout=600)
        figures["ask_s"] = round(time.monotonic() - t1, 1)
        assert call(name, {"cmd": "show-page", "args": {"index": 0}})["ok"]
        wait_for("the window", lambda: call(name, {"cmd": "ping"})["window"])
        assert call(name, {"cmd": "quit"})["ok"]
        rc = app.proc.wait(120)
    stderr = app.stderr()
    assert rc == 0, stderr
    records = [json.loads(line) for line in audit.read_text().splitlines()] if audit.exists() else []
    bad = non_local(records)
    pids = {r["pid"] for r in records if r["event"] == "hook.installed"}
    unix = [r for r in records if r["family"] == int(socket.AF_UNIX)]
    figures.update({"audit_records": len(records), "processes_hooked": len(pids), "unix_or_loopback": len(unix),
                    "non_local_attempts": len(bad),
                    "events": sorted({r["event"] for r in records})})
    report(f"e2e_no_network_{where}", figures)
    assert bad == [], f"the app tried to reach the network: {bad[:10]}"
    # The hook was live: it saw the app's own Unix sockets (the vector index process's pair),
    # and it was installed in the app and in the vector index process the app starts.
    assert unix, "the audit hook saw none of the app's own Unix sockets: was it installed?"
    assert len(pids) >= 2, f"the hook was installed in {len(pids)} process(es), expected the app and its helper"
