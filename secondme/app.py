"""The one object that wires the core together from explicit collaborators."""

from __future__ import annotations

import logging
import os
import threading
import time
from collections.abc import Callable
from dataclasses import fields
from pathlib import Path
from typing import Any

from secondme.crypto import KeySet, Sealer
from secondme.embed.base import Embedder
from secondme.errors import AlreadyInitialized, DiskFull, VaultLocked
from secondme.events import Event, EventKind
from secondme.hardening import termination_deferred
from secondme.index.vector_process import VectorHost
from secondme.paths import Paths
from secondme.results import (
    Answer,
    FailedFile,
    FolderStatus,
    IndexProgress,
    SearchFilters,
    SearchHit,
    readable_path,
)
from secondme.session import Session
from secondme.settings import Settings
from secondme.store import Store
from secondme.store.hashes import setting_hash
from secondme.vault import Vault

log = logging.getLogger("secondme.app")

# Below this cosine similarity a hit is not evidence for an answer (MiniLM: unrelated text
# scores ~0.0–0.2, related text 0.35+).
ASK_MIN_RELEVANCE = 0.3


Listener = Callable[[Event], None]


class SecondMe:
    """Application context: paths, settings, vault, and (while unlocked) the store.

    Collaborators are passed in; nothing here reads global configuration. Subsystems that need
    the data key are opened on :meth:`unlock` and closed on :meth:`lock`.
    """

    def __init__(self, paths: Paths, settings: Settings, vault: Vault,
                 embedder: Embedder | None = None,
                 chat_model_factory: Callable[[], Any] | None = None,
                 vector_host: VectorHost | None = None) -> None:
        self.paths = paths
        # Starts the vector index's process ahead of unlock, so an unlock need not wait for it.
        self._vector_host = vector_host
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
        self._on_unlock: list[Callable[[SecondMe], None]] = []
        self._on_lock: list[Callable[[SecondMe], None]] = []

    # --- events ------------------------------------------------------------------------------
    def subscribe(self, listener: Listener) -> Callable[[], None]:
        self._listeners.append(listener)
        return lambda: self._listeners.remove(listener)

    def emit(self, kind: EventKind, /, **data: Any) -> None:
        ev = Event(kind, data)
        for fn in list(self._listeners):
            try:
                fn(ev)
            except Exception:  # a listener's bug must not break the core's work
                log.exception("event listener failed for %s", kind)

    def on_unlock(self, fn: Callable[[SecondMe], None]) -> None:
        self._on_unlock.append(fn)

    def on_lock(self, fn: Callable[[SecondMe], None]) -> None:
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
        # Not broken off by SIGTERM halfway (the command's own unwinding closes what opened).
        with termination_deferred():
            key = self.vault.create(passphrase)
            self._open(key)

    def unlock(self, passphrase: str | None = None) -> None:
        # A termination signal waits until the unlock is complete: broken off inside, the RAM
        # folder just made would be left behind with nobody to close it.
        with termination_deferred(), self._lock:
            if self._store is not None:
                return
            self.paths.ensure()
            from secondme.rotation import recover

            recover(self.paths, self.vault)  # a key rotation a crash interrupted
            self._open(self.vault.unlock(passphrase))

    def _open(self, data_key: bytes, announce: bool = True) -> None:
        keys = KeySet.from_data_key(data_key)
        store = Store(self.paths.store_file, Sealer(keys), backups_dir=self.paths.backups_dir)
        if self.embedder is not None:
            try:
                self._session = Session(self.paths, self.settings, store, keys, self.embedder, self.emit,
                                        vector_host=self._vector_host)
            except BaseException:
                store.close()
                raise
        # Published last: ``unlocked`` turns true only once every subsystem is ready.
        self._keys, self._store = keys, store
        for fn in self._on_unlock:
            fn(self)
        if announce:
            self.emit(EventKind.UNLOCKED)

    def warm_up(self) -> bool:
        """Block (off the UI thread) until the vector index process started ahead is ready, so
        an unlock then waits only for unsealing and replay. False if there is none to wait for."""
        return self._vector_host.wait_spare() if self._vector_host is not None else False

    def lock(self) -> None:
        self._lock_session()
        if self._vector_host is not None:
            self._vector_host.refill()  # the next unlock need not wait for Chroma's import

    def _lock_session(self, announce: bool = True) -> None:
        """Close every subsystem and forget the key. ``announce=False`` is for work that reopens
        at once (key rotation, backup import): the UI must not treat it as a lock."""
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
        if announce:
            self.emit(EventKind.LOCKED)

    def close(self) -> None:
        # A termination signal (SIGTERM at logout) must not break off sealing halfway.
        with termination_deferred():
            self._lock_session()
            if self._vector_host is not None:
                self._vector_host.close()
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
            cancel: threading.Event | None = None, k: int = 6,
            conversation: str | None = None, when: float | None = None,
            remember: bool = True) -> Answer:
        """Answer from memory with numbered citations; abstain when nothing relevant is found.

        The question and the answer are remembered as messages of ``conversation`` (by default
        one conversation per context) unless ``remember`` is False; only the memories the answer
        cites are reinforced. ``when`` is the question's own date (time phrases resolve
        against it; default now)."""
        from secondme import answer as ans
        from secondme.memory.engine import usable_for_answer

        engine = self._memory_engine()
        found = engine.recall(question, k=k + 4, when=when, reinforce_hits=False)
        hits = [h for h in usable_for_answer(self.store, found, question)
                if (h.relevance or 0.0) >= ASK_MIN_RELEVANCE][:k]
        texts = [ans.hit_text(h, self._full_text(h)) for h in hits]
        result = ans.answer(question, hits, self.chat_model, texts, on_token=on_token, cancel=cancel,
                            now=when)
        if not remember:
            return result
        try:
            engine.reinforce([h.id for h in result.citations if h.kind != "chunk"])
            engine.remember_exchange(question, result, conversation or self._ask_conversation_id())
        except DiskFull as exc:
            # The person still gets the answer they waited for; only remembering it failed.
            log.warning("answer given but not remembered: %s", exc)
        return result

    def _full_text(self, hit: SearchHit) -> str | None:
        table = "chunks" if hit.kind == "chunk" else "memories"
        row = self.store.get(table, hit.id, columns=("text",))
        return None if row is None else str(row["text"])

    def change_passphrase(self, old: str | None, new: str | None) -> None:
        self.vault.change_protection(old, new)

    # --- key rotation and backups (secondme.rotation, secondme.backup) -------------------------
    def rotate_key(self, passphrase: str | None = None) -> dict[str, Any]:
        """Re-encrypt everything under a new random data key; the old one opens nothing after.

        ``passphrase`` is needed when the vault uses one. Subsystems close and reopen around
        the work (no "locked" event); watching resumes if it was on. Crash-safe (see rotation).
        """
        from secondme import rotation

        with self._lock:
            self.store  # noqa: B018 -- raises VaultLocked when locked
            old_key = self.vault.unlock(passphrase)  # wrong passphrase: nothing has changed yet
            watching = self._session is not None and self._session.watcher.running
            self._lock_session(announce=False)
            try:
                stats = rotation.rotate(self.paths, self.vault, passphrase, old_key)
            finally:
                # Whichever key the vault holds now (new, or old if rotating failed) opens the
                # data once recovery has finished or undone what the failure interrupted.
                rotation.recover(self.paths, self.vault)
                self._open(self.vault.unlock(passphrase), announce=False)
                if watching:
                    self.start_watching()
        generation = self.vault.info().key_generation
        self.emit(EventKind.KEY_ROTATED, generation=generation)
        return {"key_generation": generation, **stats.to_dict()}

    def export_backup(self, dest: str | os.PathLike[str], backup_passphrase: str) -> dict[str, Any]:
        """Write an encrypted backup file (store copy and settings) readable with
        ``backup_passphrase`` alone. The copy is re-keyed to a key of its own first, so nothing
        in the backup opens this data directory's store; see :mod:`secondme.backup`."""
        from dataclasses import asdict

        from secondme import backup

        with self._lock:
            store, keys = self.store, self.keys
        return backup.export_backup(store, asdict(self.settings), keys, Path(dest),
                                    backup_passphrase, self.paths.root)

    def import_backup(self, src: str | os.PathLike[str], backup_passphrase: str,
                      passphrase: str | None = None, *, replace: bool = False) -> dict[str, Any]:
        """Restore an encrypted backup here and unlock it; indexes are rebuilt from the store.

        Into a fresh data directory the restored data is protected like :meth:`init`
        (``passphrase``, or the keyring when None). An initialised one is refused unless
        ``replace``: this context must then be unlocked, ``passphrase`` is its current one (when
        it uses one) and the restored data keeps the same protection; the current data is set
        aside, still encrypted with its own vault, in ``backups/replaced-<time>/``.
        The whole backup is verified first: a wrong passphrase (:class:`BackupWrongPassphrase`)
        or a damaged file (:class:`BackupCorrupt`) leaves the data directory untouched.
        """
        from secondme import backup

        with self._lock:
            if self.initialized:
                if not replace:
                    raise AlreadyInitialized(
                        f"{self.paths.root} already holds Second Me data: import into a new data "
                        "folder, or replace the current data")
                self.store  # noqa: B018 -- replacing needs the current data unlocked
                uses_pass = self.vault.info().method == "passphrase"
                protect = passphrase if uses_pass else None
                self.vault.unlock(protect)  # a wrong passphrase stops here, before any work
            else:
                protect = passphrase
            staged = backup.stage_import(Path(src), backup_passphrase, self.paths.root)
            try:
                watching = self._session is not None and self._session.watcher.running
                self._lock_session(announce=not replace)
                aside = self._set_aside()
                self.paths.ensure()
                os.replace(staged.store_file, self.paths.store_file)
                try:
                    self.vault.create(protect, data_key=staged.data_key)
                except BaseException:
                    self.paths.store_file.unlink(missing_ok=True)  # back to a fresh folder
                    raise
                self._restore_settings(staged.settings)
                self._open(staged.data_key, announce=not replace)
                if watching:
                    self.start_watching()
            finally:
                staged.discard()
        counts = {t: int(self.store.scalar(f"SELECT COUNT(*) FROM {t}") or 0)
                  for t in ("folders", "documents", "chunks", "memories")}
        self.emit(EventKind.BACKUP_IMPORTED, replaced=str(aside) if aside else None)
        return {**counts, "replaced": str(aside) if aside else None}

    def _set_aside(self) -> Path | None:
        """Move the current vault, store and snapshot into a dated folder under backups/."""
        from secondme.index.sealed import SNAPSHOT_NAME

        store = self.paths.store_file
        # The vault first: a crash part-way leaves no vault beside a store it does not open.
        moving = [self.paths.vault_file, store, store.with_name(store.name + "-wal"),
                  store.with_name(store.name + "-shm"), self.paths.index_dir / SNAPSHOT_NAME]
        present = [p for p in moving if p.exists()]
        if not present:
            return None
        aside = self.paths.backups_dir / time.strftime("replaced-%Y%m%d-%H%M%S")
        aside.mkdir(mode=0o700, parents=True, exist_ok=True)
        for p in present:
            os.replace(p, aside / p.name)
        return aside

    def _restore_settings(self, saved: dict[str, Any]) -> None:
        restored = Settings.from_dict(saved)
        if restored.model_path and not Path(restored.model_path).exists():
            restored.model_path = self.settings.model_path  # a model file of another computer
        for f in fields(Settings):
            setattr(self.settings, f.name, getattr(restored, f.name))  # shared with the UI
        self.save_settings()

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
            out.append(FailedFile(readable_path(os.fsdecode(r["path"])), r.get("error", "unknown reason"), folders.get(r["folder_id"])))
        return out

    def reindex(self) -> int:
        return self.session.indexer.reconcile()

    def pause_indexing(self) -> None:
        self.session.pause()

    def resume_indexing(self) -> None:
        self.session.resume()

    def indexing_progress(self) -> IndexProgress:
        """Both phases: files queued/done (keyword search) and notes embedded (semantic)."""
        return self.session.progress()

    def start_watching(self) -> None:
        self.session.start_watching()

    def stop_watching(self) -> None:
        if self._session is not None:
            self._session.watcher.stop()

    def wait_indexed(self, timeout: float | None = None) -> bool:
        """Wait for both phases: every queued note stored, keyword-indexed and embedded."""
        return self.session.wait_indexed(timeout)

    def wait_keyword_indexed(self, timeout: float | None = None) -> bool:
        """Wait for phase 1 only: every queued note stored and searchable by keyword."""
        return self.session.wait_keyword_indexed(timeout)

    def save_settings(self) -> None:
        self.settings.save(self.paths.config_file)

    # --- private settings --------------------------------------------------------------------
    def get_private(self, key: str, default: Any = None) -> Any:
        h = setting_hash(self.store, key)
        rows = self.store.select("private_settings", "key_hash = ?", (h,))
        return rows[0]["value"] if rows else default

    def set_private(self, key: str, value: Any) -> None:
        h = setting_hash(self.store, key)
        with self.store.write() as w:
            row = w.execute("SELECT id FROM private_settings WHERE key_hash = ?", (h,)).fetchone()
            if row:
                w.update("private_settings", int(row[0]), private={"value": value, "key": key})
            else:
                w.insert("private_settings", {"key_hash": h}, {"value": value, "key": key})

    # --- jobs ----------------------------------------------------------------------------------
    # Thin facade over secondme.jobs (the jobs issue owns this block). The runner is bound to the
    # store, so it lives for one unlock: created on first use, stopped and dropped on lock.
    _jobs_runner: Any = None
    _jobs_autostart: bool = False
    _jobs_hooked: bool = False

    @property
    def jobs(self) -> Any:
        """The :class:`secondme.jobs.JobRunner` of the unlocked store (created on first use)."""
        from secondme.jobs.wiring import runner_for

        with self._lock:
            if self._jobs_runner is None:
                self._jobs_runner = runner_for(self)  # ctx.store raises VaultLocked when locked
                if not self._jobs_hooked:
                    self._jobs_hooked = True
                    self.on_lock(SecondMe._jobs_on_lock)
                    self.on_unlock(SecondMe._jobs_on_unlock)
            return self._jobs_runner

    def start_jobs(self) -> None:
        """Schedule the nightly job (the long-running app calls this; one-shot CLI commands
        do not, so they never start a catch-up run). Re-applied after every unlock."""
        self._jobs_autostart = True
        if self.unlocked:
            self.jobs.start()

    def run_jobs_now(self, wait: bool = False) -> dict[str, Any]:
        """Run the pipeline now; ``status`` is ``already running`` when a run is in progress."""
        result: dict[str, Any] = self.jobs.run_now(wait=wait).to_dict()
        return result

    def jobs_status(self) -> dict[str, Any]:
        status: dict[str, Any] = self.jobs.status()
        return status

    def jobs_history(self, limit: int = 20) -> list[dict[str, Any]]:
        runs: list[dict[str, Any]] = self.jobs.history_list(limit)
        return runs

    def cancel_jobs(self) -> bool:
        """Cancel this process's run in progress; True if there was one."""
        return self._jobs_runner is not None and bool(self._jobs_runner.cancel())

    def _jobs_on_unlock(self) -> None:
        if self._jobs_autostart:
            self.jobs.start()

    def _jobs_on_lock(self) -> None:
        runner, self._jobs_runner = self._jobs_runner, None
        if runner is not None:
            runner.stop(timeout=15.0)

    # --- memory --------------------------------------------------------------------------------
    # Thin facade over secondme.memory.engine (the memory issue owns this block). The engine is
    # bound to the session, so it is rebuilt after every unlock.
    _memory_cache: Any = None
    _ask_conversation: str | None = None

    def _memory_engine(self) -> Any:
        from secondme.memory.engine import MemoryEngine

        s = self.session
        with self._lock:
            if self._memory_cache is None or self._memory_cache[0] is not s:
                engine = MemoryEngine(s.store, s.memories, s.searcher, s.sync, s.embedder, self.settings,
                                      chat_model=lambda: self.chat_model)
                self._memory_cache = (s, engine)
            return self._memory_cache[1]

    def _ask_conversation_id(self) -> str:
        if self._ask_conversation is None:
            import uuid

            self._ask_conversation = f"ask:{uuid.uuid4().hex[:12]}"
        return self._ask_conversation

    def remember(self, text: str, at: float | None = None, source: str | None = None) -> int:
        """Remember something the person says; returns the new memory's id."""
        mid: int = self._memory_engine().remember(text, at, source)
        return mid

    def recall(self, query: str, k: int = 10, when: float | None = None,
               include_faded: bool = False) -> list[SearchHit]:
        """Memories and notes for ``query`` (time phrases resolved against ``when`` or now);
        the returned memories are reinforced."""
        hits: list[SearchHit] = self._memory_engine().recall(query, k, when, include_faded)
        return hits

    def forget(self, id_or_source: int | str) -> int:
        """Delete a memory by id, or everything from a source, with what was derived from it."""
        n: int = self._memory_engine().forget(id_or_source)
        return n

    def pin(self, memory_id: int, pinned: bool = True) -> None:
        self._memory_engine().pin(memory_id, pinned)

    def edit_memory(self, memory_id: int, text: str) -> None:
        """Correct a memory's text (time, source, strength and pin stay)."""
        self._memory_engine().edit(memory_id, text)

    def import_messages(self, path: str) -> int:
        """Import JSON Lines messages ``{id, conversation, time, speaker, text}``."""
        n: int = self._memory_engine().import_messages(path)
        return n

    def import_chatgpt(self, path: str) -> int:
        """Import a ChatGPT export's ``conversations.json``."""
        n: int = self._memory_engine().import_chatgpt(path)
        return n

    def import_file(self, kind: str, path: str, progress: Callable[[int, int], None] | None = None,
                    cancel: threading.Event | None = None) -> Any:
        """Import an export (``kind``: messages, chatgpt, claude, gemini, whatsapp, telegram,
        mbox, eml, ics) in batches, resumable; returns an ImportReport (added, already there,
        skipped by reason, per conversation). ``progress(done, total)`` follows the input."""
        return self._memory_engine().import_file(kind, path, progress, cancel)

    def consolidate(self, progress: Callable[[str, int, int], None] | None = None,
                    cancel: threading.Event | None = None) -> dict[str, int]:
        """Facts, knowledge updates, episodes, history and links for what is new (resumable)."""
        res: dict[str, int] = self._memory_engine().consolidate(progress, cancel)
        return res

    def decay(self, now: float | None = None) -> dict[str, int]:
        """Mark memories whose retention fell below the threshold as faded (deletes nothing)."""
        res: dict[str, int] = self._memory_engine().decay(now)
        return res

    def memories(self, kind: str | None = None, state: str | None = None, limit: int = 200) -> list[Any]:
        """Memories newest first, with strength and retention (for the Memories page)."""
        rows: list[Any] = self._memory_engine().memories(kind, state, limit)
        return rows

    # --- profile -------------------------------------------------------------------------------
    # Thin facade over secondme.profile (the profile issue owns this block).
    def _profile(self) -> Any:
        from secondme.profile.service import ProfileService

        return ProfileService(self.store, self.get_private, self.set_private,
                              chat_model=(lambda: self.chat_model) if self._chat_model_factory else None)

    def fill(self, label: str, confirm_sensitive: bool = False) -> Any:
        """The profile value for a form label with its provenance, or None when unknown
        (no field for the label, or no value). Sensitive fields come back with status
        ``needs_confirmation`` and no value unless ``confirm_sensitive``."""
        res = self._profile().fill(label, confirm_sensitive)
        return None if res.status == "unknown" else res

    def fill_result(self, label: str, confirm_sensitive: bool = False) -> Any:
        """Like :meth:`fill` but always a FillResult (status ``unknown`` included)."""
        return self._profile().fill(label, confirm_sensitive)

    def fill_field(self, field: Any, confirm_sensitive: bool = False) -> Any:
        """A FillResult for a whole field description (a ``FieldDescription`` or its dict):
        label, placeholder, name, id, autocomplete, type, maxlength, options, section."""
        from secondme.profile.form_fields import FieldDescription

        desc = field if isinstance(field, FieldDescription) else FieldDescription.from_dict(field)
        return self._profile().fill_field(desc, confirm_sensitive)

    def build_profile(self, progress: Callable[[str, int, int], None] | None = None,
                      cancel: threading.Event | None = None) -> dict[str, Any]:
        """Fields, shades and bios from memories (the nightly job's last step)."""
        res: dict[str, Any] = self._profile().build(progress, cancel)
        return res

    def profile(self) -> dict[str, Any]:
        """``{"fields": {name: ProfileField}, "shades": [...], "bios": {...}}``."""
        p = self._profile()
        return {"fields": p.all(), "shades": p.shades(), "bios": p.bios()}

    def set_profile_field(self, field: str, value: str | None, lock: bool | None = None) -> Any:
        """Edit (value) and/or lock/unlock a field; a locked field is never changed by the app."""
        return self._profile().set_field(field, value, lock)

    def delete_profile_field(self, field: str) -> bool:
        return bool(self._profile().delete_field(field))

    def export_profile(self, fmt: str, include_sensitive: bool = False) -> str:
        """The profile as ``json`` or ``vcard`` (4.0) text; sensitive fields withheld by default."""
        return str(self._profile().export(fmt, include_sensitive))


