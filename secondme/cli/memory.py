"""``secondme remember | recall | forget | pin | import | memories``: the memory engine."""

from __future__ import annotations

import argparse
import dataclasses
import sys
from datetime import datetime
from typing import Any

from secondme.cli.common import opened, parse_date, print_json
from secondme.cli.exit_codes import ExitCode
from secondme.errors import UserError
from secondme.results import HL_END, HL_START


def register(sub: Any, parent: argparse.ArgumentParser) -> None:
    """Add ``remember``, ``recall``, ``forget``, ``pin``, ``import`` and ``memories`` to the command line."""
    p = sub.add_parser("remember", parents=[parent], help="remember something you say")
    p.add_argument("text")
    p.add_argument("--at", help="when it happened (YYYY-MM-DD or ISO time; default now)")
    p.add_argument("--source", help="group it under a source, to forget together later")
    p.set_defaults(func=cmd_remember)

    p = sub.add_parser("recall", parents=[parent], help="recall memories and notes")
    p.add_argument("query")
    p.add_argument("-k", type=int, default=10)
    p.add_argument("--when", help="the question's own date, for 'last week' and the like")
    p.add_argument("--faded", action="store_true", help="include faded memories")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_recall)

    p = sub.add_parser("forget", parents=[parent], help="delete a memory, or everything from a source")
    g = p.add_mutually_exclusive_group(required=True)
    g.add_argument("id", nargs="?", type=int, help="a memory id (see 'recall --json' or 'memories')")
    g.add_argument("--source", help='a source, e.g. "conversation:<id>"')
    p.set_defaults(func=cmd_forget)

    p = sub.add_parser("pin", parents=[parent], help="pin a memory so it never fades")
    p.add_argument("id", type=int)
    p.add_argument("--unpin", action="store_true")
    p.set_defaults(func=cmd_pin)

    from secondme.importers import IMPORTERS

    p = sub.add_parser("import", parents=[parent], help="import chats, e-mail and calendars from their exports")
    isub = p.add_subparsers(dest="import_cmd", metavar="KIND", required=True)
    for spec in IMPORTERS.values():
        m = isub.add_parser(spec.kind, parents=[parent], help=spec.help)
        m.add_argument("file", metavar="FOLDER" if spec.folder else "FILE")
        m.add_argument("--json", action="store_true", help="print the report as JSON")
        m.set_defaults(func=cmd_import, importer=spec.kind)

    p = sub.add_parser("memories", parents=[parent], help="list, consolidate or decay memories")
    msub = p.add_subparsers(dest="memories_cmd", metavar="ACTION", required=True)
    ls = msub.add_parser("list", parents=[parent], help="memories, newest first")
    ls.add_argument("--kind")
    ls.add_argument("--state", choices=["active", "faded", "superseded"])
    ls.add_argument("--limit", type=int, default=50)
    ls.add_argument("--json", action="store_true")
    ls.set_defaults(func=cmd_list)
    co = msub.add_parser("consolidate", parents=[parent], help="facts, episodes and links for what is new")
    co.add_argument("--json", action="store_true")
    co.set_defaults(func=cmd_consolidate)
    de = msub.add_parser("decay", parents=[parent], help="fade memories not recalled for a long time")
    de.add_argument("--json", action="store_true")
    de.set_defaults(func=cmd_decay)


def cmd_remember(args: argparse.Namespace) -> int:
    """``secondme remember``: store something you say as a memory."""
    with opened(args) as ctx:
        mid = ctx.memory.remember(args.text, parse_date(args.at), args.source)
        print(f"remembered (memory {mid})")
    return ExitCode.OK


