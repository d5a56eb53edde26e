"""The single-instance socket is this user's alone: a private folder, and peers checked by uid.

Tests run as root, so "another user" is uid 65534 (nobody): folders are chowned to it, and a
client runs as it in a forked child after ``os.setuid``.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import stat
import subprocess
import sys
import tempfile
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.ui.sockclient import call
from ui.instance import InstanceServer, InstanceSocketError, send, socket_name

pytestmark = pytest.mark.timeout(120)

NOBODY = 65534
ROOT = Path(__file__).resolve().parents[2]
SECOND_LAUNCH = """
import json, sys
from ui.qt import QCoreApplication
from ui.instance import send
app = QCoreApplication([])
print(json.dumps(send(sys.argv[1], {"cmd": "ping"}, timeout_ms=10_000)))
"""
as_root = pytest.mark.skipif(not hasattr(os, "getuid") or os.getuid() != 0,
                             reason="needs root to act as another user")


@pytest.fixture
def base(monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A short stand-in for /tmp (sun_path is short) with no session runtime dir."""
    monkeypatch.delenv("XDG_RUNTIME_DIR", raising=False)
    d = Path(tempfile.mkdtemp(prefix="smi-", dir="/tmp"))
    yield d
    shutil.rmtree(d, ignore_errors=True)


def _server(qtbot: Any, name: str) -> InstanceServer:
    srv = InstanceServer(name)
    srv.handle("ping", lambda _a: {"ok": True, "state": "ready"})
    assert srv.listen()
    return srv


def test_fallback_folder_is_private_and_ours(base: Path, tmp_path: Path) -> None:
    name = socket_name(tmp_path / "data", fallback_base=base)
    folder = Path(name).parent
    assert folder == base / f"secondme-{os.getuid()}"
    st = os.lstat(folder)
    assert stat.S_ISDIR(st.st_mode)
    assert stat.S_IMODE(st.st_mode) == 0o700
    assert st.st_uid == os.getuid()
    # The same name on the next launch (found again), another for another data dir.
    assert socket_name(tmp_path / "data", fallback_base=base) == name
    assert socket_name(tmp_path / "other", fallback_base=base) != name


def test_the_default_fallback_is_not_a_bare_name_in_tmp(base: Path, tmp_path: Path) -> None:
    # Before: "secondme-<uid>-<digest>", which Qt puts straight into the shared temp dir.
    name = socket_name(tmp_path / "data")
    assert name.startswith(f"/tmp/secondme-{os.getuid()}/")


def test_a_folder_open_to_others_is_refused(base: Path, tmp_path: Path) -> None:
    folder = base / f"secondme-{os.getuid()}"
    folder.mkdir()
    os.chmod(folder, 0o777)
    with pytest.raises(InstanceSocketError, match="other users"):
        socket_name(tmp_path / "data", fallback_base=base)
    assert stat.S_IMODE(os.lstat(folder).st_mode) == 0o777  # not "repaired" behind their back


@as_root
def test_a_folder_made_by_another_user_is_refused(base: Path, tmp_path: Path) -> None:
    folder = base / f"secondme-{os.getuid()}"
    folder.mkdir(mode=0o700)
    os.chown(folder, NOBODY, NOBODY)
    with pytest.raises(InstanceSocketError, match="another user"):
        socket_name(tmp_path / "data", fallback_base=base)


def test_a_symlink_in_place_of_the_folder_is_refused(base: Path, tmp_path: Path) -> None:
    target = base / "elsewhere"
    target.mkdir(mode=0o700)
    (base / f"secondme-{os.getuid()}").symlink_to(target)
    with pytest.raises(InstanceSocketError, match="not a folder"):
        socket_name(tmp_path / "data", fallback_base=base)


