"""Process hardening that every entry point applies before it does anything else.

- Dependencies that phone home are told not to, before they are imported: ONNX Runtime writes
  a device id and usage events under ``~/.cache/Microsoft`` and looks up a telemetry host at
  *import* unless ``ORT_DISABLE_TELEMETRY`` is set; Chroma and the Hugging Face libraries have
  their own switches. (Importing the ``secondme`` package sets these too, for library users.)
- No core dumps: a dump of this process holds the data key and decrypted notes in clear.
  ``PR_SET_DUMPABLE 0`` also makes ``/proc/PID/environ``, ``/proc/PID/mem`` and friends
  unreadable to other processes of the same user.
- The passphrase given through the environment is taken out of the process's original
  environment block, which ``/proc/PID/environ`` shows for the whole life of the process
  (``os.environ.pop`` / ``unsetenv`` only edit libc's copy), and out of ``os.environ``, so no
  child process inherits it.
- SIGTERM / SIGHUP (logout, ``systemctl stop``, a closed terminal) stop a command the way
  Ctrl+C does, so that it unwinds through its ``finally`` blocks: the indexes are sealed and
  the plaintext RAM folder is removed. The desktop app routes them to its own clean quit.

Nothing here imports Qt; every function is a no-op where the platform lacks the feature.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import logging
import os
import signal
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from types import FrameType

log = logging.getLogger("secondme.hardening")

# Opt-outs of the native and Python dependencies that would otherwise collect or fetch.
PRIVACY_ENV: dict[str, str] = {
    "ORT_DISABLE_TELEMETRY": "1",  # onnxruntime: device id file, events, DNS lookups
    "ANONYMIZED_TELEMETRY": "False",  # chromadb's client (posthog)
    "HF_HUB_OFFLINE": "1",  # huggingface_hub / tokenizers: never fetch a model
    "HF_HUB_DISABLE_TELEMETRY": "1",
    "DO_NOT_TRACK": "1",  # the cross-tool convention some libraries honour
}

# The variable the CLI and the app read the passphrase from (automation, tests).
PASSPHRASE_ENV = "SECONDME_PASSPHRASE"

TERMINATION_SIGNALS: tuple[int, ...] = tuple(
    getattr(signal, name) for name in ("SIGTERM", "SIGHUP") if hasattr(signal, name))

_PR_SET_DUMPABLE = 4
_PR_GET_DUMPABLE = 3


def quiet_dependencies(*, force: bool = True) -> None:
    """Set ``PRIVACY_ENV`` in ``os.environ`` (children inherit it). ``force=False`` keeps a
    value the user set, for when the core is imported as a library."""
    for name, value in PRIVACY_ENV.items():
        if force:
            os.environ[name] = value
        else:
            os.environ.setdefault(name, value)


def _libc() -> ctypes.CDLL | None:
    if not sys.platform.startswith("linux"):
        return None
    try:
        return ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
    except OSError:
        return None


def disable_core_dumps() -> None:
    """RLIMIT_CORE 0 (soft and hard, so nothing in the process can raise it again) and, on
    Linux, not dumpable."""
    try:
        import resource

        resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    except (ImportError, ValueError, OSError):
        log.debug("could not set RLIMIT_CORE", exc_info=True)
    libc = _libc()
    if libc is not None and libc.prctl(_PR_SET_DUMPABLE, 0, 0, 0, 0) != 0:
        log.warning("prctl(PR_SET_DUMPABLE, 0) failed: errno %s", ctypes.get_errno())


def is_dumpable() -> bool | None:
    """The process's dumpable flag (None where it cannot be asked)."""
    libc = _libc()
    if libc is None:
        return None
    return bool(libc.prctl(_PR_GET_DUMPABLE, 0, 0, 0, 0))


def _original_env_block() -> tuple[int, int] | None:
    """Start and end address of the environment block the kernel gave this process."""
    try:
        with open("/proc/self/stat", "rb") as fh:
            stat = fh.read()
    except OSError:
        return None
    # Fields 50 and 51 (env_start, env_end), counted after the parenthesised command name.
    fields = stat.rsplit(b")", 1)[-1].split()
    if len(fields) < 49:
        return None
    start, end = int(fields[47]), int(fields[48])
    return (start, end) if 0 < start < end else None


