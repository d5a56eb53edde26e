"""``secondme backup export|import`` and ``secondme keys rotate``."""

from __future__ import annotations

import argparse
import getpass
import sys
from typing import Any

from secondme.app import build
from secondme.cli.common import named_env_secret, opened, print_json, read_passphrase
from secondme.cli.exit_codes import ExitCode
from secondme.errors import UserError


def register(sub: Any, parent: argparse.ArgumentParser) -> None:
    """Add ``backup export|import|rotate`` to the command line."""
    secret = argparse.ArgumentParser(add_help=False)
    secret.add_argument("--backup-passphrase-env", metavar="VAR",
                        help="read the backup passphrase from this environment variable (automation)")
    secret.add_argument("--json", action="store_true")

    backup = sub.add_parser("backup", help="encrypted backup of all data")
    bsub = backup.add_subparsers(dest="backup_command", metavar="ACTION", required=True)
    p = bsub.add_parser("export", parents=[parent, secret], help="write an encrypted backup file")
    p.add_argument("file")
    p.set_defaults(func=cmd_export)
    p = bsub.add_parser("import", parents=[parent, secret],
                        help="restore a backup into a new data folder (or --replace the current data)")
    p.add_argument("file")
    p.add_argument("--keyring", action="store_true",
                   help="protect the restored data with the system keyring instead of a passphrase")
    p.add_argument("--replace", action="store_true",
                   help="replace the data of an existing data folder (it is kept under backups/)")
    p.set_defaults(func=cmd_import)

    keys = sub.add_parser("keys", help="the encryption key")
    ksub = keys.add_subparsers(dest="keys_command", metavar="ACTION", required=True)
    p = ksub.add_parser("rotate", parents=[parent],
                        help="re-encrypt everything under a new key (the old one opens nothing after) "
                             "and renew the key protecting it")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_rotate)


def _backup_passphrase(args: argparse.Namespace, confirm: bool) -> str:
    if args.backup_passphrase_env:
        value = named_env_secret(args, args.backup_passphrase_env)
        if not value:
            raise UserError(f"the environment variable {args.backup_passphrase_env} is empty")
        return value
    if not sys.stdin.isatty():
        raise UserError("a backup passphrase is needed: run in a terminal or pass --backup-passphrase-env VAR")
    value = getpass.getpass("Backup passphrase: ")
    if confirm and getpass.getpass("Backup passphrase again: ") != value:
        raise UserError("the two backup passphrases differ")
    return value


def _report(args: argparse.Namespace, data: dict[str, Any], line: str) -> int:
    if args.json:
        print_json(data)
    else:
        print(line)
    return ExitCode.OK


def cmd_export(args: argparse.Namespace) -> int:
    """``secondme backup export``: write an encrypted backup of all data to a file."""
    with opened(args) as ctx:
        res = ctx.keys.export_backup(args.file, _backup_passphrase(args, confirm=True))
    return _report(args, res, f"encrypted backup written to {res['path']} ({res['bytes']} bytes)")


def cmd_import(args: argparse.Namespace) -> int:
    """``secondme backup import``: restore a backup into a new data folder, or over this one with
    ``--replace`` (the previous data is kept aside)."""
    if args.replace:
        with opened(args) as ctx:
            uses_pass = ctx.vault.info().method == "passphrase"
            res = ctx.keys.import_backup(args.file, _backup_passphrase(args, confirm=False),
                                    read_passphrase(args) if uses_pass else None, replace=True)
            ctx.notes.wait_indexed(600)
    else:
        ctx = build(args.data_dir)
        try:
            backup_pass = _backup_passphrase(args, confirm=False)
            new_pass = None if args.keyring else read_passphrase(args, "New passphrase: ")
            if not args.keyring and new_pass is None:
                raise UserError("a passphrase for the restored data is needed (or use --keyring)")
            res = ctx.keys.import_backup(args.file, backup_pass, new_pass)
            ctx.notes.wait_indexed(600)  # indexes are rebuilt from the store before they are sealed
        finally:
            ctx.close()
    where = f"; the previous data is kept in {res['replaced']}" if res.get("replaced") else ""
    return _report(args, res, f"backup restored: {res['documents']} notes, {res['memories']} memories{where}")


def cmd_rotate(args: argparse.Namespace) -> int:
    """``secondme backup rotate``: re-encrypt every value under a new key and renew what protects it."""
    with opened(args) as ctx:
        uses_pass = ctx.vault.info().method == "passphrase"
        res = ctx.keys.rotate(read_passphrase(args) if uses_pass else None)
    return _report(args, res, f"encryption key rotated (generation {res['key_generation']}): "
                              f"{res['values']} values re-encrypted; the key protecting it "
                              "(passphrase salt or keyring secret) renewed")
