"""Loading llama.cpp and reading the model settings: threads, GPU layers, GPU support."""

from __future__ import annotations

import io
import os
import threading
from typing import Any

import psutil

from secondme.errors import UserError


class _NullSink:
    """A write-only /dev/null held as a bare descriptor for the life of the process."""

    def __init__(self) -> None:
        self._fd = os.open(os.devnull, os.O_WRONLY)

    def fileno(self) -> int:
        return self._fd

    def write(self, text: str) -> int:
        return len(text)

    def flush(self) -> None:
        pass


_quiet_lock = threading.Lock()


def _import_llama_cpp() -> Any:
    """Import llama_cpp, replacing the /dev/null file objects it leaves open at exit.

    llama-cpp-python opens two /dev/null files at import and never closes them, which shows up
    as ResourceWarnings at interpreter exit (errors under ``-W error``). Its output suppressor
    looks the objects up at call time, so descriptor-only stand-ins keep it working.
    """
    import llama_cpp
    from llama_cpp import _utils

    with _quiet_lock:
        for attr in ("outnull_file", "errnull_file"):
            current = getattr(_utils, attr, None)
            if isinstance(current, io.IOBase):
                setattr(_utils, attr, _NullSink())
                current.close()
    return llama_cpp


def gpu_offload_supported() -> bool:
    """Whether this llama.cpp build can offload layers to a GPU (for ``doctor``)."""
    return bool(_import_llama_cpp().llama_supports_gpu_offload())


def default_threads() -> int:
    """Physical cores: hyper-threads slow llama.cpp's matrix work rather than help it."""
    return psutil.cpu_count(logical=False) or psutil.cpu_count() or 1


def parse_gpu_layers(setting: str | int) -> int | None:
    """Settings value to a layer count: None means "auto", 0 means CPU only."""
    s = str(setting).strip().lower()
    if s in ("", "auto"):
        return None
    if s in ("off", "none", "cpu", "0"):
        return 0
    try:
        n = int(s)
    except ValueError as exc:
        raise UserError(f'gpu_layers must be "auto", "off" or a number, not {setting!r}') from exc
    return -1 if n < 0 else n
