"""The encrypted audit log of MCP calls (table ``mcp_calls``, schema v5).

One row per call: the client's name, the query and a short detail are sealed; the tool's name
and the outcome are plain (bound to the row by its MAC) and only the day of the call is plain,
the exact time sealed, as for every other dated row. Nothing here is logged above DEBUG.
"""

from __future__ import annotations

import time

from secondme.store import Store
from secondme.store.repos.audit import AuditEntry, AuditLog

__all__ = ["AuditEntry", "entries", "record"]

TABLE = "mcp_calls"
OUTCOMES = ("ok", "refused", "error")
# The log is the person's to read, not an archive: the oldest rows go past this many.
KEEP = 20_000
MAX_QUERY = 2000


def record(store: Store, client: str, tool: str, outcome: str, query: str | None = None,
           detail: str | None = None, at: float | None = None) -> int:
    """Keep one call; returns its row id."""
    if outcome not in OUTCOMES:
        raise ValueError(f"unknown outcome {outcome!r}")
    at = time.time() if at is None else at
    return AuditLog(store).add(client, tool[:64], outcome, None if query is None else query[:MAX_QUERY], detail, at,
                               KEEP)


def entries(store: Store, limit: int = 200, client: str | None = None) -> list[AuditEntry]:
    """The latest calls, newest first (of ``client`` only when given)."""
    out = AuditLog(store).newest(limit if client is None else max(limit, 1000))
    if client is not None:
        out = [e for e in out if e.client == client]
    return out[:limit]
