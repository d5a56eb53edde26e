"""``secondme-app``: the desktop app's entry point.

Order matters: arguments, then the single-instance check (a second launch hands over and exits
before loading anything heavy), then logging and the crash handler, then the core, then the UI.
"""

from __future__ import annotations

import argparse
import logging
import secrets
import sys

from secondme.hardening import PASSPHRASE_ENV, harden_process, take_env_secret
from secondme.paths import APP_ID, Paths

log = logging.getLogger("secondme.ui.main")

ENV_PASSPHRASE = PASSPHRASE_ENV  # the same variable the CLI reads


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    """The app's command line (data folder, ``--recall``, self-test, desktop entry, tray,
    verbosity); Qt's own options are kept in ``qt_args`` for QApplication."""
    p = argparse.ArgumentParser(prog="secondme-app", description="Second Me desktop app")
    p.add_argument("--data-dir", help="use this data directory instead of the default")
    p.add_argument("--recall", action="store_true",
                   help="open quick recall (in the running instance if there is one)")
    p.add_argument("--self-test", action="store_true",
                   help="create a store in --data-dir, check it, and exit (for packaging tests)")
    p.add_argument("--install-desktop-entry", action="store_true",
                   help="add Second Me to this user's application menu (Linux) and exit")
    p.add_argument("--uninstall-desktop-entry", action="store_true",
                   help="remove Second Me from this user's application menu (Linux) and exit")
    p.add_argument("--no-tray", action="store_true", help="run as a window even if a tray exists")
    p.add_argument("--verbose", action="store_true", help="log at DEBUG level (may include note text)")
    # Qt's own options (-platform, -style…) pass through to QApplication.
    args, qt_args = p.parse_known_args(argv)
    args.qt_args = qt_args
    return args


SELF_TEST_NOTE = (
    "# Trip to Lisbon\n\n"
    "In Lisbon we ate pastel de nata at a bakery in Belem and took tram 28 up to Alfama.\n"
)


def self_test(data_dir: str | None, secret: str | None = None) -> int:
    """Exercise a packaged build end to end and exit: 0 when every step worked.

    Creates a store in ``data_dir``, writes and reads a sealed value, indexes a sample note,
    searches it, asks the default model, and loads Qt and the icon; prints one JSON line with
    each step's time (seconds). Never touches the person's real data.
    """
    if not data_dir:
        print("--self-test needs --data-dir (it never touches your real data)", file=sys.stderr)
        return 2
    import json
    import tempfile
    import time
    from pathlib import Path

    from secondme.app import build
    from secondme.services.keys import trusted_keyring_backend
    from ui.icons import Icons
    from ui.qt import QApplication

    timings: dict[str, float] = {}
    checks: dict[str, bool] = {}
    t0 = last = time.monotonic()

    def step(name: str) -> None:
        nonlocal last
        now = time.monotonic()
        timings[name] = round(now - last, 3)
        last = now

    ctx = build(data_dir)
    try:
        if not ctx.initialized:
            if secret is None and trusted_keyring_backend() is None:
                secret = secrets.token_urlsafe(24)  # a throwaway store: nobody needs to reopen it
            ctx.init(secret)
        else:
            ctx.unlock(secret)
        ctx.set_private("self-test", "ok")
        checks["store"] = ctx.get_private("self-test") == "ok"
        step("store")
        with tempfile.TemporaryDirectory(prefix="secondme-self-test-") as notes:
            note = Path(notes) / "lisbon.md"
            note.write_text(SELF_TEST_NOTE, "utf-8")
            ctx.notes.add_folder(notes)
            checks["index"] = ctx.notes.wait_indexed(300)
            step("index")
            hits = ctx.notes.search("pastel de nata")
            checks["search"] = bool(hits) and hits[0].path == str(note)
            step("search")
            answer = ctx.models.ask("What did we eat in Lisbon?")
            checks["ask"] = bool(answer.text.strip()) and not answer.abstained
            step("ask")
            ctx.notes.remove_folder(notes)
    finally:
        ctx.close()
    app = QApplication.instance() or QApplication(["secondme-app", "-platform", "offscreen"])
    checks["icon"] = not Icons().get().isNull()
    del app
    step("qt")
    timings["total"] = round(time.monotonic() - t0, 3)
    ok = all(checks.values())
    print(json.dumps({"self_test": "ok" if ok else "FAILED", "checks": checks, "seconds": timings,
                      "frozen": bool(getattr(sys, "frozen", False))}))
    return 0 if ok else 1


def main(argv: list[str] | None = None) -> int:
    """Start the desktop app, or hand over to the instance already running for the data folder; returns
    the exit code. Hardens the process first."""
    # First of all: telemetry opt-outs before any dependency loads (nothing is ever fetched or
    # reported), no core dumps, and the passphrase out of /proc/PID/environ and out of what
    # child processes (the vector index's) inherit.
    harden_process()
    secret = take_env_secret(ENV_PASSPHRASE)
    args = parse_args(sys.argv[1:] if argv is None else argv)
    if args.self_test:
        return self_test(args.data_dir, secret)
    if args.install_desktop_entry or args.uninstall_desktop_entry:
        from ui import desktop_entry

        return desktop_entry.run_cli("install" if args.install_desktop_entry else "uninstall", args.data_dir)

    from ui.instance import InstanceServer, InstanceSocketError, send, socket_name
    from ui.qt import QApplication, QGuiApplication, QMessageBox

    paths = Paths.at(args.data_dir)
    app = QApplication([sys.argv[0], *args.qt_args])
    app.setApplicationName("SecondMe")
    app.setApplicationDisplayName("Second Me")
    QGuiApplication.setDesktopFileName(APP_ID)
    app.setQuitOnLastWindowClosed(False)  # closing the window keeps the app in the tray
    from ui import theme

    theme.apply(app)
    from ui.termination import TerminationWatcher

    # From here on SIGTERM/SIGHUP (logout, systemctl, a closed terminal) no longer kill the app
    # with its plaintext indexes in RAM: they become a clean quit once the controller exists.
    terminate = TerminationWatcher()
    from ui.collector import UiThreadCollector

    # Garbage is collected on this thread only: a Qt object freed by a worker thread's collection
    # can deadlock the UI (see ui/collector.py).
    collector = UiThreadCollector(parent=app)

    try:
        name = socket_name(paths.root)
    except InstanceSocketError as exc:  # a squatted /tmp folder: say so rather than use it
        print(f"secondme-app: {exc}", file=sys.stderr)
        QMessageBox.critical(None, "Second Me", str(exc))
        return 1
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
    from secondme.index import cleanup_stale_runtime_dirs
    from ui import testchannel
    from ui.controller import Controller

    # Plaintext index folders of instances that died (killed, crashed) go now, not at unlock.
    cleanup_stale_runtime_dirs()
    ctx = build(args.data_dir)
    controller = Controller(app, ctx, server=server, reporter=reporter, passphrase=secret,
                            use_tray=not args.no_tray, early_tray=early_tray)
    controller.services.icons = icons
    if testchannel.enabled():
        testchannel.install(controller)
    controller.start(recall=args.recall)
    terminate.set_handler(controller.quit)
    # The session manager ending the session (logout, shutdown): quit cleanly as well.
    app.commitDataRequest.connect(lambda _manager: controller.quit())
    rc = app.exec()
    controller.finish()
    if ctx.unlocked:  # the event loop ended some other way: still seal and close
        ctx.close()
    collector.stop()
    terminate.close()
    log.info("exited with %s", rc)
    return int(rc)


if __name__ == "__main__":
    sys.exit(main())
