"""The reliability suite's own time, summed over its tests (setup, call and teardown), printed
at the end of the run and written to ``$SECONDME_TEST_ARTIFACTS/reliability_time.json``: the
figure for "a few minutes at most in CI"."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest

_SUITE = "tests/reliability/"
_seconds: dict[str, float] = {}


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    if report.nodeid.startswith(_SUITE):
        module = report.nodeid.split("::", 1)[0][len(_SUITE):]
        _seconds[module] = _seconds.get(module, 0.0) + report.duration


def pytest_terminal_summary(terminalreporter: Any) -> None:
    if not _seconds:
        return
    figures = {"seconds": round(sum(_seconds.values()), 1),
               "by_module": {m: round(s, 1) for m, s in sorted(_seconds.items(), key=lambda x: -x[1])}}
    terminalreporter.write_line(f"reliability suite: {json.dumps(figures)}")
    art = os.environ.get("SECONDME_TEST_ARTIFACTS")
    if art:
        Path(art).mkdir(parents=True, exist_ok=True)
        (Path(art) / "reliability_time.json").write_text(json.dumps(figures) + "\n")
