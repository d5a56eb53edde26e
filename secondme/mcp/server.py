"""The MCP server over stdio (the official ``mcp`` SDK's low-level server).

Clients (Claude Desktop, editors, agents) start ``secondme mcp`` as a subprocess and speak
JSON-RPC lines over its stdin and stdout. The calls go to a :class:`Backend`: the running app
(:class:`AppBackend`, the default: the person stays in control, lock the app and tools get
nothing) or a vault this process opened itself (:class:`LocalBackend`, ``--unlock``).

The wire is ours from the start: :func:`claim_stdio` moves the process's own stdin and stdout
aside before anything else runs, so nothing a library or a child process prints can corrupt
the protocol, and a line that is not JSON-RPC gets a JSON-RPC error back (and a note on
stderr) instead of being dropped in silence.
"""

from __future__ import annotations

import json
import logging
import os
import sys
import threading
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO, Protocol

import anyio
import mcp_types as types
from mcp.server.lowlevel import Server
from mcp.server.stdio import stdio_server

from secondme import __version__
from secondme.app_channel import AppNotRunning, request
from secondme.errors import UserError
from secondme.mcp.permissions import clean_name
from secondme.mcp.service import RESOURCES, McpService

log = logging.getLogger("secondme.mcp")

MAX_LINE = 4 * 1024 * 1024
# A forwarded search may wait behind the app's own work (an index replay after unlock).
APP_TIMEOUT = 60.0
# Connecting waits this long at most for the app to note a new tool (it asks the person then).
HELLO_TIMEOUT = 3.0

INSTRUCTIONS = (
    "Second Me is the person's private, local memory: their notes and what they told Second Me. "
    "Use 'search' to find notes and memories, 'recall' for memories about a topic or time, "
    "'profile_fill' to get a profile value (name, email, address…) for a form field, and "
    "'remember' to store something the person asked you to remember (when they allowed it). "
    "Every result carries its source: cite it. Every call is kept in the person's audit log."
)

_QUERY = {"type": "string", "description": "what to look for, in the person's words"}
_K = {"type": "integer", "minimum": 1, "maximum": 50, "default": 10, "description": "how many results"}
TOOL_LIST: list[types.Tool] = [
    types.Tool(
        name="search",
        description="Search the person's notes and memories (hybrid keyword and meaning search). Each "
                    "result has a snippet, a date and its source: the note's path and lines, or the "
                    "memory's id.",
        input_schema={"type": "object", "properties": {
            "query": _QUERY, "k": _K,
            "kinds": {"type": "array", "items": {"type": "string"},
                      "description": "only these kinds: \"chunk\" (notes), \"message\", \"fact\", \"episode\"…"}},
            "required": ["query"]},
    ),
    types.Tool(
        name="recall",
        description="Recall the person's memories (what they said, facts, episodes) for a question; time "
                    "phrases such as 'last week' are understood. Results carry the memory id and date.",
        input_schema={"type": "object", "properties": {"query": _QUERY, "k": _K}, "required": ["query"]},
    ),
    types.Tool(
        name="profile_fill",
        description="The person's value for a form field from their profile, with its provenance. Give "
                    "the field's label ('Email address', 'Postcode') or a description with label, name, "
                    "autocomplete, placeholder, type. Sensitive fields (identity numbers, health, "
                    "finance) are refused unless the person allowed them for this tool.",
        input_schema={"type": "object", "properties": {
            "field": {"anyOf": [
                {"type": "string"},
                {"type": "object", "properties": {k: {"type": "string"} for k in (
                    "label", "placeholder", "name", "id", "autocomplete", "type", "section")}}]},
        }, "required": ["field"]},
    ),
    types.Tool(
        name="remember",
        description="Store something the person wants remembered, as a new memory dated now. Only works "
                    "when the person enabled remembering for this tool.",
        input_schema={"type": "object", "properties": {
            "text": {"type": "string", "description": "what to remember, in a sentence"}}, "required": ["text"]},
    ),
]


class Backend(Protocol):
    """Where calls are answered; both answer with :class:`McpService`'s dicts."""

    def call(self, client: str, tool: str, arguments: dict[str, Any]) -> dict[str, Any]:
        """Run ``tool`` for ``client``; an answer dict, never an exception for the caller's mistakes."""

    def read(self, client: str, uri: str) -> dict[str, Any]:
        """Read resource ``uri`` for ``client``."""

    def hello(self, client: str) -> dict[str, Any]:
        """``client`` connected: note it, so the person is asked about it before its first call."""


class LocalBackend:
    """A vault this process unlocked itself (``--unlock``)."""

    def __init__(self, service: McpService) -> None:
        """Calls go straight to ``service`` in this process."""
        self.service = service

    def call(self, client: str, tool: str, arguments: dict[str, Any]) -> dict[str, Any]:
        """Run the tool on this process's service."""
        return self.service.call(client, tool, arguments)

    def read(self, client: str, uri: str) -> dict[str, Any]:
        """Read the resource from this process's service."""
        return self.service.read(client, uri)

    def hello(self, client: str) -> dict[str, Any]:
        """Note the client on this process's service."""
        return self.service.hello(client)


