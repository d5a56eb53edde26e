"""The app's side of ``secondme mcp``: consent the first time a tool connects, answers after,
and the "Connected tools" section of Settings.

The app's real instance server answers on this test's Qt event loop; the callers are the
Qt-free channel a ``secondme mcp`` process uses and, once, a real ``secondme mcp`` process driven
by the MCP SDK's own stdio client.
"""

from __future__ import annotations

import os
import sys
import threading
from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from typing import Any

import anyio
import mcp_types as types
import pytest
from mcp import ClientSession, StdioServerParameters, stdio_client

from secondme.app import SecondMe
from secondme.app_channel import request, socket_name
from secondme.mcp import audit
from secondme.mcp.permissions import Permissions
from ui.connected_tools import ALLOWED, REMEMBER, ConnectedTools
from ui.instance import InstanceServer
from ui.mcp_access import McpAccess
from ui.pages.settings import SettingsPage
from ui.qt import Qt

REPO = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.timeout(300)


@pytest.fixture
def pool() -> Iterator[ThreadPoolExecutor]:
    with ThreadPoolExecutor(2) as p:
        yield p


@pytest.fixture
def app(qtbot: Any, indexed_services: Any) -> Iterator[tuple[McpAccess, SecondMe]]:
    """The app's MCP side on its real instance server, for an unlocked core with notes."""
    ctx: SecondMe = indexed_services.ctx
    server = InstanceServer(socket_name(ctx.paths.root))
    unlocked = {"on": True}
    access = McpAccess(ctx, indexed_services.ops, lambda: unlocked["on"])
    access.install(server)
    access.unlocked = unlocked  # type: ignore[attr-defined]
    assert server.listen()
    yield access, ctx
    access.close_dialogs()
    server.close()


def _call(qtbot: Any, pool: ThreadPoolExecutor, ctx: SecondMe, client: str, tool: str,
          arguments: dict[str, Any]) -> dict[str, Any]:
    # The server answers on this thread's event loop: the blocking client runs beside it.
    fut: Future[dict[str, Any]] = pool.submit(request, ctx.paths.root, "mcp.call",
                                              {"client": client, "tool": tool, "arguments": arguments})
    qtbot.waitUntil(fut.done, timeout=60_000)
    return fut.result()


def test_a_tool_is_refused_until_the_person_allows_it(qtbot: Any, app: tuple[McpAccess, SecondMe],
                                                      pool: ThreadPoolExecutor) -> None:
    access, ctx = app
    search = {"query": "pastel de nata in Belem"}
    r = _call(qtbot, pool, ctx, "Claude Desktop", "search", search)
    assert not r["ok"] and r["refused"]
    assert "'Claude Desktop' is not allowed" in r["error"] and "asking you" in r["error"]

    qtbot.waitUntil(lambda: "Claude Desktop" in access.dialogs, timeout=10_000)
    dialog = access.dialogs["Claude Desktop"]
    assert dialog.isVisible() and "“Claude Desktop” wants to use your Second Me memory" in dialog.text()
    # Asking again while the question is open refuses again without a second question.
    assert _call(qtbot, pool, ctx, "Claude Desktop", "search", search)["refused"]
    assert list(access.dialogs) == ["Claude Desktop"]

    with qtbot.waitSignal(access.decision_saved, timeout=10_000) as saved:
        dialog.allow_button.click()
    assert saved.args == ["Claude Desktop", True]
    qtbot.waitUntil(lambda: not access.dialogs, timeout=5_000)

    r = _call(qtbot, pool, ctx, "Claude Desktop", "search", search)
    assert r["ok"], r
    hit = r["result"]["results"][0]
    assert hit["source"]["path"].endswith("lisbon.md") and "pastel de nata" in hit["snippet"]
    # Sensitive fields and remembering stay off until the person turns them on.
    r = _call(qtbot, pool, ctx, "Claude Desktop", "remember", {"text": "The car is parked on level 3."})
    assert r["refused"] and "not add to it" in r["error"]

    kept = [(e.client, e.tool, e.outcome) for e in audit.entries(ctx.store)]
    assert kept == [("Claude Desktop", "remember", "refused"), ("Claude Desktop", "search", "ok"),
                    ("Claude Desktop", "search", "refused"), ("Claude Desktop", "search", "refused")]