def _wipe_from_env_block(name: str) -> int:
    """Overwrite every ``name=value`` entry of the original environment block with zero bytes;
    returns how many were wiped."""
    block = _original_env_block()
    if block is None:
        return 0
    start, end = block
    data = ctypes.string_at(start, end - start)
    key = name.encode() + b"="
    wiped = 0
    pos = 0
    for entry in data.split(b"\0"):
        if entry.startswith(key):
            ctypes.memset(start + pos, 0, len(entry))
            wiped += 1
        pos += len(entry) + 1
    return wiped


def take_env_secret(name: str) -> str | None:
    """The value of environment variable ``name``, removed from this process for good.

    It leaves ``os.environ`` and libc's environment (so children never get it) and its bytes
    in the original environment block are overwritten (so ``/proc/PID/environ`` no longer
    shows it). Call it before starting any thread or child process."""
    value = os.environ.pop(name, None)  # pop also unsets it in libc's environ
    if sys.platform.startswith("linux"):
        try:
            _wipe_from_env_block(name)
        except (OSError, ValueError):
            log.warning("could not wipe %s from the process environment", name, exc_info=True)
    return value


def harden_process() -> None:
    """What every entry point (CLI, app, child processes) does first."""
    quiet_dependencies(force=True)
    disable_core_dumps()


# --- termination signals ---------------------------------------------------------------------


class Terminated(KeyboardInterrupt):
    """Raised in the main thread by SIGTERM/SIGHUP once ``install_termination_handlers`` ran.

    A ``KeyboardInterrupt`` so that every place that already stops cleanly on Ctrl+C (and
    every ``finally``) does the same for a termination; the command then exits 0."""

    def __init__(self, signum: int) -> None:
        """For ``signum``, the signal that arrived."""
        super().__init__(signum)
        self.signum = signum


class _TerminationState:
    """Process-wide, as signal handlers are: whether one arrived, and where raising must wait."""

    def __init__(self) -> None:
        self.received: int | None = None
        self.raised = False
        self.deferred = 0
        self.lock = threading.Lock()


_state = _TerminationState()


def _on_termination(signum: int, frame: FrameType | None) -> None:
    if _state.received is None:
        _state.received = signum
        log.info("received signal %s: stopping cleanly", signum)
    # Raised once only: a second SIGTERM must not break off the sealing the first one began.
    if _state.deferred or _state.raised:
        return
    _state.raised = True
    raise Terminated(signum)


def install_termination_handlers() -> dict[int, object]:
    """Make SIGTERM/SIGHUP raise ``Terminated`` in the main thread; returns the previous
    handlers (for ``restore_handlers``). Does nothing outside the main thread."""
    previous: dict[int, object] = {}
    if threading.current_thread() is not threading.main_thread():
        return previous
    _state.received, _state.raised, _state.deferred = None, False, 0
    for sig in TERMINATION_SIGNALS:
        previous[sig] = signal.signal(sig, _on_termination)
    return previous


def restore_handlers(previous: dict[int, object]) -> None:
    """Put back the handlers :func:`install_termination_handlers` returned."""
    for sig, handler in previous.items():
        signal.signal(sig, handler)  # type: ignore[arg-type]


def termination_received() -> int | None:
    """The first termination signal received since the handlers were installed, if any."""
    return _state.received


@contextmanager
def termination_deferred() -> Iterator[None]:
    """A block that a termination signal must not break into (opening or sealing the indexes:
    broken off halfway, a plaintext RAM folder would be left behind). A signal that arrives
    meanwhile is raised when the block ends."""
    with _state.lock:
        _state.deferred += 1
    try:
        yield
    finally:
        with _state.lock:
            _state.deferred -= 1
            pending = (not _state.deferred and _state.received is not None and not _state.raised
                       and threading.current_thread() is threading.main_thread()
                       and signal.getsignal(_state.received) is _on_termination)
            if pending:
                _state.raised = True
        if pending:
            assert _state.received is not None
            raise Terminated(_state.received)
