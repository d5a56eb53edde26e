"""``secondme mcp``: the MCP server for other tools, and the person's control over it.

``secondme mcp`` serves over stdio through the running app; ``--unlock`` opens the vault in
this process instead (headless). ``allow``, ``deny``, ``revoke`` and ``clients`` manage which
tools may do what; ``log`` reads the audit log of their calls.
"""

from __future__ import annotations

import argparse
import sys
import time
from typing import Any

from secondme.cli.common import open_context, opened, print_json
from secondme.cli.exit_codes import ExitCode
from secondme.errors import UserError


def register(sub: Any, parent: argparse.ArgumentParser) -> None:
    """Add ``mcp`` (serve over stdio) and its access commands to the command line."""
    p = sub.add_parser("mcp", parents=[parent],
                       help="serve your memory to other tools over MCP (stdio); manage their access")
    p.add_argument("--unlock", action="store_true",
                   help="open the vault in this process (headless: passphrase from SECONDME_PASSPHRASE or "
                        "--passphrase-stdin, or the keyring) instead of asking the running app")
    p.add_argument("--client", default=None, metavar="NAME",
                   help="the name this tool is known by in Second Me (default: the name it sends)")
    p.set_defaults(func=cmd_serve)
    psub = p.add_subparsers(dest="mcp_cmd", metavar="ACTION")
    a = psub.add_parser("allow", parents=[parent], help="allow a tool to read your memory")
    a.add_argument("client", help="the tool's name, as 'secondme mcp clients' shows it")
    a.add_argument("--remember", action="store_true", help="also let it add memories")
    a.add_argument("--sensitive", action="store_true",
                   help="also let it read sensitive profile fields (identity numbers, health, finance)")
    a.set_defaults(func=cmd_allow)
    d = psub.add_parser("deny", parents=[parent], help="refuse a tool (it stays listed as refused)")
    d.add_argument("client")
    d.set_defaults(func=cmd_deny)
    r = psub.add_parser("revoke", parents=[parent], help="forget a tool and its permissions")
    r.add_argument("client")
    r.set_defaults(func=cmd_revoke)
    c = psub.add_parser("clients", parents=[parent], help="the tools that connected and what each may do")
    c.add_argument("--json", action="store_true")
    c.set_defaults(func=cmd_clients)
    lg = psub.add_parser("log", parents=[parent], help="the audit log of the tools' calls")
    lg.add_argument("--client", dest="log_client", default=None, metavar="NAME", help="only this tool's calls")
    lg.add_argument("-n", "--limit", type=int, default=50)
    lg.add_argument("--json", action="store_true")
    lg.set_defaults(func=cmd_log)


def cmd_serve(args: argparse.Namespace) -> int:
    """``secondme mcp``: serve memory over MCP on stdio, through the running app or, with ``--unlock``,
    this process. A failed unlock keeps serving and reports the reason on every call."""
    import anyio

    from secondme.mcp import server as srv

    # First of all: nothing else may read the client's messages or write into the protocol.
    wire = srv.claim_stdio()
    ctx = None
    backend: srv.Backend
    if getattr(args, "unlock", False):
        if getattr(args, "passphrase_stdin", False):
            # The passphrase is the first line of the wire; the client's messages follow it.
            args._passphrase = wire.stdin.readline().decode("utf-8", "replace").rstrip("\r\n")
        try:
            ctx = open_context(args)
        except UserError as exc:
            # The process keeps serving: the tool shows the reason on every call, which the
            # person sees, instead of a server that vanished at start.
            msg = f"Second Me could not open your data: {exc}"
            print(f"secondme mcp: {msg}", file=sys.stderr, flush=True)
            backend = srv.FailedBackend(msg)
        else:
            from secondme.mcp.service import McpService

            backend = srv.LocalBackend(McpService(ctx))
    else:
        from secondme.paths import Paths

        backend = srv.AppBackend(Paths.at(args.data_dir).root)
    try:
        anyio.run(srv.serve, backend, wire, args.client)
    finally:
        if ctx is not None:
            ctx.close()
    return ExitCode.OK


def _permissions(ctx: Any) -> Any:
    from secondme.mcp.permissions import Permissions

    return Permissions(ctx.get_private, ctx.set_private)


def cmd_allow(args: argparse.Namespace) -> int:
    """``secondme mcp allow``: let a tool read your memory (and, when asked, add
    memories or read sensitive fields)."""
    with opened(args, indexes=False) as ctx:
        c = _permissions(ctx).set(args.client, allowed=True, remember=bool(args.remember),
                                  sensitive=bool(args.sensitive))
    extras = [w for w, on in (("add memories", c.remember), ("read sensitive fields", c.sensitive)) if on]
    print(f"allowed {c.name!r} to read your memory" + (f" and {' and '.join(extras)}" if extras else ""))
    return ExitCode.OK


def cmd_deny(args: argparse.Namespace) -> int:
    """``secondme mcp deny``: refuse a tool; it stays listed as refused until it is allowed."""
    with opened(args, indexes=False) as ctx:
        c = _permissions(ctx).set(args.client, allowed=False, remember=False, sensitive=False)
    print(f"refused {c.name!r}: its calls are refused until you allow it")
    return ExitCode.OK


def cmd_revoke(args: argparse.Namespace) -> int:
    """``secondme mcp revoke``: forget a tool and its permissions, so it is asked about again. Raises
    :class:`UserError` for an unknown name."""
    with opened(args, indexes=False) as ctx:
        if not _permissions(ctx).revoke(args.client):
            raise UserError(f"no MCP client named {args.client!r} (see 'secondme mcp clients')")
    print(f"revoked {args.client!r}: it is asked about again if it connects")
    return ExitCode.OK


def _when(t: float | None) -> str:
    return time.strftime("%Y-%m-%d %H:%M", time.localtime(t)) if t else "-"


def cmd_clients(args: argparse.Namespace) -> int:
    """``secondme mcp clients``: the tools that have connected and what each may do."""
    with opened(args, indexes=False) as ctx:
        clients = _permissions(ctx).all()
    if args.json:
        print_json([c.to_dict() for c in clients.values()])
        return ExitCode.OK
    if not clients:
        print("No tool has connected yet.")
    for c in clients.values():
        extras = [w for w, on in (("may remember", c.remember), ("may read sensitive fields", c.sensitive)) if on]
        print(f"{c.name}: {c.state}" + (f" ({', '.join(extras)})" if extras else "")
              + f"; last call {_when(c.last_seen)}")
    return ExitCode.OK


def cmd_log(args: argparse.Namespace) -> int:
    """``secondme mcp log``: the latest calls tools made, optionally for one client."""
    from secondme.mcp import audit

    if args.limit < 1:
        raise UserError("--limit must be at least 1")
    with opened(args, indexes=False) as ctx:
        rows = audit.entries(ctx.store, args.limit, args.log_client)
    if args.json:
        print_json([e.to_dict() for e in rows])
        return ExitCode.OK
    if not rows:
        print("No calls yet.")
    for e in rows:
        q = f" {e.query!r}" if e.query else ""
        detail = f" ({e.detail})" if e.detail else ""
        print(f"{_when(e.at)}  {e.client}  {e.tool}{q}: {e.outcome}{detail}")
    return ExitCode.OK
