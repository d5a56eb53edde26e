"""Jobs across processes: single flight, SIGKILL mid-pipeline then restart, the CLI."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from datetime import datetime
from pathlib import Path
from typing import IO, Any

import pytest

from secondme.app import SecondMe
from secondme.cli.main import main
from secondme.jobs import FakeClock, JobRunner, RunLock
from secondme.jobs.runner import ALREADY_RUNNING
from secondme.paths import Paths
from secondme.settings import Settings
from secondme.vault import Vault
from tests.core.test_jobs_runner import PARIS, executions, items, three_steps, wait_for

REPO = Path(__file__).resolve().parents[2]
PASS = "correct horse battery staple"

# A second app process running the pipeline. Its "decay" step prints "mid" after writing
# ``mid_at`` items and then blocks until stdin closes (or forever, until SIGKILL).
CHILD = r"""
import sys, threading
from datetime import datetime
from zoneinfo import ZoneInfo
from secondme.app import SecondMe
from secondme.cli.main import main
from secondme.jobs import FakeClock, JobRunner
from secondme.paths import Paths
from secondme.settings import Settings
from secondme.vault import Vault
from tests.core.test_jobs_runner import three_steps

data_dir, passphrase, mid_at = sys.argv[1], sys.argv[2], int(sys.argv[3])
paths = Paths.at(data_dir)
ctx = SecondMe(paths, Settings(), Vault(paths.vault_file, None))
ctx.unlock(passphrase)

def each(i, cancel):
    if i == mid_at:
        print("mid", flush=True)
        sys.stdin.read()

clock = FakeClock(datetime(2024, 6, 10, 9, 0, tzinfo=ZoneInfo("Europe/Paris")))
runner = JobRunner(ctx.store, steps=lambda: three_steps(ctx.store, n=20, decay=each),
                   lock_path=paths.root / "jobs.lock", clock=clock, tz=ZoneInfo("Europe/Paris"))
