"""What the browser end-to-end tests share: the form pages, the app's profile, and the scenario.

Each browser test (Chromium through chromedriver, Firefox through WebDriver BiDi) wraps its
browser in a :class:`FormBrowser` and runs :func:`run_fill_scenario`, so both browsers go
through the same steps and the same checks against the real running app: English, German,
Japanese and Russian forms filled, consent/search/promo/captcha/hidden fields left empty, the
sensitive field fetched and filled only once ticked, the toolbar/shortcut path, and the
messages of a locked and of a closed app.
"""

from __future__ import annotations

import functools
import http.server
import os
import subprocess
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Protocol, TypedDict

import pytest

from tests.e2e.conftest import APP, REPO, launched_app, wait_for
from tests.ui.conftest import PASS
from tests.ui.sockclient import call

FORMS = Path(__file__).resolve().parent / "forms"
EXTENSION = REPO / "browser" / "extension"
# A named plain-http site (mapped to loopback by the browser, no DNS involved): not a secure
# context, as many real forms are not.
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
LOCKED = "Second Me is locked: unlock it, then click again."
NOT_RUNNING = "Second Me is not running: start it and unlock it, then click again."

# Run in an extension page: send the "trigger" the toolbar button and the shortcut send (from
# the background) to the other tab. chrome.* with promises works in both browsers under MV3.
TRIGGER_OTHER_TAB_JS = (
    "const me = await chrome.tabs.getCurrent();"
    "const tab = (await chrome.tabs.query({})).find((t) => t.id !== me.id);"
    "await chrome.tabs.sendMessage(tab.id, {type: 'trigger'});"
    "return 'sent';")


class Row(TypedDict):
    """One proposal in the panel, as the person sees it."""

    status: str
    checked: bool
    value: str
    source: str
    note: str


class FormBrowser(Protocol):
    """A browser with the extension loaded, seen as a person uses it: page fields and the panel."""

    def load(self, url: str) -> None:
        """Open ``url`` in the form tab."""

    def is_secure_context(self) -> bool: ...

    def click_field(self, field_id: str) -> bool:
        """Click into the page's field ``field_id``; whether the Second Me button then shows."""

    def click_trigger(self) -> None:
        """Click the Second Me button next to the focused field."""

    def panel_open(self) -> bool: ...

    def panel_message(self) -> tuple[str, str]:
        """The panel's message text and its class ("error" on failure)."""

    def panel_rows(self) -> dict[str, Row]:
        """The panel's proposals by field label."""

    def panel_html(self) -> str:
        """The panel document's whole markup."""

    def tick_only(self, labels: set[str]) -> None:
        """Click the panel's boxes until exactly the rows in ``labels`` are ticked."""

    def click_fill(self) -> None:
        """Click the panel's "Fill selected"."""

    def values(self, ids: list[str]) -> dict[str, str]: ...

    def checked(self, ids: list[str]) -> dict[str, bool]: ...

    def attribute(self, field_id: str, name: str) -> str | None: ...

    def trigger_from_extension_page(self) -> str:
        """In a new tab of the extension's own page, send the form tab a "trigger" (as the
        toolbar button does), close that tab and come back; what the page script said."""


@contextmanager
def served_forms() -> Iterator[str]:
    """The form pages on a loopback HTTP server, as ``http://shop.example:PORT``."""
    handler = functools.partial(_QuietHandler, directory=str(FORMS))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://{SITE}:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


def make_app_data(tmp_path: Path) -> Path:
    """A passphrase data dir whose profile holds :data:`PROFILE` (the person's own entries)."""
    from secondme.app import build

    data = tmp_path / "data"
    ctx = build(str(data), use_keyring=False, indexes=False)
    ctx.init(PASS)
    for field, value in PROFILE.items():
        ctx.profile.set_field(field, value)
    ctx.close()
    return data


