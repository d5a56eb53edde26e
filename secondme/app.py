"""The one object that wires the core together from explicit collaborators."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import Any

from secondme.crypto import KeySet, Sealer
from secondme.embed.base import Embedder
from secondme.errors import VaultLocked
from secondme.events import Event, EventKind
from secondme.hardening import termination_deferred
from secondme.index.vector_process import VectorHost
from secondme.paths import Paths
from secondme.services import (
    JobsService,
    KeysService,
    MemoryService,
    ModelsService,
    NotesService,
    ProfileService,
)
from secondme.session import Session
from secondme.settings import Settings
from secondme.store import Store
from secondme.store.repos import Repositories
from secondme.vault import Vault

log = logging.getLogger("secondme.app")


Listener = Callable[[Event], None]


class SecondMe:
    """Application context: paths, settings, vault, and (while unlocked) the store.

    Collaborators are passed in; nothing here reads global configuration. Subsystems that need
    the data key are opened on :meth:`unlock` and closed on :meth:`lock`.

    This class keeps the lifecycle (init, unlock, lock, close), the events and the settings;
    the domain work hangs off it as services (see :mod:`secondme.services`): ``notes`` (folders,
    indexing, search), ``memory``, ``profile``, ``jobs`` (the nightly pipeline), ``keys``
    (protection, rotation, backups) and ``models`` (the chat model, ``ask``).
    """

    def __init__(self, paths: Paths, settings: Settings, vault: Vault,
                 embedder: Embedder | None = None,
                 chat_model_factory: Callable[[], Any] | None = None,
                 vector_host: VectorHost | None = None) -> None:
        """A locked context over ``paths``, ``settings`` and ``vault``; without ``embedder`` it opens the
        store but no indexes, ``chat_model_factory`` makes the chat model on first use, and ``vector_host``
        starts the vector process ahead of unlock."""
        self.paths = paths
        # Starts the vector index's process ahead of unlock, so an unlock need not wait for it.
        self._vector_host = vector_host
        self.settings = settings
        self.vault = vault
        self.embedder = embedder
        self._session: Session | None = None
        self._store: Store | None = None
        self._keys: KeySet | None = None
        self._listeners: list[Listener] = []
        # Held across every change of state (unlock, lock, and the services that close and
        # reopen the subsystems around their work: key rotation, backup import).
        self.state_lock = threading.RLock()
        self._on_unlock: list[Callable[[SecondMe], None]] = []
        self._on_lock: list[Callable[[SecondMe], None]] = []
        self.notes = NotesService(self)
        self.memory = MemoryService(self)
        self.profile = ProfileService(self)
        self.jobs = JobsService(self)
        self.keys = KeysService(self)
        self.models = ModelsService(self, chat_model_factory)

    # --- events ------------------------------------------------------------------------------
    def subscribe(self, listener: Listener) -> Callable[[], None]:
        """Call ``listener`` with every event from now on; returns the function that unsubscribes it."""
        self._listeners.append(listener)
        return lambda: self._listeners.remove(listener)

    def emit(self, kind: EventKind, /, **data: Any) -> None:
        """Send an event to every listener; a listener that raises is logged and the rest still hear it."""
        ev = Event(kind, data)
        for fn in list(self._listeners):
            try:
                fn(ev)
            except Exception:  # a listener's bug must not break the core's work
                log.exception("event listener failed for %s", kind)

    def on_unlock(self, fn: Callable[[SecondMe], None]) -> None:
        """Call ``fn`` after every unlock, once the store and the session are open."""
        self._on_unlock.append(fn)

    def on_lock(self, fn: Callable[[SecondMe], None]) -> None:
        """Call ``fn`` before every lock, while the store is still open (in reverse order of registration)."""
        self._on_lock.append(fn)

    # --- vault -------------------------------------------------------------------------------
    @property
    def initialized(self) -> bool:
        """Whether a vault exists in the data folder (``init`` has run)."""
        return self.vault.exists()

    @property
    def unlocked(self) -> bool:
        """Whether the store is open."""
        return self._store is not None

    def init(self, passphrase: str | None) -> None:
        """Create the vault (keyring when ``passphrase`` is None) and unlock."""
        self.paths.ensure()
        # Not broken off by SIGTERM halfway (the command's own unwinding closes what opened).
        with termination_deferred():
            key = self.vault.create(passphrase)
            self.open_session(key)

    def unlock(self, passphrase: str | None = None) -> None:
        """Unlock with ``passphrase`` (None: the keyring) and open every subsystem; no-op if unlocked. A key
        rotation a crash broke off is finished or undone first. Raises WrongPassphrase, PassphraseRequired
        or KeyringUnavailable when the key cannot be had."""
        # A termination signal waits until the unlock is complete: broken off inside, the RAM
        # folder just made would be left behind with nobody to close it.
        with termination_deferred(), self.state_lock:
            if self._store is not None:
                return
            self.paths.ensure()
            from secondme.rotation import recover

            recover(self.paths, self.vault)  # a key rotation a crash interrupted
            self.open_session(self.vault.unlock(passphrase))

    def open_session(self, data_key: bytes, announce: bool = True) -> None:
        """Open the store and the subsystems with ``data_key``. ``announce=False`` is for work
        that closed them to reopen at once (key rotation, backup import)."""
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
        """Close every subsystem and forget the key, then start the next vector process ahead."""
        self.close_session()
        if self._vector_host is not None:
            self._vector_host.refill()  # the next unlock need not wait for Chroma's import

    def close_session(self, announce: bool = True) -> None:
        """Close every subsystem and forget the key. ``announce=False`` is for work that reopens
        at once (key rotation, backup import): the UI must not treat it as a lock."""
        with self.state_lock:
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
        """Lock, stop the spare vector process and let go of the chat model (before quitting)."""
        # A termination signal (SIGTERM at logout) must not break off sealing halfway.
        with termination_deferred():
            self.close_session()
            if self._vector_host is not None:
                self._vector_host.close()
            self.models.close()

    @property
    def store(self) -> Store:
        """The open store; raises VaultLocked when locked."""
        if self._store is None:
            raise VaultLocked("Second Me is locked: unlock it first")
        return self._store

    @property
    def key_set(self) -> KeySet:
        """The keys derived from the data key; raises VaultLocked when locked."""
        if self._keys is None:
            raise VaultLocked("Second Me is locked: unlock it first")
        return self._keys

    @property
    def session(self) -> Session:
        """The unlocked session; raises VaultLocked when locked, RuntimeError if built without an embedder."""
        if self._session is None:
            if self._store is None:
                raise VaultLocked("Second Me is locked: unlock it first")
            raise RuntimeError("this context was built without an embedder")
        return self._session

    @property
    def repos(self) -> Repositories:
        """The typed repositories of the unlocked store (VaultLocked when locked)."""
        return Repositories(self.store)

    @property
    def current_session(self) -> Session | None:
        """The unlocked session, or None (locked, or built without indexes); never raises."""
        return self._session

    def save_settings(self) -> None:
        """Write the settings file (atomically)."""
        self.settings.save(self.paths.config_file)

    # --- private settings --------------------------------------------------------------------
    def get_private(self, key: str, default: Any = None) -> Any:
        """The private setting ``key`` (sealed in the store), or ``default``; raises VaultLocked when locked.
        The private setting ``key`` (sealed in the store), or ``default``; raises VaultLocked when locked."""
        return self.repos.settings.get(key, default)

    def set_private(self, key: str, value: Any) -> None:
        """Store the private setting ``key`` sealed; raises VaultLocked when locked."""
        self.repos.settings.set(key, value)


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
