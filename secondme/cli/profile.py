"""``secondme profile show|build|export|set`` and ``secondme fill "label"``: the profile."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from secondme.cli.common import opened, print_json
from secondme.cli.exit_codes import ExitCode
from secondme.errors import UserError


def register(sub: Any, parent: argparse.ArgumentParser) -> None:
    """Add ``profile show|build|export|set|fill`` to the command line."""
    p = sub.add_parser("profile", parents=[parent], help="the profile: fields, shades, bios")
    psub = p.add_subparsers(dest="profile_cmd", metavar="ACTION", required=True)
    s = psub.add_parser("show", parents=[parent], help="fields with provenance, shades and bios")
    s.add_argument("--json", action="store_true")
    s.set_defaults(func=cmd_show)
    b = psub.add_parser("build", parents=[parent], help="build the profile from memories now")
    b.set_defaults(func=cmd_build)
    e = psub.add_parser("export", parents=[parent], help="export as JSON or vCard 4.0")
    e.add_argument("--format", choices=["json", "vcard"], default="json")
    e.add_argument("--include-sensitive", action="store_true", help="include identity, health and finance fields")
    e.set_defaults(func=cmd_export)
    st = psub.add_parser("set", parents=[parent], help="set a field's value (the person's own edit)")
    st.add_argument("field", help='a field name such as "email" or "passport-number", or a form label')
    st.add_argument("value")
    st.add_argument("--lock", action="store_true", help="never let the profile build change it")
    st.set_defaults(func=cmd_set)
    f = sub.add_parser("fill", parents=[parent], help="the profile value for a form field (label and attributes)")
    f.add_argument("label", nargs="?", default="", help="the field's label text")
    f.add_argument("--placeholder", default="")
    f.add_argument("--name", dest="field_name", default="", help="the input's name attribute")
    f.add_argument("--id", dest="field_id", default="", help="the input's id attribute")
    f.add_argument("--autocomplete", default="", help='the autocomplete attribute ("shipping postal-code")')
    f.add_argument("--type", dest="input_type", default="", help="the input type (text, email, checkbox…)")
    f.add_argument("--maxlength", type=int, default=None)
    f.add_argument("--section", default="", help='the form section ("billing", "shipping", a heading)')
    f.add_argument("--option", dest="options", action="append", default=[], help="a select option (repeat)")
    f.add_argument("--neighbour", dest="neighbours", action="append", default=[],
                   help="the label of a neighbouring field (repeat)")
    f.add_argument("--field-json", default=None, metavar="FILE|-",
                   help="a JSON field description (keys as the flags; '-' reads stdin)")
    f.add_argument("--json", action="store_true")
    f.add_argument("--confirm", action="store_true", help="also give sensitive values")
    f.set_defaults(func=cmd_fill)


def cmd_show(args: argparse.Namespace) -> int:
    """``secondme profile show``: fields with where each came from, shades and bios."""
    with opened(args, indexes=False) as ctx:
        prof = ctx.profile.show()
        if args.json:
            print_json({"fields": {n: f.to_dict() for n, f in prof["fields"].items()},
                        "shades": prof["shades"],
                        "bios": {k: {"text": v.get("text"), "at": v.get("at")} for k, v in prof["bios"].items()}})
            return ExitCode.OK
        for kind, title in (("global", "Who you are"), ("status", "Lately")):
            if prof["bios"].get(kind):
                print(f"{title}: {prof['bios'][kind]['text']}")
        for s in prof["shades"]:
            print(f"Shade {s['id']}: {s['name']} ({s['size']} memories)")
            if s.get("description"):
                print(f"  {s['description']}")
            # The latest few memories, dated, with the ids that lead back to the sources.
            for t in s.get("timeline", [])[-3:]:
                print(f"  {t['date']}  memory {t['id']}" + (f": {t['text']}" if t.get("text") else ""))
        if not prof["fields"]:
            print("The profile is empty: run 'secondme profile build' after importing memories.")
        for n, f in prof["fields"].items():
            value = "(sensitive, hidden)" if f.sensitive else f.value
            lock = " [locked]" if f.locked else ""
            print(f"{n}: {value}{lock}  (confidence {f.confidence:.2f}, sources {f.sources})")
        return ExitCode.OK


def cmd_build(args: argparse.Namespace) -> int:
    """``secondme profile build``: build the profile from memories now and print what changed."""
    with opened(args) as ctx:
        print_json(ctx.profile.build())
        return ExitCode.OK


def cmd_export(args: argparse.Namespace) -> int:
    """``secondme profile export``: write the profile to stdout in the chosen format."""
    with opened(args, indexes=False) as ctx:
        sys.stdout.write(ctx.profile.export(args.format, include_sensitive=args.include_sensitive))
        if args.format == "json":
            sys.stdout.write("\n")
        return ExitCode.OK


def cmd_set(args: argparse.Namespace) -> int:
    """``secondme profile set``: set a field by hand, optionally locking it against rebuilds."""
    with opened(args, indexes=False) as ctx:
        f = ctx.profile.set_field(args.field, args.value, lock=True if args.lock else None)
        print(f"{f.field} set" + (" (locked)" if f.locked else ""))
        return ExitCode.OK


def _field_description(args: argparse.Namespace) -> dict[str, Any]:
    """The field description from --field-json, overridden by the flags given."""
    desc: dict[str, Any] = {}
    if args.field_json:
        try:
            text = sys.stdin.read() if args.field_json == "-" else Path(args.field_json).read_text(encoding="utf-8")
        except OSError as e:
            raise UserError(f"cannot read --field-json: {e}") from None
        try:
            loaded = json.loads(text)
        except json.JSONDecodeError as e:
            raise UserError(f"--field-json is not JSON: {e}") from None
        if not isinstance(loaded, dict):
            raise UserError("--field-json must hold one JSON object (a field description)")
        desc.update(loaded)
    flags = {"label": args.label, "placeholder": args.placeholder, "name": args.field_name, "id": args.field_id,
             "autocomplete": args.autocomplete, "type": args.input_type, "maxlength": args.maxlength,
             "section": args.section, "options": args.options, "neighbours": args.neighbours}
    desc.update({k: v for k, v in flags.items() if v not in ("", None, [])})
    if not any(desc.get(k) for k in ("label", "placeholder", "name", "id", "autocomplete")):
        raise UserError("give a label, or --placeholder/--name/--id/--autocomplete, or --field-json")
    return desc


def cmd_fill(args: argparse.Namespace) -> int:
    """``secondme profile fill``: the value for a form field; a sensitive one needs ``--confirm`` (exit
    code USAGE without it, FAILED when unknown)."""
    desc = _field_description(args)
    with opened(args, indexes=False) as ctx:
        res = ctx.profile.fill_field(desc, confirm_sensitive=args.confirm)
        if args.json:
            print_json(res.to_dict())
        elif res.status == "ok":
            print(res.value)
            for s in res.sources:
                print(f"  from {s}", file=sys.stderr)
        elif res.status == "needs_confirmation":
            print(f"{res.field} is sensitive: add --confirm to show it", file=sys.stderr)
            return ExitCode.USAGE
        else:
            print("unknown", file=sys.stderr)
            return ExitCode.FAILED
        return ExitCode.OK
