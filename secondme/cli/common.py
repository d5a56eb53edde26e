"""Helpers shared by the CLI areas: reading passphrases and opening an unlocked context."""

from __future__ import annotations

import argparse
import getpass
import json
import os
import sys
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, TypeVar

from secondme.app import SecondMe, build
from secondme.errors import PassphraseRequired
from secondme.hardening import PASSPHRASE_ENV as ENV_PASSPHRASE

T = TypeVar("T")


def read_passphrase(args: argparse.Namespace, prompt: str = "Passphrase: ") -> str | None:
    """The passphrase from stdin (``--passphrase-stdin``), the environment, or a prompt."""
    cached = getattr(args, "_passphrase", None)
    if cached is not None:
        return str(cached)
    value: str | None = None
    if getattr(args, "passphrase_stdin", False):
        value = sys.stdin.readline().rstrip("\r\n")
    elif getattr(args, "_env_passphrase", None):
        # SECONDME_PASSPHRASE, taken out of the environment at start (secondme.cli.main).
        value = args._env_passphrase
    elif os.environ.get(ENV_PASSPHRASE):
        value = os.environ[ENV_PASSPHRASE]
    elif sys.stdin.isatty():
        value = getpass.getpass(prompt)
    args._passphrase = value
    return value


def named_env_secret(args: argparse.Namespace, name: str) -> str | None:
    """The value of the environment variable ``name`` the person named on the command line
    (taken out of the process environment at start, see ``secondme.cli.main``)."""
    taken: dict[str, str | None] = getattr(args, "_taken_env", {}) or {}
    if name in taken:
        return taken[name]
    return os.environ.get(name)


@contextmanager
def opened(args: argparse.Namespace, *, indexes: bool = True) -> Iterator[SecondMe]:
    """An unlocked context for one command, closed (indexes sealed) however the command ends.

    ``indexes=False`` for a command that only uses the store (see ``secondme.app.build``)."""
    ctx = open_context(args, indexes=indexes)
    try:
        yield ctx
    finally:
        ctx.close()


def open_context(args: argparse.Namespace, *, indexes: bool = True) -> SecondMe:
    """Build the context for ``--data-dir`` and unlock it."""
    ctx = build(args.data_dir, indexes=indexes)
    try:
        if ctx.vault.exists() and ctx.vault.info().method == "passphrase":
            pw = read_passphrase(args)
            if pw is None:
                raise PassphraseRequired(
                    "this Second Me data is protected by a passphrase: set SECONDME_PASSPHRASE, "
                    "pass --passphrase-stdin, or run in a terminal"
                )
            ctx.unlock(pw)
        else:
            ctx.unlock(None)
    except BaseException:
        # e.g. a SIGTERM that arrived during the unlock, raised once it completed: close what
        # opened (seal, remove the RAM folder) before unwinding.
        ctx.close()
        raise
    return ctx


def run_interruptible(fn: Callable[[], T], cancel: threading.Event, name: str) -> tuple[T, bool]:
    """Run ``fn`` on a worker while the main thread waits; Ctrl+C sets ``cancel`` (the work then
    stops cleanly on its own) instead of killing it mid-write. Returns (result, interrupted);
    the work's exception is re-raised here."""
    box: dict[str, Any] = {}

    def work() -> None:
        try:
            box["result"] = fn()
        except BaseException as exc:  # noqa: BLE001 - handed to the main thread, which re-raises it
            box["error"] = exc

    t = threading.Thread(target=work, name=name, daemon=True)
    t.start()
    interrupted = False
    while t.is_alive():
        try:
            t.join(0.1)
        except KeyboardInterrupt:
            cancel.set()
            interrupted = True
    if "error" in box:
        raise box["error"]
    return box["result"], interrupted


def parse_date(s: str | None) -> float | None:
    """``YYYY-MM-DD`` or an ISO time as epoch seconds; a clear error otherwise."""
    if not s:
        return None
    from datetime import datetime

    from secondme.errors import UserError

    try:
        return datetime.fromisoformat(s).timestamp()
    except ValueError as exc:
        raise UserError(f"not a date: {s!r} (use YYYY-MM-DD or an ISO time)") from exc


def print_json(data: Any) -> None:
    """Print ``data`` as indented JSON; paths that are not valid UTF-8 come out as ``\\udcXX`` escapes."""
    text = json.dumps(data, indent=2, ensure_ascii=False, default=str)
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        # A path that is not valid UTF-8 (lone surrogates): \udcXX escapes keep the JSON valid
        # and give the exact bytes back to a reader that decodes it with os.fsencode.
        text = json.dumps(data, indent=2, ensure_ascii=True, default=str)
    sys.stdout.write(text)
    sys.stdout.write("\n")
