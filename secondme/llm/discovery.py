"""Find GGUF models a person already has, so a better model than the default is one click away.

Only well-known app folders (and roots the caller adds) are scanned, to a bounded depth, and
only headers are read. Unreadable or foreign files are skipped silently.
"""

from __future__ import annotations

import json
import logging
import os
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import psutil

from secondme.errors import ModelInvalid
from secondme.llm.gguf import GGUFInfo, is_gguf, read_gguf

log = logging.getLogger("secondme.llm.discovery")

MAX_DEPTH = 6


@dataclass
class ModelInfo:
    """One discovered model file and what we know about it."""

    path: Path
    # "lmstudio", "ollama", "gpt4all", "llama.cpp", "huggingface", "models", "extra", "default"
    source: str
    gguf: GGUFInfo
    fits_in_ram: bool
    estimated_ram: int = 0  # bytes, for the context size the scan was asked about
    label: str = ""  # a friendlier name where the source has one (an Ollama tag)

    @property
    def name(self) -> str:
        """The source's friendlier name (an Ollama tag) or the GGUF's own."""
        return self.label or self.gguf.name

    def to_json(self) -> dict[str, Any]:
        """JSON-ready form for ``secondme models list --json`` and the UI: path, source, GGUF
        summary, RAM estimate and fit."""
        d: dict[str, Any] = {"path": str(self.path), "source": self.source, "label": self.name}
        d.update(self.gguf.summary())
        d["estimated_ram"] = self.estimated_ram or d["estimated_ram"]
        d["fits_in_ram"] = self.fits_in_ram
        return d


@dataclass(frozen=True)
class _Root:
    path: Path
    source: str
    blobs: bool = False  # files are content-addressed without an extension


def known_roots(home: Path, models_dir: Path | None = None) -> list[_Root]:
    """The folders where common local-LLM apps keep models, for one home directory."""
    roots = [
        _Root(home / ".lmstudio" / "models", "lmstudio"),
        _Root(home / ".cache" / "lm-studio" / "models", "lmstudio"),
        _Root(home / ".ollama" / "models" / "blobs", "ollama", blobs=True),
        _Root(home / ".local" / "share" / "nomic.ai" / "GPT4All", "gpt4all"),
        _Root(home / "Library" / "Application Support" / "nomic.ai" / "GPT4All", "gpt4all"),
        _Root(home / "AppData" / "Local" / "nomic.ai" / "GPT4All", "gpt4all"),
        _Root(home / ".cache" / "llama.cpp", "llama.cpp"),
        _Root(home / "Library" / "Caches" / "llama.cpp", "llama.cpp"),
        _Root(home / ".cache" / "huggingface" / "hub", "huggingface"),
    ]
    if models_dir is not None:
        roots.append(_Root(models_dir, "models"))
    return roots


def system_roots() -> list[_Root]:
    """Machine-wide folders (the Ollama Linux service keeps models under its own user)."""
    return [_Root(Path("/usr/share/ollama/.ollama/models/blobs"), "ollama", blobs=True)]


def discover(
    home: Path,
    *,
    models_dir: Path | None = None,
    extra: Iterable[Path] = (),
    default_model: Path | None = None,
    include_system: bool = False,
    n_ctx: int | None = None,
) -> list[ModelInfo]:
    """Scan the known folders under ``home`` plus ``extra`` roots (files or folders).

    ``default_model`` is the packaged default model file, listed as source "default".
    ``include_system`` adds machine-wide folders; tests leave it off so only temp dirs are read.
    The same file reached twice (symlinks, hard links) is reported once.
    """
    roots = known_roots(home, models_dir)
    if include_system:
        roots += system_roots()
    roots += [_Root(Path(p), "extra") for p in extra]
    if default_model is not None:
        roots.append(_Root(default_model, "default"))
    available = psutil.virtual_memory().available
    seen: set[tuple[int, int]] = set()
    found: list[ModelInfo] = []
    for root in roots:
        labels = _ollama_labels(root.path) if root.source == "ollama" else {}
        for path in _candidates(root):
            try:
                st = path.stat()
            except OSError:
                continue
            ident = (st.st_dev, st.st_ino)
            if ident in seen:
                continue
            try:
                info = read_gguf(path)
            except ModelInvalid as exc:
                log.debug("skipping %s: %s", path, exc)
                continue
            seen.add(ident)
            need = info.estimated_ram_bytes(n_ctx)
            found.append(ModelInfo(path=path, source=root.source, gguf=info,
                                   fits_in_ram=need <= available, estimated_ram=need,
                                   label=labels.get(path.name, "")))
    return found


def _candidates(root: _Root) -> Iterator[Path]:
    if root.path.is_file():
        if is_gguf(root.path):
            yield root.path
        return
    for path in _walk(root.path, MAX_DEPTH):
        if path.suffix.lower() == ".gguf":
            if is_gguf(path):
                yield path
        elif root.blobs and not path.suffix and is_gguf(path):
            # Ollama blobs are named by digest only; the magic tells models from manifests.
            yield path


def _walk(top: Path, depth: int) -> Iterator[Path]:
    try:
        with os.scandir(top) as it:
            entries = list(it)
    except OSError:
        return
    for e in entries:
        try:
            # HF snapshots are symlinks to blobs, so file symlinks are followed; directory
            # symlinks are not, which keeps a loop from trapping the scan.
            if e.is_file(follow_symlinks=True):
                yield Path(e.path)
            elif depth > 0 and e.is_dir(follow_symlinks=False):
                yield from _walk(Path(e.path), depth - 1)
        except OSError:
            continue


def _ollama_labels(blobs: Path) -> dict[str, str]:
    """Map Ollama blob file names to the tags that use them ("llama3.2:3b")."""
    manifests = blobs.parent / "manifests"
    labels: dict[str, str] = {}
    for mf in _walk(manifests, 5):
        try:
            data = json.loads(mf.read_text("utf-8"))
            layers = data.get("layers", [])
        except (OSError, ValueError, AttributeError):
            continue
        tag = f"{mf.parent.name}:{mf.name}"
        for layer in layers if isinstance(layers, list) else []:
            if isinstance(layer, dict) and layer.get("mediaType", "").endswith(".model"):
                digest = str(layer.get("digest", ""))
                labels[digest.replace(":", "-")] = tag
    return labels
