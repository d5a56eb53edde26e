"""Importers: JSON Lines messages and a ChatGPT export (``conversations.json``).

Both yield :class:`NewMemory` messages grouped by conversation (``source =
"conversation:<id>"``) so a whole conversation can be forgotten at once.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

from secondme.errors import UserError
from secondme.memory.items import NewMemory

log = logging.getLogger("secondme.memory.importers")


def conversation_source(conversation: str) -> str:
    return f"conversation:{conversation}"


def parse_time(value: Any) -> float | None:
    """Epoch seconds from a number or an ISO 8601 string (naive strings are local time)."""
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        raise ValueError("not a time")
    if isinstance(value, (int, float)):
        v = float(value)
        return v / 1000.0 if v > 1e11 else v  # milliseconds from some exporters
    s = str(value).strip()
    try:
        return float(s)
    except ValueError:
        pass
    if s.endswith("Z"):
        s = s[:-1] + "+00:00"
    return datetime.fromisoformat(s).timestamp()


def read_messages(path: Path) -> Iterator[NewMemory]:
    """``{id, conversation, time, speaker, text}`` per line; blank lines are skipped.

    A malformed line stops the import with its line number (nothing of the file is committed
    by the caller before the whole file parsed).
    """
    try:
        fh = open(path, encoding="utf-8")
    except OSError as exc:
        raise UserError(f"cannot read {path}: {exc.strerror or exc}") from exc
    with fh:
        for n, line in enumerate(fh, 1):
            if not line.strip():
                continue
            try:
                obj = json.loads(line)
                if not isinstance(obj, dict):
                    raise ValueError("not an object")
                text = str(obj["text"])
                conv = str(obj.get("conversation") or path.stem)
                at = parse_time(obj.get("time"))
            except (ValueError, KeyError, TypeError) as exc:
                raise UserError(f"{path.name}, line {n}: not a message record ({exc.__class__.__name__}); "
                                "expected {id, conversation, time, speaker, text}") from None
            if not text.strip():
                continue
            yield NewMemory(text=text, kind="message", at=at,
                            speaker=str(obj["speaker"]) if obj.get("speaker") else None,
                            source=conversation_source(conv),
                            source_id=str(obj["id"]) if obj.get("id") is not None else None,
                            meta={"conversation": conv})


def _parts_text(content: dict[str, Any]) -> str:
    parts = content.get("parts") or []
    texts = [p for p in parts if isinstance(p, str)]
    if not texts and isinstance(content.get("text"), str):
        texts = [content["text"]]
    return "\n".join(t for t in texts if t.strip())


def read_chatgpt(path: Path) -> Iterator[NewMemory]:
    """Messages of a ChatGPT export: each conversation's ``mapping`` tree, followed from the
    current node back to the root (the branch the person kept), in order."""
    try:
        data = json.loads(path.read_text("utf-8"))
    except OSError as exc:
        raise UserError(f"cannot read {path}: {exc.strerror or exc}") from exc
    except ValueError as exc:
        raise UserError(f"{path.name} is not a ChatGPT export (not JSON)") from exc
    if isinstance(data, dict):
        data = data.get("conversations", [data])
    if not isinstance(data, list):
        raise UserError(f"{path.name} is not a ChatGPT export (expected a list of conversations)")
    for conv in data:
        if not isinstance(conv, dict) or not isinstance(conv.get("mapping"), dict):
            continue
        mapping: dict[str, Any] = conv["mapping"]
        cid = str(conv.get("id") or conv.get("conversation_id") or conv.get("title") or "chatgpt")
        title = conv.get("title") or ""
        for node_id in _branch(mapping, conv.get("current_node")):
            msg = (mapping.get(node_id) or {}).get("message")
            if not isinstance(msg, dict):
                continue
            role = (msg.get("author") or {}).get("role")
            if role not in ("user", "assistant"):
                continue  # system prompts and tool output are not the person's conversation
            content = msg.get("content") or {}
            if content.get("content_type", "text") not in ("text", "multimodal_text"):
                continue
            text = _parts_text(content)
            if not text.strip():
                continue
            at = msg.get("create_time") or conv.get("create_time")
            yield NewMemory(text=text, kind="message", at=float(at) if at else None, speaker=role,
                            source=conversation_source(f"chatgpt:{cid}"), source_id=str(msg.get("id") or node_id),
                            meta={"conversation": f"chatgpt:{cid}", "title": title})


def _branch(mapping: dict[str, Any], current: Any) -> list[str]:
    if isinstance(current, str) and current in mapping:
        path: list[str] = []
        seen: set[str] = set()
        node: Any = current
        while isinstance(node, str) and node in mapping and node not in seen:
            seen.add(node)
            path.append(node)
            node = mapping[node].get("parent")
        return list(reversed(path))
    # No current node: walk from the root, following the first child at each fork.
    roots = [k for k, v in mapping.items() if not v.get("parent") or v.get("parent") not in mapping]
    out: list[str] = []
    seen2: set[str] = set()
    node = roots[0] if roots else None
    while isinstance(node, str) and node in mapping and node not in seen2:
        seen2.add(node)
        out.append(node)
        kids = mapping[node].get("children") or []
        node = kids[0] if kids else None
    return out
