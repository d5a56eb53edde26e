"""``secondme-app``: the desktop app's entry point.

Order matters: arguments, then the single-instance check (a second launch hands over and exits
before loading anything heavy), then logging and the crash handler, then the core, then the UI.
"""

from __future__ import annotations

import argparse
import logging
import os
import secrets
import sys

from secondme.paths import APP_ID, Paths

log = logging.getLogger("secondme.ui.main")

ENV_PASSPHRASE = "SECONDME_PASSPHRASE"  # the same variable the CLI reads


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(prog="secondme-app", description="Second Me desktop app")
    p.add_argument("--data-dir", help="use this data directory instead of the default")
    p.add_argument("--recall", action="store_true",
                   help="open quick recall (in the running instance if there is one)")
    p.add_argument("--self-test", action="store_true",
                   help="create a store in --data-dir, check it, and exit (for packaging tests)")
    p.add_argument("--no-tray", action="store_true", help="run as a window even if a tray exists")
    p.add_argument("--verbose", action="store_true", help="log at DEBUG level (may include note text)")
    # Qt's own options (-platform, -style…) pass through to QApplication.
    args, qt_args = p.parse_known_args(argv)
    args.qt_args = qt_args
    return args


def self_test(data_dir: str | None) -> int:
    """Open (or create) a store, write and read a sealed value, load Qt, and exit."""
    if not data_dir:
        print("--self-test needs --data-dir (it never touches your real data)", file=sys.stderr)
        return 2
    from secondme.app import build
    from secondme.vault import trusted_keyring_backend
    from ui.icons import Icons
    from ui.qt import QApplication

    ctx = build(data_dir)
    secret = os.environ.pop(ENV_PASSPHRASE, None)
    if not ctx.initialized:
        if secret is None and trusted_keyring_backend() is None:
            secret = secrets.token_urlsafe(24)  # a throwaway store: nobody needs to reopen it
        ctx.init(secret)
    else:
        ctx.unlock(secret)
    ctx.set_private("self-test", "ok")
    ok = ctx.get_private("self-test") == "ok"
    ctx.close()
    app = QApplication.instance() or QApplication(["secondme-app", "-platform", "offscreen"])
    ok = ok and not Icons().get().isNull()
    del app
    print("self-test ok" if ok else "self-test FAILED")
    return 0 if ok else 1


def main(argv: list[str] | None = None) -> int:
    args = parse_args(sys.argv[1:] if argv is None else argv)
    os.environ.setdefault("HF_HUB_OFFLINE", "1")  # nothing is ever fetched from a model hub
    if args.self_test:
        return self_test(args.data_dir)

    from ui.instance import InstanceServer, send, socket_name
    from ui.qt import QApplication, QGuiApplication

    paths = Paths.at(args.data_dir)
    app = QApplication([sys.argv[0], *args.qt_args])
    app.setApplicationName("SecondMe")
    app.setApplicationDisplayName("Second Me")
    QGuiApplication.setDesktopFileName(APP_ID)
    app.setQuitOnLastWindowClosed(False)  # closing the window keeps the app in the tray

    name = socket_name(paths.root)
    if send(name, {"cmd": "recall" if args.recall else "activate"}, timeout_ms=1000) is not None:
        return 0  # the running instance took over

    from ui.crash import ErrorReporter
    from ui.logs import setup_logging

    paths.ensure()
    log_file = setup_logging(paths.logs_dir, args.verbose)
    reporter = ErrorReporter(log_file)
    reporter.install()
    server = InstanceServer(name)
    if not server.listen():
        # Another instance started at the same moment and won: hand over to it.
        send(name, {"cmd": "recall" if args.recall else "activate"})
        return 0

    from ui.icons import Icons
    from ui.tray import Tray, TrayState

    icons = Icons()
    app.setWindowIcon(icons.get())
    early_tray = None
    if not args.no_tray and paths.vault_file.exists() and Tray.available():
        # Show the (locked) tray icon before importing the core, which takes a second or two:
        # the person sees the app is there at once.
        early_tray = Tray(icons, lambda: TrayState(locked=True, paused=False, indexing=False))
        early_tray.show()
        app.processEvents()
        log.info("tray ready")

    from secondme.app import build
    from ui import testchannel
    from ui.controller import Controller

    ctx = build(args.data_dir)
    controller = Controller(app, ctx, server=server, reporter=reporter,
                            passphrase=os.environ.pop(ENV_PASSPHRASE, None),
                            use_tray=not args.no_tray, early_tray=early_tray)
    controller.services.icons = icons
    if testchannel.enabled():
        testchannel.install(controller)
    controller.start(recall=args.recall)
    rc = app.exec()
    controller.finish()
    if ctx.unlocked:  # the event loop ended some other way (a signal): still seal and close
        ctx.close()
    log.info("exited with %s", rc)
    return int(rc)


if __name__ == "__main__":
    sys.exit(main())
