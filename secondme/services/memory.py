"""``ctx.memory``: remembering, recalling, forgetting, importing and consolidating memories."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from secondme.results import SearchHit

if TYPE_CHECKING:
    from secondme.app import SecondMe
    from secondme.memory.engine import MemoryEngine
    from secondme.session import Session


class MemoryService:
    """What the person said and imported: remember, recall (with the forgetting curve), pin,
    edit, forget, import exports, and the nightly consolidation and decay.

    The work is done by :class:`secondme.memory.engine.MemoryEngine`, which is bound to one
    unlock's session: it is made on first use and made again after the next unlock."""

    def __init__(self, core: SecondMe) -> None:
        """Over ``core``; the memory engine is built per session, on first use."""
        self._core = core
        self._lock = threading.Lock()
        self._cache: tuple[Session, MemoryEngine] | None = None

    def engine(self) -> MemoryEngine:
        """The engine of the current unlock (raises VaultLocked when locked)."""
        from secondme.memory.engine import MemoryEngine

        core = self._core
        s = core.session
        with self._lock:
            if self._cache is None or self._cache[0] is not s:
                engine = MemoryEngine(s.store, s.memories, s.searcher, s.sync, s.embedder, core.settings,
                                      chat_model=lambda: core.models.chat_model)
                self._cache = (s, engine)
            return self._cache[1]

    def remember(self, text: str, at: float | None = None, source: str | None = None) -> int:
        """Remember something the person says; returns the new memory's id."""
        mid: int = self.engine().remember(text, at, source)
        return mid

    def recall(self, query: str, k: int = 10, when: float | None = None,
               include_faded: bool = False) -> list[SearchHit]:
        """Memories and notes for ``query`` (time phrases resolved against ``when`` or now);
        the returned memories are reinforced."""
        hits: list[SearchHit] = self.engine().recall(query, k, when, include_faded)
        return hits

    def forget(self, id_or_source: int | str) -> int:
        """Delete a memory by id, or everything from a source, with what was derived from it."""
        n: int = self.engine().forget(id_or_source)
        return n

    def pin(self, memory_id: int, pinned: bool = True) -> None:
        """Pin (or unpin) a memory: a pinned memory never fades."""
        self.engine().pin(memory_id, pinned)

    def edit(self, memory_id: int, text: str) -> None:
        """Correct a memory's text (time, source, strength and pin stay)."""
        self.engine().edit(memory_id, text)

    def import_messages(self, path: str) -> int:
        """Import JSON Lines messages ``{id, conversation, time, speaker, text}``."""
        n: int = self.engine().import_messages(path)
        return n

    def import_chatgpt(self, path: str) -> int:
        """Import a ChatGPT export's ``conversations.json``."""
        n: int = self.engine().import_chatgpt(path)
        return n

    def import_file(self, kind: str, path: str, progress: Callable[[int, int], None] | None = None,
                    cancel: threading.Event | None = None) -> Any:
        """Import an export (``kind``: messages, chatgpt, claude, gemini, whatsapp, telegram,
        mbox, eml, ics) in batches, resumable; returns an ImportReport (added, already there,
        skipped by reason, per conversation). ``progress(done, total)`` follows the input."""
        return self.engine().import_file(kind, path, progress, cancel)

    def consolidate(self, progress: Callable[[str, int, int], None] | None = None,
                    cancel: threading.Event | None = None) -> dict[str, int]:
        """Facts, knowledge updates, episodes, history and links for what is new (resumable)."""
        res: dict[str, int] = self.engine().consolidate(progress, cancel)
        return res

    def decay(self, now: float | None = None) -> dict[str, int]:
        """Mark memories whose retention fell below the threshold as faded (deletes nothing)."""
        res: dict[str, int] = self.engine().decay(now)
        return res

    def memories(self, kind: str | None = None, state: str | None = None, limit: int = 200) -> list[Any]:
        """Memories newest first, with strength and retention (for the Memories page)."""
        rows: list[Any] = self.engine().memories(kind, state, limit)
        return rows
