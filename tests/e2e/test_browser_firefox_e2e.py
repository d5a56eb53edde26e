"""The browser extension in real headless Firefox, filling form pages from the real running app.

Firefox (Debian's ``firefox-esr``) is driven over WebDriver BiDi, which it speaks itself
(:mod:`tests.e2e.bidi`; no geckodriver). The unpacked extension from ``browser/extension`` is
installed as a temporary add-on, the very manifest Chromium loads. The native host manifest is
the one ``secondme browser install --browser firefox`` writes where Firefox looks for it
(``$HOME/.mozilla/native-messaging-hosts``, HOME being a folder of the test), so the extension
starts the real ``secondme browser-host``, which asks the real ``secondme-app``. The scenario is
:func:`tests.e2e.browser_forms.run_fill_scenario`, the same one Chromium goes through.
"""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from secondme.browser.host import HOST_NAME
from secondme.browser.install import FIREFOX_EXTENSION_ID
from tests.e2e.bidi import QUIET_PREFS, BiDi, Firefox, write_user_js
from tests.e2e.browser_forms import (
    EXTENSION,
    SITE,
    TRIGGER_OTHER_TAB_JS,
    Row,
    missing_browser,
    run_fill_scenario,
    secondme,
)
from tests.e2e.conftest import wait_for

pytestmark = [pytest.mark.e2e, pytest.mark.timeout(240)]

# The add-on's moz-extension:// host, fixed through a pref so a test can open its pages (Firefox
# otherwise picks a random one per profile).
UUID = "5ec0d0e1-f111-4f0e-8b1d-5ec0d0e1f111"
PANEL = f"moz-extension://{UUID}/panel.html"


def _firefox() -> str:
    browser = shutil.which("firefox-esr") or shutil.which("firefox")
    if browser is None:
        msg = "Firefox is not installed (Debian package firefox-esr; run: bash scripts/system-deps.sh)"
        missing_browser(msg)
    return browser


def firefox_env(home: Path) -> dict[str, str]:
    """Firefox's environment: a HOME (and XDG folders) of the test's own, no display, no crash
    reporter, no D-Bus session (headless Firefox would start desktop portals there that outlive
    it); XDG_RUNTIME_DIR stays, the native host finds the app's socket through it."""
    env = {**os.environ, "HOME": str(home), "XDG_CONFIG_HOME": str(home / ".config"),
           "XDG_CACHE_HOME": str(home / ".cache"), "MOZ_CRASHREPORTER_DISABLE": "1",
           # Firefox's own guard for test runs: any connection beyond loopback is refused (a
           # fatal error, in stderr); it also lets the profile point remote settings, which a
           # release build would otherwise fetch from Mozilla whatever the pref says, nowhere.
           "MOZ_DISABLE_NONLOCAL_CONNECTIONS": "1"}
    for var in ("DISPLAY", "WAYLAND_DISPLAY", "DBUS_SESSION_BUS_ADDRESS"):
        env.pop(var, None)
    return env


