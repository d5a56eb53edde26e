"""``secondme browser install|uninstall``: register the native-messaging host with the browsers.

A browser starts a native host only when a manifest named after the host, in its own per-user
folder, names the program and the extensions allowed to start it. We write a small launcher
script (``secondme --data-dir … browser-host``) and one manifest per browser. The Chromium
extension id is fixed by the public key in the extension's manifest (``"key"``), so the id
allowed here is known before the extension is loaded; Firefox uses the add-on id in
``browser_specific_settings``.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import shlex
import sys
from dataclasses import dataclass
from pathlib import Path

from secondme.browser.host import HOST_NAME
from secondme.errors import UserError

# The extension's public key (the "key" in browser/extension/manifest.json). Its private half
# was never kept: the key only fixes the id of the unpacked extension.
EXTENSION_PUBLIC_KEY = (
    "MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEAnB1mhRWi86K1xwPf6hgGCGzV7iACrRIVNJaiua3Vuvsov+5r7eBQXXLl"
    "67SA4j5yWidy42LcFkr/g+jDpkED98gz9vEpZloNJM/n+5uCU96d8Utbm07zunXTWwNVJrWjCC9hQ2pCXzVNsKKiSJZ4gqW/uWax"
    "jKYWHGbtPvaC3n+S17yGSHOuScOofDs00u0TMkgNVkdyR+lHR4zx76FK3YC3vumk8HUPla7sy5zNttOwbvrTzklfQa4ri8gbJYhI"
    "rqI0kPEBELngCMOWiUIEG8Dy37wFMRGMU0W9Nan/BsYS+FnD1OTkOkMvtsIgTVx20WIw2LZDkCFbQ663NtBGnQIDAQAB")
FIREFOX_EXTENSION_ID = "browser-fill@secondme.invalid"
BROWSERS = ("chromium", "chrome", "firefox")
LAUNCHER_NAME = "secondme-browser-host"


def chromium_extension_id(public_key_b64: str = EXTENSION_PUBLIC_KEY) -> str:
    """The id Chromium gives an extension with this key: the first 128 bits of the SHA-256 of
    the DER key, each hex digit written as a letter a–p."""
    digest = hashlib.sha256(base64.b64decode(public_key_b64)).hexdigest()[:32]
    return "".join(chr(ord("a") + int(c, 16)) for c in digest)


def extension_dir() -> Path | None:
    """The unpacked extension of this source tree (``browser/extension``), when present."""
    here = Path(__file__).resolve().parents[2] / "browser" / "extension"
    return here if (here / "manifest.json").is_file() else None


def host_folder(browser: str, home: Path | None = None) -> Path:
    """The per-user folder where ``browser`` looks for native-messaging host manifests."""
    home = home or Path.home()
    if sys.platform == "darwin":
        base = home / "Library" / "Application Support"
        return {"chromium": base / "Chromium" / "NativeMessagingHosts",
                "chrome": base / "Google" / "Chrome" / "NativeMessagingHosts",
                "firefox": base / "Mozilla" / "NativeMessagingHosts"}[browser]
    if sys.platform.startswith("win"):
        raise UserError("On Windows the browsers find native hosts through the registry, which "
                        "'secondme browser install' does not write yet; use --manifest-dir and add the "
                        "registry key by hand.")
    config = Path(os.environ.get("XDG_CONFIG_HOME") or home / ".config")
    return {"chromium": config / "chromium" / "NativeMessagingHosts",
            "chrome": config / "google-chrome" / "NativeMessagingHosts",
            "firefox": home / ".mozilla" / "native-messaging-hosts"}[browser]


def host_manifest(browser: str, launcher: Path, extension_ids: list[str] | None = None) -> dict[str, object]:
    """The host manifest for ``browser``: Chromium lists allowed origins, Firefox add-on ids."""
    manifest: dict[str, object] = {
        "name": HOST_NAME,
        "description": "Second Me: fills forms from your local profile (asks the running app)",
        "path": str(launcher),
        "type": "stdio",
    }
    if browser == "firefox":
        manifest["allowed_extensions"] = extension_ids or [FIREFOX_EXTENSION_ID]
    else:
        ids = extension_ids or [chromium_extension_id()]
        manifest["allowed_origins"] = [f"chrome-extension://{i}/" for i in ids]
    return manifest


def launcher_script(data_dir: Path | None) -> str:
    """A shell script that starts this installation's ``secondme browser-host``."""
    if getattr(sys, "frozen", False):  # a bundle: its executable is the CLI itself
        cmd = [sys.executable]
    else:
        cmd = [sys.executable, "-m", "secondme"]
    if data_dir is not None:
        cmd += ["--data-dir", str(data_dir)]
    cmd.append("browser-host")
    return ("#!/bin/sh\n"
            "# Written by 'secondme browser install': the browser starts this to ask the running\n"
            "# Second Me app for form values. 'secondme browser uninstall' removes it.\n"
            f"exec {' '.join(shlex.quote(c) for c in cmd)} \"$@\"\n")


@dataclass(frozen=True)
class Installed:
    """What ``install`` wrote: the launcher and one manifest per browser folder."""

    launcher: Path
    manifests: list[Path]


def install(launcher_dir: Path, data_dir: Path | None, browsers: list[str], *,
            extension_ids: list[str] | None = None, manifest_dir: Path | None = None,
            home: Path | None = None) -> Installed:
    """Write the launcher into ``launcher_dir`` and a manifest for each of ``browsers``
    (into ``manifest_dir`` instead of the browser's own folder when given)."""
    for b in browsers:
        if b not in BROWSERS:
            raise UserError(f"unknown browser {b!r}: use one of {', '.join(BROWSERS)}")
    launcher_dir.mkdir(parents=True, exist_ok=True)
    launcher = launcher_dir / LAUNCHER_NAME
    tmp = launcher.with_suffix(".tmp")
    tmp.write_text(launcher_script(data_dir), "utf-8")
    tmp.chmod(0o755)
    os.replace(tmp, launcher)
    written: list[Path] = []
    for b in browsers:
        folder = manifest_dir or host_folder(b, home)
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / f"{HOST_NAME}.json"
        path.write_text(json.dumps(host_manifest(b, launcher, extension_ids), indent=2) + "\n", "utf-8")
        written.append(path)
    return Installed(launcher, written)


def uninstall(launcher_dir: Path, browsers: list[str], *, manifest_dir: Path | None = None,
              home: Path | None = None) -> list[Path]:
    """Remove our manifests (only files that name our host) and the launcher; what was removed."""
    removed: list[Path] = []
    folders = [manifest_dir] if manifest_dir else [host_folder(b, home) for b in browsers]
    for folder in folders:
        path = folder / f"{HOST_NAME}.json"
        try:
            ours = json.loads(path.read_text("utf-8")).get("name") == HOST_NAME
        except (OSError, ValueError, AttributeError):
            ours = False
        if ours:
            path.unlink()
            removed.append(path)
    launcher = launcher_dir / LAUNCHER_NAME
    if launcher.exists():
        launcher.unlink()
        removed.append(launcher)
    return removed
