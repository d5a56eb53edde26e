"""Scan a folder byte by byte for planted secrets (raw, UTF-8, UTF-16, float32 vectors)."""

from __future__ import annotations

import os
import time
from collections.abc import Iterable
from pathlib import Path

import numpy as np


def needles(texts: Iterable[str], vectors: Iterable[np.ndarray] = ()) -> dict[str, bytes]:
    out: dict[str, bytes] = {}
    for t in texts:
        out[f"utf8:{t}"] = t.encode("utf-8")
        out[f"utf16le:{t}"] = t.encode("utf-16-le")
        out[f"utf16be:{t}"] = t.encode("utf-16-be")
        out[f"lower:{t}"] = t.lower().encode("utf-8")
    for i, v in enumerate(vectors):
        f32 = np.asarray(v, dtype=np.float32)
        # A run of 4 consecutive components is enough to recognise a stored vector.
        out[f"vector{i}:f32le"] = f32[:4].astype("<f4").tobytes()
        out[f"vector{i}:f32be"] = f32[:4].astype(">f4").tobytes()
        out[f"vector{i}:f64"] = f32[:4].astype("<f8").tobytes()
    return out


# (device, inode, size, mtime_ns, needles) -> labels found: a file unchanged since an earlier
# scan (the 100 MB model file in the data directory) is not searched again for the same needles.
_seen: dict[tuple[int, int, int, int, frozenset[tuple[str, bytes]]], list[str]] = {}


def scan(root: Path, found_needles: dict[str, bytes]) -> list[str]:
    """Every (file, needle) hit under ``root``, including file names."""
    hits: list[str] = []
    wanted = frozenset(found_needles.items())
    for dirpath, dirnames, filenames in os.walk(root):
        for name in dirnames + filenames:
            for label, n in found_needles.items():
                if n in os.fsencode(name):
                    hits.append(f"name {name}: {label}")
        for name in filenames:
            p = Path(dirpath) / name
            try:
                st = p.stat()
                key = (st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns, wanted)
                found = _seen.get(key)
                if found is None:
                    data = p.read_bytes()
                    found = [label for label, n in found_needles.items() if n in data]
                    # Remembered only if untouched for 2 s (timestamps are as coarse as a
                    # clock tick: a rewrite in the same tick could keep the same mtime).
                    if p.stat().st_mtime_ns == st.st_mtime_ns and time.time_ns() - st.st_mtime_ns > 2 * 10**9:
                        _seen[key] = found
            except OSError:
                continue
            hits.extend(f"{p}: {label}" for label in found)
    return hits
