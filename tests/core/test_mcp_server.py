"""``secondme mcp`` through the official MCP SDK's own client over stdio.

Each test starts ``python -m secondme mcp`` as a subprocess the way Claude Desktop or an editor
does (``mcp.client.stdio.stdio_client``) on a real data directory with a note, a memory and a
profile, and checks what the person's tool would get back: the tools, the answers with their
sources, the refusals, and what the audit log kept.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any, TypeVar

import anyio
import mcp_types as types
import pytest
from mcp import ClientSession, StdioServerParameters, stdio_client

from secondme.app import build

REPO = Path(__file__).resolve().parents[2]
PASS = "correct horse battery staple"
PASSPORT = "X1234567"
# A query no note or memory contains: it must appear nowhere in the files in plain text.
SECRET_QUERY = "zucchini harvest plans"

pytestmark = [pytest.mark.slow, pytest.mark.timeout(300)]

T = TypeVar("T")


@pytest.fixture(scope="module")
def vault(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A data directory with one note, one memory, a profile, and two allowed tools."""
    root = tmp_path_factory.mktemp("mcp")
    notes = root / "notes"
    notes.mkdir()
    (notes / "garden.md").write_text("# Garden\n\n## Tomatoes\n\nThe cherry tomatoes need water every "
                                     "evening in July.\n", "utf-8")
    data = root / "data"
    ctx = build(str(data), use_keyring=False)
    try:
        ctx.init(PASS)
        ctx.notes.add_folder(str(notes))
        assert ctx.notes.wait_indexed(120)
        ctx.memory.remember("The spare key is under the blue flower pot.", time.time() - 3 * 86400)
        ctx.profile.set_field("email", "ann@example.org")
        ctx.profile.set_field("passport-number", PASSPORT)
        from secondme.mcp.permissions import Permissions

        perms = Permissions(ctx.get_private, ctx.set_private)
        perms.set("reader", allowed=True)
        perms.set("writer", allowed=True, remember=True, sensitive=True)
    finally:
        ctx.close()
    return data


def _env(passphrase: str | None) -> dict[str, str]:
    env = {"PYTHONPATH": str(REPO), "HF_HUB_OFFLINE": "1"}
    if passphrase is not None:
        env["SECONDME_PASSPHRASE"] = passphrase
    return env


def with_client(data: Path, client: str, fn: Callable[[ClientSession], Awaitable[T]], *,
                passphrase: str | None = PASS, args: tuple[str, ...] = ("--unlock",),
                env: dict[str, str] | None = None, errlog: Path | None = None) -> T:
    """Start the server as an MCP client does, initialize as ``client``, run ``fn``."""
    params = StdioServerParameters(command=sys.executable,
                                   args=["-m", "secondme", "--data-dir", str(data), "mcp", *args],
                                   env={**_env(passphrase), **(env or {})}, cwd=str(REPO))

    async def main() -> T:
        with open(errlog or os.devnull, "w", encoding="utf-8") as err:
            async with stdio_client(params, errlog=err) as (read, write):
                info = types.Implementation(name=client, version="1.0")
                async with ClientSession(read, write, client_info=info) as session:
                    with anyio.fail_after(120):
                        await session.initialize()
                        return await fn(session)

    return anyio.run(main)


def _text(result: types.CallToolResult) -> str:
    return "\n".join(c.text for c in result.content if isinstance(c, types.TextContent))


def _cli(data: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "SECONDME_PASSPHRASE"}
    env.update(_env(PASS))
    return subprocess.run([sys.executable, "-m", "secondme", "--data-dir", str(data), "mcp", *args],
                          capture_output=True, text=True, env=env, timeout=120, cwd=str(REPO))


