"""The one object that wires the core together from explicit collaborators."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from secondme.crypto import KeySet, Sealer
from secondme.embed.base import Embedder
from secondme.errors import VaultLocked
from secondme.paths import Paths
from secondme.results import Answer, FailedFile, FolderStatus, IndexProgress, SearchFilters, SearchHit
from secondme.session import Session
from secondme.settings import Settings
from secondme.store import Store
from secondme.vault import Vault

log = logging.getLogger("secondme.app")

# Below this cosine similarity a hit is not evidence for an answer (MiniLM: unrelated text
# scores ~0.0–0.2, related text 0.35+).
ASK_MIN_RELEVANCE = 0.3


@dataclass
class Event:
    """A small notification from the core (``ui/`` turns these into Qt signals)."""

    kind: str  # e.g. "locked", "unlocked", "index.progress", "job.progress"
    data: dict[str, Any] = field(default_factory=dict)


Listener = Callable[[Event], None]


class SecondMe:
    """Application context: paths, settings, vault, and (while unlocked) the store.

    Collaborators are passed in; nothing here reads global configuration. Subsystems that need
    the data key are opened on :meth:`unlock` and closed on :meth:`lock`.
    """

    def __init__(self, paths: Paths, settings: Settings, vault: Vault,
                 embedder: Embedder | None = None,
                 chat_model_factory: Callable[[], Any] | None = None) -> None:
        self.paths = paths
        self.settings = settings
        self.vault = vault
        self.embedder = embedder
        self._chat_model_factory = chat_model_factory
        self._chat_model: Any = None
        self._session: Session | None = None
        self._store: Store | None = None
        self._keys: KeySet | None = None
        self._listeners: list[Listener] = []
        self._lock = threading.RLock()
        self._on_unlock: list[Callable[["SecondMe"], None]] = []
        self._on_lock: list[Callable[["SecondMe"], None]] = []

    # --- events ------------------------------------------------------------------------------
    def subscribe(self, listener: Listener) -> Callable[[], None]:
        self._listeners.append(listener)
        return lambda: self._listeners.remove(listener)

    def emit(self, kind: str, **data: Any) -> None:
        ev = Event(kind, data)
        for fn in list(self._listeners):
            try:
                fn(ev)
            except Exception:  # a listener's bug must not break the core's work
                log.exception("event listener failed for %s", kind)

    def on_unlock(self, fn: Callable[["SecondMe"], None]) -> None:
        self._on_unlock.append(fn)

    def on_lock(self, fn: Callable[["SecondMe"], None]) -> None:
        self._on_lock.append(fn)

    # --- vault -------------------------------------------------------------------------------
    @property
    def initialized(self) -> bool:
        return self.vault.exists()

    @property
    def unlocked(self) -> bool:
        return self._store is not None

    def init(self, passphrase: str | None) -> None:
        """Create the vault (keyring when ``passphrase`` is None) and unlock."""
        self.paths.ensure()
        key = self.vault.create(passphrase)
        self._open(key)

    def unlock(self, passphrase: str | None = None) -> None:
        with self._lock:
            if self._store is not None:
                return
            self.paths.ensure()
            self._open(self.vault.unlock(passphrase))

    def _open(self, data_key: bytes) -> None:
        keys = KeySet.from_data_key(data_key)
        store = Store(self.paths.store_file, Sealer(keys), backups_dir=self.paths.backups_dir)
        self._keys, self._store = keys, store
        if self.embedder is not None:
            try:
                self._session = Session(self.paths, self.settings, store, keys, self.embedder, self.emit)
            except BaseException:
                store.close()
                self._keys = self._store = None
                raise
        for fn in self._on_unlock:
            fn(self)
        self.emit("unlocked")

    def lock(self) -> None:
        with self._lock:
            if self._store is None:
                return
            for fn in reversed(self._on_lock):
                try:
                    fn(self)
                except Exception:
                    log.exception("a subsystem failed to close on lock")
            if self._session is not None:
                try:
                    self._session.close()
                except Exception:
                    log.exception("closing the indexes failed; they are rebuilt from the store")
                self._session = None
            self._store.close()
            self._store = None
            self._keys = None
        self.emit("locked")

    def close(self) -> None:
        self.lock()
        if self._chat_model is not None:
            self._chat_model.close()
            self._chat_model = None

    # --- the local chat model ----------------------------------------------------------------
    @property
    def chat_model(self) -> Any:
        """The ChatModel (created on first use; the model file itself loads lazily)."""
        with self._lock:
            if self._chat_model is None:
                if self._chat_model_factory is None:
                    from secondme.errors import ModelMissing

                    raise ModelMissing("no chat model is configured")
                self._chat_model = self._chat_model_factory()
            return self._chat_model

    def switch_model(self, path: str) -> None:
        self.chat_model.switch_model(path)
        self.settings.model_path = str(path)
        self.save_settings()

    def ask(self, question: str, *, on_token: Callable[[str], None] | None = None,
            cancel: threading.Event | None = None, k: int = 6) -> Answer:
        """Answer from memory with numbered citations; abstain when nothing relevant is found."""
        from secondme import answer as ans

        hits = [h for h in self.search(question, k=k) if (h.relevance or 0.0) >= ASK_MIN_RELEVANCE]
        texts = [ans.hit_text(h, self._full_text(h)) for h in hits]
        return ans.answer(question, hits, self.chat_model, texts, on_token=on_token, cancel=cancel)

    def _full_text(self, hit: SearchHit) -> str | None:
        table = "chunks" if hit.kind == "chunk" else "memories"
        row = self.store.get(table, hit.id, columns=("text",))
        return None if row is None else str(row["text"])

    def change_passphrase(self, old: str | None, new: str | None) -> None:
        self.vault.change_protection(old, new)

    @property
    def store(self) -> Store:
        if self._store is None:
            raise VaultLocked("Second Me is locked: unlock it first")
        return self._store

    @property
    def keys(self) -> KeySet:
        if self._keys is None:
            raise VaultLocked("Second Me is locked: unlock it first")
        return self._keys

    @property
    def session(self) -> Session:
        if self._session is None:
            if self._store is None:
                raise VaultLocked("Second Me is locked: unlock it first")
            raise RuntimeError("this context was built without an embedder")
        return self._session

    # --- notes and search --------------------------------------------------------------------
    def search(self, query: str, k: int = 10, filters: SearchFilters | None = None) -> list[SearchHit]:
        """Hybrid search over notes and active memories (safe from any thread)."""
        return self.session.searcher.search(query, k, filters)

    def add_folder(self, path: str) -> FolderStatus:
        s = self.session
        folder = s.folders.add(path)
        if s.watcher.running:
            s.watcher.watch(folder)
        s.indexer.reconcile([folder])
        return next(f for f in self.folders() if f.path == str(folder.path))

    def remove_folder(self, path: str) -> None:
        s = self.session
        folder = s.folders.find(path)
        if folder is None:
            from secondme.errors import UserError

            raise UserError(f"{path} is not a watched folder")
        s.watcher.unwatch(folder)
        s.indexer.forget_folder(folder)

    def folders(self) -> list[FolderStatus]:
        s = self.session
        out = []
        for f in s.folders.list():
            docs, failed = self.store.query(
                "SELECT COUNT(*), COALESCE(SUM(state = 'failed'), 0) FROM documents WHERE folder_id = ?", (f.id,)
            )[0]
            chunks = self.store.scalar(
                "SELECT COUNT(*) FROM chunks JOIN documents d ON d.id = chunks.document_id WHERE d.folder_id = ?",
                (f.id,),
            )
            out.append(FolderStatus(str(f.path), int(docs), int(chunks or 0), int(failed), f.enabled))
        return out

    def failed_files(self) -> list[FailedFile]:
        folders = {f.id: str(f.path) for f in self.session.folders.list()}
        out = []
        for r in self.store.select("documents", "state = 'failed'", columns=("path", "error")):
            out.append(FailedFile(r["path"], r.get("error", "unknown reason"), folders.get(r["folder_id"])))
        return out

    def reindex(self) -> int:
        return self.session.indexer.reconcile()

    def pause_indexing(self) -> None:
        self.session.indexer.pause()

    def resume_indexing(self) -> None:
        self.session.indexer.resume()

    def indexing_progress(self) -> IndexProgress:
        return self.session.indexer.progress()

    def start_watching(self) -> None:
        self.session.start_watching()

    def stop_watching(self) -> None:
        if self._session is not None:
            self._session.watcher.stop()

    def wait_indexed(self, timeout: float | None = None) -> bool:
        return self.session.wait_indexed(timeout)

    def save_settings(self) -> None:
        self.settings.save(self.paths.config_file)

    # --- private settings --------------------------------------------------------------------
    def get_private(self, key: str, default: Any = None) -> Any:
        h = self.store.keyed_hash(key, "setting")
        rows = self.store.select("private_settings", "key_hash = ?", (h,))
        return rows[0]["value"] if rows else default

    def set_private(self, key: str, value: Any) -> None:
        h = self.store.keyed_hash(key, "setting")
        with self.store.write() as w:
            row = w.execute("SELECT id FROM private_settings WHERE key_hash = ?", (h,)).fetchone()
            if row:
                w.update("private_settings", int(row[0]), private={"value": value})
            else:
                w.insert("private_settings", {"key_hash": h}, {"value": value})


def build(data_dir: str | None, *, use_keyring: bool = True) -> SecondMe:
    """Production wiring for a data directory (the CLI and the app call this)."""
    from secondme.embed.lazy import LazyEmbedder
    from secondme.embed.minilm import MiniLMEmbedder
    from secondme.vault import trusted_keyring_backend

    paths = Paths.at(data_dir)
    settings = Settings.load(paths.config_file)
    backend = trusted_keyring_backend() if use_keyring else None
    embedder = LazyEmbedder(MiniLMEmbedder, "all-MiniLM-L6-v2-int8", 384)
    return SecondMe(paths, settings, Vault(paths.vault_file, backend), embedder,
                    chat_model_factory=lambda: chat_model_for(paths, settings))


def chat_model_for(paths: Paths, settings: Settings) -> Any:
    """The configured GGUF model (or the default one, installed into the models dir)."""
    from secondme.llm.default_model import ensure_default_model
    from secondme.llm.runtime import ChatModel

    model = settings.model_path or ensure_default_model(paths.models_dir)
    return ChatModel(model, n_ctx=settings.n_ctx, n_threads=settings.n_threads,
                     gpu_layers=settings.gpu_layers, idle_unload_seconds=settings.idle_unload_seconds)