res = runner.run_now(wait=True)
print("done", res.status, flush=True)
ctx.close()
"""


def env() -> dict[str, str]:
    e = {k: v for k, v in os.environ.items() if k != "SECONDME_PASSPHRASE"}
    e["PYTHONPATH"] = str(REPO)
    return e


def spawn_child(data_dir: Path, tmp_path: Path, mid_at: int) -> subprocess.Popen[str]:
    script = tmp_path / "child.py"
    script.write_text(CHILD)
    proc = subprocess.Popen([sys.executable, str(script), str(data_dir), PASS, str(mid_at)],
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, env=env(), cwd=REPO)
    assert proc.stdout is not None
    line = proc.stdout.readline()
    assert line.strip() == "mid", f"child did not reach the middle of the pipeline: {line!r}"
    return proc


def init_ctx(data_dir: Path) -> SecondMe:
    paths = Paths.at(data_dir)
    ctx = SecondMe(paths, Settings(), Vault(paths.vault_file, None))
    ctx.init(PASS)
    return ctx


def make(ctx: SecondMe, **kw: object) -> JobRunner:
    clock = FakeClock(datetime(2024, 6, 10, 9, 5, tzinfo=PARIS), advance_on_sleep=False)
    return JobRunner(ctx.store, steps=lambda: three_steps(ctx.store, n=20), clock=clock, tz=PARIS,
                     lock_path=ctx.paths.root / "jobs.lock", catch_up_delay=0.0, **kw)  # type: ignore[arg-type]


def test_a_second_process_cannot_start_a_parallel_run(data_dir: Path, tmp_path: Path) -> None:
    ctx = init_ctx(data_dir)
    proc = spawn_child(data_dir, tmp_path, mid_at=5)
    runner = make(ctx)
    try:
        for attempt in (lambda: runner.run_now(wait=True), lambda: runner.run_if_due("catch-up")):
            res = attempt()
            assert not res.started and res.status == ALREADY_RUNNING
        st = runner.status()
        assert st["running"] and st["running_elsewhere"] and st["last_run"]["status"] == "running"
        assert runner.recover() == 0  # the child's live row is left alone
        assert executions(ctx.store, "consolidate") == 1  # only the child's run
    finally:
        stdin: IO[str] | None = proc.stdin
        assert stdin is not None and proc.stdout is not None
        stdin.close()  # let the child finish its run
        out = proc.stdout.read()
        proc.stdout.close()
        assert proc.wait(timeout=60) == 0
    assert "done ok" in out
    # Now the lock is free: a run here starts and the history shows both, one after the other.
    assert runner.run_now(wait=True).status == "ok"
    runs = runner.history_list()
    assert [r["status"] for r in runs] == ["ok", "ok"]
    assert runs[1]["finished_at"] <= runs[0]["started_at"]
    assert items(ctx.store, "decay") == (20, 20)
    ctx.close()


def test_sigkill_mid_pipeline_then_restart_completes_without_duplicates(data_dir: Path,
                                                                        tmp_path: Path) -> None:
    ctx = init_ctx(data_dir)
    ctx.close()
    proc = spawn_child(data_dir, tmp_path, mid_at=10)
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=30)
    for fh in (proc.stdin, proc.stdout):
        if fh is not None:
            fh.close()

    paths = Paths.at(data_dir)
    ctx = SecondMe(paths, Settings(), Vault(paths.vault_file, None))
    ctx.unlock(PASS)
    try:
        # What the killed process left: a live-looking row, decay half written.
        [row] = ctx.store.query("SELECT status, step FROM job_runs")
        assert (row[0], row[1]) == ("running", "decay")
        assert items(ctx.store, "decay") == (11, 11)
        runner = make(ctx)
        runner.start()  # recovery, then the catch-up (no night was handled yet)
        wait_for(lambda: len(runner.history_list()) == 2)
        assert runner.wait(30)
        new, dead = runner.history_list()
        assert dead["status"] == "interrupted" and "decay" in dead["error"]
        assert [s["status"] for s in dead["steps"]] == ["ok", "interrupted", "pending"]
        assert new["status"] == "ok" and new["trigger"] == "catch-up" and new["resumed_from"] == dead["id"]
        assert [s["status"] for s in new["steps"]] == ["skipped", "ok", "ok"]
        assert new["changed"] == {"decay": {"added": 9}, "profile": {"added": 20}}
        for name in ("consolidate", "decay", "profile"):
            assert items(ctx.store, name) == (20, 20), name
        assert [executions(ctx.store, n) for n in ("consolidate", "decay", "profile")] == [1, 2, 1]
        runner.stop()
    finally:
        ctx.close()


def cli(data_dir: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "secondme", "--data-dir", str(data_dir), "jobs", *args],
                          capture_output=True, text=True, env={**env(), "SECONDME_PASSPHRASE": PASS},
                          timeout=120, cwd=REPO)


def test_cli_run_status_history(data_dir: Path, monkeypatch: pytest.MonkeyPatch,
                                capsys: pytest.CaptureFixture[str]) -> None:
    init_ctx(data_dir).close()
    monkeypatch.setenv("SECONDME_PASSPHRASE", PASS)
    held = RunLock(data_dir / "jobs.lock")  # a run in progress elsewhere (flock is per open file)
    assert held.try_acquire()
    try:
        assert main(["--data-dir", str(data_dir), "jobs", "run", "--json"]) == 0  # not an error
        assert json.loads(capsys.readouterr().out)["status"] == ALREADY_RUNNING
    finally:
        held.release()
    # The run itself in a real separate process, as a person would type it.
    t0 = time.monotonic()
    r = cli(data_dir, "run", "--json")
    assert r.returncode in (0, 1), r.stderr  # 1 only if a real step failed (reported, below)
    data = json.loads(r.stdout)
    assert data["started"] and data["run"]["status"] in ("ok", "failed")
    assert data["run"]["trigger"] == "manual" and data["run"]["finished_at"]
    assert time.monotonic() - t0 < 120
    # status and history in-process (same code path as the command, without a new interpreter).
    # They read the store alone: no vector index process started, none waited for.
    from secondme.index import vector_process

    started: list[object] = []
    real_start = vector_process._Child.__init__

    def counted(child: Any) -> None:
        started.append(child)
        real_start(child)

    monkeypatch.setattr(vector_process._Child, "__init__", counted)
    assert main(["--data-dir", str(data_dir), "jobs", "status", "--json"]) == 0
    st = json.loads(capsys.readouterr().out)
    assert st["last_run"]["id"] == data["run"]["id"] and st["running"] is False
    assert st["nightly_time"] == "03:00" and datetime.fromisoformat(st["next_run"]).hour == 3
    assert main(["--data-dir", str(data_dir), "jobs", "history", "--json"]) == 0
    assert [x["id"] for x in json.loads(capsys.readouterr().out)] == [data["run"]["id"]]
    assert main(["--data-dir", str(data_dir), "jobs", "history"]) == 0
    assert f"run #{data['run']['id']} (manual)" in capsys.readouterr().out
    assert started == [], "status and history started a vector index process"