def test_tools_answer_with_their_sources(vault: Path) -> None:
    async def session(s: ClientSession) -> dict[str, Any]:
        out: dict[str, Any] = {"tools": await s.list_tools()}
        out["search"] = await s.call_tool("search", {"query": "when do the tomatoes need water", "k": 5})
        out["recall"] = await s.call_tool("recall", {"query": "where is the spare key"})
        out["email"] = await s.call_tool("profile_fill", {"field": "Email address"})
        out["by_description"] = await s.call_tool("profile_fill", {"field": {"autocomplete": "email",
                                                                             "name": "contact"}})
        out["passport"] = await s.call_tool("profile_fill", {"field": "Passport number"})
        out["remember"] = await s.call_tool("remember", {"text": "I like green tea."})
        out["bad"] = await s.call_tool("search", {"query": ""})
        out["resources"] = await s.list_resources()
        out["bios"] = await s.read_resource("secondme://profile/bios")
        out["shades"] = await s.read_resource("secondme://profile/shades")
        return out

    r = with_client(vault, "reader", session)
    assert {t.name for t in r["tools"].tools} == {"search", "recall", "profile_fill", "remember"}

    search = r["search"]
    assert not search.is_error, _text(search)
    hits = search.structured_content["results"]
    note = next(h for h in hits if h["source"]["type"] == "note")
    assert note["source"]["path"].endswith("garden.md")
    assert note["source"]["lines"][0] >= 1 and "tomatoes need water" in note["snippet"]
    assert note["date"] and note["id"].startswith("note:")
    assert json.loads(_text(search)) == search.structured_content  # the text content says the same

    recall = r["recall"]
    assert not recall.is_error, _text(recall)
    memory = recall.structured_content["results"][0]
    assert "blue flower pot" in memory["snippet"]
    assert memory["source"]["type"] == "memory" and isinstance(memory["source"]["memory_id"], int)
    assert memory["date"] is not None

    email = r["email"].structured_content
    assert (email["value"], email["field"], email["found"]) == ("ann@example.org", "email", True)
    assert email["sources"]  # the profile entry the value came from
    assert r["by_description"].structured_content["value"] == "ann@example.org"

    passport = r["passport"]
    assert passport.is_error and "sensitive" in _text(passport) and PASSPORT not in _text(passport)
    assert r["remember"].is_error and "not add to it" in _text(r["remember"])
    assert r["bad"].is_error and "'query' must be a non-empty string" in _text(r["bad"])

    uris = {str(res.uri) for res in r["resources"].resources}
    assert uris == {"secondme://profile/bios", "secondme://profile/shades"}
    assert "bios" in json.loads(r["bios"].contents[0].text)
    assert "shades" in json.loads(r["shades"].contents[0].text)


def test_remember_and_sensitive_fields_when_the_person_allowed_them(vault: Path) -> None:
    async def session(s: ClientSession) -> dict[str, Any]:
        stored = await s.call_tool("remember", {"text": "My bike lock code is under the saddle sticker."})
        found = await s.call_tool("recall", {"query": "where is the bike lock code", "k": 3})
        passport = await s.call_tool("profile_fill", {"field": "Passport number"})
        return {"stored": stored, "found": found, "passport": passport}

    r = with_client(vault, "writer", session)
    assert not r["stored"].is_error, _text(r["stored"])
    mid = r["stored"].structured_content["memory_id"]
    assert r["found"].structured_content["results"][0]["source"]["memory_id"] == mid
    assert r["passport"].structured_content["value"] == PASSPORT

    # The memory is in the store, attributed to the tool that wrote it.
    ctx = build(str(vault), use_keyring=False, indexes=False)
    ctx.unlock(PASS)
    try:
        row = ctx.store.get("memories", mid)
        assert row is not None and "bike lock" in row["text"] and row["source"] == "mcp:writer"
    finally:
        ctx.close()


def test_a_tool_without_permission_is_refused_until_allowed(vault: Path) -> None:
    async def search(s: ClientSession) -> types.CallToolResult:
        return await s.call_tool("search", {"query": SECRET_QUERY})

    refused = with_client(vault, "stranger", search)
    assert refused.is_error and "'stranger' is not allowed" in _text(refused)
    assert "secondme mcp allow" in _text(refused)

    clients = {c["name"]: c for c in json.loads(_cli(vault, "clients", "--json").stdout)}
    assert clients["stranger"]["state"] == "pending" and clients["reader"]["state"] == "allowed"

    r = _cli(vault, "allow", "stranger")
    assert r.returncode == 0 and "allowed 'stranger'" in r.stdout, r.stderr
    allowed = with_client(vault, "stranger", search)
    assert not allowed.is_error, _text(allowed)

    r = _cli(vault, "deny", "stranger")
    assert r.returncode == 0, r.stderr
    denied = with_client(vault, "stranger", search)
    assert denied.is_error and "You have not allowed 'stranger'" in _text(denied)

    log = json.loads(_cli(vault, "log", "--client", "stranger", "--json").stdout)
    assert [(e["tool"], e["outcome"]) for e in log] == [("search", "refused"), ("search", "ok"), ("search", "refused")]
    assert all(e["query"] == SECRET_QUERY for e in log)
    assert "stranger  search 'zucchini harvest plans': refused" in _cli(vault, "log").stdout
    # The query and the client's name are only kept sealed.
    for f in vault.glob("store.db*"):
        raw = f.read_bytes()
        assert SECRET_QUERY.encode() not in raw and b"stranger" not in raw, f


