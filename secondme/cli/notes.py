"""``secondme folders | index | watch | search``."""

from __future__ import annotations

import argparse
import dataclasses
import sys
import threading
import time
from typing import Any

from secondme.cli.common import open_context, opened, parse_date, print_json
from secondme.cli.exit_codes import ExitCode
from secondme.errors import DiskFull
from secondme.ingest.registry import FORMATS
from secondme.results import HL_END, HL_START, SearchFilters


def register(sub: Any, parent: argparse.ArgumentParser) -> None:
    """Add ``folders``, ``index``, ``watch`` and ``search`` to the command line."""
    p = sub.add_parser("folders", parents=[parent], help="watched notes folders")
    fs = p.add_subparsers(dest="folders_cmd", metavar="ACTION", required=True)
    a = fs.add_parser("add", parents=[parent], help="watch a folder")
    a.add_argument("path")
    a.set_defaults(func=cmd_folders_add)
    r = fs.add_parser("remove", parents=[parent], help="stop watching a folder and forget its notes")
    r.add_argument("path")
    r.set_defaults(func=cmd_folders_remove)
    ls = fs.add_parser("list", parents=[parent], help="watched folders and their status")
    ls.add_argument("--json", action="store_true")
    ls.set_defaults(func=cmd_folders_list)

    p = sub.add_parser("index", parents=[parent], help="index the watched folders once, then exit")
    p.add_argument("action", nargs="?", choices=["run", "status"], default="run")
    p.add_argument("--wait", action="store_true", help="wait until everything is indexed (default)")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_index)

    p = sub.add_parser("watch", parents=[parent], help="keep watching the folders until interrupted")
    p.set_defaults(func=cmd_watch)

    p = sub.add_parser("search", parents=[parent], help="search notes and memories")
    p.add_argument("query")
    p.add_argument("-k", type=int, default=10)
    p.add_argument("--folder")
    p.add_argument("--type", dest="file_type", action="append", default=[],
                   help=f"only this note format ({', '.join(f.name for f in FORMATS)}) or 'memory'; repeatable")
    p.add_argument("--since", help="YYYY-MM-DD")
    p.add_argument("--until", help="YYYY-MM-DD")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_search)


def cmd_folders_add(args: argparse.Namespace) -> int:
    """``secondme folders add``: watch a folder; it is indexed by ``secondme index`` or the app."""
    with opened(args) as ctx:
        st = ctx.notes.add_folder(args.path, index=False)
        print(f"watching {st.path}; run 'secondme index' or start the app to index it")
    return ExitCode.OK


def cmd_folders_remove(args: argparse.Namespace) -> int:
    """``secondme folders remove``: stop watching a folder and forget its notes (the files stay)."""
    with opened(args) as ctx:
        ctx.notes.remove_folder(args.path)
        print("removed; its notes were removed from Second Me (the files are untouched)")
    return ExitCode.OK


def cmd_folders_list(args: argparse.Namespace) -> int:
    """``secondme folders list``: each watched folder with its note, chunk and failure counts."""
    with opened(args) as ctx:
        rows = ctx.notes.folders()
        if args.json:
            print_json([dataclasses.asdict(r) for r in rows])
        else:
            for r in rows:
                print(f"{r.path}\t{r.documents} notes\t{r.chunks} chunks\t{r.failed} failed")
    return ExitCode.OK


def _status(ctx: Any) -> dict[str, Any]:
    p = ctx.notes.progress()
    return {"progress": dataclasses.asdict(p),
            "folders": [dataclasses.asdict(f) for f in ctx.notes.folders()],
            "failed": [dataclasses.asdict(f) for f in ctx.notes.failed_files()]}


def cmd_index(args: argparse.Namespace) -> int:
    """``secondme index``: bring the index up to date and report what changed, or (``status``) what is
    indexed. Raises :class:`DiskFull` when indexing stops for want of space."""
    with opened(args) as ctx:
        if args.action == "status":
            data = _status(ctx)
            if args.json:
                print_json(data)
            else:
                for f in data["folders"]:
                    print(f"{f['path']}: {f['documents']} notes, {f['chunks']} chunks, {f['failed']} failed")
            return ExitCode.OK
        queued = ctx.notes.reindex()
        t0 = time.monotonic()
        last = 0.0
        while not ctx.notes.wait_indexed(timeout=0.5):
            if (waiting := ctx.notes.progress().error) is not None:
                # The queue is kept for the app (it resumes once there is space); a one-pass
                # command stops and says why.
                raise DiskFull(f"indexing stopped: {waiting}")
            if not args.json and sys.stderr.isatty() and time.monotonic() - last > 1:
                p = ctx.notes.progress()
                print(f"\rindexing: {p.done} done, {p.failed} failed, {p.queued} queued; "
                      f"{p.semantic_done} of {p.semantic_total} notes embedded", end="", file=sys.stderr)
                last = time.monotonic()
        data = _status(ctx)
        data["seconds"] = round(time.monotonic() - t0, 2)
        data["queued"] = queued
        if args.json:
            print_json(data)
        else:
            p = data["progress"]
            print(f"indexed: {p['done']} updated, {p['skipped']} unchanged or ignored, "
                  f"{p['failed']} failed, in {data['seconds']} s")
            for f in data["failed"]:
                print(f"  failed: {f['path']}: {f['reason']}")
    return ExitCode.OK


def cmd_watch(args: argparse.Namespace) -> int:
    """``secondme watch``: index folder changes as they happen until Ctrl+C or a signal."""
    ctx = open_context(args)
    stop = threading.Event()
    # SIGTERM/SIGHUP arrive as ``Terminated`` (a KeyboardInterrupt; see secondme.cli.main).
    try:
        ctx.notes.start_watching()
        print("watching; press Ctrl+C to stop", file=sys.stderr)
        while not stop.wait(1.0):
            pass
    except KeyboardInterrupt:
        pass
    finally:
        ctx.close()
    return ExitCode.OK


def semantic_notice(ctx: Any) -> str | None:
    """What search says while phase 2 (embeddings) is still filling in, else None."""
    p = ctx.notes.progress()
    if p.semantic_complete:
        return None
    return f"semantic results still incomplete: {p.semantic_done} of {p.semantic_total} notes"


def cmd_search(args: argparse.Namespace) -> int:
    """``secondme search``: search notes and memories; says so when embeddings are still filling in."""
    with opened(args) as ctx:
        # Keyword search covers every stored note at once; embeddings may still be filling in
        # (by the app, or by the next 'secondme index'): say so rather than wait for them.
        ctx.notes.wait_keyword_indexed(timeout=60)
        filters = SearchFilters(folder=args.folder, file_types=tuple(args.file_type),
                                since=parse_date(args.since), until=parse_date(args.until))
        hits = ctx.notes.search(args.query, args.k, filters)
        notice = semantic_notice(ctx)
        if args.json:
            print_json([dataclasses.asdict(h) for h in hits])
            if notice:
                print(notice, file=sys.stderr)
            return ExitCode.OK
        tty = sys.stdout.isatty()
        hl = ("\x1b[1m", "\x1b[0m") if tty else ("[", "]")
        for i, h in enumerate(hits, 1):
            where = h.path or h.kind
            lines = f":{h.line_start}" if h.line_start else ""
            print(f"{i}. {h.title}  ({where}{lines})")
            print("   " + h.snippet.replace(HL_START, hl[0]).replace(HL_END, hl[1]))
        if not hits:
            print("no results")
        if notice:
            print(notice)
    return ExitCode.OK