def build(data_dir: str | None, *, use_keyring: bool = True, indexes: bool = True) -> SecondMe:
    """Production wiring for a data directory (the CLI and the app call this).

    ``indexes=False`` wires the store alone (no embedder, no search indexes, no vector index
    process): for commands that only read or edit the store (the profile, the jobs' history),
    which then neither wait for nor pay a vector index process."""
    from secondme.embed.lazy import LazyEmbedder
    from secondme.embed.minilm import MiniLMEmbedder
    from secondme.vault import trusted_keyring_backend

    paths = Paths.at(data_dir)
    settings = Settings.load(paths.config_file)
    backend = trusted_keyring_backend if use_keyring else None
    if not indexes:
        return SecondMe(paths, settings, Vault(paths.vault_file, backend),
                        chat_model_factory=lambda: chat_model_for(paths, settings))
    embedder = LazyEmbedder(MiniLMEmbedder, "all-MiniLM-L6-v2-int8", 384)
    return SecondMe(paths, settings, Vault(paths.vault_file, backend), embedder,
                    chat_model_factory=lambda: chat_model_for(paths, settings),
                    vector_host=VectorHost())


def chat_model_for(paths: Paths, settings: Settings) -> Any:
    """The configured GGUF model (or the default one, installed into the models dir)."""
    from secondme.llm.default_model import ensure_default_model
    from secondme.llm.runtime import ChatModel

    model = settings.model_path or ensure_default_model(paths.models_dir)
    return ChatModel(model, n_ctx=settings.n_ctx, n_threads=settings.n_threads,
                     gpu_layers=settings.gpu_layers, idle_unload_seconds=settings.idle_unload_seconds)