def test_a_refused_tool_and_a_locked_app_get_clear_errors(qtbot: Any, app: tuple[McpAccess, SecondMe],
                                                          pool: ThreadPoolExecutor) -> None:
    access, ctx = app
    assert _call(qtbot, pool, ctx, "Shady Agent", "recall", {"query": "Lisbon"})["refused"]
    qtbot.waitUntil(lambda: "Shady Agent" in access.dialogs, timeout=10_000)
    with qtbot.waitSignal(access.decision_saved, timeout=10_000):
        access.dialogs["Shady Agent"].deny_button.click()
    r = _call(qtbot, pool, ctx, "Shady Agent", "recall", {"query": "Lisbon"})
    assert r["refused"] and "You have not allowed 'Shady Agent'" in r["error"]
    perm = Permissions(ctx.get_private, ctx.set_private).get("Shady Agent")
    assert perm is not None and perm.state == "denied"

    access.unlocked["on"] = False  # type: ignore[attr-defined]
    r = _call(qtbot, pool, ctx, "Shady Agent", "recall", {"query": "Lisbon"})
    assert not r["ok"] and "Second Me is locked" in r["error"]


def test_the_real_mcp_process_goes_through_the_app(qtbot: Any, app: tuple[McpAccess, SecondMe],
                                                   pool: ThreadPoolExecutor) -> None:
    """``secondme mcp`` without --unlock, started by the SDK's stdio client, answered by the app:
    the person is asked as the tool connects, before any call, and its calls work once allowed."""
    access, ctx = app
    params = StdioServerParameters(
        command=sys.executable, args=["-m", "secondme", "--data-dir", str(ctx.paths.root), "mcp"], cwd=str(REPO),
        env={"PYTHONPATH": str(REPO), "XDG_RUNTIME_DIR": os.environ["XDG_RUNTIME_DIR"]})
    answered = threading.Event()

    async def session() -> tuple[types.CallToolResult, types.CallToolResult]:
        async with stdio_client(params) as (read, write):
            async with ClientSession(read, write, client_info=types.Implementation(name="editor", version="1")) as s:
                with anyio.fail_after(120):
                    await s.initialize()
                    await s.list_tools()
                    await anyio.to_thread.run_sync(answered.wait, 60)
                    hit = await s.call_tool("search", {"query": "tram 28 Alfama"})
                    other = await s.call_tool("profile_fill", {"field": "Email address"})
                    return hit, other

    fut = pool.submit(anyio.run, session)
    qtbot.waitUntil(lambda: "editor" in access.dialogs, timeout=120_000)
    assert audit.entries(ctx.store) == []  # asked on connecting, not on a refused call
    with qtbot.waitSignal(access.decision_saved, timeout=10_000):
        access.dialogs["editor"].allow_button.click()
    answered.set()
    qtbot.waitUntil(fut.done, timeout=120_000)
    hit, fill = fut.result()
    assert not hit.is_error, hit.content
    assert hit.structured_content["results"][0]["source"]["path"].endswith("lisbon.md")
    assert not fill.is_error and fill.structured_content["found"] is False  # no email in this profile
    assert [e.tool for e in audit.entries(ctx.store, client="editor")] == ["profile_fill", "search"]


def test_connected_tools_in_settings(qtbot: Any, services: Any) -> None:
    ctx: SecondMe = services.ctx
    perms = Permissions(ctx.get_private, ctx.set_private)
    perms.set("Claude Desktop", allowed=True)
    perms.seen("Cursor")
    audit.record(ctx.store, "Claude Desktop", "search", "ok", "the quarterly report", "2 results")
    page = SettingsPage(services)
    qtbot.addWidget(page)
    page.refresh()
    box: ConnectedTools = page.tools_box
    qtbot.waitUntil(lambda: box.table.rowCount() == 2, timeout=10_000)
    assert [box.client_at(r) for r in range(2)] == ["Claude Desktop", "Cursor"]
    assert box.table.item(1, 0).text() == "Cursor (waiting for you)"
    assert box.table.item(0, ALLOWED).checkState() == Qt.CheckState.Checked
    assert box.table.item(0, REMEMBER).checkState() == Qt.CheckState.Unchecked

    box.table.item(0, REMEMBER).setCheckState(Qt.CheckState.Checked)
    qtbot.waitUntil(lambda: "Claude Desktop now may add memories" in box.status.text(), timeout=10_000)
    claude = perms.get("Claude Desktop")
    assert claude is not None and claude.remember and claude.allowed
    box.table.item(1, ALLOWED).setCheckState(Qt.CheckState.Checked)
    qtbot.waitUntil(lambda: (c := perms.get("Cursor")) is not None and c.allowed, timeout=10_000)

    box.log_button.click()
    qtbot.waitUntil(lambda: box.log.rowCount() == 1, timeout=10_000)
    assert [box.log.item(0, c).text() for c in (1, 2, 3, 4)] == ["Claude Desktop", "search",
                                                                "the quarterly report", "ok"]

    box.table.selectRow(0)
    box.revoke_button.click()
    qtbot.waitUntil(lambda: box.table.rowCount() == 1, timeout=10_000)
    assert perms.get("Claude Desktop") is None and box.client_at(0) == "Cursor"
