"""A ChatGPT export's ``conversations.json``: a list of conversations, each a ``mapping`` tree
of nodes ``{id, parent, children, message}``; the branch the person kept ends at
``current_node``."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from secondme.errors import UserError
from secondme.importers import jsonfile
from secondme.importers.base import Tally, conversation_source, open_binary
from secondme.memory.items import NewMemory

WHAT = "ChatGPT export (conversations.json)"


def check(path: Path, tally: Tally) -> None:
    """Validate the whole export and count its conversations. Raises :class:`UserError` when it is not one."""
    with open_binary(path) as raw:
        top = jsonfile.first_char(raw)
    if top not in ("[", "{"):
        raise UserError(f"{path.name} is not a {WHAT}: it is not JSON")
    prefixes = {"item"} if top == "[" else {"conversations.item"}
    tally.total = jsonfile.count_maps(path, prefixes, WHAT) or 1


def conversations(path: Path) -> Iterator[Any]:
    """The export's conversations, streamed from a top-level list; an object form (one conversation, or
    ``{"conversations": [...]}``) is read whole."""
    with open_binary(path) as raw:
        top = jsonfile.first_char(raw)
        if top == "[":
            yield from jsonfile.items(raw, "item")
            return
        try:
            data = json.load(raw)
        except ValueError as exc:
            raise UserError(f"{path.name} is not a {WHAT} (not JSON)") from exc
    if isinstance(data, dict):
        data = data.get("conversations", [data])
    if not isinstance(data, list):
        raise UserError(f"{path.name} is not a {WHAT} (expected a list of conversations)")
    yield from data


def read(path: Path, tally: Tally) -> Iterator[NewMemory]:
    """Each conversation's kept branch, from the root to the current node, in order."""
    for conv in conversations(path):
        tally.done += 1
        if not isinstance(conv, dict) or not isinstance(conv.get("mapping"), dict):
            tally.skip("not a conversation")
            continue
        yield from _conversation(conv, tally)


def _conversation(conv: dict[str, Any], tally: Tally) -> Iterator[NewMemory]:
    mapping: dict[str, Any] = conv["mapping"]
    cid = str(conv.get("id") or conv.get("conversation_id") or conv.get("title") or "chatgpt")
    title = conv.get("title") or ""
    for node_id in _branch(mapping, conv.get("current_node")):
        node = mapping.get(node_id)
        msg = node.get("message") if isinstance(node, dict) else None
        if not isinstance(msg, dict):
            continue  # the empty root node
        role = (msg.get("author") or {}).get("role")
        if role not in ("user", "assistant"):
            tally.skip(f"{role or 'unknown'} message (not the conversation)")
            continue  # system prompts and tool output are not the person's conversation
        content = msg.get("content") or {}
        if content.get("content_type", "text") not in ("text", "multimodal_text"):
            tally.skip(f"{content.get('content_type')} content")
            continue
        text = _parts_text(content)
        if not text.strip():
            tally.skip("empty message")
            continue
        at = msg.get("create_time") or conv.get("create_time")
        yield NewMemory(text=text, kind="message", at=float(at) if at else None, speaker=role,
                        source=conversation_source(f"chatgpt:{cid}"), source_id=str(msg.get("id") or node_id),
                        meta={"conversation": f"chatgpt:{cid}", "title": title})


def _parts_text(content: dict[str, Any]) -> str:
    parts = content.get("parts") or []
    texts = [p for p in parts if isinstance(p, str)]
    if not texts and isinstance(content.get("text"), str):
        texts = [content["text"]]
    return "\n".join(t for t in texts if t.strip())


def _branch(mapping: dict[str, Any], current: Any) -> list[str]:
    if isinstance(current, str) and current in mapping:
        path: list[str] = []
        seen: set[str] = set()
        node: Any = current
        while isinstance(node, str) and node in mapping and node not in seen:
            seen.add(node)
            path.append(node)
            node = (mapping[node] or {}).get("parent")
        return list(reversed(path))
    # No current node: walk from the root, following the first child at each fork.
    roots = [k for k, v in mapping.items()
             if isinstance(v, dict) and (not v.get("parent") or v.get("parent") not in mapping)]
    out: list[str] = []
    seen2: set[str] = set()
    node = roots[0] if roots else None
    while isinstance(node, str) and node in mapping and node not in seen2:
        seen2.add(node)
        out.append(node)
        kids = (mapping[node] or {}).get("children") or []
        node = kids[0] if kids else None
    return out
