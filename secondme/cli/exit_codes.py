"""The exit statuses of ``secondme`` (a module of its own so the entry point loads nothing else)."""

from __future__ import annotations

from enum import IntEnum


class ExitCode(IntEnum):
    """What a command's exit status means; scripts rely on these numbers."""

    OK = 0
    FAILED = 1  # a UserError, a failed or interrupted nightly run, a field not known
    USAGE = 2  # no command given, or it needs a confirming flag (``profile fill --confirm``)
    INTERRUPTED = 130  # Ctrl+C or a cancel (128 + SIGINT, as shells report it)
