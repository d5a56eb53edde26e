"""How the window looks: every page in the light and the dark palette, written as screenshots
(``test-artifacts/screenshots/``) to look at, and the Profile page showing the person."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from secondme.app import SecondMe
from ui import theme
from ui.pages.chat import ChatPage
from ui.pages.profile import MASK, ProfilePage
from ui.pages.search import SearchPage
from ui.qt import QApplication, QColor, QImage, QPalette, QSettings
from ui.window import MainWindow

pytestmark = pytest.mark.timeout(300)

SCALE = os.environ.get("QT_SCALE_FACTOR", "1")
ARTIFACTS = (Path(os.environ.get("SECONDME_TEST_ARTIFACTS", "test-artifacts")).resolve() / "screenshots"
             / ("" if SCALE == "1" else f"scale-{SCALE}"))
LIFE = [
    "I started a new job as a marine biologist at Oceanix Labs last week.",
    "We moved to 14 Harbour Road, Portland, OR 97205 in March.",
    "My sister Ana is visiting us for the whole of June.",
    "Went diving at Cannon Beach on Saturday; the kelp forest was amazing.",
    "Booked the scuba refresher course for the 12th of July.",
    "Tried a new sourdough recipe: longer proof, better crumb.",
    "The sourdough starter needs feeding twice a day in this heat.",
]


def dark_palette() -> QPalette:
    """A dark system palette like a desktop's dark mode gives."""
    pal = QPalette()
    roles = {
        QPalette.ColorRole.Window: "#1f2023", QPalette.ColorRole.WindowText: "#e8e8ea",
        QPalette.ColorRole.Base: "#17181a", QPalette.ColorRole.AlternateBase: "#232427",
        QPalette.ColorRole.Text: "#e8e8ea", QPalette.ColorRole.Button: "#2a2b2f",
        QPalette.ColorRole.ButtonText: "#e8e8ea", QPalette.ColorRole.Highlight: "#5b8def",
        QPalette.ColorRole.HighlightedText: "#ffffff", QPalette.ColorRole.ToolTipBase: "#2a2b2f",
        QPalette.ColorRole.ToolTipText: "#e8e8ea", QPalette.ColorRole.PlaceholderText: "#8b8c90",
        QPalette.ColorRole.Link: "#7aa5ff",
    }
    for role, color in roles.items():
        pal.setColor(role, QColor(color))
    return pal


@pytest.fixture
def person(indexed_core: SecondMe) -> SecondMe:
    for text in LIFE:
        indexed_core.memory.remember(text)
    for name, value in (("name", "Dana Whitfield"), ("email", "dana@example.org"),
                        ("organization", "Oceanix Labs"), ("organization-title", "Marine biologist"),
                        ("address-level2", "Portland"), ("tel", "+1 503 555 0177"),
                        ("passport-number", "X1234567")):
        indexed_core.profile.set_field(name, value)
    indexed_core.profile.set_field("organization", None, lock=True)
    indexed_core.profile.build()
    return indexed_core


@pytest.fixture
def palette_restored(qapp: QApplication) -> Iterator[None]:
    before = qapp.palette()
    yield
    qapp.setPalette(before)
    qapp.setStyleSheet("")