def missing_browser(msg: str) -> None:
    """A browser the test needs is not installed: a failure on CI (which installs it through
    scripts/system-deps.sh, so missing there is a broken environment), a skip elsewhere."""
    if os.environ.get("CI"):
        pytest.fail(msg)
    pytest.skip(msg)



def secondme(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """Run the ``secondme`` CLI of this checkout."""
    return subprocess.run([sys.executable, "-m", "secondme", *args], capture_output=True, text=True,
                          timeout=60, env=env)


def socket_of(data: Path) -> str:
    from secondme.app_channel import socket_name

    return socket_name(data)


def open_panel(b: FormBrowser, url: str, field_id: str) -> None:
    """Load ``url``, click into ``field_id`` and click the Second Me button that appears by it."""
    b.load(url)
    wait_for("the Second Me button next to the focused field", lambda: b.click_field(field_id), timeout=20)
    b.click_trigger()
    wait_for("the Second Me panel", b.panel_open, timeout=10)


def rows_when_ready(b: FormBrowser) -> dict[str, Row]:
    """The panel's proposals once it has its answer (none, on failure: see its message)."""
    wait_for("the panel's answer", lambda: b.panel_message()[0] not in ("", "Asking Second Me…"), timeout=20)
    return b.panel_rows()


def accept(b: FormBrowser) -> None:
    """Click "Fill selected" and wait until the panel has closed."""
    b.click_fill()
    wait_for("the panel to close after filling", lambda: not b.panel_open(), timeout=15)


def run_fill_scenario(b: FormBrowser, forms_url: str, app_data: Path, runtime_dir: str, tmp_path: Path) -> None:
    """The whole scenario against the real ``secondme-app`` for ``app_data`` (started here)."""
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "XDG_RUNTIME_DIR": runtime_dir,
           "SECONDME_PASSPHRASE": PASS, "SECONDME_TEST_COMMANDS": "1"}
    env.pop("DISPLAY", None)
    name = socket_of(app_data)
    with launched_app([str(APP), "--no-tray", "--data-dir", str(app_data)], env, tmp_path):
        wait_for("the app to be ready", lambda: (r := call(name, {"cmd": "ping"})) and r.get("state") == "ready",
                 timeout=90)

        b.load(f"{forms_url}/checkout_en.html")
        assert b.is_secure_context() is False

        # --- English checkout: values with their source, negatives left out, the sensitive
        # passport number unticked and not even fetched.
        open_panel(b, f"{forms_url}/checkout_en.html", "fullname")
        rows = rows_when_ready(b)
        assert {k: r["value"] for k, r in rows.items() if r["status"] == "ok"} == {
            "Full name": "Anna Schmidt", "Email address": "anna.schmidt@example.org",
            "Phone number": "+49 30 12345678", "Street address": "Hauptstraße 5", "City": "Berlin",
            "ZIP / Postal code": "10115", "Country": "Germany"}, rows
        assert all(r["checked"] for r in rows.values() if r["status"] == "ok")
        assert rows["Email address"]["source"].startswith("Profile: E-mail — entered by you on "), rows["Email address"]
        passport = rows["Passport number"]
        assert passport["status"] == "needs_confirmation" and not passport["checked"]
        assert "C01X00T47" not in b.panel_html(), "a sensitive value reached the panel unasked"
        assert "Sensitive" in passport["note"]
        assert not {"Promo code", "Find a store", "Leave this empty"} & rows.keys()
        accept(b)
        ids = ["fullname", "email", "phone", "street", "city", "zip", "country", "passport", "promo",
               "store-zip", "hp"]
        assert b.values(ids) == {
            "fullname": "Anna Schmidt", "email": "anna.schmidt@example.org", "phone": "+49 30 12345678",
            "street": "Hauptstraße 5", "city": "Berlin", "zip": "10115", "country": "DE",
            "passport": "", "promo": "", "store-zip": "", "hp": ""}
        assert b.checked(["same", "catalogs"]) == {"same": False, "catalogs": False}
        assert b.attribute("email", "data-input-events") == "1" and b.attribute("email", "data-change-events") == "1", \
            "the page's own listeners did not see the fill"
        assert b.attribute("country", "data-change-events") == "1"

        # Ticking the sensitive field fills it, and only it changes.
        open_panel(b, f"{forms_url}/checkout_en.html", "passport")
        rows_when_ready(b)
        b.tick_only({"Passport number"})
        accept(b)
        assert b.values(["passport", "fullname", "promo"]) == {"passport": "C01X00T47", "fullname": "", "promo": ""}

        # --- German registration without a <form> tag, labels from a table and ARIA.
        open_panel(b, f"{forms_url}/registrierung_de.html", "vn")
        rows = rows_when_ready(b)
        assert rows["Vorname"]["value"] == "Anna" and rows["Nachname"]["value"] == "Schmidt", rows
        accept(b)
        assert b.values(["vn", "nn", "mail", "tel", "str", "plz", "ort", "land", "gutschein"]) == {
            "vn": "Anna", "nn": "Schmidt", "mail": "anna.schmidt@example.org", "tel": "+49 30 12345678",
            "str": "Hauptstraße 5", "plz": "10115", "ort": "Berlin", "land": "DE", "gutschein": ""}
        assert b.checked(["agb"]) == {"agb": False}

        # --- Japanese address form: a captcha and the terms checkbox stay empty.
        open_panel(b, f"{forms_url}/address_ja.html", "mail")
        rows_when_ready(b)
        accept(b)
        got = b.values(["mail", "denwa", "yubin", "shi", "captcha"])
        assert got == {"mail": "anna.schmidt@example.org", "denwa": "+49 30 12345678", "yubin": "10115",
                       "shi": "Berlin", "captcha": ""}, got
        assert b.checked(["kiyaku"]) == {"kiyaku": False}

        # --- Russian order form: the promo code and the consent stay empty.
        open_panel(b, f"{forms_url}/zakaz_ru.html", "pochta")
        rows_when_ready(b)
        accept(b)
        got = b.values(["fam", "imya", "pochta", "telefon", "gorod", "indeks", "promo"])
        assert got == {"fam": "Schmidt", "imya": "Anna", "pochta": "anna.schmidt@example.org",
                       "telefon": "+49 30 12345678", "gorod": "Berlin", "indeks": "10115", "promo": ""}, got
        assert b.checked(["soglasie"]) == {"soglasie": False}

        # --- The toolbar button and the shortcut send the page a "trigger": the form of the
        # last focused field opens. Sent here from an extension page, as the background does.
        b.load(f"{forms_url}/zakaz_ru.html")
        wait_for("the field to take the focus", lambda: b.click_field("gorod"), timeout=20)
        assert b.trigger_from_extension_page() == "sent"
        wait_for("the panel opened by the toolbar path", b.panel_open, timeout=10)
        assert rows_when_ready(b)["Город"]["value"] == "Berlin"
        accept(b)
        assert b.values(["gorod", "pochta", "promo"]) == {
            "gorod": "Berlin", "pochta": "anna.schmidt@example.org", "promo": ""}

        # --- Locked: the panel says so and nothing is filled.
        assert (r := call(name, {"cmd": "lock"})) and r["ok"]
        wait_for("the app to lock", lambda: (r := call(name, {"cmd": "ping"})) and r["state"] == "locked", timeout=30)
        open_panel(b, f"{forms_url}/checkout_en.html", "fullname")
        assert rows_when_ready(b) == {}
        text, cls = b.panel_message()
        assert text == LOCKED, text
        assert "error" in cls
        assert b.values(["fullname", "email"]) == {"fullname": "", "email": ""}
        assert (r := call(name, {"cmd": "quit"})) and r["ok"]

    # --- Not running: the same clear message kind.
    open_panel(b, f"{forms_url}/checkout_en.html", "fullname")
    rows_when_ready(b)
    assert b.panel_message()[0] == NOT_RUNNING
