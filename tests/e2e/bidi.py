"""A small WebDriver BiDi client for driving Firefox in the end-to-end tests.

Firefox (since 129) speaks WebDriver BiDi itself when started with ``--remote-debugging-port``,
so no geckodriver is needed: :class:`Firefox` starts the browser on a throw-away profile and
reads the port it chose from its stderr, :class:`BiDi` talks to it over one WebSocket
(``websocket-client``). Commands are synchronous: send one, read until its answer arrives;
events that arrive meanwhile are kept (console messages, for failure reports).
"""

from __future__ import annotations

import itertools
import json
import os
import re
import subprocess
import time
from pathlib import Path
from typing import Any

import websocket

LISTENING = re.compile(r"WebDriver BiDi listening on (ws://[\d.]+:\d+)")

# A test profile that reaches for nothing beyond loopback on its own: no updates, telemetry,
# crash or health reports, safe-browsing lists, remote settings, add-on metadata, captive-portal
# or connectivity probes, DNS-over-HTTPS, prefetching, search or region look-ups, plugins (GMP)
# downloads, welcome or new-tab pages. Firefox's remote agent sets some of these itself; all are
# written here so the profile does not depend on that.
QUIET_PREFS: dict[str, bool | int | str] = {
    "network.proxy.type": 0,  # direct: no system proxy and no WPAD auto-detection
    "network.trr.mode": 5,  # DNS-over-HTTPS off
    "network.captive-portal-service.enabled": False,
    "network.connectivity-service.enabled": False,
    "network.dns.disablePrefetch": True,
    "network.prefetch-next": False,
    "network.predictor.enabled": False,
    "network.http.speculative-parallel-limit": 0,
    "browser.urlbar.speculativeConnect.enabled": False,
    "browser.places.speculativeConnect.enabled": False,
    "app.update.enabled": False,
    "app.update.auto": False,
    "app.update.checkInstallTime": False,
    "app.normandy.enabled": False,
    "app.shield.optoutstudies.enabled": False,
    "datareporting.healthreport.uploadEnabled": False,
    "datareporting.policy.dataSubmissionEnabled": False,
    "datareporting.usage.uploadEnabled": False,
    "toolkit.telemetry.enabled": False,
    "toolkit.telemetry.unified": False,
    "toolkit.telemetry.archive.enabled": False,
    "toolkit.telemetry.server": "",
    "toolkit.crashreporter.include_context_heap": False,
    "browser.crashReports.unsubmittedCheck.autoSubmit2": False,
    "browser.shell.checkDefaultBrowser": False,
    "browser.startup.page": 0,
    "browser.startup.homepage": "about:blank",
    "browser.startup.homepage_override.mstone": "ignore",
    "startup.homepage_welcome_url": "",
    "startup.homepage_welcome_url.additional": "",
    "browser.aboutwelcome.enabled": False,
    "trailhead.firstrun.didSeeAboutWelcome": True,
    "browser.newtabpage.enabled": False,
    "browser.newtabpage.activity-stream.feeds.system.topstories": False,
    "browser.newtabpage.activity-stream.feeds.section.topstories": False,
    "browser.newtabpage.activity-stream.feeds.snippets": False,
    "browser.newtabpage.activity-stream.telemetry": False,
    "browser.topsites.contile.enabled": False,
    "browser.safebrowsing.malware.enabled": False,
    "browser.safebrowsing.phishing.enabled": False,
    "browser.safebrowsing.downloads.enabled": False,
    "browser.safebrowsing.downloads.remote.enabled": False,
    "browser.safebrowsing.blockedURIs.enabled": False,
    "browser.safebrowsing.provider.google4.updateURL": "",
    "browser.safebrowsing.provider.google.updateURL": "",
    "browser.safebrowsing.provider.mozilla.updateURL": "",
    "browser.search.update": False,
    "browser.region.network.url": "",
    "browser.region.update.enabled": False,
    "geo.provider.network.url": "",
    "browser.discovery.enabled": False,
    "browser.ping-centre.telemetry": False,
    "browser.contentblocking.report.lockwise.enabled": False,
    "services.settings.server": "data:,#remote-settings-dummy/v1",
    "services.sync.engine.addons": False,
    "identity.fxaccounts.enabled": False,
    "extensions.update.enabled": False,
    "extensions.update.autoUpdateDefault": False,
    "extensions.getAddons.cache.enabled": False,
    "extensions.blocklist.enabled": False,
    "extensions.systemAddon.update.enabled": False,
    "extensions.htmlaboutaddons.recommendations.enabled": False,
    "media.gmp-manager.url": "",
    "media.gmp-manager.updateEnabled": False,
    "media.gmp-gmpopenh264.enabled": False,
    "media.gmp-widevinecdm.enabled": False,
    "security.OCSP.enabled": 0,
    "security.remote_settings.crlite_filters.enabled": False,
    "security.remote_settings.intermediates.enabled": False,
    "privacy.antitracking.enableWebcompat": False,
    # Plain-http test sites stay plain http: no HTTPS-first detour to a port that has no TLS.
    "dom.security.https_first": False,
    "dom.security.https_first_schemeless": False,
    "dom.security.https_only_mode": False,
}


