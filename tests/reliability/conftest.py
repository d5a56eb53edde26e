"""The reliability suite's own time, summed over its tests (setup, call and teardown), printed
at the end of the run and written to ``$SECONDME_TEST_ARTIFACTS/reliability_time.json``: the
figure for "a few minutes at most in CI". Beside it, the CPU time the machine spent busy
meanwhile (from ``/proc/stat``, every process included: the children the tests start do most
of the work), which says how far the time is from what two cores allow."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

_SUITE = "tests/reliability/"
_seconds: dict[str, float] = {}
_cpu: dict[str, float] = {}


def _module(nodeid: str) -> str:
    return nodeid.split("::", 1)[0][len(_SUITE):]


def _busy_cpu_s() -> float:
    """Seconds of CPU the machine has spent busy since boot (all cores, all processes)."""
    try:
        fields = Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]
    except OSError:
        return 0.0
    ticks = [int(f) for f in fields] + [0] * 8
    # user, nice, system, irq, softirq (idle, iowait and time stolen by the host left out)
    return (sum(ticks[0:3]) + ticks[5] + ticks[6]) / os.sysconf("SC_CLK_TCK")


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_protocol(item: pytest.Item) -> Iterator[None]:
    if not item.nodeid.startswith(_SUITE):
        yield
        return
    before = _busy_cpu_s()
    yield
    module = _module(item.nodeid)
    _cpu[module] = _cpu.get(module, 0.0) + _busy_cpu_s() - before


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    if report.nodeid.startswith(_SUITE):
        module = _module(report.nodeid)
        _seconds[module] = _seconds.get(module, 0.0) + report.duration


def pytest_terminal_summary(terminalreporter: Any) -> None:
    if not _seconds:
        return
    figures = {"seconds": round(sum(_seconds.values()), 1),
               "by_module": {m: round(s, 1) for m, s in sorted(_seconds.items(), key=lambda x: -x[1])},
               "busy_cpu_s": round(sum(_cpu.values()), 1),
               "busy_cpu_s_by_module": {m: round(_cpu.get(m, 0.0), 1) for m in sorted(_seconds, key=lambda m: -_seconds[m])}}
    terminalreporter.write_line(f"reliability suite: {json.dumps(figures)}")
    art = os.environ.get("SECONDME_TEST_ARTIFACTS")
    if art:
        Path(art).mkdir(parents=True, exist_ok=True)
        (Path(art) / "reliability_time.json").write_text(json.dumps(figures) + "\n")
