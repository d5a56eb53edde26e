"""What consolidation, episodes and the profile read of the notes: when each note's content was
saved, titles and chunk texts. Read-only; the notes' own repositories own every write.

Kept apart from the notes-side repositories while both are written (issue 22): these are the
reads the memory side needs, to fold into the document and chunk repositories.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from secondme.store.repos.base import Repository


@dataclass(frozen=True, slots=True)
class ChunkText:
    """One chunk of a note, its text opened."""

    id: int
    document_id: int
    text: str


class NoteTimes(Repository):
    """Documents by the time their current content was saved (the sealed ``content_mtime``)."""

    table = "documents"

    def content_times(self, doc_ids: Iterable[int]) -> dict[int, float]:
        """When each document's current content was saved (plain SQL keeps no mtime: it would
        say which files changed when); documents without one are left out."""
        out: dict[int, float] = {}
        for doc, row in self.rows_by_id(doc_ids, columns=()).items():
            at = row.plain.get("content_mtime", row.plain.get("mtime"))
            if at is not None:
                out[doc] = float(at)
        return out

    def with_chunks(self) -> list[tuple[float, int]]:
        """(content saved at, document id) of every note that has chunks, by id."""
        rows = self.rows("SELECT * FROM documents d WHERE EXISTS (SELECT 1 FROM chunks c WHERE c.document_id = d.id) "
                         "ORDER BY id", columns=())
        out: list[tuple[float, int]] = []
        for row in rows:
            at = row.plain.get("content_mtime", row.plain.get("mtime"))
            if at is not None:
                out.append((float(at), row.id))
        return out

    def titles(self, doc_ids: Iterable[int]) -> dict[int, str]:
        """The titles of these documents (opened once each; empty where none)."""
        return {doc: str(row.get("title") or "") for doc, row in self.rows_by_id(doc_ids, columns=("title",)).items()}


class ChunkTexts(Repository):
    """Chunk texts in id order: after a high-water mark, or the first ones of a document."""

    table = "chunks"

    def after(self, after: int, limit: int) -> list[ChunkText]:
        """Up to ``limit`` chunks with an id above ``after``, in id order, their text opened."""
        rows = self.rows("SELECT * FROM chunks WHERE id > ? ORDER BY id LIMIT ?", (int(after), int(limit)),
                         columns=("text",))
        return [ChunkText(r.id, int(r["document_id"]), str(r.get("text") or "")) for r in rows]

    def of_document(self, doc_id: int, limit: int) -> list[str]:
        """The text of a document's first ``limit`` chunks, in order."""
        rows = self.rows("SELECT * FROM chunks WHERE document_id = ? ORDER BY id LIMIT ?", (int(doc_id), int(limit)),
                         columns=("text",))
        return [str(r.get("text") or "") for r in rows]