def write_user_js(profile: Path, prefs: dict[str, bool | int | str]) -> None:
    """Write ``prefs`` as the profile's ``user.js`` (read by Firefox at every start)."""
    profile.mkdir(parents=True, exist_ok=True)
    lines = [f"user_pref({json.dumps(k)}, {json.dumps(v)});" for k, v in prefs.items()]
    (profile / "user.js").write_text("\n".join(lines) + "\n", "utf-8")


class BiDiError(Exception):
    """A command the browser answered with an error (``error`` and ``message`` of the reply)."""

    def __init__(self, method: str, error: str, message: str) -> None:
        super().__init__(f"{method}: {error}: {message}")
        self.error = error


class BiDi:
    """One BiDi session over a WebSocket: commands, element clicks, script results as Python."""

    def __init__(self, url: str, timeout: float = 30.0) -> None:
        # No Origin header: Firefox refuses WebSocket clients that send one it was not told
        # to allow (--remote-allow-origins), as a web page would.
        self._ws = websocket.create_connection(f"{url}/session", timeout=timeout, suppress_origin=True)
        self._ids = itertools.count(1)
        self.timeout = timeout
        self.events: list[dict[str, Any]] = []

    def close(self) -> None:
        self._ws.close()

    def send(self, method: str, params: dict[str, Any] | None = None, timeout: float | None = None) -> dict[str, Any]:
        """Run one command and return its ``result`` (raises :class:`BiDiError` on an error reply)."""
        cid = next(self._ids)
        self._ws.send(json.dumps({"id": cid, "method": method, "params": params or {}}))
        deadline = time.monotonic() + (timeout or self.timeout)
        while True:
            self._ws.settimeout(max(0.1, deadline - time.monotonic()))
            try:
                raw = self._ws.recv()
            except websocket.WebSocketTimeoutException:
                raise TimeoutError(f"{method}: no answer from the browser") from None
            msg = json.loads(raw)
            if msg.get("id") == cid:
                if msg.get("type") == "error":
                    raise BiDiError(method, str(msg.get("error")), str(msg.get("message")))
                result: dict[str, Any] = msg.get("result", {})
                return result
            if msg.get("type") == "event":
                self.events.append(msg)

    # --- sessions and pages -----------------------------------------------------------------
    def start_session(self) -> None:
        self.send("session.new", {"capabilities": {}})
        self.send("session.subscribe", {"events": ["log.entryAdded"]})

    def console(self) -> list[str]:
        """The console messages and page errors seen so far, one line each."""
        return [f"{e['params'].get('level')}: {e['params'].get('text')} "
                f"({e['params'].get('source', {}).get('context', '')})"
                for e in self.events if e.get("method") == "log.entryAdded"]

    def install_extension(self, path: Path) -> str:
        """Load the unpacked extension at ``path`` as a temporary add-on; its add-on id."""
        result = self.send("webExtension.install", {"extensionData": {"type": "path", "path": str(path)}})
        return str(result["extension"])

    def tabs(self) -> list[str]:
        """The top-level browsing contexts (tabs), oldest first."""
        return [c["context"] for c in self.send("browsingContext.getTree", {"maxDepth": 0})["contexts"]]

    def frames(self, context: str) -> list[dict[str, Any]]:
        """The child frames of ``context`` (each ``{"context", "url", ...}``)."""
        tree = self.send("browsingContext.getTree", {"root": context})["contexts"]
        children: list[dict[str, Any]] = tree[0].get("children") or [] if tree else []
        return children

    def new_tab(self) -> str:
        return str(self.send("browsingContext.create", {"type": "tab"})["context"])

    def close_tab(self, context: str) -> None:
        self.send("browsingContext.close", {"context": context})

    def activate(self, context: str) -> None:
        self.send("browsingContext.activate", {"context": context})

    def navigate(self, context: str, url: str) -> None:
        self.send("browsingContext.navigate", {"context": context, "url": url, "wait": "complete"})

    # --- scripts ------------------------------------------------------------------------------
    def run(self, context: str, body: str, *args: Any) -> Any:
        """Run ``body`` as an async function in ``context`` with ``args`` (JSON values) and
        return what it returns, through JSON (so plain data only)."""
        fn = f"async function(...args) {{ return JSON.stringify(await (async (...args) => {{ {body} }})(...args)); }}"
        reply = self.send("script.callFunction", {
            "functionDeclaration": fn, "awaitPromise": True, "target": {"context": context},
            "arguments": [{"type": "string", "value": json.dumps(a)} for a in args],
            "userActivation": False})
        if reply.get("type") == "exception":
            details = reply.get("exceptionDetails", {})
            raise BiDiError("script.callFunction", "exception", str(details.get("text")))
        value = reply["result"]
        if value.get("type") != "string":  # the body returned undefined
            return None
        return json.loads(value["value"])

    def value(self, context: str, body: str, *args: Any) -> Any:
        """:meth:`run` with each argument parsed from its JSON first (``args[0]`` etc. in ``body``)."""
        return self.run(context, f"args = args.map((a) => JSON.parse(a)); {body}", *args)

    # --- input --------------------------------------------------------------------------------
    def click_at(self, context: str, x: float, y: float) -> None:
        """A real mouse click (trusted events) at viewport point ``x, y`` of the tab ``context``."""
        self.send("input.performActions", {"context": context, "actions": [{
            "type": "pointer", "id": "mouse", "parameters": {"pointerType": "mouse"},
            "actions": [
                {"type": "pointerMove", "x": round(x), "y": round(y), "duration": 0},
                {"type": "pointerDown", "button": 0},
                {"type": "pointerUp", "button": 0},
            ]}]})
        self.send("input.releaseActions", {"context": context})


