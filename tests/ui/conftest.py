"""Fixtures for the desktop UI: a real core on a temp data dir, with a small notes folder."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from secondme.app import SecondMe, build

PASS = "correct horse battery staple"

NOTES = {
    "lisbon.md": "# Trip to Lisbon\n\nWe ate pastel de nata at Belem on Tuesday.\n"
                 "The tram 28 climbs to Alfama.\n",
    "garden.md": "# Garden\n\n## Tomatoes\n\nThe cherry tomatoes need water every evening in July.\n",
    "work/standup.txt": "Standup notes\n\nThe quarterly report is due on Friday; Marta reviews it.\n",
    "recipes/bread.org": "* Sourdough\nFeed the starter twelve hours before baking.\n",
}

# The offscreen platform cannot raise windows or pass size hints to a window manager; it says
# so as a Qt warning, which the strict suite would otherwise treat as our failure.
OFFSCREEN_LIMITS = r"This plugin does not support (raise\(\)|propagateSizeHints\(\)|activateWindow\(\))"


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        item.add_marker(pytest.mark.qt_log_ignore(OFFSCREEN_LIMITS))


@pytest.fixture(autouse=True)
def _runtime_dir(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    # A private runtime dir per test: the RAM-backed index folder and the instance socket.
    with tempfile.TemporaryDirectory(prefix="sm-xdg-") as d:
        os.chmod(d, 0o700)
        monkeypatch.setenv("XDG_RUNTIME_DIR", d)
        yield


@pytest.fixture
def notes_dir(tmp_path: Path) -> Path:
    root = tmp_path / "notes"
    for rel, text in NOTES.items():
        p = root / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(text, "utf-8")
    return root


@pytest.fixture
def fresh_core(data_dir: Path) -> Iterator[SecondMe]:
    """The production wiring without the keyring: not initialized yet (first run)."""
    c = build(str(data_dir), use_keyring=False)
    yield c
    c.close()


@pytest.fixture
def core(fresh_core: SecondMe) -> SecondMe:
    """An initialized, unlocked context protected by a passphrase."""
    fresh_core.init(PASS)
    return fresh_core


@pytest.fixture
def indexed_core(core: SecondMe, notes_dir: Path) -> SecondMe:
    core.notes.add_folder(str(notes_dir))
    assert core.notes.wait_indexed(120), "indexing the small notes folder did not finish"
    return core


class Recorder:
    """Stands in for the editor launcher and collects unhandled errors."""

    def __init__(self) -> None:
        self.opened: list[tuple[str, int | None]] = []
        self.errors: list[BaseException] = []

    def open(self, path: str, line: int | None) -> bool:
        self.opened.append((path, line))
        return True


@pytest.fixture
def recorder() -> Recorder:
    return Recorder()


@pytest.fixture
def make_services(qtbot: object, recorder: Recorder) -> Iterator[object]:
    """Build :class:`ui.services.Services` around a core; shut its workers down afterwards."""
    from ui.bridge import CoreBridge
    from ui.operations import Runner
    from ui.services import Services

    made: list[Services] = []

    def make(ctx: SecondMe) -> Services:
        s = Services(ctx, CoreBridge(ctx), Runner(on_error=recorder.errors.append), opener=recorder.open)
        made.append(s)
        return s

    yield make
    for s in made:
        assert s.ops.shutdown(30_000), "background operations did not finish"
        s.bridge.detach()
    assert not recorder.errors, f"unhandled errors in background operations: {recorder.errors!r}"


@pytest.fixture
def services(core: SecondMe, make_services: object) -> object:
    # The core is listed first so it is closed after the workers have finished.
    return make_services(core)  # type: ignore[operator]


@pytest.fixture
def indexed_services(indexed_core: SecondMe, make_services: object) -> object:
    return make_services(indexed_core)  # type: ignore[operator]