def test_the_client_flag_names_the_tool(vault: Path) -> None:
    async def search(s: ClientSession) -> types.CallToolResult:
        return await s.call_tool("search", {"query": "tomatoes"})

    # The SDK client says "someone", the configuration names it "reader": "reader" decides.
    r = with_client(vault, "someone", search, args=("--unlock", "--client", "reader"))
    assert not r.is_error, _text(r)


def test_wrong_passphrase_is_a_clear_error(vault: Path, tmp_path: Path) -> None:
    async def session(s: ClientSession) -> tuple[list[str], types.CallToolResult]:
        tools = [t.name for t in (await s.list_tools()).tools]
        return tools, await s.call_tool("search", {"query": "tomatoes"})

    errlog = tmp_path / "stderr.txt"
    tools, r = with_client(vault, "reader", session, passphrase="not the passphrase", errlog=errlog)
    assert "search" in tools  # it still serves, so the tool can show why
    assert r.is_error and "Second Me could not open your data: wrong passphrase" in _text(r)
    assert "wrong passphrase" in errlog.read_text() and "Traceback" not in errlog.read_text()

    _, r = with_client(vault, "reader", session, passphrase=None)
    assert r.is_error and "passphrase" in _text(r) and "SECONDME_PASSPHRASE" in _text(r)


def test_without_unlock_it_needs_the_running_app(vault: Path) -> None:
    async def search(s: ClientSession) -> types.CallToolResult:
        return await s.call_tool("search", {"query": "tomatoes"})

    with tempfile.TemporaryDirectory(prefix="sm-xdg-") as runtime:
        os.chmod(runtime, 0o700)
        r = with_client(vault, "reader", search, args=(), env={"XDG_RUNTIME_DIR": runtime})
    assert r.is_error and "Second Me is not running: start it and unlock it" in _text(r)


def _rpc(proc: subprocess.Popen[bytes], line: bytes) -> dict[str, Any]:
    assert proc.stdin is not None and proc.stdout is not None
    proc.stdin.write(line + b"\n")
    proc.stdin.flush()
    reply: dict[str, Any] = json.loads(proc.stdout.readline())
    return reply


def test_garbage_on_stdin_gets_an_error_and_the_server_keeps_serving(vault: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k != "SECONDME_PASSPHRASE"}
    env.update(_env(PASS))
    with subprocess.Popen([sys.executable, "-m", "secondme", "--data-dir", str(vault), "mcp", "--unlock"],
                          stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                          env=env, cwd=str(REPO)) as proc:
        try:
            _garbage_then_serving(proc)
        finally:
            if proc.poll() is None:
                proc.kill()
                proc.wait()


def _garbage_then_serving(proc: subprocess.Popen[bytes]) -> None:
    r = _rpc(proc, b"this is not json")
    assert r["id"] is None and r["error"]["code"] == -32700 and "not JSON" in r["error"]["message"]
    r = _rpc(proc, b"\xff\xfe\x00 binary")
    assert r["error"]["code"] == -32700
    r = _rpc(proc, b'{"id": 7, "method": 12}')
    assert r["id"] == 7 and r["error"]["code"] == -32600
    init = {"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {
        "protocolVersion": "2025-06-18", "capabilities": {}, "clientInfo": {"name": "reader", "version": "1"}}}
    r = _rpc(proc, json.dumps(init).encode())
    assert r["id"] == 1 and r["result"]["serverInfo"]["name"] == "secondme"
    assert proc.stdin is not None
    proc.stdin.write(b'{"jsonrpc": "2.0", "method": "notifications/initialized"}\n')
    r = _rpc(proc, b"[1, 2, 3]")
    assert r["error"]["code"] == -32600
    call = {"jsonrpc": "2.0", "id": 2, "method": "tools/call",
            "params": {"name": "search", "arguments": {"query": "tomatoes"}}}
    r = _rpc(proc, json.dumps(call).encode())
    assert r["id"] == 2 and not r["result"].get("isError"), r
    assert "garden.md" in r["result"]["content"][0]["text"]
    proc.stdin.close()
    assert proc.wait(30) == 0
    assert proc.stderr is not None
    err = proc.stderr.read().decode()
    assert err.count("secondme mcp: ignored a line on stdin") == 4 and "Traceback" not in err