class FailedBackend:
    """Answers every call with why Second Me cannot answer (e.g. the passphrase was wrong), so
    the person reads the reason in their tool instead of a server that vanished."""

    def __init__(self, message: str) -> None:
        """``message`` is the answer's error for every call."""
        self.message = message

    def call(self, client: str, tool: str, arguments: dict[str, Any]) -> dict[str, Any]:
        """An error answer with the reason Second Me could not open."""
        return {"ok": False, "refused": False, "error": self.message}

    def read(self, client: str, uri: str) -> dict[str, Any]:
        """The same error answer as :meth:`call`."""
        return self.call(client, uri, {})

    def hello(self, client: str) -> dict[str, Any]:
        """The same error answer as :meth:`call`."""
        return self.call(client, "hello", {})


class AppBackend:
    """The running, unlocked app for ``data_dir`` (through :mod:`secondme.app_channel`)."""

    def __init__(self, data_dir: Path, *, socket: str | None = None, timeout: float = APP_TIMEOUT) -> None:
        """Requests go to the app's channel for ``data_dir`` (``socket`` overrides its name),
        waiting at most ``timeout`` seconds."""
        self.data_dir = data_dir
        self._socket = socket
        self._timeout = timeout

    def _ask(self, cmd: str, args: dict[str, Any], timeout: float | None = None) -> dict[str, Any]:
        try:
            reply = request(self.data_dir, cmd, args, timeout=timeout or self._timeout, name=self._socket)
        except AppNotRunning as exc:
            return {"ok": False, "refused": False,
                    "error": f"{exc} (Or configure this tool to run 'secondme mcp --unlock' for use "
                             f"without the app.)"}
        except UserError as exc:
            return {"ok": False, "refused": False, "error": str(exc)}
        if reply.get("error", "").startswith("unknown command"):
            return {"ok": False, "refused": False, "error": "the running Second Me app is too old to answer "
                                                              "MCP calls: update and restart it"}
        return reply

    def call(self, client: str, tool: str, arguments: dict[str, Any]) -> dict[str, Any]:
        """Ask the app to run the tool; an error answer when it is not running, is too old or fails."""
        return self._ask("mcp.call", {"client": client, "tool": tool, "arguments": arguments})

    def read(self, client: str, uri: str) -> dict[str, Any]:
        """Ask the app to read the resource; an error answer when it cannot."""
        return self._ask("mcp.read", {"client": client, "uri": uri})

    def hello(self, client: str) -> dict[str, Any]:
        """Tell the app the client connected; waits only a few seconds so the tool's start is not held up."""
        return self._ask("mcp.hello", {"client": client}, timeout=HELLO_TIMEOUT)


# --- the MCP server ---------------------------------------------------------------------------------
def _client_name(ctx: Any, override: str | None) -> str:
    """The client's name: ``--client`` when given, else the ``clientInfo.name`` it sent."""
    if override:
        return clean_name(override)
    params = getattr(ctx.session, "client_params", None)
    info = getattr(params, "client_info", None)
    return clean_name(getattr(info, "name", None))


def _text(data: Any) -> str:
    return json.dumps(data, ensure_ascii=False, indent=1)


def build_server(backend: Backend, client: str | None = None) -> Server[Any]:
    """The low-level MCP server with Second Me's tools and resources, answered by ``backend``."""

    greeted: set[str] = set()

    async def list_tools(ctx: Any, params: types.PaginatedRequestParams | None) -> types.ListToolsResult:
        # Clients list the tools as they connect: the person is asked about a new tool then
        # rather than at its first call. The list never fails for it (the app may be away).
        name = _client_name(ctx, client)
        if name not in greeted:
            greeted.add(name)
            try:
                await anyio.to_thread.run_sync(backend.hello, name)
            except Exception:
                log.debug("telling the backend about the client failed", exc_info=True)
        return types.ListToolsResult(tools=TOOL_LIST)

    async def call_tool(ctx: Any, params: types.CallToolRequestParams) -> types.CallToolResult:
        name = _client_name(ctx, client)
        args = dict(params.arguments or {})
        # The backend blocks (a search, a socket round trip): a worker thread keeps the
        # protocol loop answering pings and cancellations meanwhile.
        reply = await anyio.to_thread.run_sync(backend.call, name, params.name, args)
        if not reply.get("ok"):
            return types.CallToolResult(content=[types.TextContent(type="text", text=str(reply.get("error")))],
                                        is_error=True)
        result = reply.get("result")
        return types.CallToolResult(content=[types.TextContent(type="text", text=_text(result))],
                                    structured_content=result if isinstance(result, dict) else None)

    async def list_resources(ctx: Any, params: types.PaginatedRequestParams | None) -> types.ListResourcesResult:
        return types.ListResourcesResult(resources=[
            types.Resource(uri=uri, name=name, description=desc, mime_type="application/json")
            for uri, (name, desc) in RESOURCES.items()])

    async def read_resource(ctx: Any, params: types.ReadResourceRequestParams) -> types.ReadResourceResult:
        from mcp.shared.exceptions import MCPError

        uri = str(params.uri)
        reply = await anyio.to_thread.run_sync(backend.read, _client_name(ctx, client), uri)
        if not reply.get("ok"):
            # Resources have no is_error result: a JSON-RPC error carries the message.
            raise MCPError(code=types.INVALID_REQUEST if reply.get("refused") else types.INTERNAL_ERROR,
                           message=str(reply.get("error")))
        return types.ReadResourceResult(contents=[
            types.TextResourceContents(uri=uri, mime_type="application/json", text=_text(reply.get("result")))])

    return Server("secondme", version=__version__, title="Second Me", instructions=INSTRUCTIONS,
                  on_list_tools=list_tools, on_call_tool=call_tool,
                  on_list_resources=list_resources, on_read_resource=read_resource)