def _lightness(img: QImage) -> float:
    """Mean lightness (0–255) of a grid of sample points."""
    w, h = img.width(), img.height()
    pts = [img.pixelColor(x * w // 24, y * h // 16).lightness() for x in range(24) for y in range(16)]
    return sum(pts) / len(pts)


def _window(qtbot: Any, services: Any, tmp_path: Path, name: str) -> MainWindow:
    w = MainWindow(services, QSettings(str(tmp_path / f"{name}.ini"), QSettings.Format.IniFormat),
                   on_close=lambda: True)
    qtbot.addWidget(w)
    w.resize(1100, 760)
    w.show()
    qtbot.waitExposed(w)
    return w


@pytest.mark.usefixtures("palette_restored")
def test_every_page_in_light_and_dark(qtbot: Any, qapp: QApplication, person: SecondMe,
                                      make_services: Any, tmp_path: Path) -> None:
    services = make_services(person)
    light = qapp.style().standardPalette()
    seen: dict[str, float] = {}
    for scheme, pal in (("light", light), ("dark", dark_palette())):
        qapp.setPalette(pal)
        colors = theme.apply(qapp)
        assert colors.dark == (scheme == "dark")
        w = _window(qtbot, services, tmp_path, scheme)
        out = ARTIFACTS / scheme
        out.mkdir(parents=True, exist_ok=True)
        for i, page in enumerate(w.pages):
            w.show_page(i)
            if isinstance(page, SearchPage):
                page.query.setText("tram Alfama tomatoes")
                page.run_search()
                qtbot.waitUntil(lambda p=page: p.model.rowCount() > 0, timeout=30_000)
            if isinstance(page, ChatPage):
                page.input.setText("Where did we eat pastel de nata?")
                page.send()
                qtbot.waitUntil(lambda p=page: p.turns[-1].answer is not None or bool(p.turns[-1].error),
                                timeout=120_000)
                assert page.turns[-1].answer is not None and page.turns[-1].answer.citations
            if isinstance(page, ProfilePage):
                qtbot.waitUntil(lambda p=page: p.sheet.isVisible() and bool(p.group_titles), timeout=15_000)
            qtbot.wait(150)  # the page's own refresh (off-thread) lands
            # Nothing on the page forces it wider than the window (no sideways scrolling).
            assert page.minimumSizeHint().width() <= w.stack.width(), (page.title, page.minimumSizeHint())
            img = w.grab().toImage()
            assert img.save(str(out / f"{i + 1}-{page.title.lower()}.png"))
            seen[f"{scheme}/{page.title}"] = _lightness(img)
        if SCALE != "1":  # the window is drawn at the scale, not stretched afterwards
            assert img.width() >= 1100 * float(SCALE) * 0.95, img.width()
        w.close()
    # What a person sees: light pages are light, dark pages are dark (no white boxes left).
    for key, value in seen.items():
        if key.startswith("light/"):
            assert value > 170, (key, value)
        else:
            assert value < 90, (key, value)


def test_profile_page_shows_the_person(qtbot: Any, person: SecondMe, make_services: Any,
                                       tmp_path: Path) -> None:
    w = _window(qtbot, make_services(person), tmp_path, "profile")
    page = w.page(ProfilePage)
    assert isinstance(page, ProfilePage)
    w.show_page(w.pages.index(page))
    qtbot.waitUntil(lambda: bool(page.group_titles), timeout=15_000)
    assert {"Identity", "Contact", "Work", "Documents"} <= set(page.group_titles)
    texts = [lab.text() for lab in page.body.findChildren(type(page.result))]
    assert "Dana Whitfield" in texts  # the hero card names the person
    assert "Oceanix Labs" in texts and "dana@example.org" in texts
    assert MASK in texts and "X1234567" not in " ".join(texts)  # a sensitive value stays hidden
    assert any("locked" in t for t in texts)  # the locked field says so
    assert any(t.startswith("you set it") or "you set it" in t for t in texts)  # provenance in words
    bio = page.bio_labels.get("global")
    assert bio is not None and "This person" not in bio.text() and "Dana" in bio.text()
    # Edit from the keyboard's bar: choose the field, type, save; the core has it.
    page.select_field("address-level2")
    page.value_edit.setText("Seattle")
    page.save_button.click()
    qtbot.waitUntil(lambda: person.profile.show()["fields"]["address-level2"].value == "Seattle", timeout=10_000)
    qtbot.waitUntil(lambda: any(lab.text() == "Seattle" for lab in page.body.findChildren(type(page.result))),
                    timeout=10_000)
    page.select_field("email")
    assert page.lock_button.text().replace("&", "") == "Lock"
    page.lock_button.click()
    qtbot.waitUntil(lambda: person.profile.show()["fields"]["email"].locked, timeout=10_000)


@pytest.mark.skipif(SCALE != "1", reason="this is the run that starts the scaled one")
def test_every_page_at_200_percent_scaling(tmp_path: Path) -> None:
    """The same pages with Qt scaling at 200 % (a HiDPI screen), in a process of its own since
    the scale is fixed when the application starts."""
    env = {**os.environ, "QT_SCALE_FACTOR": "2", "QT_QPA_PLATFORM": "offscreen"}
    out = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider",
                          f"{__file__}::test_every_page_in_light_and_dark"],
                         env=env, capture_output=True, text=True, timeout=240)
    assert out.returncode == 0, out.stdout[-4000:] + out.stderr[-2000:]
    shots = sorted((ARTIFACTS / "scale-2" / "dark").glob("*.png"))
    assert len(shots) == 7
