"""Opening a note file (at a line where the person's editor allows it)."""

from __future__ import annotations

import logging
import os
import shlex
import subprocess

from ui.qt import QDesktopServices, QUrl

log = logging.getLogger("secondme.ui.opener")

# e.g. SECONDME_EDITOR='code -g {path}:{line}' or 'gvim +{line} {path}'. Desktop file
# associations have no portable "at line" form, so without it the file opens at the top.
EDITOR_ENV = "SECONDME_EDITOR"


def open_source(path: str, line: int | None = None) -> bool:
    """Open ``path`` with the configured editor at ``line``, else with the desktop's default app."""
    template = os.environ.get(EDITOR_ENV, "").strip()
    if template:
        args = [a.format(path=path, line=line or 1) for a in shlex.split(template)]
        try:
            subprocess.Popen(args, start_new_session=True, stdin=subprocess.DEVNULL,
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            return True
        except OSError as exc:
            log.warning("the editor from %s could not start: %s", EDITOR_ENV, exc)
    return bool(QDesktopServices.openUrl(QUrl.fromLocalFile(path)))
