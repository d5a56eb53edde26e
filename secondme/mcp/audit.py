"""The encrypted audit log of MCP calls (table ``mcp_calls``, schema v5).

One row per call: the client's name, the query and a short detail are sealed; the tool's name
and the outcome are plain (bound to the row by its MAC) and only the day of the call is plain,
the exact time sealed, as for every other dated row. Nothing here is logged above DEBUG.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

from secondme.store import Store
from secondme.store.db import newest_first

TABLE = "mcp_calls"
OUTCOMES = ("ok", "refused", "error")
# The log is the person's to read, not an archive: the oldest rows go past this many.
KEEP = 20_000
MAX_QUERY = 2000


@dataclass(frozen=True)
class AuditEntry:
    """One call as the person reads it back."""

    id: int
    at: float
    client: str
    tool: str
    outcome: str
    query: str | None
    detail: str | None

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "at": self.at, "client": self.client, "tool": self.tool,
                "outcome": self.outcome, "query": self.query, "detail": self.detail}


def record(store: Store, client: str, tool: str, outcome: str, query: str | None = None,
           detail: str | None = None, at: float | None = None) -> int:
    """Keep one call; returns its row id."""
    if outcome not in OUTCOMES:
        raise ValueError(f"unknown outcome {outcome!r}")
    at = time.time() if at is None else at
    with store.write() as w:
        rid = w.insert(TABLE, {"tool": tool[:64], "outcome": outcome, "called_at": at},
                       {"client": client, "query": None if query is None else query[:MAX_QUERY],
                        "detail": detail})
        if rid > KEEP and rid % 100 == 0:  # pruned now and then, not on every call
            w.execute(f"DELETE FROM {TABLE} WHERE id <= ?", (rid - KEEP,))
    return rid


def entries(store: Store, limit: int = 200, client: str | None = None) -> list[AuditEntry]:
    """The latest calls, newest first (of ``client`` only when given)."""
    rows = newest_first(store, TABLE, "1", (), limit if client is None else max(limit, 1000), "called_at",
                        key=lambda r: (float(r["called_at"]), r.id))
    out = [AuditEntry(r.id, float(r["called_at"]), str(r.get("client", "")), str(r["tool"]), str(r["outcome"]),
                      r.private.get("query"), r.private.get("detail")) for r in rows]
    if client is not None:
        out = [e for e in out if e.client == client]
    return out[:limit]
