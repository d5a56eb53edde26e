"""``ctx.notes``: the watched folders, their indexing in two phases, and search."""

from __future__ import annotations

from typing import TYPE_CHECKING

from secondme.errors import UserError
from secondme.results import FailedFile, FolderStatus, IndexProgress, SearchFilters, SearchHit, readable_path

if TYPE_CHECKING:
    from secondme.app import SecondMe


class NotesService:
    """Folders of notes: add and remove them, watch them, follow and wait for their indexing,
    list the files that failed, and search notes with memories (hybrid search)."""

    def __init__(self, core: SecondMe) -> None:
        """Over ``core``, whose session does the indexing."""
        self._core = core

    def search(self, query: str, k: int = 10, filters: SearchFilters | None = None) -> list[SearchHit]:
        """Hybrid search over notes and active memories (safe from any thread)."""
        return self._core.session.searcher.search(query, k, filters)

    def add_folder(self, path: str, index: bool = True) -> FolderStatus:
        """Watch ``path`` (if watching is on) and, unless ``index`` is False, queue what it holds
        for indexing; returns its status. A command that exits at once passes False: work it
        queued would be broken off at close, leaving the folder indexed by chance, in part."""
        s = self._core.session
        folder = s.folders.add(path)
        if s.watcher.running:
            s.watcher.watch(folder)
        if index:
            s.indexer.reconcile([folder])
        return next(f for f in self.folders() if f.path == str(folder.path))

    def remove_folder(self, path: str) -> None:
        """Stop watching ``path`` and forget its notes (the files themselves stay)."""
        s = self._core.session
        folder = s.folders.find(path)
        if folder is None:
            raise UserError(f"{path} is not a watched folder")
        s.watcher.unwatch(folder)
        s.indexer.forget_folder(folder)

    def folders(self) -> list[FolderStatus]:
        """Every folder with its counts of documents, chunks and failed files."""
        s = self._core.session
        documents = self._core.repos.documents
        out = []
        for f in s.folders.list():
            n = documents.folder_counts(f.id)
            out.append(FolderStatus(str(f.path), n.documents, n.chunks, n.failed, f.enabled))
        return out

    def failed_files(self) -> list[FailedFile]:
        """The files that could not be read, with the reason and their folder."""
        folders: dict[int | None, str] = {f.id: str(f.path) for f in self._core.session.folders.list()}
        out = []
        for d in self._core.repos.documents.failed():
            error = "unknown reason" if d.error is None else d.error
            out.append(FailedFile(readable_path(str(d.path)), error, folders.get(d.folder_id)))
        return out

    def reindex(self) -> int:
        """Compare every folder with the store and index what changed; returns files queued."""
        return self._core.session.indexer.reconcile()

    def pause(self) -> None:
        """Pause indexing (both phases) until :meth:`resume`."""
        self._core.session.pause()

    def resume(self) -> None:
        """Take up indexing (both phases) after :meth:`pause`."""
        self._core.session.resume()

    def progress(self) -> IndexProgress:
        """Both phases: files queued/done (keyword search) and notes embedded (semantic)."""
        return self._core.session.progress()

    def start_watching(self) -> None:
        """Follow the folders' changes (after a reconcile of what changed while not watching)."""
        self._core.session.start_watching()

    def stop_watching(self) -> None:
        """Stop following the folders' changes (no-op while locked)."""
        session = self._core.current_session
        if session is not None:
            session.watcher.stop()

    @property
    def watching(self) -> bool:
        """True while the folders are watched (False when locked)."""
        session = self._core.current_session
        return session is not None and session.watcher.running

    def wait_indexed(self, timeout: float | None = None) -> bool:
        """Wait for both phases: every queued note stored, keyword-indexed and embedded."""
        return self._core.session.wait_indexed(timeout)

    def wait_keyword_indexed(self, timeout: float | None = None) -> bool:
        """Wait for phase 1 only: every queued note stored and searchable by keyword."""
        return self._core.session.wait_keyword_indexed(timeout)