# --- the wire -------------------------------------------------------------------------------------
@dataclass
class Wire:
    """The protocol's own stdin and stdout, moved off fds 0 and 1 (see :func:`claim_stdio`)."""

    stdin: BinaryIO
    stdout_fd: int


def claim_stdio() -> Wire:
    """Keep private copies of stdin and stdout for the protocol and point fds 0 and 1 at
    /dev/null and stderr: a library's print or a child process (the vector index's) then
    cannot write into the protocol or read a client's message meant for us."""
    wire_in, wire_out = os.dup(0), os.dup(1)  # not inherited by children (PEP 446)
    null = os.open(os.devnull, os.O_RDONLY)
    try:
        os.dup2(null, 0)
    finally:
        os.close(null)
    os.dup2(2, 1)
    return Wire(os.fdopen(wire_in, "rb", buffering=1 << 16), wire_out)


class _Out:
    """The protocol's stdout: each line is written whole under a lock, so an error reply for a
    garbage line and the SDK's replies never interleave."""

    def __init__(self, fd: int) -> None:
        self._fd = fd
        self._lock = threading.Lock()

    def write_line(self, text: str) -> None:
        data = text.encode("utf-8")
        with self._lock:
            while data:
                data = data[os.write(self._fd, data):]

    async def write(self, text: str) -> None:
        await anyio.to_thread.run_sync(self.write_line, text)

    async def flush(self) -> None:
        return None


def _problem(line: bytes) -> tuple[int, Any, str] | None:
    """None for a valid JSON-RPC message, else (error code, id to answer, message)."""
    try:
        types.jsonrpc_message_adapter.validate_json(line, by_name=False)
        return None
    except ValueError:
        pass
    try:
        data = json.loads(line)
    except ValueError:
        return types.PARSE_ERROR, None, "Parse error: the line is not JSON (one JSON-RPC message per line)"
    rid = data.get("id") if isinstance(data, dict) else None
    rid = rid if isinstance(rid, (str, int)) and not isinstance(rid, bool) else None
    return types.INVALID_REQUEST, rid, "Invalid Request: not a JSON-RPC 2.0 message"


class _Lines:
    """The protocol's stdin as the SDK reads it (``async for line``): valid messages pass; a
    line that is not one is answered with a JSON-RPC error and a note on stderr, and the server
    keeps serving."""

    def __init__(self, stdin: BinaryIO, out: _Out) -> None:
        self._in = stdin
        self._out = out
        self.rejected = 0

    def __aiter__(self) -> AsyncIterator[str]:
        return self

    def _readline(self) -> bytes | None:
        line = self._in.readline(MAX_LINE + 1)
        if len(line) > MAX_LINE and not line.endswith(b"\n"):
            while True:  # the rest of an oversized line is dropped, not parsed as messages
                rest = self._in.readline(MAX_LINE)
                if not rest or rest.endswith(b"\n"):
                    break
            return None
        return line

    async def __anext__(self) -> str:
        while True:
            line = await anyio.to_thread.run_sync(self._readline, abandon_on_cancel=True)
            if line is None:
                self._reject(types.INVALID_REQUEST, None, f"Invalid Request: a message longer than {MAX_LINE} bytes")
                continue
            if not line:
                raise StopAsyncIteration
            if not line.strip():
                continue
            problem = _problem(line)
            if problem is None:
                return line.decode("utf-8", "replace")
            self._reject(*problem)

    def _reject(self, code: int, rid: Any, message: str) -> None:
        self.rejected += 1
        print(f"secondme mcp: ignored a line on stdin: {message}", file=sys.stderr, flush=True)
        self._out.write_line(json.dumps({"jsonrpc": "2.0", "id": rid,
                                         "error": {"code": code, "message": message}}) + "\n")


async def serve(backend: Backend, wire: Wire, client: str | None = None) -> None:
    """Serve one client over ``wire`` until it closes stdin."""
    server = build_server(backend, client)
    out = _Out(wire.stdout_fd)
    lines = _Lines(wire.stdin, out)
    async with stdio_server(stdin=lines, stdout=out) as (read_stream, write_stream):  # type: ignore[arg-type]
        await server.run(read_stream, write_stream, server.create_initialization_options())
