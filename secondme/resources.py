"""Locate bundled resources the same way in development, installed and frozen runs."""

from __future__ import annotations

import sys
from pathlib import Path


def resources_root() -> Path:
    """The folder that holds ``resources/`` content (icons, vendored tokenizer, desktop files)."""
    frozen = getattr(sys, "_MEIPASS", None)
    candidates = []
    if frozen:
        candidates.append(Path(frozen) / "resources")
    # Development / editable install: the repository's resources/ beside the package.
    candidates.append(Path(__file__).resolve().parent.parent / "resources")
    # Non-editable install: shipped as data files under the prefix.
    candidates.append(Path(sys.prefix) / "share" / "secondme" / "resources")
    for c in candidates:
        if c.is_dir():
            return c
    raise FileNotFoundError(
        "Second Me's resources folder is missing; reinstall the application "
        f"(looked in: {', '.join(str(c) for c in candidates)})"
    )


def resource_path(*parts: str) -> Path:
    """The path of a bundled resource under the resources folder."""
    return resources_root().joinpath(*parts)