def test_a_runtime_dir_open_to_others_is_not_used(base: Path, tmp_path: Path,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    shared = base / "shared-runtime"
    shared.mkdir()
    os.chmod(shared, 0o777)
    monkeypatch.setenv("XDG_RUNTIME_DIR", str(shared))
    name = socket_name(tmp_path / "data", fallback_base=base)
    assert Path(name).parent == base / f"secondme-{os.getuid()}"


def test_a_second_launch_hands_over_through_the_fallback(qtbot: Any, base: Path, tmp_path: Path) -> None:
    name = socket_name(tmp_path / "data", fallback_base=base)
    srv = _server(qtbot, name)
    try:
        # A real second launch: another process running the client main() uses (its blocking
        # waits would stall this process's server if run from a thread here).
        second = subprocess.Popen(
            [sys.executable, "-c", SECOND_LAUNCH, name], cwd=ROOT,
            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        qtbot.waitUntil(lambda: second.poll() is not None, timeout=60_000)
        out, err = second.communicate()
        assert second.returncode == 0, err.decode()
        assert json.loads(out) == {"ok": True, "state": "ready"}
    finally:
        srv.close()


@as_root
def test_a_peer_of_another_user_is_refused(qtbot: Any, base: Path) -> None:
    # Take away the first wall (the folder's and the socket's modes) so that the second, the
    # server's uid check, is what is tested.
    os.chmod(base, 0o755)
    name = str(base / "open.sock")
    srv = _server(qtbot, name)
    os.chmod(name, 0o777)
    try:
        # Our own user still gets an answer through the opened-up socket...
        replies: list[Any] = []
        t = threading.Thread(target=lambda: replies.append(call(name, {"cmd": "ping"}, timeout=10)))
        t.start()
        qtbot.waitUntil(lambda: bool(replies), timeout=10_000)
        t.join()
        assert replies[0] == {"ok": True, "state": "ready"}

        # ...and nobody gets none: the connection is closed without a reply.
        r, w = os.pipe()
        pid = os.fork()
        if pid == 0:  # the child: as another user, try the socket and report what came back
            outcome = b"error"
            try:
                os.close(r)
                os.setgid(NOBODY)
                os.setuid(NOBODY)
                s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
                s.settimeout(10)
                s.connect(name)
                try:  # the server may close before the command is even sent
                    s.sendall(json.dumps({"cmd": "ping"}).encode() + b"\n")
                    got = s.recv(65536)
                except (BrokenPipeError, ConnectionResetError):
                    got = b""
                outcome = b"answered:" + got if got else b"refused"
            except BaseException as exc:  # reported to the parent, which fails the test
                outcome = f"error: {exc!r}".encode()
            finally:
                os.write(w, outcome)
                os._exit(0)
        os.close(w)
        exited: list[int] = []

        def child_exited() -> bool:  # the server answers on this loop meanwhile
            if not exited and os.waitpid(pid, os.WNOHANG)[0] == pid:
                exited.append(pid)
            return bool(exited)

        qtbot.waitUntil(child_exited, timeout=20_000)
        outcome = os.read(r, 65536)
        os.close(r)
        assert outcome == b"refused", outcome
    finally:
        srv.close()


def test_the_client_sends_nothing_to_a_socket_of_another_user(base: Path) -> None:
    # A listener we do not own at the name: send() must not connect, let alone send.
    path = str(base / "squat.sock")
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    listener.bind(path)
    listener.listen(1)
    listener.settimeout(3)
    if os.getuid() == 0:
        os.chown(path, NOBODY, NOBODY)
    else:
        pytest.skip("needs root to hand the socket file to another user")
    received: list[bytes] = []

    def serve() -> None:
        try:
            conn, _ = listener.accept()
        except OSError:
            return
        with conn:
            received.append(conn.recv(65536))
            conn.sendall(b'{"ok": true}\n')

    t = threading.Thread(target=serve)
    t.start()
    try:
        assert send(path, {"cmd": "recall"}, timeout_ms=1000) is None
    finally:
        t.join()
        listener.close()
    assert received == []


def test_each_command_is_handled_once(base: Path, tmp_path: Path, qtbot: Any) -> None:
    """A command is answered once: bytes arriving after it on the same connection never make
    the server handle it again (a second "recall" would open the box twice)."""
    from ui.qt import QByteArray, QLocalSocket

    name = socket_name(tmp_path / "data", fallback_base=base)
    srv = _server(qtbot, name)
    calls: list[dict[str, Any]] = []
    srv.handle("count", lambda a: calls.append(a) or {"ok": True})
    client = QLocalSocket()
    client.connectToServer(name)
    assert client.waitForConnected(3000)
    client.write(QByteArray(b'{"cmd": "count"}\n'))
    client.flush()
    qtbot.waitUntil(lambda: len(calls) == 1, timeout=3000)
    client.write(QByteArray(b'{"cmd": "co'))  # the start of a second line, not yet complete
    client.flush()
    qtbot.wait(300)
    assert len(calls) == 1
    client.write(QByteArray(b'unt", "args": {"n": 2}}\n'))
    client.flush()
    qtbot.waitUntil(lambda: len(calls) == 2, timeout=3000)
    qtbot.wait(200)
    assert calls == [{}, {"n": 2}]
    # Both ends go while the application still runs (Qt objects outliving it crash at exit).
    client.disconnectFromServer()
    client.deleteLater()
    srv.close()
    srv.deleteLater()
    qtbot.wait(100)