def cmd_recall(args: argparse.Namespace) -> int:
    """``secondme recall``: the memories and notes that best match a query."""
    if args.k < 1:
        raise UserError("-k must be at least 1")
    with opened(args) as ctx:
        hits = ctx.memory.recall(args.query, k=args.k, when=parse_date(args.when), include_faded=args.faded)
        if args.json:
            print_json([dataclasses.asdict(h) for h in hits])
            return ExitCode.OK
        hl = ("\x1b[1m", "\x1b[0m") if sys.stdout.isatty() else ("", "")
        for i, h in enumerate(hits, 1):
            when = datetime.fromtimestamp(h.date).strftime("%Y-%m-%d") if h.date else ""
            where = h.path or h.kind
            print(f"{i}. [{h.id}] {h.title}  ({where}{', ' + when if when else ''})")
            print("   " + h.snippet.replace(HL_START, hl[0]).replace(HL_END, hl[1]))
        if not hits:
            print("nothing found in your memory")
    return ExitCode.OK


def cmd_forget(args: argparse.Namespace) -> int:
    """``secondme forget``: delete one memory by id, or every memory of a source."""
    with opened(args) as ctx:
        n = ctx.memory.forget(args.source if args.source else int(args.id))
        if n == 0:
            raise UserError("no such memory or source")
        print(f"forgot {n} memor{'y' if n == 1 else 'ies'}")
    return ExitCode.OK


def cmd_pin(args: argparse.Namespace) -> int:
    """``secondme pin``: keep a memory from ever fading (``--unpin`` undoes it)."""
    with opened(args) as ctx:
        ctx.memory.pin(args.id, not args.unpin)
        print("unpinned" if args.unpin else "pinned: it will not fade")
    return ExitCode.OK


def cmd_import(args: argparse.Namespace) -> int:
    """``secondme import``: read a chat, e-mail or calendar export into memories;
    report what was added and skipped."""
    with opened(args) as ctx:
        shown = [False]

        def show(done: int, total: int) -> None:
            if not args.json and sys.stderr.isatty():
                shown[0] = True
                print(f"\rreading: {done}/{total or '?'}", end="", file=sys.stderr)

        report = ctx.memory.import_file(args.importer, args.file, progress=show)
        if shown[0]:
            print(file=sys.stderr)
        if args.json:
            print_json(report.as_dict())
            return ExitCode.OK
        print(report.summary())
        for reason, n in report.skipped.items():
            print(f"  skipped {n}: {reason}")
        many = len(report.conversations) > 10
        for c in report.conversations[:10]:
            name = c.title or c.conversation
            print(f"  {name}: {c.added} new of {c.read}")
        if many:
            print(f"  … and {len(report.conversations) - 10} more conversations (--json lists them all)")
    return ExitCode.OK


def cmd_list(args: argparse.Namespace) -> int:
    """``secondme memories list``: memories, newest first, filtered by kind and state."""
    with opened(args) as ctx:
        rows = ctx.memory.memories(kind=args.kind, state=args.state, limit=args.limit)
        if args.json:
            print_json([dataclasses.asdict(r) for r in rows])
            return ExitCode.OK
        for r in rows:
            when = datetime.fromtimestamp(r.event_time).strftime("%Y-%m-%d") if r.event_time else ""
            flags = " pinned" if r.pinned else ""
            text = " ".join(r.text.split())
            print(f"[{r.id}] {when} {r.kind}/{r.state}{flags} S={r.strength:g} R={r.retention:.2f}  "
                  f"{text[:100]}")
    return ExitCode.OK


def cmd_consolidate(args: argparse.Namespace) -> int:
    """``secondme memories consolidate``: derive facts, episodes and links for
    new memories now, with progress."""
    with opened(args) as ctx:
        def show(step: str, done: int, total: int) -> None:
            if not args.json and sys.stderr.isatty():
                print(f"\r{step}: {done}/{total or '?'}", end="", file=sys.stderr)

        res = ctx.memory.consolidate(progress=show)
        if sys.stderr.isatty() and not args.json:
            print(file=sys.stderr)
        print_json(res) if args.json else print(", ".join(f"{k} {v}" for k, v in res.items()))
    return ExitCode.OK


def cmd_decay(args: argparse.Namespace) -> int:
    """``secondme memories decay``: fade memories not recalled for a long time; prints the counts."""
    with opened(args) as ctx:
        res = ctx.memory.decay()
        print_json(res) if args.json else print(", ".join(f"{k} {v}" for k, v in res.items()))
    return ExitCode.OK