class Firefox:
    """A headless Firefox on ``profile`` with its BiDi endpoint; stderr goes to ``log``."""

    def __init__(self, binary: str, profile: Path, log: Path, env: dict[str, str], timeout: float = 60.0) -> None:
        self.log = log
        with open(log, "wb") as err:
            self.proc = subprocess.Popen(
                [binary, "--headless", "--no-remote", "--remote-debugging-port=0", "--profile", str(profile),
                 "about:blank"], env=env, stdout=subprocess.DEVNULL, stderr=err, start_new_session=True)
        deadline = time.monotonic() + timeout
        while True:
            found = LISTENING.search(log.read_text("utf-8", "replace"))
            if found:
                self.url = found.group(1)
                break
            if self.proc.poll() is not None or time.monotonic() > deadline:
                self.stop()
                raise RuntimeError(f"Firefox did not open its BiDi port:\n{self.stderr()}")
            time.sleep(0.1)

    def stderr(self) -> str:
        return self.log.read_text("utf-8", "replace")

    def stop(self) -> None:
        """End Firefox and every process it started (content processes, the native host)."""
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(15)
            except subprocess.TimeoutExpired:
                pass
        try:
            os.killpg(self.proc.pid, 9)  # its own session: only what this Firefox started
        except ProcessLookupError:
            pass
        if self.proc.poll() is None:
            self.proc.wait(10)
