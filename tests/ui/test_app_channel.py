"""The Qt-free channel to the running app (secondme.app_channel) against the real server.

Helper processes without Qt (the browser's native-messaging host, the MCP server) use it; the
app answers quick commands on the UI thread and slow ones from a worker (``handle_async``).
"""

from __future__ import annotations

import shutil
import tempfile
import threading
import time
from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest

from secondme.app_channel import AppNotRunning, request
from ui.instance import InstanceServer, socket_name

pytestmark = pytest.mark.timeout(60)


@pytest.fixture
def name(monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    monkeypatch.delenv("XDG_RUNTIME_DIR", raising=False)
    base = Path(tempfile.mkdtemp(prefix="smc-", dir="/tmp"))
    yield socket_name(base / "data", fallback_base=base)
    shutil.rmtree(base, ignore_errors=True)


def _ask(qtbot: Any, pool: ThreadPoolExecutor, name: str, cmd: str, args: dict[str, Any]) -> dict[str, Any]:
    # The server runs on this (the UI) thread's event loop, so the blocking client runs beside it.
    fut: Future[dict[str, Any]] = pool.submit(request, Path("/unused"), cmd, args, name=name, timeout=10)
    qtbot.waitUntil(fut.done, timeout=15_000)
    return fut.result()


def test_quick_and_worker_commands_are_answered(qtbot: Any, name: str) -> None:
    srv = InstanceServer(name)
    srv.handle("echo", lambda a: {"ok": True, "got": a})
    worker_threads: list[str] = []

    def slow(args: dict[str, Any], reply: Any) -> None:
        def work() -> None:
            time.sleep(0.2)
            worker_threads.append(threading.current_thread().name)
            reply({"ok": True, "sum": args["a"] + args["b"]})
        threading.Thread(target=work, name="slow-worker").start()

    srv.handle_async("add", slow)
    srv.handle_async("broken", lambda a, r: 1 / 0)
    assert srv.listen()
    try:
        with ThreadPoolExecutor(2) as pool:
            assert _ask(qtbot, pool, name, "echo", {"x": "é"}) == {"ok": True, "got": {"x": "é"}}
            assert _ask(qtbot, pool, name, "add", {"a": 2, "b": 3}) == {"ok": True, "sum": 5}
            assert worker_threads == ["slow-worker"]
            bad = _ask(qtbot, pool, name, "broken", {})
            assert bad["ok"] is False and "ZeroDivisionError" in bad["error"]
            assert _ask(qtbot, pool, name, "nope", {})["error"] == "unknown command 'nope'"
    finally:
        srv.close()


def test_no_running_app_is_a_clear_error(name: str) -> None:
    with pytest.raises(AppNotRunning, match="not running"):
        request(Path("/unused"), "ping", name=name, timeout=2)