@pytest.fixture
def firefox(tmp_path: Path, app_data: Path) -> Iterator[FirefoxForms]:
    binary = _firefox()
    home = tmp_path / "home"
    home.mkdir()
    env = firefox_env(home)
    # The installer's own Firefox path (no --manifest-dir): it must land where Firefox looks.
    done = secondme("--data-dir", str(app_data), "browser", "install", "--browser", "firefox", env=env)
    assert done.returncode == 0, done.stderr
    manifest = home / ".mozilla" / "native-messaging-hosts" / f"{HOST_NAME}.json"
    assert f"host manifest: {manifest}" in done.stdout, done.stdout
    assert json.loads(manifest.read_text())["allowed_extensions"] == [FIREFOX_EXTENSION_ID]
    profile = tmp_path / "firefox-profile"
    write_user_js(profile, {**QUIET_PREFS, "network.dns.localDomains": SITE,
                            "extensions.webextensions.uuids": json.dumps({FIREFOX_EXTENSION_ID: UUID})})
    ff = Firefox(binary, profile, tmp_path / "firefox.log", env)
    bidi = None
    try:
        bidi = BiDi(ff.url)
        bidi.start_session()
        assert bidi.install_extension(EXTENSION) == FIREFOX_EXTENSION_ID
        # A window of our own: the one Firefox opens at start may never get the focus in
        # headless mode (no focus events then), a window opened later does.
        first = bidi.tabs()
        tab = bidi.send("browsingContext.create", {"type": "window"})["context"]
        for t in first:
            bidi.close_tab(t)
        bidi.activate(tab)
        yield FirefoxForms(bidi, tab, ff)
    except AssertionError as exc:
        raise AssertionError(f"{exc}\n--- Firefox console ---\n" + "\n".join(bidi.console() if bidi else [])
                             + f"\n--- Firefox stderr ---\n{ff.stderr()[-4000:]}") from exc
    finally:
        if bidi is not None:
            bidi.close()
        ff.stop()


