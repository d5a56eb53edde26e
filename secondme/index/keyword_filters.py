"""The facets a keyword search may be narrowed by (kind, folder, file type, dates) and the
SQL terms that apply them to the keyword index's FTS5 tables."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class KeywordFilters:
    """Restrictions applied on top of the text match; ``None`` means "any"."""

    kinds: Sequence[str] | None = None
    folders: Sequence[str] | None = None
    file_types: Sequence[str] | None = None
    date_from: int | None = None  # inclusive, epoch seconds
    date_to: int | None = None  # exclusive, epoch seconds


def filter_sql(filters: KeywordFilters | None, params: list[object], *, with_kind: bool) -> list[str] | None:
    """WHERE terms (the MATCH first) for ``filters``, their values appended to ``params``;
    None when a filter allows nothing. ``with_kind``: the table has a kind column."""
    where = ["kw MATCH ?" if with_kind else "kwdoc MATCH ?"]
    f = filters or KeywordFilters()
    facets = [("folder", f.folders), ("ftype", f.file_types)]
    if with_kind:
        facets.insert(0, ("kind", f.kinds))
    for column, values in facets:
        if values is not None:
            values = list(values)
            if not values:
                return None
            where.append(f"{column} IN ({','.join('?' * len(values))})")
            params.extend(values)
    if f.date_from is not None:
        where.append("date >= ?")
        params.append(int(f.date_from))
    if f.date_to is not None:
        where.append("date < ?")
        params.append(int(f.date_to))
    return where
