"""Profile fields (``profile_fields``): a field's name is plain, its value and meta are sealed."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from secondme.store.db import Writer
from secondme.store.repos.base import Repository
from secondme.store.rows import Row


@dataclass(frozen=True, slots=True)
class FieldRow:
    """One stored field, its value and meta opened once (``meta``: provenance and history)."""

    id: int
    field: str
    value: str
    confidence: float
    locked: bool
    updated_at: float
    meta: dict[str, Any] = dataclasses.field(default_factory=dict)


def _field(r: Row) -> FieldRow:
    val = r.get("value") or {}
    return FieldRow(id=r.id, field=str(r["field"]), value=str(val.get("value", "")),
                    confidence=float(r["confidence"] or 0.0), locked=bool(r["locked"]),
                    updated_at=float(r["updated_at"] or 0.0), meta=dict(r.get("meta") or {}))


class ProfileFieldRepository(Repository):
    """Reads every field by name; writes one field (insert or update by name) or deletes it."""

    table = "profile_fields"

    def all(self) -> list[FieldRow]:
        """Every stored field, by name."""
        return [_field(r) for r in self.rows("SELECT * FROM profile_fields ORDER BY field")]

    def put(self, w: Writer, name: str, value: str, *, confidence: float, locked: bool, updated_at: float,
            meta: Mapping[str, Any]) -> int:
        """Store the field ``name`` (a new row or its existing one); its row id."""
        plain = {"confidence": confidence, "locked": int(locked), "updated_at": updated_at}
        private = {"value": {"value": value}, "meta": dict(meta)}
        row_id = self._id(w, name)
        if row_id is not None:
            w.update("profile_fields", row_id, plain, private)
            return row_id
        return w.insert("profile_fields", {"field": name, **plain}, private)

    def delete(self, w: Writer, name: str) -> bool:
        """Delete the field ``name``; whether there was one."""
        row_id = self._id(w, name)
        if row_id is None:
            return False
        w.delete("profile_fields", row_id)
        return True

    @staticmethod
    def _id(w: Writer, name: str) -> int | None:
        row = w.execute("SELECT id FROM profile_fields WHERE field = ?", (name,)).fetchone()
        return None if row is None else int(row[0])
