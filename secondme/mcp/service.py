"""What an MCP client may ask and how it is answered: one place for both modes.

The MCP server process runs :class:`McpService` itself with ``--unlock``; otherwise the running
app runs it for the forwarded call (``ui/mcp_access.py``). It checks the client's permission,
runs the call on the unlocked core, shapes the answer with its provenance and keeps the call in
the audit log. Answers are plain JSON-ready dicts:
``{"ok": True, "result": {...}}`` or ``{"ok": False, "refused": bool, "error": message}``.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from secondme.errors import UserError, VaultLocked
from secondme.mcp import audit
from secondme.mcp.permissions import ClientPermission, Permissions, clean_name
from secondme.results import HL_END, HL_START, SearchFilters, SearchHit

log = logging.getLogger("secondme.mcp")

TOOLS = ("search", "recall", "profile_fill", "remember")
RESOURCES = {
    "secondme://profile/bios": ("bios", "Who you are and what you are up to lately: the profile's two bios."),
    "secondme://profile/shades": ("shades", "The shades of the person: themes of their life, each with a dated "
                                            "timeline of memory ids."),
}
MAX_K = 50
MAX_TEXT = 4000
# The field description keys profile_fill passes on (FieldDescription.from_dict reads these).
FIELD_KEYS = ("label", "placeholder", "name", "id", "autocomplete", "type", "maxlength", "options", "section")


class Refused(UserError):
    """The person has not allowed this (client, tool or field); the message says how to."""


def _iso(t: float | None) -> str | None:
    if t is None:
        return None
    return datetime.fromtimestamp(float(t), tz=UTC).astimezone().isoformat(timespec="seconds")


def _plain(snippet: str) -> str:
    return snippet.replace(HL_START, "").replace(HL_END, "")


def hit_to_dict(hit: SearchHit) -> dict[str, Any]:
    """One search or recall hit with where it came from: a note (path, lines, heading) or a
    memory (its id, the id it was imported under), and its date."""
    source: dict[str, Any]
    if hit.kind == "chunk":
        source = {"type": "note", "path": hit.path, "heading": hit.heading or None,
                  "lines": [hit.line_start, hit.line_end] if hit.line_start is not None else None}
    else:
        source = {"type": "memory", "memory_id": hit.id, "kind": hit.kind}
        if hit.source_id:
            source["source_id"] = hit.source_id
    return {"id": f"{'note' if hit.kind == 'chunk' else 'memory'}:{hit.id}", "title": hit.title,
            "snippet": _plain(hit.snippet), "date": _iso(hit.date), "score": round(float(hit.score), 4),
            "source": source}


def _text_arg(args: dict[str, Any], key: str, *, required: bool = True) -> str:
    v = args.get(key)
    if v is None and not required:
        return ""
    if not isinstance(v, str) or (required and not v.strip()):
        raise UserError(f"'{key}' must be a non-empty string")
    if len(v) > MAX_TEXT:
        raise UserError(f"'{key}' is longer than {MAX_TEXT} characters")
    return v


def _k_arg(args: dict[str, Any], default: int = 10) -> int:
    k = args.get("k", default)
    if isinstance(k, bool) or not isinstance(k, int) or not 1 <= k <= MAX_K:
        raise UserError(f"'k' must be a whole number from 1 to {MAX_K}")
    return k


class McpService:
    """Runs MCP calls for named clients on an unlocked :class:`secondme.app.SecondMe`.

    ``on_undecided(name)`` is called (from the calling thread) whenever a client the person has
    not decided about asks: the app asks the person then (once per run). ``ask_hint`` ends a
    refusal of an undecided client: how the person allows it in this mode.
    """

    def __init__(self, ctx: Any, *, on_undecided: Callable[[str], None] | None = None,
                 ask_hint: str | None = None) -> None:
        """``ctx`` is the unlocked context; see the class docstring for the two hooks."""
        self.ctx = ctx
        self._on_undecided = on_undecided
        self._ask_hint = ask_hint

    @property
    def permissions(self) -> Permissions:
        """The clients' permissions, read fresh from the store on each use."""
        return Permissions(self.ctx.get_private, self.ctx.set_private)

    # --- entry points ------------------------------------------------------------------------
    def call(self, client: str, tool: str, arguments: dict[str, Any] | None = None) -> dict[str, Any]:
        """Run ``tool`` for ``client``; never raises for the person's or the client's mistakes."""
        return self._run(clean_name(client), str(tool), dict(arguments or {}))

    def hello(self, client: str) -> dict[str, Any]:
        """A client connected (it listed the tools): note it, and ask about it when undecided,
        so the person is asked when the tool starts rather than at its first call."""
        try:
            perm = self._note(clean_name(client))
        except VaultLocked:
            return {"ok": False, "refused": False, "error": "Second Me is locked: unlock it, then try again."}
        return {"ok": True, "result": {"state": perm.state}}

    def read(self, client: str, uri: str) -> dict[str, Any]:
        """Read a resource (the bios or the shades) for ``client``."""
        entry = RESOURCES.get(str(uri))
        if entry is None:
            return {"ok": False, "refused": False, "error": f"unknown resource {uri!r}"}
        return self._run(clean_name(client), f"resource:{entry[0]}", {})

    # --- the call ----------------------------------------------------------------------------
    def _run(self, client: str, tool: str, args: dict[str, Any]) -> dict[str, Any]:
        log.debug("mcp call %s", tool)  # the tool only: never the client's query
        query = self._query_of(tool, args)
        try:
            perm = self._permitted(client)
            result, detail = self._dispatch(perm, tool, args)
        except Refused as exc:
            self._audit(client, tool, "refused", query, str(exc))
            return {"ok": False, "refused": True, "error": str(exc)}
        except VaultLocked:
            # Nothing can be recorded either: the store is closed.
            return {"ok": False, "refused": False, "error": "Second Me is locked: unlock it, then try again."}
        except UserError as exc:
            self._audit(client, tool, "error", query, str(exc))
            return {"ok": False, "refused": False, "error": str(exc)}
        except Exception as exc:  # our bug: logged with its traceback; the client gets its type
            log.exception("MCP tool %s failed", tool)
            self._audit(client, tool, "error", query, type(exc).__name__)
            return {"ok": False, "refused": False, "error": f"Second Me failed to answer ({type(exc).__name__})."}
        self._audit(client, tool, "ok", query, detail)
        return {"ok": True, "result": result}

    @staticmethod
    def _query_of(tool: str, args: dict[str, Any]) -> str | None:
        if tool in ("search", "recall"):
            q = args.get("query")
        elif tool == "profile_fill":
            q = args.get("field") or args.get("label")
            if not isinstance(q, str) and isinstance(q, dict):
                q = q.get("label") or q.get("name")
        elif tool == "remember":
            q = args.get("text")
        else:
            return None
        return q if isinstance(q, str) else None

    def _audit(self, client: str, tool: str, outcome: str, query: str | None, detail: str | None) -> None:
        try:
            audit.record(self.ctx.store, client, tool, outcome, query, detail)
        except VaultLocked:
            pass  # locked meanwhile: the call was answered (or refused) before the lock
        except Exception:
            log.exception("could not keep an MCP call in the audit log")

    def _note(self, client: str) -> ClientPermission:
        perm, _new = self.permissions.seen(client)
        if not perm.decided and self._on_undecided is not None:
            try:
                self._on_undecided(client)
            except Exception:
                log.exception("could not ask about a new MCP client")
        return perm

    def _permitted(self, client: str) -> ClientPermission:
        perm = self._note(client)
        if perm.allowed:
            return perm
        if perm.decided:
            raise Refused(f"You have not allowed {client!r} to use your Second Me memory. Allow it in "
                          f"Second Me's Settings (Connected tools) or with 'secondme mcp allow \"{client}\"'.")
        hint = self._ask_hint or (f"Allow it in Second Me's Settings (Connected tools) or with "
                                  f"'secondme mcp allow \"{client}\"', then try again.")
        raise Refused(f"{client!r} is not allowed to use your Second Me memory yet. {hint}")

    def _dispatch(self, perm: ClientPermission, tool: str, args: dict[str, Any]) -> tuple[Any, str]:
        ctx = self.ctx
        if tool == "search":
            query, k = _text_arg(args, "query"), _k_arg(args)
            kinds = args.get("kinds")
            filters = None
            if kinds is not None:
                if not isinstance(kinds, list) or not all(isinstance(x, str) for x in kinds):
                    raise UserError("'kinds' must be a list of strings such as [\"chunk\", \"fact\"]")
                filters = SearchFilters(kinds=tuple(kinds))
            hits = [hit_to_dict(h) for h in ctx.notes.search(query, k, filters)]
            return {"results": hits}, f"{len(hits)} results"
        if tool == "recall":
            query, k = _text_arg(args, "query"), _k_arg(args)
            hits = [hit_to_dict(h) for h in ctx.memory.recall(query, k)]
            return {"results": hits}, f"{len(hits)} results"
        if tool == "profile_fill":
            return self._fill(perm, args)
        if tool == "remember":
            if not perm.remember:
                raise Refused(f"{perm.name!r} may read your memory but not add to it. Allow it in Second Me's "
                              f"Settings (Connected tools) or with 'secondme mcp allow \"{perm.name}\" --remember'.")
            text = _text_arg(args, "text")
            mid = ctx.memory.remember(text, time.time(), f"mcp:{perm.name}")
            return {"memory_id": mid, "stored": True}, f"memory {mid}"
        if tool == "resource:bios":
            bios = ctx.profile.show()["bios"]
            out = {kind: {"text": b.get("text"), "date": _iso(b.get("at"))} for kind, b in bios.items()
                   if isinstance(b, dict)}
            return {"bios": out}, f"{len(out)} bios"
        if tool == "resource:shades":
            shades = ctx.profile.show()["shades"]
            return {"shades": shades}, f"{len(shades)} shades"
        raise UserError(f"unknown tool {tool!r}")

    def _fill(self, perm: ClientPermission, args: dict[str, Any]) -> tuple[Any, str]:
        field = args.get("field")
        desc: dict[str, Any]
        if isinstance(field, str) and field.strip():
            desc = {"label": field}
        elif isinstance(field, dict):
            desc = {k: v for k, v in field.items() if k in FIELD_KEYS}
        else:
            raise UserError("'field' must be a label (\"Email address\") or a field description "
                            "({\"label\": ..., \"autocomplete\": ..., \"name\": ...})")
        for k in FIELD_KEYS:  # flat extras given beside a label
            if k in args and k != "field":
                desc.setdefault(k, args[k])
        if not any(isinstance(desc.get(k), str) and desc[k].strip()
                   for k in ("label", "placeholder", "name", "id", "autocomplete")):
            raise UserError("the field needs a label, placeholder, name, id or autocomplete value")
        res = self.ctx.profile.fill_field(desc, confirm_sensitive=perm.sensitive)
        if res.status == "needs_confirmation":
            raise Refused(f"{res.field or 'this field'} is a sensitive field and {perm.name!r} may not read "
                          f"sensitive fields. Allow it in Second Me's Settings (Connected tools) or with "
                          f"'secondme mcp allow \"{perm.name}\" --sensitive'.")
        found = res.status == "ok" and res.value is not None
        out = {"field": res.field, "value": res.value if found else None, "found": found,
               "confidence": round(float(res.confidence), 3), "sensitive": bool(res.sensitive),
               "updated": _iso(res.updated_at),
               "sources": [{"type": "memory", "memory_id": int(i), "description": d}
                           for i, d in zip(res.source_ids, res.sources, strict=False)]}
        if found and not out["sources"]:
            # A value the person typed in (or derived from one): the profile itself is the source.
            out["sources"] = [{"type": "profile", "field": res.field}]
        if not found:
            out["reason"] = res.reason or "no value in the profile for this field"
        return out, f"field {res.field}" if found else "no value"
