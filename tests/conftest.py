"""Suite-wide rules: no network beyond loopback, isolated data dirs, shared fixtures."""

from __future__ import annotations

import ipaddress
import os
import socket
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

REPO = Path(__file__).resolve().parent.parent
LOCOMO = REPO.parent / "shared" / "data" / "locomo" / "locomo10.json"

_blocked: list[str] = []


def _is_loopback_host(host: Any) -> bool:
    if isinstance(host, bytes):
        host = host.decode(errors="replace")
    if not isinstance(host, str):
        return False
    if host in ("localhost", "", "localhost.localdomain"):
        return True
    try:
        return ipaddress.ip_address(host.split("%")[0]).is_loopback
    except ValueError:
        return False


def _network_guard(event: str, args: tuple[Any, ...]) -> None:
    # Any connection to a non-loopback address fails, and the test that made it fails too.
    if event == "socket.connect":
        sock, address = args[0], args[1]
        if getattr(sock, "family", None) in (socket.AF_INET, socket.AF_INET6):
            host = address[0] if isinstance(address, tuple) else address
            if not _is_loopback_host(host):
                _blocked.append(f"connect {address!r}")
                raise ConnectionRefusedError(f"network access blocked in tests: {address!r}")
    elif event == "socket.getaddrinfo":
        host = args[0]
        if host is not None and not _is_loopback_host(host):
            _blocked.append(f"getaddrinfo {host!r}")
            raise socket.gaierror(f"name lookup blocked in tests: {host!r}")


sys.addaudithook(_network_guard)


@pytest.fixture(autouse=True)
def _no_network() -> Iterator[None]:
    before = len(_blocked)
    yield
    new = _blocked[before:]
    assert not new, f"the test attempted non-loopback network access: {new}"


@pytest.fixture(autouse=True)
def _collect_on_the_ui_thread(request: pytest.FixtureRequest) -> Iterator[None]:
    # Wherever a test runs Qt in this process: as in the app (ui/collector.py), a worker
    # thread's garbage collection must never free a widget, or Qt and the GIL can lock each
    # other (a Settings page once hung the suite so).
    if not {"qtbot", "qapp"} & set(request.fixturenames):
        yield
        return
    request.getfixturevalue("qapp")
    from ui.collector import UiThreadCollector

    collector = UiThreadCollector()
    yield
    collector.stop()


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    d = tmp_path / "data"
    d.mkdir()
    return d


@pytest.fixture
def locomo_path() -> Path:
    if not LOCOMO.exists():
        pytest.skip(f"LoCoMo data not found at {LOCOMO} (evaluation data lives in ../shared)")
    return LOCOMO
