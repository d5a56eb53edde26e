"""The MCP audit log (table ``mcp_calls``): who called which tool, asking what, with what outcome.

The client, the query and the detail are sealed; the tool and the outcome are plain (bound by
the row's MAC); only the day is plain, the exact time sealed.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from secondme.store.repos.base import Repository, newest_first


@dataclass(frozen=True, slots=True)
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
        """The entry as a plain dict (for JSON output)."""
        return {"id": self.id, "at": self.at, "client": self.client, "tool": self.tool,
                "outcome": self.outcome, "query": self.query, "detail": self.detail}


class AuditLog(Repository):
    """The ``mcp_calls`` table."""

    table = "mcp_calls"

    def add(self, client: str, tool: str, outcome: str, query: str | None, detail: str | None, at: float,
            keep: int) -> int:
        """Keep one call (and now and then drop the rows older than the last ``keep``)."""
        with self._store.write() as w:
            rid = w.insert("mcp_calls", {"tool": tool, "outcome": outcome, "called_at": at},
                           {"client": client, "query": query, "detail": detail})
            if rid > keep and rid % 100 == 0:  # pruned now and then, not on every call
                w.execute("DELETE FROM mcp_calls WHERE id <= ?", (rid - keep,))
        return rid

    def newest(self, limit: int) -> list[AuditEntry]:
        """The ``limit`` newest MCP calls, newest first, their query and detail opened."""
        rows = newest_first(self._store, "mcp_calls", "1", (), limit, "called_at",
                            key=lambda r: (float(r["called_at"]), r.id))
        return [AuditEntry(r.id, float(r["called_at"]), str(r.get("client", "")), str(r["tool"]), str(r["outcome"]),
                           r.private.get("query"), r.private.get("detail")) for r in rows]
