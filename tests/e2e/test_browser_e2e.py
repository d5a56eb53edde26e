"""The browser extension in real headless Chromium, filling form pages from the real running app.

Chromium (Debian's ``chromium`` with ``chromium-driver``) runs with the unpacked extension from
``browser/extension`` and a profile folder whose NativeMessagingHosts holds the manifest that
``secondme browser install --manifest-dir`` wrote, so the extension starts the real
``secondme browser-host``; that asks the real ``secondme-app`` (offscreen Qt, unlocked with a
passphrase, its profile holding the values below) over its private socket. The form pages
(English, German, Japanese, Russian) are served from a loopback HTTP server.
"""

from __future__ import annotations

import functools
import http.server
import os
import shutil
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from secondme.browser.install import chromium_extension_id
from tests.e2e.conftest import APP, REPO, launched_app, wait_for
from tests.ui.conftest import PASS
from tests.ui.sockclient import call

pytestmark = [pytest.mark.e2e, pytest.mark.timeout(180)]

FORMS = Path(__file__).resolve().parent / "forms"
EXTENSION = REPO / "browser" / "extension"
SITE = "shop.example"
PROFILE = {
    "name": "Anna Schmidt",
    "email": "anna.schmidt@example.org",
    "tel": "+49 30 12345678",
    "address-line1": "Hauptstraße 5",
    "address-level2": "Berlin",
    "postal-code": "10115",
    "country-name": "Germany",
    "passport-number": "C01X00T47",
}


def _chromium() -> tuple[str, str]:
    browser = shutil.which("chromium") or shutil.which("chromium-browser")
    driver = shutil.which("chromedriver")
    if browser is None or driver is None:
        msg = ("chromium and chromedriver are not installed (Debian packages chromium and chromium-driver; "
               "run: bash scripts/system-deps.sh)")
        if os.environ.get("CI"):
            pytest.fail(msg)  # CI installs them: missing there is a broken environment
        pytest.skip(msg)
    return browser, driver


@pytest.fixture
def forms_url() -> Iterator[str]:
    handler = functools.partial(_QuietHandler, directory=str(FORMS))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        # A named plain-http site (mapped to loopback by the browser, no DNS involved): not a
        # secure context, as many real forms are not.
        yield f"http://{SITE}:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


@pytest.fixture
def app_data(tmp_path: Path, runtime_dir: str) -> Path:
    """A passphrase data dir whose profile holds :data:`PROFILE` (the person's own entries)."""
    from secondme.app import build

    data = tmp_path / "data"
    ctx = build(str(data), use_keyring=False, indexes=False)
    ctx.init(PASS)
    for field, value in PROFILE.items():
        ctx.set_profile_field(field, value)
    ctx.close()
    return data


def _secondme(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "secondme", *args], capture_output=True, text=True, timeout=60)


