"""``secondme browser install|uninstall`` and ``secondme browser-host``: forms in the browser."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import Any

from secondme.browser.install import BROWSERS, chromium_extension_id, extension_dir
from secondme.cli.exit_codes import ExitCode
from secondme.paths import Paths


def register(sub: Any, parent: argparse.ArgumentParser) -> None:
    """Add ``browser install|uninstall|host`` to the command line."""
    p = sub.add_parser("browser", parents=[parent],
                       help="connect the browser extension (form filling) to this app")
    bs = p.add_subparsers(dest="browser_cmd", metavar="ACTION", required=True)
    i = bs.add_parser("install", parents=[parent],
                      help="register the native-messaging host with Chromium, Chrome and Firefox")
    i.add_argument("--browser", dest="browsers", action="append", choices=BROWSERS, default=[],
                   help="only this browser (repeat; default: all of them)")
    i.add_argument("--extension-id", dest="extension_ids", action="append", default=[],
                   help="allow this extension id instead of the bundled extension's (repeat)")
    i.add_argument("--manifest-dir", default=None,
                   help="write the host manifest into this folder instead of the browser's own "
                        "(for a browser profile started with --user-data-dir: <dir>/NativeMessagingHosts)")
    i.set_defaults(func=cmd_install)
    u = bs.add_parser("uninstall", parents=[parent], help="remove the host manifests and launcher")
    u.add_argument("--browser", dest="browsers", action="append", choices=BROWSERS, default=[])
    u.add_argument("--manifest-dir", default=None)
    u.set_defaults(func=cmd_uninstall)
    h = sub.add_parser("browser-host", parents=[parent],
                       help="the native-messaging host (the browser starts it; not for a terminal)")
    # Chromium passes the calling extension's origin, Firefox the manifest path and add-on id.
    h.add_argument("caller", nargs="*", help=argparse.SUPPRESS)
    h.set_defaults(func=cmd_host)


def _launcher_dir(args: argparse.Namespace) -> Path:
    return Paths.at(args.data_dir).root / "browser"


def cmd_install(args: argparse.Namespace) -> int:
    """``secondme browser install``: register the native-messaging host and say how to load the extension."""
    from secondme.browser.install import install

    browsers = args.browsers or list(BROWSERS)
    data_dir = Paths.at(args.data_dir).root if args.data_dir else None
    manifest_dir = Path(args.manifest_dir).expanduser() if args.manifest_dir else None
    done = install(_launcher_dir(args), data_dir, browsers, extension_ids=args.extension_ids or None,
                   manifest_dir=manifest_dir)
    print(f"launcher: {done.launcher}")
    for m in done.manifests:
        print(f"host manifest: {m}")
    ext = extension_dir()
    if ext is not None:
        print(f"\nNow load the extension from {ext}:")
        print("  Chromium/Chrome: chrome://extensions → Developer mode → Load unpacked "
              f"(its id will be {chromium_extension_id()})")
        print("  Firefox: about:debugging → This Firefox → Load Temporary Add-on → manifest.json")
    return ExitCode.OK


def cmd_uninstall(args: argparse.Namespace) -> int:
    """``secondme browser uninstall``: remove the launcher and host manifests that install wrote."""
    from secondme.browser.install import uninstall

    manifest_dir = Path(args.manifest_dir).expanduser() if args.manifest_dir else None
    removed = uninstall(_launcher_dir(args), args.browsers or list(BROWSERS), manifest_dir=manifest_dir)
    for r in removed:
        print(f"removed {r}")
    if not removed:
        print("nothing to remove")
    return ExitCode.OK


def cmd_host(args: argparse.Namespace) -> int:
    """``secondme browser host``: serve the extension's messages on stdin/stdout (started by the browser)."""
    from secondme.browser.host import app_sender, serve

    # stdout carries the protocol: keep a private copy of it and point fd 1 at stderr, so that
    # a stray print (ours or a library's) cannot corrupt the message stream.
    out = os.fdopen(os.dup(sys.stdout.fileno()), "wb", buffering=0)
    sys.stdout.flush()
    os.dup2(sys.stderr.fileno(), sys.stdout.fileno())
    try:
        return serve(sys.stdin.buffer, out, app_sender(Paths.at(args.data_dir).root))
    finally:
        out.close()
