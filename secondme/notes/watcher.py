"""watchdog observers on the watched folders, feeding the indexer's debounced queue."""

from __future__ import annotations

import logging
import os
import threading
from pathlib import Path

from watchdog.events import (
    DirDeletedEvent,
    DirMovedEvent,
    FileSystemEvent,
    FileSystemEventHandler,
    FileSystemMovedEvent,
)
from watchdog.observers import Observer
from watchdog.observers.api import BaseObserver

from secondme.notes.folders import Folder
from secondme.notes.indexer import Indexer

log = logging.getLogger("secondme.notes.watcher")


class _Handler(FileSystemEventHandler):
    def __init__(self, watcher: FolderWatcher, folder: Folder) -> None:
        self._w = watcher
        self._folder = folder

    def _ignored(self, path: str, is_dir: bool) -> bool:
        # The indexer's own policy (the walker's too), by name only: the path may be gone.
        return self._w.indexer.policy.path_reason(Path(path), self._folder.path, is_dir=is_dir) is not None

    def on_any_event(self, event: FileSystemEvent) -> None:
        if event.event_type in ("opened", "closed_no_write"):
            return
        root = self._folder.path
        src = os.fsdecode(event.src_path)
        if isinstance(event, FileSystemMovedEvent):
            dest = os.fsdecode(event.dest_path)
            # Destination first, so the indexer sees the new path before the old one vanishes.
            if not self._ignored(dest, event.is_directory):
                self._w.indexer.enqueue(dest)
            if not self._ignored(src, event.is_directory):
                if isinstance(event, DirMovedEvent):
                    self._w.folder_changed(self._folder)
                else:
                    self._w.indexer.enqueue(src, delay=self._w.indexer.debounce + 0.2)
            return
        if src == str(root) and isinstance(event, DirDeletedEvent):
            self._w.folder_changed(self._folder)  # the watched folder itself went away
            return
        if isinstance(event, DirDeletedEvent):
            self._w.folder_changed(self._folder)
            return
        if event.is_directory and event.event_type != "created":
            return
        if not self._ignored(src, event.is_directory):
            self._w.indexer.enqueue(src)


class FolderWatcher:
    """One watchdog observer with a watch per folder; reconcile on start and on big changes."""

    def __init__(self, indexer: Indexer) -> None:
        """Feed ``indexer`` the changes of the folders it is told to watch."""
        self.indexer = indexer
        self._observer: BaseObserver | None = None
        self._watches: dict[int, object] = {}
        self._lock = threading.Lock()
        self._reconcile_timer: threading.Timer | None = None

    @property
    def running(self) -> bool:
        """Whether the observer is running."""
        return self._observer is not None

    def start(self, folders: list[Folder]) -> None:
        """Start the observer (if it is not running) and watch ``folders``."""
        with self._lock:
            if self._observer is None:
                self._observer = Observer()
                self._observer.daemon = True
                self._observer.start()
        for f in folders:
            self.watch(f)

    def watch(self, folder: Folder) -> None:
        """Watch one folder recursively; a missing folder or an OS refusal (inotify limits) is logged and
        skipped."""
        with self._lock:
            if self._observer is None or folder.id in self._watches:
                return
            if not folder.path.is_dir():
                log.warning("a watched folder is missing; its notes are kept until it returns")
                return
            try:
                self._watches[folder.id] = self._observer.schedule(
                    _Handler(self, folder), str(folder.path), recursive=True
                )
            except OSError as exc:  # inotify limits, permissions
                log.warning("cannot watch a folder: %s", exc)

    def unwatch(self, folder: Folder) -> None:
        """Stop watching one folder (no-op if it is not watched)."""
        with self._lock:
            watch = self._watches.pop(folder.id, None)
            if watch is not None and self._observer is not None:
                self._observer.unschedule(watch)  # type: ignore[arg-type]

    def folder_changed(self, folder: Folder) -> None:
        """A directory moved or vanished: reconcile that folder shortly (coalesced)."""
        def run() -> None:
            try:
                self.indexer.reconcile([folder])
            except Exception:
                log.exception("reconcile after a folder change failed")
        with self._lock:
            if self._reconcile_timer is not None:
                self._reconcile_timer.cancel()
            self._reconcile_timer = threading.Timer(self.indexer.debounce, run)
            self._reconcile_timer.daemon = True
            self._reconcile_timer.start()

    def stop(self) -> None:
        """Stop the observer and any pending reconcile; waits up to 10 s for its thread."""
        with self._lock:
            obs, self._observer = self._observer, None
            self._watches.clear()
            if self._reconcile_timer is not None:
                self._reconcile_timer.cancel()
        if obs is not None:
            obs.stop()
            obs.join(timeout=10)
