"""Which files under a notes folder are read at all, and a safe walk that finds them."""

from __future__ import annotations

import errno
import logging
import os
import stat
from collections.abc import Iterator
from pathlib import Path

from secondme.ingest.formats.common import too_large_reason

log = logging.getLogger("secondme.ingest")

SUPPORTED_SUFFIXES: frozenset[str] = frozenset(
    {".md", ".markdown", ".txt", ".org", ".rst", ".html", ".htm", ".pdf", ".docx"}
)
# Folders that hold tooling, not notes. Hidden (dot) folders are skipped separately.
IGNORED_DIR_NAMES: frozenset[str] = frozenset({"node_modules", "__pycache__", "__MACOSX"})


def _name_reason(name: str, is_dir: bool) -> str | None:
    """Why a single path component makes a path ignored, or None."""
    if name.startswith("."):
        return "hidden folder" if is_dir else "hidden file"
    if name in IGNORED_DIR_NAMES:
        return "ignored folder"
    if not is_dir and (name.startswith("~$") or name.startswith(".~lock")):
        # Office lock files share the document's suffix but hold no text.
        return "temporary file"
    return None


def should_skip(path: Path, root: Path, max_bytes: int) -> str | None:
    """Return why ``path`` (a file under ``root``) is not indexed, or None to index it.

    Checks, cheapest first: location under ``root``, hidden or ignored components, suffix,
    then the file itself (symlink target inside ``root`` and not a loop, a regular file,
    within ``max_bytes``).
    """
    try:
        relative = path.relative_to(root)
    except ValueError:
        return "outside the watched folder"
    parts = relative.parts
    if not parts:
        return "not a regular file"
    for index, part in enumerate(parts):
        reason = _name_reason(part, is_dir=index < len(parts) - 1)
        if reason:
            return reason
    if path.suffix.lower() not in SUPPORTED_SUFFIXES:
        return "unsupported file type"
    try:
        info = path.lstat()
        if stat.S_ISLNK(info.st_mode):
            reason = _symlink_reason(path, root)
            if reason:
                return reason
            info = path.stat()
    except FileNotFoundError:
        return "file vanished"
    except PermissionError:
        return "permission denied"
    except OSError as err:
        return f"could not read file ({(err.strerror or type(err).__name__).lower()})"
    if not stat.S_ISREG(info.st_mode):
        return "not a regular file"
    if info.st_size > max_bytes:
        return too_large_reason(max_bytes)
    return None


def _symlink_reason(path: Path, root: Path) -> str | None:
    try:
        target = path.resolve(strict=True)
    except FileNotFoundError:
        return "broken symlink"
    except RuntimeError:
        # Python 3.11 reports a symlink loop as RuntimeError (3.13 as OSError ELOOP).
        return "symlink loop"
    except OSError as err:
        if err.errno == errno.ELOOP:
            return "symlink loop"
        raise
    try:
        target.relative_to(root.resolve())
    except ValueError:
        return "symlink points outside the folder"
    return None


def walk_notes(root: Path, max_bytes: int) -> Iterator[Path]:
    """Yield the note files under ``root`` that :func:`should_skip` accepts, in sorted order.

    Symlinked folders are never descended into (their targets are either inside ``root``,
    and walked anyway, or outside it, and not ours to read), which also rules out loops;
    folders seen twice through bind mounts are skipped by device and inode. Unreadable
    folders are skipped and logged at DEBUG.
    """
    seen: set[tuple[int, int]] = set()
    stack: list[Path] = [root]
    while stack:
        folder = stack.pop()
        try:
            folder_info = folder.stat()
            key = (folder_info.st_dev, folder_info.st_ino)
            if key in seen:
                continue
            seen.add(key)
            with os.scandir(folder) as entries:
                listing = sorted(entries, key=lambda entry: entry.name)
        except OSError as err:
            log.debug("skipping an unreadable folder: %s", type(err).__name__)
            continue
        subfolders: list[Path] = []
        for entry in listing:
            try:
                is_dir = entry.is_dir(follow_symlinks=False)
            except OSError:
                continue
            if is_dir:
                if _name_reason(entry.name, is_dir=True) is None:
                    subfolders.append(Path(entry.path))
                continue
            candidate = Path(entry.path)
            reason = should_skip(candidate, root, max_bytes)
            if reason is None:
                yield candidate
            else:
                log.debug("skipping a file: %s", reason)
        # Reversed so that popping from the stack visits folders in name order.
        stack.extend(reversed(subfolders))
