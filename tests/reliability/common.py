"""Shared helpers of the reliability suite: soak scaling, figures output, child processes."""

from __future__ import annotations

import json
import logging
import os
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

import psutil

REPO = Path(__file__).resolve().parents[2]
PASS = "reliability suite passphrase"
LOG_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


def soak() -> bool:
    """True under ``make soak`` (SECONDME_SOAK=1): tests scale up their sizes and durations."""
    return os.environ.get("SECONDME_SOAK", "") not in ("", "0")


def report(name: str, figures: dict[str, Any]) -> None:
    """Print the figures as one JSON line and keep them in $SECONDME_TEST_ARTIFACTS/<name>.json."""
    figures = {"test": name, "soak": soak(), **figures}
    line = json.dumps(figures, sort_keys=True)
    print(line)
    out = os.environ.get("SECONDME_TEST_ARTIFACTS")
    if out:
        Path(out).mkdir(parents=True, exist_ok=True)
        (Path(out) / f"{name}.json").write_text(line + "\n")


def child_env(**extra: str) -> dict[str, str]:
    env = {**os.environ, "PYTHONPATH": str(REPO), "HF_HUB_OFFLINE": "1", **extra}
    return env


def log_to(path: Path) -> logging.Handler:
    """Log like the desktop app does by default: our loggers at INFO and above into a file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    root = logging.getLogger()
    root.setLevel(logging.INFO)
    handler = logging.FileHandler(path, encoding="utf-8")
    handler.setFormatter(logging.Formatter(LOG_FORMAT))
    handler.setLevel(logging.INFO)
    root.addHandler(handler)
    return handler


class TreeRss:
    """Samples the RSS of a process and all its descendants; keeps the peak of their sum."""

    def __init__(self, pid: int, interval: float = 0.05) -> None:
        self._proc = psutil.Process(pid)
        self._interval = interval
        self.peak_tree_bytes = 0
        self.peak_single_bytes = 0
        self.samples = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.is_set():
            total = 0
            try:
                procs = [self._proc, *self._proc.children(recursive=True)]
            except psutil.Error:
                return
            for p in procs:
                try:
                    rss = p.memory_info().rss
                except psutil.Error:
                    continue
                total += rss
                self.peak_single_bytes = max(self.peak_single_bytes, rss)
            self.peak_tree_bytes = max(self.peak_tree_bytes, total)
            self.samples += 1
            self._stop.wait(self._interval)

    def __enter__(self) -> TreeRss:
        self._thread.start()
        return self

    def __exit__(self, *_exc: object) -> None:
        self._stop.set()
        self._thread.join(5)


def run_child(module: str, args: list[str], timeout: float, env: dict[str, str] | None = None
              ) -> tuple[subprocess.CompletedProcess[str], TreeRss, float]:
    """Run ``python -m module args`` while sampling its process tree's memory."""
    t0 = time.monotonic()
    proc = subprocess.Popen([sys.executable, "-m", module, *args], cwd=REPO, env=env or child_env(),
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    with TreeRss(proc.pid) as rss:
        try:
            out, err = proc.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            proc.kill()
            out, err = proc.communicate()
            raise AssertionError(f"{module} did not finish within {timeout:.0f} s (stall?)\n{err[-4000:]}") from None
    return subprocess.CompletedProcess(proc.args, proc.returncode, out, err), rss, time.monotonic() - t0


def last_json(stdout: str) -> dict[str, Any]:
    for line in reversed(stdout.strip().splitlines()):
        if line.startswith("{"):
            result: dict[str, Any] = json.loads(line)
            return result
    raise AssertionError(f"no JSON result in the child's output:\n{stdout[-3000:]}")
