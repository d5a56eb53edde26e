"""The browser's native-messaging host alone: framing, bad input, what the app answers, install.

The whole path (extension → host → running app) is tests/e2e/test_browser_e2e.py (Chromium) and
tests/e2e/test_browser_firefox_e2e.py (Firefox).
"""

from __future__ import annotations

import io
import json
import os
import re
import struct
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from secondme.app import SecondMe
from secondme.browser import install as I
from secondme.browser.answer import MAX_FIELDS, BadRequest, answer_fill, match_option
from secondme.browser.host import HOST_NAME, NOT_RUNNING, app_sender, serve
from secondme.browser.protocol import MAX_INCOMING, ProtocolError, encode_message, read_message

REPO = Path(__file__).resolve().parents[2]
EXTENSION = REPO / "browser" / "extension"


def frame(body: bytes) -> bytes:
    return struct.pack("<I", len(body)) + body


def replies(data: bytes) -> list[dict[str, Any]]:
    out, stream = [], io.BytesIO(data)
    while (msg := read_message(stream)) is not None:
        out.append(msg)
    return out


@pytest.fixture
def no_app(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A data dir no app runs for, with a private runtime dir of its own for the socket name."""
    run = tmp_path / "run"
    run.mkdir(mode=0o700)
    monkeypatch.setenv("XDG_RUNTIME_DIR", str(run))
    return tmp_path / "data"


# --- framing -------------------------------------------------------------------------------------
def test_messages_round_trip_with_a_little_endian_length() -> None:
    msg = {"type": "fill", "fields": [{"label": "Почтовый индекс"}, {"label": "郵便番号"}]}
    data = encode_message(msg)
    body = json.dumps(msg, ensure_ascii=False, separators=(",", ":")).encode()
    assert data[:4] == len(body).to_bytes(4, "little") and data[4:] == body
    assert read_message(io.BytesIO(data)) == msg
    assert read_message(io.BytesIO(b"")) is None  # the browser closed the pipe


def test_bad_frames_are_told_apart_from_bad_json() -> None:
    cases = [(frame(b"{not json"), "not JSON", False), (frame(b"[1, 2]"), "one JSON object", False),
             (frame(b"\xff\xfe{}"), "not UTF-8", False),
             (struct.pack("<I", MAX_INCOMING + 1), "over the limit", True),
             (struct.pack("<I", 100) + b"{}", "cut short", True), (b"\x05\x00", "header was cut short", True)]
    for data, words, fatal in cases:
        with pytest.raises(ProtocolError, match=words) as exc:
            read_message(io.BytesIO(data))
        assert exc.value.fatal is fatal
    with pytest.raises(ValueError, match="over the browser's limit"):
        encode_message({"x": "a" * (1024 * 1024)})


def test_garbage_gets_an_error_reply_and_the_host_reads_on(no_app: Path) -> None:
    data = (frame(b"garbage") + frame(b'"a string"') + frame(json.dumps({"type": "dance", "id": 3}).encode())
            + frame(json.dumps({"type": "fill", "fields": "x", "id": "f"}).encode())
            + frame(json.dumps({"type": "status", "id": 7}).encode()))
    out = io.BytesIO()
    assert serve(io.BytesIO(data), out, app_sender(no_app)) == 0
    got = replies(out.getvalue())
    assert [r["ok"] for r in got] == [False] * 5
    assert got[0] == {"ok": False, "reason": "bad_request", "error": "bad message: the message is not JSON"}
    assert got[1]["error"] == "bad message: the message must be one JSON object"
    assert got[2] == {"ok": False, "reason": "bad_request", "id": 3,
                      "error": "unknown request type 'dance' (use 'status' or 'fill')"}
    assert got[3]["id"] == "f" and got[3]["error"] == "the request holds no form fields"
    assert got[4] == {"ok": False, "reason": "not_running", "error": NOT_RUNNING, "id": 7}


def test_an_oversized_message_ends_the_host_after_one_clear_reply(no_app: Path) -> None:
    out = io.BytesIO()
    # The length says 64 MiB: the host must not try to read (or hold) it.
    data = struct.pack("<I", 64 * 1024 * 1024) + b"x" * 1000 + frame(b'{"type": "status"}')
    assert serve(io.BytesIO(data), out, app_sender(no_app)) == 1
    (reply,) = replies(out.getvalue())
    assert reply["ok"] is False and reply["reason"] == "bad_request"
    assert reply["error"] == f"bad message: message of {64 * 1024 * 1024} bytes is over the limit of {MAX_INCOMING} bytes"


def test_the_installed_launcher_runs_the_real_host(no_app: Path, tmp_path: Path) -> None:
    """``secondme browser install`` → the launcher a browser would start → framed replies only."""
    manifests = tmp_path / "NativeMessagingHosts"
    done = subprocess.run([sys.executable, "-m", "secondme", "--data-dir", str(no_app), "browser", "install",
                           "--browser", "chromium", "--manifest-dir", str(manifests)],
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    manifest = json.loads((manifests / f"{HOST_NAME}.json").read_text())
    launcher = Path(manifest["path"])
    assert os.access(launcher, os.X_OK)
    data = frame(json.dumps({"type": "status", "id": 1}).encode()) + frame(b"\x00garbage")
    # Chromium passes the calling extension's origin as the argument.
    run = subprocess.run([str(launcher), f"chrome-extension://{I.chromium_extension_id()}/"], input=data,
                         capture_output=True, timeout=60)
    assert run.returncode == 0, run.stderr.decode()
    got = replies(run.stdout)  # stdout holds nothing but whole frames
    assert got == [{"ok": False, "reason": "not_running", "error": NOT_RUNNING, "id": 1},
                   {"ok": False, "reason": "bad_request", "error": "bad message: the message is not JSON"}]


# --- what the app answers ------------------------------------------------------------------------
def test_answer_gives_values_with_provenance_and_keeps_negatives_and_sensitive_back(ctx: SecondMe) -> None:
    for field, value in {"name": "Ana Reyes", "email": "ana@example.org", "postal-code": "98101",
                         "country-name": "France", "passport-number": "X1234567"}.items():
        ctx.profile.set_field(field, value)
    fields = [
        {"key": "a", "label": "Email address", "type": "email"},
        {"key": "b", "label": "Enter ZIP Code", "type": "search"},
        {"key": "c", "label": "Promo code"},
        {"key": "d", "label": "My billing address is the same as my shipping address", "type": "checkbox"},
        {"key": "e", "label": "Passport number"},
        {"key": "f", "label": "Country", "tag": "select",
         "options": [{"value": "", "text": "Choose"}, {"value": "de", "text": "Deutschland"},
                     {"value": "fr", "text": "Frankreich"}]},
        {"key": "g", "label": "Postleitzahl", "section": "Lieferadresse"},
        {"key": "h", "label": "Pays", "tag": "select", "options": [{"value": "1", "text": "Belgique"}]},
    ]
    res = {r["key"]: r for r in answer_fill(ctx.profile, {"fields": fields})["results"]}
    assert res["a"]["status"] == "ok" and res["a"]["value"] == "ana@example.org"
    assert res["a"]["provenance"].startswith("Profile: E-mail — entered by you on ")
    for k in "bcd":
        assert res[k]["status"] == "unknown" and res[k]["value"] is None, res[k]
    assert res["c"]["reason"].startswith("negative")
    assert res["e"]["status"] == "needs_confirmation" and res["e"]["value"] is None and res["e"]["sensitive"]
    assert res["f"]["status"] == "ok" and res["f"]["option"] == "fr"  # France ↔ "fr" by country code
    assert res["g"]["value"] == "98101"
    assert res["h"]["status"] == "no_option" and res["h"]["value"] is None
    confirmed = answer_fill(ctx.profile, {"fields": [fields[4]], "confirm": ["e"]})["results"][0]
    assert confirmed["status"] == "ok" and confirmed["value"] == "X1234567"


def test_a_multi_line_address_fits_a_one_line_box(ctx: SecondMe) -> None:
    ctx.profile.set_field("street-address", "1200 Harbor Avenue\nApt 4B")
    fields = [{"key": "one", "label": "Street address", "tag": "input", "type": "text"},
              {"key": "many", "label": "Street address", "tag": "textarea", "type": "textarea"}]
    res = {r["key"]: r for r in answer_fill(ctx.profile, {"fields": fields})["results"]}
    assert res["one"]["value"] == "1200 Harbor Avenue, Apt 4B"  # not "1200 Harbor AvenueApt 4B"
    assert res["many"]["value"] == "1200 Harbor Avenue\nApt 4B"


def test_answer_refuses_malformed_requests_and_bounds_what_a_page_sends(ctx: SecondMe) -> None:
    for bad in ({}, {"fields": []}, {"fields": "x"}, {"fields": [1]}, {"fields": [{}], "confirm": "e"},
                {"fields": [{"label": "x"}] * (MAX_FIELDS + 1)}):
        with pytest.raises(BadRequest):
            answer_fill(ctx.profile, bad)
    ctx.profile.set_field("email", "ana@example.org")
    huge = {"label": "Email " + "x" * 100_000, "type": "email", "options": [str(i) for i in range(10_000)],
            "neighbours": ["n"] * 1000, "maxlength": "many"}
    (r,) = answer_fill(ctx.profile, {"fields": [huge]})["results"]
    assert len(r["label"]) <= 300


def test_select_options_match_by_value_text_country_and_number() -> None:
    opts = [{"value": "", "text": "—"}, {"value": "us", "text": "United States"}, {"value": "DE", "text": "Germany"},
            {"value": "05", "text": "5"}, {"value": "m3", "text": "Mrs"}]
    assert match_option("Germany", opts) == "DE"
    assert match_option("de", opts) == "DE"
    assert match_option("USA", opts) == "us"
    assert match_option("5", opts) == "05"
    assert match_option("mrs", opts) == "m3"
    assert match_option("Narnia", opts) is None


# --- install -------------------------------------------------------------------------------------
def test_install_writes_each_browsers_manifest_and_uninstall_removes_only_ours(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("XDG_CONFIG_HOME", raising=False)
    home = tmp_path / "home"
    done = I.install(tmp_path / "launch", tmp_path / "data", list(I.BROWSERS), home=home)
    by_folder = {p.parent: json.loads(p.read_text()) for p in done.manifests}
    if sys.platform.startswith("linux"):
        assert set(by_folder) == {home / ".config/chromium/NativeMessagingHosts",
                                  home / ".config/google-chrome/NativeMessagingHosts",
                                  home / ".mozilla/native-messaging-hosts"}
    for folder, m in by_folder.items():
        assert m["name"] == HOST_NAME and m["type"] == "stdio" and m["path"] == str(done.launcher)
        if "mozilla" in str(folder).lower():
            assert m["allowed_extensions"] == [I.FIREFOX_EXTENSION_ID]
        else:
            assert m["allowed_origins"] == [f"chrome-extension://{I.chromium_extension_id()}/"]
    script = done.launcher.read_text()
    assert "browser-host" in script and str(tmp_path / "data") in script
    own = I.install(tmp_path / "launch", None, ["chrome"], extension_ids=["abcdefghijklmnopabcdefghijklmnop"],
                    home=home)
    assert json.loads(own.manifests[0].read_text())["allowed_origins"] == [
        "chrome-extension://abcdefghijklmnopabcdefghijklmnop/"]
    foreign = home / ".mozilla/native-messaging-hosts/other.json"
    foreign.write_text("{}")
    removed = I.uninstall(tmp_path / "launch", list(I.BROWSERS), home=home)
    assert len(removed) == 4 and not done.launcher.exists()
    assert foreign.exists() and not any(p.exists() for p in done.manifests)


def test_the_extension_id_and_ids_match_the_extension_manifest() -> None:
    manifest = json.loads((EXTENSION / "manifest.json").read_text())
    assert manifest["manifest_version"] == 3
    assert manifest["key"] == I.EXTENSION_PUBLIC_KEY
    assert re.fullmatch("[a-p]{32}", I.chromium_extension_id())
    assert manifest["browser_specific_settings"]["gecko"]["id"] == I.FIREFOX_EXTENSION_ID
    assert manifest["permissions"] == ["nativeMessaging"]
    # One manifest for both: Chromium runs the service worker, Firefox (no extension service
    # workers) the same file as an event page.
    assert manifest["background"] == {"service_worker": "background.js", "scripts": ["background.js"]}
    host_name = re.search(r'HOST = "([^"]+)"', (EXTENSION / "background.js").read_text())
    assert host_name is not None and host_name.group(1) == HOST_NAME


def test_the_extension_has_no_way_to_the_network() -> None:
    """No remote code and no network API anywhere in the extension; the CSP forbids both."""
    csp = json.loads((EXTENSION / "manifest.json").read_text())["content_security_policy"]["extension_pages"]
    directives = dict(d.strip().split(" ", 1) for d in csp.split(";") if d.strip())
    assert directives["default-src"] == "'none'" and directives["script-src"] == "'self'"
    assert "connect-src" not in directives  # falls back to default-src 'none'
    for path in EXTENSION.iterdir():
        text = path.read_text("utf-8")
        for api in ("fetch(", "XMLHttpRequest", "WebSocket", "EventSource", "sendBeacon", "eval(",
                    "new Function", "innerHTML", "importScripts", "http://", "https://"):
            if path.name == "manifest.json" and api in ("http://", "https://"):
                continue  # the match patterns of the content script
            assert api not in text, f"{api} in {path.name}"
