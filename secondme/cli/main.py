"""Entry point of the ``secondme`` command.

Each area module (``secondme.cli.<area>``) has ``register(subparsers, parent)`` adding its
subcommands; a subcommand sets ``func(args) -> int`` with ``set_defaults``.
"""

from __future__ import annotations

import argparse
import importlib
import io
import logging
import os
import sys

from secondme import __version__
from secondme.cli.exit_codes import ExitCode
from secondme.errors import UserError
from secondme.hardening import (
    PASSPHRASE_ENV,
    Terminated,
    harden_process,
    install_termination_handlers,
    quiet_dependencies,
    restore_handlers,
    take_env_secret,
    termination_received,
)

log = logging.getLogger("secondme.cli")

# Areas are imported by name so an area that fails to import names itself in the error.
AREAS = ("core", "models", "notes", "memory", "profile", "jobs", "backup", "mcp", "browser")


def build_parser() -> argparse.ArgumentParser:
    """The ``secondme`` argument parser with every subcommand; options before the subcommand are kept."""
    # SUPPRESS: an option given before the subcommand is not reset by the subcommand's parser.
    parent = argparse.ArgumentParser(add_help=False, argument_default=argparse.SUPPRESS)
    parent.add_argument("--data-dir", help="data directory (default: the platform's user data dir)")
    parent.add_argument(
        "--passphrase-stdin",
        action="store_true",
        help="read the passphrase from standard input (for automation and tests; "
        "SECONDME_PASSPHRASE works too)",
    )
    parent.add_argument("-v", "--verbose", action="count")
    parser = argparse.ArgumentParser(prog="secondme", parents=[parent], description=__doc__)
    parser.add_argument("--version", action="version", version=f"secondme {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for area in AREAS:
        try:
            mod = importlib.import_module(f"secondme.cli.{area}")
        except ModuleNotFoundError as exc:
            if exc.name == f"secondme.cli.{area}":
                continue  # area not built yet
            raise
        mod.register(sub, parent)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run the ``secondme`` command line and return its exit code; hardens the process first when it is
    the process's own entry point."""
    # A process of its own (the console script, ``python -m secondme``, the bundle): first of
    # all telemetry opt-outs before any dependency loads, no core dumps, and the passphrase out
    # of /proc/PID/environ and out of what child processes inherit. Called with explicit
    # arguments (embedded in another program, tests) the host process is left as it is.
    process_entry = argv is None
    env_secret: str | None = None
    if process_entry:
        harden_process()
        env_secret = take_env_secret(PASSPHRASE_ENV)
    else:
        quiet_dependencies(force=False)
    if isinstance(sys.stdout, io.TextIOWrapper):
        # File names that are not valid UTF-8 print as their own bytes, as ls and find do,
        # instead of failing the command.
        sys.stdout.reconfigure(errors="surrogateescape")
    parser = build_parser()
    args = parser.parse_args(argv)
    for name, default in (("data_dir", None), ("passphrase_stdin", False), ("verbose", 0)):
        if not hasattr(args, name):
            setattr(args, name, default)
    if not getattr(args, "func", None):
        parser.print_help()
        return ExitCode.USAGE
    if env_secret:
        args._env_passphrase = env_secret
    args._taken_env = _take_named_secrets(args, process_entry)
    level = logging.WARNING - 10 * min(args.verbose, 2)
    logging.basicConfig(level=level, format="%(levelname)s %(name)s: %(message)s")
    return _run(args)


def _take_named_secrets(args: argparse.Namespace, process_entry: bool) -> dict[str, str | None]:
    """Secrets in variables the person named (--backup-passphrase-env, --new-from-env) leave
    the environment too; returns them by variable name."""
    taken: dict[str, str | None] = {}
    for option in ("backup_passphrase_env", "new_from_env"):
        variable = getattr(args, option, None)
        if process_entry and variable:
            taken[str(variable)] = take_env_secret(str(variable))
    return taken


def _run(args: argparse.Namespace) -> int:
    """Run the chosen command; errors a person can act on become a line and an exit status."""
    # SIGTERM/SIGHUP unwind the command like Ctrl+C: its context closes, which seals the
    # indexes and removes the plaintext RAM folder, and the command exits 0.
    previous = install_termination_handlers()
    try:
        _remove_stale_ram_folders()
        rc: int = args.func(args)
        return ExitCode.OK if termination_received() else rc
    except UserError as exc:
        if termination_received():
            return ExitCode.OK
        print(f"secondme: {exc}", file=sys.stderr)
        return ExitCode.FAILED
    except Terminated as exc:
        return _stopped(exc.signum)
    except RuntimeError as exc:
        # A signal that lands inside Condition.wait, after it let go of its lock and before it
        # took it back, raises there; leaving the ``with`` then fails with "cannot release
        # un-acquired lock", which replaces the Terminated being handled. The context has
        # closed (and sealed) on the way out all the same: it is the same clean stop.
        received = termination_received()
        if received is not None and isinstance(exc.__context__, Terminated):
            return _stopped(received)
        raise
    except KeyboardInterrupt:
        if termination_received():
            return ExitCode.OK
        print("secondme: interrupted", file=sys.stderr)
        return ExitCode.INTERRUPTED
    except BrokenPipeError:
        # Output piped into e.g. `head` that stopped reading: not an error of ours.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return ExitCode.OK
    finally:
        restore_handlers(previous)


def _stopped(signum: int) -> int:
    print(f"secondme: stopped by signal {signum}; everything done so far is saved", file=sys.stderr)
    return ExitCode.OK


def _remove_stale_ram_folders() -> None:
    """Plaintext index folders left by processes that died (killed, crashed, power cut) go at
    every start, not only at the next unlock."""
    from secondme.index import cleanup_stale_runtime_dirs

    try:
        cleanup_stale_runtime_dirs()
    except OSError:
        log.warning("could not remove stale index folders", exc_info=True)


if __name__ == "__main__":
    sys.exit(main())