class FirefoxForms:
    """:class:`tests.e2e.browser_forms.FormBrowser` over WebDriver BiDi; clicks are real mouse
    input at the element's place on screen (the panel's controls through its frame)."""

    def __init__(self, bidi: BiDi, tab: str, firefox: Firefox) -> None:
        self.bidi = bidi
        self.tab = tab
        self.firefox = firefox

    def _panel(self) -> str:
        """The browsing context of the panel frame in the form tab."""
        for f in self.bidi.frames(self.tab):
            if str(f.get("url", "")).startswith(PANEL):
                return str(f["context"])
        raise AssertionError("the Second Me panel frame is not there")

    def _click_rect(self, rect: list[float], dx: float = 0, dy: float = 0) -> None:
        x, y, w, h = rect
        self.bidi.click_at(self.tab, dx + x + min(8.0, w / 2), dy + y + h / 2)

    def _page_rect(self, selector: str) -> list[float]:
        rect: list[float] = self.bidi.value(self.tab, """
            const el = document.querySelector(args[0]);
            el.scrollIntoView({block: "center"});
            const r = el.getBoundingClientRect();
            return [r.left, r.top, r.width, r.height];""", selector)
        return rect

    def load(self, url: str) -> None:
        self.bidi.navigate(self.tab, url)

    def is_secure_context(self) -> bool:
        return bool(self.bidi.run(self.tab, "return window.isSecureContext;"))

    def click_field(self, field_id: str) -> bool:
        self._click_rect(self._page_rect(f"#{field_id}"))
        return bool(self.bidi.value(self.tab, """
            return document.activeElement && document.activeElement.id === args[0]
                && !!document.getElementById("secondme-fill-trigger");""", field_id))

    def click_trigger(self) -> None:
        x, y, w, h = self._page_rect("#secondme-fill-trigger")
        self.bidi.click_at(self.tab, x + w / 2, y + h / 2)

    def panel_open(self) -> bool:
        return bool(self.bidi.run(self.tab, 'return !!document.getElementById("secondme-fill-panel");'))

    def panel_message(self) -> tuple[str, str]:
        try:
            text, cls = self.bidi.run(self._panel(), """
                const m = document.getElementById("message");
                // The frame's URL is set when its navigation starts; until its page is parsed
                // there is no message element yet.
                if (!m) return ["", ""];
                return [m.textContent.trim(), m.className];""")
        except AssertionError:
            return "", ""  # the frame is not there yet
        return str(text), str(cls)

    def panel_rows(self) -> dict[str, Row]:
        rows: dict[str, Row] = self.bidi.run(self._panel(), """
            const rows = {};
            for (const li of document.querySelectorAll("#rows li")) {
              const note = li.querySelector(".note");
              rows[li.querySelector(".field").textContent.trim().replace(/:$/, "")] = {
                status: li.dataset.status, checked: li.querySelector("input[type=checkbox]").checked,
                value: li.querySelector(".value").textContent.trim(),
                source: li.querySelector(".source").textContent.trim(),
                note: note ? note.textContent.trim() : ""};
            }
            return rows;""")
        return rows

    def panel_html(self) -> str:
        return str(self.bidi.run(self._panel(), "return document.documentElement.outerHTML;"))

    def _click_in_panel(self, selector: str) -> None:
        panel = self._panel()
        ox, oy = self.bidi.run(self.tab, """
            const f = document.getElementById("secondme-fill-panel").shadowRoot.querySelector("iframe");
            const r = f.getBoundingClientRect();
            return [r.left + f.clientLeft, r.top + f.clientTop];""")
        rect = self.bidi.value(panel, """
            const el = document.querySelector(args[0]);
            el.scrollIntoView({block: "nearest"});
            const r = el.getBoundingClientRect();
            return [r.left, r.top, r.width, r.height];""", selector)
        x, y, w, h = rect
        self.bidi.click_at(self.tab, ox + x + w / 2, oy + y + h / 2)

    def tick_only(self, labels: set[str]) -> None:
        for label, row in self.panel_rows().items():
            if (label in labels) != row["checked"]:
                key = self.bidi.value(self._panel(), """
                    for (const li of document.querySelectorAll("#rows li")) {
                      if (li.querySelector(".field").textContent.trim().replace(/:$/, "") === args[0]) return li.dataset.key;
                    }""", label)
                self._click_in_panel(f'#rows input[data-key="{key}"]')
                want = label in labels

                def changed(lb: str = label, w: bool = want) -> bool:
                    return self.panel_rows()[lb]["checked"] == w

                wait_for(f"the box of {label!r} to change", changed, timeout=5)

    def click_fill(self) -> None:
        self._click_in_panel("#fill")

    def values(self, ids: list[str]) -> dict[str, str]:
        got: dict[str, str] = self.bidi.value(
            self.tab, "return Object.fromEntries(args[0].map((i) => [i, document.getElementById(i).value]));", ids)
        return got

    def checked(self, ids: list[str]) -> dict[str, bool]:
        got: dict[str, bool] = self.bidi.value(
            self.tab, "return Object.fromEntries(args[0].map((i) => [i, document.getElementById(i).checked]));", ids)
        return got

    def attribute(self, field_id: str, name: str) -> str | None:
        got = self.bidi.value(self.tab, "return document.getElementById(args[0]).getAttribute(args[1]);",
                              field_id, name)
        return None if got is None else str(got)

    def trigger_from_extension_page(self) -> str:
        here = self.bidi.run(self.tab, "return location.href;")
        other = self.bidi.new_tab()
        try:
            # Firefox lets no automation navigate to a moz-extension:// page, but a page may
            # open one the extension lists as web-accessible (panel.html is).
            self.bidi.navigate(other, here)
            self.bidi.value(other, "location.href = args[0];", PANEL)
            wait_for("the extension page to load", lambda: self.bidi.run(
                other, "return location.href.startsWith('moz-extension:') && document.readyState === 'complete';"),
                timeout=10)
            return str(self.bidi.run(other, TRIGGER_OTHER_TAB_JS))
        finally:
            self.bidi.close_tab(other)
            self.bidi.activate(self.tab)


def test_extension_fills_forms_from_the_running_app_in_firefox(
        app_data: Path, runtime_dir: str, forms_url: str, firefox: FirefoxForms, tmp_path: Path) -> None:
    try:
        run_fill_scenario(firefox, forms_url, app_data, runtime_dir, tmp_path)
    except AssertionError as exc:
        raise AssertionError(f"{exc}\n--- Firefox console ---\n" + "\n".join(firefox.bidi.console())) from exc
    # Firefox's own guard (MOZ_DISABLE_NONLOCAL_CONNECTIONS) saw no attempt to leave loopback.
    assert "Non-local network connections are disabled" not in firefox.firefox.stderr()

