"""Logging for the desktop app: a rotating file in the logs dir, warnings also on stderr.

Note text, queries and profile values are only ever logged at DEBUG, and the file handler keeps
INFO and above, so the log (and the crash dialog's excerpt of it) holds none of them.
"""

from __future__ import annotations

import logging
import logging.handlers
import os
from pathlib import Path

from ui.qt import QtMsgType, qInstallMessageHandler

LOG_NAME = "secondme-app.log"
_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"

_qt_log = logging.getLogger("secondme.ui.qt")
_QT_LEVELS = {
    QtMsgType.QtDebugMsg: logging.DEBUG,
    QtMsgType.QtInfoMsg: logging.INFO,
    QtMsgType.QtWarningMsg: logging.WARNING,
    QtMsgType.QtCriticalMsg: logging.ERROR,
    QtMsgType.QtFatalMsg: logging.CRITICAL,
}


def _qt_message(kind: QtMsgType, _context: object, message: str) -> None:
    _qt_log.log(_QT_LEVELS.get(kind, logging.WARNING), "%s", message)


def setup_logging(logs_dir: Path, verbose: bool = False) -> Path:
    """Send our loggers and Qt's messages to the log file (and warnings to stderr)."""
    logs_dir.mkdir(parents=True, exist_ok=True)
    try:
        os.chmod(logs_dir, 0o700)
    except OSError:
        pass
    path = logs_dir / LOG_NAME
    root = logging.getLogger()
    root.setLevel(logging.DEBUG if verbose else logging.INFO)
    file_handler = logging.handlers.RotatingFileHandler(path, maxBytes=1_000_000, backupCount=3,
                                                        encoding="utf-8")
    file_handler.setFormatter(logging.Formatter(_FORMAT))
    file_handler.setLevel(logging.DEBUG if verbose else logging.INFO)
    stderr = logging.StreamHandler()
    stderr.setLevel(logging.WARNING)
    stderr.setFormatter(logging.Formatter("%(levelname)s %(name)s: %(message)s"))
    root.addHandler(file_handler)
    root.addHandler(stderr)
    qInstallMessageHandler(_qt_message)
    return path


def excerpt(path: Path | None, lines: int = 60) -> str:
    """The last lines of the log file, for the crash dialog."""
    if path is None:
        return "(no log file)"
    try:
        with open(path, encoding="utf-8", errors="replace") as fh:
            return "".join(fh.readlines()[-lines:])
    except OSError as exc:
        return f"(the log file could not be read: {exc})"
