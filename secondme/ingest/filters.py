"""Which paths under a notes folder are notes at all (one policy for the walker, the watcher and
the indexer), and a safe walk that finds them."""

from __future__ import annotations

import errno
import logging
import os
import stat
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from secondme.ingest.formats.common import too_large_reason
from secondme.ingest.registry import SUPPORTED_SUFFIXES

log = logging.getLogger("secondme.ingest")

# Folders that hold tooling, not notes. Hidden (dot) folders (.git, .obsidian, .trash) are
# skipped as hidden.
IGNORED_DIR_NAMES: frozenset[str] = frozenset({"node_modules", "__pycache__", "__MACOSX"})
DEFAULT_MAX_BYTES = 20 * 1024 * 1024


@dataclass(frozen=True)
class IgnorePolicy:
    """What under a watched folder is not a note, and how large a note may be.

    Ignored paths (hidden files and folders, tooling folders, office lock files, other file
    types, links leading out of the folder, things that are not regular files) are left alone
    silently. A note over ``max_bytes`` is not ignored: the walker and the watcher pass it on,
    and the reader refuses it with :meth:`size_reason` so that it is reported.
    """

    max_bytes: int = DEFAULT_MAX_BYTES
    ignored_dirs: frozenset[str] = IGNORED_DIR_NAMES

    def name_reason(self, name: str, is_dir: bool) -> str | None:
        """Why a single path component makes a path ignored, or None."""
        if name.startswith("."):
            return "hidden folder" if is_dir else "hidden file"
        if name in self.ignored_dirs:
            return "ignored folder"
        if not is_dir and (name.startswith("~$") or name.startswith(".~lock")):
            # Office lock files share the document's suffix but hold no text.
            return "temporary file"
        return None

    def path_reason(self, path: Path, root: Path, *, is_dir: bool = False) -> str | None:
        """Why ``path`` under ``root`` is ignored by its name alone, or None (no file access:
        the watcher asks this of paths that may already be gone)."""
        try:
            parts = path.relative_to(root).parts
        except ValueError:
            return "outside the watched folder"
        if not parts:
            return None if is_dir else "not a regular file"
        for index, part in enumerate(parts):
            reason = self.name_reason(part, is_dir=is_dir or index < len(parts) - 1)
            if reason:
                return reason
        if not is_dir and path.suffix.lower() not in SUPPORTED_SUFFIXES:
            return "unsupported file type"
        return None

    def file_reason(self, path: Path, root: Path) -> str | None:
        """Why the file ``path`` under ``root`` is ignored, or None to read it.

        Checks, cheapest first: :meth:`path_reason`, then the file itself (symlink target inside
        ``root`` and not a loop, a regular file). The size is the reader's to check, once.
        """
        reason = self.path_reason(path, root)
        if reason:
            return reason
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
        return None

    def size_reason(self, size: int) -> str | None:
        """Why a note of ``size`` bytes is refused (reported, not ignored), or None."""
        return too_large_reason(self.max_bytes) if size > self.max_bytes else None

    def walk(self, root: Path) -> Iterator[Path]:
        """Yield the files under ``root`` that :meth:`file_reason` accepts, in sorted order
        (notes over the size limit included: the reader reports them).

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
                    if self.name_reason(entry.name, is_dir=True) is None:
                        subfolders.append(Path(entry.path))
                    continue
                candidate = Path(entry.path)
                reason = self.file_reason(candidate, root)
                if reason is None:
                    yield candidate
                else:
                    log.debug("skipping a file: %s", reason)
            # Reversed so that popping from the stack visits folders in name order.
            stack.extend(reversed(subfolders))


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

