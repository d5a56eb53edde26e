"""File dialogs that leave nothing behind in the person's home folder.

Qt's own file dialog saves its state when it closes — the last folder visited, the history of
folders, the sidebar — into ``QSettings(UserScope, "QtProject")``, that is
``~/.config/QtProject.conf``: the paths of the person's notes folders and backups, in plain
text, outside the encrypted data directory. A native dialog is no better: GTK's adds every chosen
file to ``~/.local/share/recently-used.xbel``, and a portal dialog hands the paths to another
process. So every dialog here is Qt's own (``DontUseNativeDialog``), and Qt's user-scope
settings point at a private folder in RAM whose contents are removed as soon as each dialog has
closed (and the folder itself at exit).
"""

from __future__ import annotations

import atexit
import os
import shutil
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TypeVar

from ui.qt import QFileDialog, QSettings, QWidget

T = TypeVar("T")
_settings_dir: Path | None = None


def _private_settings_dir() -> Path:
    """Where Qt's user-scope settings go in this process: a 0700 folder in RAM, made once."""
    global _settings_dir
    if _settings_dir is None:
        # RAM, like the data's plaintext working folder (secondme.paths); else the temp folder.
        base = next((d for d in (os.environ.get("XDG_RUNTIME_DIR"), "/dev/shm")
                     if d and os.path.isdir(d) and os.access(d, os.W_OK)), None)
        _settings_dir = Path(tempfile.mkdtemp(prefix="secondme-qt-", dir=base))
        atexit.register(shutil.rmtree, str(_settings_dir), True)
        for fmt in (QSettings.Format.NativeFormat, QSettings.Format.IniFormat):
            QSettings.setPath(fmt, QSettings.Scope.UserScope, str(_settings_dir))
    return _settings_dir


@contextmanager
def _forgetting() -> Iterator[None]:
    folder = _private_settings_dir()
    try:
        yield
    finally:
        # The dialog has been destroyed and has written its state: drop it.
        for p in folder.iterdir():
            if p.is_dir() and not p.is_symlink():
                shutil.rmtree(p, ignore_errors=True)
            else:
                p.unlink(missing_ok=True)


def _run(fn: Callable[[], T]) -> T:
    with _forgetting():
        return fn()


OPTIONS = QFileDialog.Option.DontUseNativeDialog


def existing_directory(parent: QWidget | None, caption: str, start: str) -> str:
    """A folder the person picks, or "" when cancelled; the dialog leaves no state behind."""
    return _run(lambda: QFileDialog.getExistingDirectory(
        parent, caption, start, OPTIONS | QFileDialog.Option.ShowDirsOnly))


def open_file(parent: QWidget | None, caption: str, start: str, filters: str) -> str:
    """A file to open, or "" when cancelled; the dialog leaves no state behind."""
    return _run(lambda: QFileDialog.getOpenFileName(parent, caption, start, filters, "", OPTIONS)[0])


def save_file(parent: QWidget | None, caption: str, start: str, filters: str) -> str:
    """A file name to save to, or "" when cancelled; the dialog leaves no state behind."""
    return _run(lambda: QFileDialog.getSaveFileName(parent, caption, start, filters, "", OPTIONS)[0])
