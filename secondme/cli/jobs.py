"""``secondme jobs run | status | history``: the nightly pipeline from a terminal."""

from __future__ import annotations

import argparse
import signal
import sys
import threading
from datetime import datetime
from types import FrameType
from typing import Any

from secondme.cli.common import opened, print_json
from secondme.cli.exit_codes import ExitCode
from secondme.events import Event, EventKind
from secondme.jobs.history import JobStatus
from secondme.jobs.pipeline import JobEvent
from secondme.jobs.runner import StartStatus

EXIT: dict[str, ExitCode] = {
    JobStatus.OK: ExitCode.OK, StartStatus.ALREADY_RUNNING: ExitCode.OK, JobStatus.FAILED: ExitCode.FAILED,
    JobStatus.CANCELLED: ExitCode.INTERRUPTED, JobStatus.INTERRUPTED: ExitCode.FAILED,
}


def register(sub: Any, parent: argparse.ArgumentParser) -> None:
    """Add ``jobs run|status|history`` to the command line."""
    p = sub.add_parser("jobs", parents=[parent], help="the nightly job (consolidation → decay → profile)")
    js = p.add_subparsers(dest="jobs_cmd", metavar="ACTION", required=True)
    r = js.add_parser("run", parents=[parent], help="run the nightly job now and print what changed")
    r.add_argument("--wait", action="store_true",
                   help="if a run is already in progress (e.g. in the app), wait for it and print "
                        "its result instead of returning at once")
    r.add_argument("--json", action="store_true")
    r.set_defaults(func=cmd_run)
    s = js.add_parser("status", parents=[parent], help="schedule, next run, last run, running now")
    s.add_argument("--json", action="store_true")
    s.set_defaults(func=cmd_status)
    h = js.add_parser("history", parents=[parent], help="past runs, most recent first")
    h.add_argument("--limit", type=int, default=20)
    h.add_argument("--json", action="store_true")
    h.set_defaults(func=cmd_history)


def _local(iso: str | None) -> str:
    if not iso:
        return "-"
    return datetime.fromisoformat(iso).astimezone().strftime("%Y-%m-%d %H:%M:%S")


def _changes(changed: dict[str, Any]) -> str:
    parts = []
    for k, v in changed.items():
        if not v:  # zero counts and empty lists say nothing
            continue
        parts.append(f"{k} {v}" if not isinstance(v, (dict, list)) else f"{k} ({len(v)})")
    return ", ".join(parts) or "nothing changed"


def describe_run(run: dict[str, Any]) -> list[str]:
    """Human-readable lines for one run record (``RunRecord.to_dict()``)."""
    dur = f" in {run['duration']:.1f} s" if run.get("duration") is not None else ""
    extra = f", resuming run #{run['resumed_from']}" if run.get("resumed_from") else ""
    lines = [f"run #{run['id']} ({run['trigger']}{extra}) started {_local(run['started_at'])}: "
             f"{run['status']}{dur}"]
    for s in run["steps"]:
        d = f" {s['duration']:.1f} s" if s.get("duration") is not None else ""
        what = _changes(s.get("changed") or {}) if s["status"] == "ok" else s.get("note") or ""
        err = f" — {s['error']}" if s.get("error") else ""
        lines.append(f"  {s['name']}: {s['status']}{d}{' — ' + what if what else ''}{err}")
    if run.get("error") and not any(s.get("error") for s in run["steps"]):
        lines.append(f"  error: {run['error']}")
    return lines


def cmd_run(args: argparse.Namespace) -> int:
    """``secondme jobs run``: run the nightly job now, show its progress and what it
    changed; Ctrl+C cancels it cleanly."""
    with opened(args) as ctx:
        runner = ctx.jobs.runner
        if not args.json:
            ctx.subscribe(_print_progress)
        # Ctrl+C cancels the run cleanly (state recorded as cancelled) instead of killing it.
        prev = signal.getsignal(signal.SIGINT)
        if threading.current_thread() is threading.main_thread():
            def on_sigint(signum: int, frame: FrameType | None) -> None:
                print("\ncancelling…", file=sys.stderr)
                runner.cancel()
            signal.signal(signal.SIGINT, on_sigint)
        try:
            res = runner.run_now(wait=False)
            if res.started:
                while not runner.wait(0.2):
                    pass
                assert res.run_id is not None  # a started run has its id
                run = runner.history.get(res.run_id)
                assert run is not None  # recorded before the run started
                data: dict[str, Any] = {"started": True, "status": run.status, "run": run.to_dict()}
            else:
                data = {"started": False, "status": res.status, "run": None}
                if args.wait and runner.wait_idle():
                    last = runner.history.latest(runner.job)
                    data["run"] = None if last is None else last.to_dict()
                    data["status"] = "already running" if last is None else last.status
        finally:
            if threading.current_thread() is threading.main_thread():
                signal.signal(signal.SIGINT, prev)
        if args.json:
            print_json(data)
        else:
            if not data["started"]:
                print("the nightly job is already running (in the app or another terminal)"
                      + ("; it finished:" if data["run"] else ""))
            if data["run"]:
                print("\n".join(describe_run(data["run"])))
        return EXIT.get(str(data["status"]), ExitCode.FAILED)


def _print_progress(ev: Event) -> None:
    if ev.kind != EventKind.JOB_PROGRESS or not sys.stderr.isatty():
        return
    d = ev.data
    if d.get("event") == JobEvent.STEP and d.get("state") == JobStatus.RUNNING:
        print(f"{d['step']} ({d['index'] + 1}/{d['steps']})…", file=sys.stderr)
    elif d.get("event") == JobEvent.PAUSED:
        print("paused while the computer is in use…", file=sys.stderr)


def cmd_status(args: argparse.Namespace) -> int:
    """``secondme jobs status``: the nightly time, the next run, and the run in progress or the last one."""
    with opened(args, indexes=False) as ctx:
        st = ctx.jobs.status()
        if args.json:
            print_json(st)
            return ExitCode.OK
        print(f"nightly job at {st['nightly_time']} ({st['timezone']}); next run {_local(st['next_run'])}")
        if st["running"]:
            where = " in another process" if st["running_elsewhere"] else ""
            print(f"running now{where}" + (" (paused: the computer is in use)" if st["paused"] else ""))
        if st["catch_up_due"]:
            print("a missed run is owed: it runs at the app's next start")
        print("last run: " + ("never" if st["last_run"] is None else
                              f"{_local(st['last_run']['started_at'])}, {st['last_run']['status']}"))
    return ExitCode.OK


def cmd_history(args: argparse.Namespace) -> int:
    """``secondme jobs history``: the latest runs, each with its steps' outcomes."""
    with opened(args, indexes=False) as ctx:
        runs = ctx.jobs.history(args.limit)
        if args.json:
            print_json(runs)
        elif not runs:
            print("no job has run yet")
        else:
            for r in runs:
                print("\n".join(describe_run(r)))
    return ExitCode.OK