@pytest.fixture
def driver(tmp_path: Path, app_data: Path) -> Iterator[Any]:
    browser, chromedriver = _chromium()
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    profile = tmp_path / "chromium-profile"
    done = _secondme("--data-dir", str(app_data), "browser", "install", "--browser", "chromium",
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


def _open_panel(drv: Any, url: str, field_id: str) -> None:
    """Load ``url``, click into ``field_id`` and click the Second Me button that appears by it."""
    from selenium.webdriver.common.by import By

    drv.get(url)

    def trigger() -> Any:
        drv.find_element(By.ID, field_id).click()
        found = drv.find_elements(By.ID, "secondme-fill-trigger")
        return found[0] if found else None

    wait_for("the Second Me button next to the focused field", trigger, timeout=20)
    drv.find_element(By.ID, "secondme-fill-trigger").click()
    host = wait_for("the Second Me panel", lambda: drv.find_elements(By.ID, "secondme-fill-panel"), timeout=10)[0]
    drv.switch_to.frame(host.shadow_root.find_element(By.CSS_SELECTOR, "iframe"))


def _panel_rows(drv: Any) -> dict[str, dict[str, Any]]:
    """The panel's proposals by label, once it has them (or its message, on failure)."""
    from selenium.webdriver.common.by import By

    def ready() -> bool:
        msg = drv.find_element(By.ID, "message")
        return msg.text not in ("", "Asking Second Me…")

    wait_for("the panel's answer", ready, timeout=20)
    rows: dict[str, dict[str, Any]] = {}
    for li in drv.find_elements(By.CSS_SELECTOR, "#rows li"):
        box = li.find_element(By.CSS_SELECTOR, "input[type=checkbox]")
        label = li.find_element(By.CSS_SELECTOR, ".field").text.rstrip(":")
        notes = li.find_elements(By.CSS_SELECTOR, ".note")
        rows[label] = {"status": li.get_attribute("data-status"), "checked": box.is_selected(), "box": box,
                       "value": li.find_element(By.CSS_SELECTOR, ".value").text,
                       "source": li.find_element(By.CSS_SELECTOR, ".source").text,
                       "note": notes[0].text if notes else ""}
    return rows


def _accept(drv: Any) -> None:
    """Click "Fill selected" and wait until the panel has closed."""
    from selenium.webdriver.common.by import By

    drv.find_element(By.ID, "fill").click()
    drv.switch_to.default_content()
    wait_for("the panel to close after filling", lambda: not drv.find_elements(By.ID, "secondme-fill-panel"),
             timeout=15)


def _values(drv: Any, ids: list[str]) -> dict[str, str]:
    from selenium.webdriver.common.by import By

    return {i: drv.find_element(By.ID, i).get_property("value") for i in ids}


def _checked(drv: Any, ids: list[str]) -> dict[str, bool]:
    from selenium.webdriver.common.by import By

    return {i: drv.find_element(By.ID, i).is_selected() for i in ids}


def test_extension_fills_forms_from_the_running_app(app_data: Path, runtime_dir: str, forms_url: str,
                                                    driver: Any, tmp_path: Path) -> None:
    from selenium.webdriver.common.by import By

    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "XDG_RUNTIME_DIR": runtime_dir,
           "SECONDME_PASSPHRASE": PASS, "SECONDME_TEST_COMMANDS": "1"}
    env.pop("DISPLAY", None)
    name = _socket(app_data)
    with launched_app([str(APP), "--no-tray", "--data-dir", str(app_data)], env, tmp_path):
        wait_for("the app to be ready", lambda: (r := call(name, {"cmd": "ping"})) and r.get("state") == "ready",
                 timeout=90)

        driver.get(f"{forms_url}/checkout_en.html")
        assert driver.execute_script("return window.isSecureContext") is False

        # --- English checkout: values with their source, negatives left out, the sensitive
        # passport number unticked and not even fetched.
        _open_panel(driver, f"{forms_url}/checkout_en.html", "fullname")
        rows = _panel_rows(driver)
        assert {k: r["value"] for k, r in rows.items() if r["status"] == "ok"} == {
            "Full name": "Anna Schmidt", "Email address": "anna.schmidt@example.org",
            "Phone number": "+49 30 12345678", "Street address": "Hauptstraße 5", "City": "Berlin",
            "ZIP / Postal code": "10115", "Country": "Germany"}, rows
        assert all(r["checked"] for r in rows.values() if r["status"] == "ok")
        assert rows["Email address"]["source"].startswith("Profile: E-mail — entered by you on "), rows["Email address"]
        passport = rows["Passport number"]
        assert passport["status"] == "needs_confirmation" and not passport["checked"]
        assert "C01X00T47" not in driver.page_source, "a sensitive value reached the panel unasked"
        assert "Sensitive" in passport["note"]
        assert not {"Promo code", "Find a store", "Leave this empty"} & rows.keys()
        _accept(driver)
        ids = ["fullname", "email", "phone", "street", "city", "zip", "country", "passport", "promo",
               "store-zip", "hp"]
        assert _values(driver, ids) == {
            "fullname": "Anna Schmidt", "email": "anna.schmidt@example.org", "phone": "+49 30 12345678",
            "street": "Hauptstraße 5", "city": "Berlin", "zip": "10115", "country": "DE",
            "passport": "", "promo": "", "store-zip": "", "hp": ""}
        assert _checked(driver, ["same", "catalogs"]) == {"same": False, "catalogs": False}
        email = driver.find_element(By.ID, "email")
        assert email.get_attribute("data-input-events") == "1" and email.get_attribute("data-change-events") == "1", \
            "the page's own listeners did not see the fill"
        assert driver.find_element(By.ID, "country").get_attribute("data-change-events") == "1"

        # Ticking the sensitive field fills it, and only it changes.
        _open_panel(driver, f"{forms_url}/checkout_en.html", "passport")
        rows = _panel_rows(driver)
        for label, row in rows.items():
            if (label == "Passport number") != row["checked"]:
                row["box"].click()
        _accept(driver)
        assert _values(driver, ["passport", "fullname", "promo"]) == {
            "passport": "C01X00T47", "fullname": "", "promo": ""}

        # --- German registration without a <form> tag, labels from a table and ARIA.
        _open_panel(driver, f"{forms_url}/registrierung_de.html", "vn")
        rows = _panel_rows(driver)
        assert rows["Vorname"]["value"] == "Anna" and rows["Nachname"]["value"] == "Schmidt", rows
        _accept(driver)
        assert _values(driver, ["vn", "nn", "mail", "tel", "str", "plz", "ort", "land", "gutschein"]) == {
            "vn": "Anna", "nn": "Schmidt", "mail": "anna.schmidt@example.org", "tel": "+49 30 12345678",
            "str": "Hauptstraße 5", "plz": "10115", "ort": "Berlin", "land": "DE", "gutschein": ""}
        assert _checked(driver, ["agb"]) == {"agb": False}

        # --- Japanese address form: a captcha and the terms checkbox stay empty.
        _open_panel(driver, f"{forms_url}/address_ja.html", "mail")
        _panel_rows(driver)
        _accept(driver)
        got = _values(driver, ["mail", "denwa", "yubin", "shi", "captcha"])
        assert got == {"mail": "anna.schmidt@example.org", "denwa": "+49 30 12345678", "yubin": "10115",
                       "shi": "Berlin", "captcha": ""}, got
        assert _checked(driver, ["kiyaku"]) == {"kiyaku": False}

        # --- Russian order form: the promo code and the consent stay empty.
        _open_panel(driver, f"{forms_url}/zakaz_ru.html", "pochta")
        _panel_rows(driver)
        _accept(driver)
        got = _values(driver, ["fam", "imya", "pochta", "telefon", "gorod", "indeks", "promo"])
        assert got == {"fam": "Schmidt", "imya": "Anna", "pochta": "anna.schmidt@example.org",
                       "telefon": "+49 30 12345678", "gorod": "Berlin", "indeks": "10115", "promo": ""}, got
        assert _checked(driver, ["soglasie"]) == {"soglasie": False}

        # --- The toolbar button and the shortcut send the page a "trigger": the form of the
        # last focused field opens. Sent here from an extension page, as the background does.
        driver.get(f"{forms_url}/zakaz_ru.html")
        driver.find_element(By.ID, "gorod").click()
        form_tab = driver.current_window_handle
        driver.switch_to.new_window("tab")
        driver.get(f"chrome-extension://{chromium_extension_id()}/panel.html")
        sent = driver.execute_async_script(
            "const done = arguments[arguments.length - 1];"
            "chrome.tabs.getCurrent().then((me) => chrome.tabs.query({}).then((tabs) => tabs.find((t) => t.id !== me.id)))"
            ".then((t) => chrome.tabs.sendMessage(t.id, {type: 'trigger'})).then(() => done('sent'), (e) => done(String(e)));")
        assert sent == "sent", sent
        driver.close()
        driver.switch_to.window(form_tab)
        host = wait_for("the panel opened by the toolbar path",
                        lambda: driver.find_elements(By.ID, "secondme-fill-panel"), timeout=10)[0]
        driver.switch_to.frame(host.shadow_root.find_element(By.CSS_SELECTOR, "iframe"))
        assert _panel_rows(driver)["Город"]["value"] == "Berlin"
        _accept(driver)
        assert _values(driver, ["gorod", "pochta", "promo"]) == {
            "gorod": "Berlin", "pochta": "anna.schmidt@example.org", "promo": ""}

        # --- Locked: the panel says so and nothing is filled.
        assert call(name, {"cmd": "lock"})["ok"]
        wait_for("the app to lock", lambda: call(name, {"cmd": "ping"})["state"] == "locked", timeout=30)
        _open_panel(driver, f"{forms_url}/checkout_en.html", "fullname")
        rows = _panel_rows(driver)
        assert rows == {}
        message = driver.find_element(By.ID, "message")
        assert message.text == "Second Me is locked: unlock it, then click again.", message.text
        assert "error" in (message.get_attribute("class") or "")
        driver.switch_to.default_content()
        assert _values(driver, ["fullname", "email"]) == {"fullname": "", "email": ""}
        assert call(name, {"cmd": "quit"})["ok"]

    # --- Not running: the same clear message kind.
    _open_panel(driver, f"{forms_url}/checkout_en.html", "fullname")
    _panel_rows(driver)
    message = driver.find_element(By.ID, "message").text
    assert message == "Second Me is not running: start it and unlock it, then click again.", message


def _socket(data: Path) -> str:
    from secondme.app_channel import socket_name

    return socket_name(data)
