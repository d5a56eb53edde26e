"""The browser extension in real headless Chromium, filling form pages from the real running app.

Chromium (Debian's ``chromium`` with ``chromium-driver``) runs with the unpacked extension from
``browser/extension`` and a profile folder whose NativeMessagingHosts holds the manifest that
``secondme browser install --manifest-dir`` wrote, so the extension starts the real
``secondme browser-host``; that asks the real ``secondme-app`` (offscreen Qt, unlocked with a
passphrase, its profile holding the values below) over its private socket. The form pages
(English, German, Japanese, Russian) are served from a loopback HTTP server. The scenario is
:func:`tests.e2e.browser_forms.run_fill_scenario`, the same one Firefox goes through
(tests/e2e/test_browser_firefox_e2e.py).
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from secondme.browser.install import chromium_extension_id
from tests.e2e.browser_forms import (
    EXTENSION,
    SITE,
    TRIGGER_OTHER_TAB_JS,
    Row,
    missing_browser,
    run_fill_scenario,
    secondme,
)

pytestmark = [pytest.mark.e2e, pytest.mark.timeout(180)]


def _chromium() -> tuple[str, str]:
    browser = shutil.which("chromium") or shutil.which("chromium-browser")
    driver = shutil.which("chromedriver")
    if browser is None or driver is None:
        msg = ("chromium and chromedriver are not installed (Debian packages chromium and chromium-driver; "
               "run: bash scripts/system-deps.sh)")
        missing_browser(msg)
    return browser, driver


@pytest.fixture
def driver(tmp_path: Path, app_data: Path) -> Iterator[Any]:
    browser, chromedriver = _chromium()
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    profile = tmp_path / "chromium-profile"
    done = secondme("--data-dir", str(app_data), "browser", "install", "--browser", "chromium",
                    "--manifest-dir", str(profile / "NativeMessagingHosts"))
    assert done.returncode == 0, done.stderr
    opts = webdriver.ChromeOptions()
    opts.binary_location = browser
    for arg in ("--headless=new", "--no-sandbox", f"--user-data-dir={profile}",
                f"--load-extension={EXTENSION}", f"--disable-extensions-except={EXTENSION}",
                "--disable-gpu", "--no-first-run", "--no-default-browser-check", "--disable-sync",
                "--disable-background-networking", "--disable-component-update",
                "--disable-domain-reliability", "--window-size=1280,900",
                f"--host-resolver-rules=MAP {SITE} 127.0.0.1"):
        opts.add_argument(arg)
    # Selenium Manager stays out of it: the driver is given, nothing is looked up or downloaded.
    os.environ["SE_OFFLINE"] = "true"
    drv = webdriver.Chrome(options=opts, service=Service(executable_path=chromedriver,
                                                         log_output=str(tmp_path / "chromedriver.log")))
    drv.set_page_load_timeout(30)
    try:
        yield drv
    finally:
        drv.quit()


class ChromiumForms:
    """:class:`tests.e2e.browser_forms.FormBrowser` over Selenium and chromedriver."""

    def __init__(self, drv: Any) -> None:
        self.drv = drv

    def _page(self) -> None:
        self.drv.switch_to.default_content()

    def _panel(self) -> None:
        from selenium.webdriver.common.by import By

        self._page()
        host = self.drv.find_element(By.ID, "secondme-fill-panel")
        self.drv.switch_to.frame(host.shadow_root.find_element(By.CSS_SELECTOR, "iframe"))

    def _by_id(self, field_id: str) -> Any:
        from selenium.webdriver.common.by import By

        return self.drv.find_element(By.ID, field_id)

    def load(self, url: str) -> None:
        self.drv.get(url)

    def is_secure_context(self) -> bool:
        self._page()
        return bool(self.drv.execute_script("return window.isSecureContext"))

    def click_field(self, field_id: str) -> bool:
        from selenium.webdriver.common.by import By

        self._page()
        self._by_id(field_id).click()
        return bool(self.drv.find_elements(By.ID, "secondme-fill-trigger"))

    def click_trigger(self) -> None:
        self._page()
        self._by_id("secondme-fill-trigger").click()

    def panel_open(self) -> bool:
        from selenium.webdriver.common.by import By

        self._page()
        return bool(self.drv.find_elements(By.ID, "secondme-fill-panel"))

    def panel_message(self) -> tuple[str, str]:
        from selenium.common.exceptions import NoSuchElementException

        self._panel()
        try:
            msg = self._by_id("message")
        except NoSuchElementException:
            return "", ""  # the panel's page is not parsed yet
        return msg.text, msg.get_attribute("class") or ""

    def _rows(self) -> list[tuple[str, Row, Any]]:
        from selenium.webdriver.common.by import By

        self._panel()
        out = []
        for li in self.drv.find_elements(By.CSS_SELECTOR, "#rows li"):
            box = li.find_element(By.CSS_SELECTOR, "input[type=checkbox]")
            notes = li.find_elements(By.CSS_SELECTOR, ".note")
            row: Row = {"status": li.get_attribute("data-status") or "", "checked": box.is_selected(),
                        "value": li.find_element(By.CSS_SELECTOR, ".value").text,
                        "source": li.find_element(By.CSS_SELECTOR, ".source").text,
                        "note": notes[0].text if notes else ""}
            out.append((li.find_element(By.CSS_SELECTOR, ".field").text.rstrip(":"), row, box))
        return out

    def panel_rows(self) -> dict[str, Row]:
        return {label: row for label, row, _ in self._rows()}

    def panel_html(self) -> str:
        self._panel()
        return str(self.drv.page_source)

    def tick_only(self, labels: set[str]) -> None:
        for label, row, box in self._rows():
            if (label in labels) != row["checked"]:
                box.click()

    def click_fill(self) -> None:
        from selenium.common.exceptions import WebDriverException

        self._panel()
        button = self._by_id("fill")
        try:
            button.click()
        except WebDriverException as exc:
            # Filling closes the panel, and with it the frame the click was sent into: chromedriver
            # can report that before it reports the click done. Whether the click took is what
            # accept() checks next (the panel closed, the fields filled).
            if "target frame detached" not in str(exc):
                raise

    def values(self, ids: list[str]) -> dict[str, str]:
        self._page()
        return {i: self._by_id(i).get_property("value") for i in ids}

    def checked(self, ids: list[str]) -> dict[str, bool]:
        self._page()
        return {i: self._by_id(i).is_selected() for i in ids}

    def attribute(self, field_id: str, name: str) -> str | None:
        self._page()
        value = self._by_id(field_id).get_attribute(name)
        return None if value is None else str(value)

    def trigger_from_extension_page(self) -> str:
        self._page()
        form_tab = self.drv.current_window_handle
        self.drv.switch_to.new_window("tab")
        self.drv.get(f"chrome-extension://{chromium_extension_id()}/panel.html")
        sent = self.drv.execute_async_script(
            "const done = arguments[arguments.length - 1];"
            f"(async () => {{ {TRIGGER_OTHER_TAB_JS} }})().then(done, (e) => done(String(e)));")
        self.drv.close()
        self.drv.switch_to.window(form_tab)
        return str(sent)


def test_extension_fills_forms_from_the_running_app(app_data: Path, runtime_dir: str, forms_url: str,
                                                    driver: Any, tmp_path: Path) -> None:
    run_fill_scenario(ChromiumForms(driver), forms_url, app_data, runtime_dir, tmp_path)
