"""Non-private settings, kept as JSON in the data directory.

Private settings (anything naming the person's files or content) live in the encrypted store.
"""

from __future__ import annotations

import json
import logging
import os
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path
from typing import Any

log = logging.getLogger("secondme.settings")


@dataclass
class Settings:
    """User-tunable behaviour. Unknown keys in the file are kept out; bad values fall back."""

    # Model runtime
    model_path: str = ""  # empty = the default model in the models dir
    gpu_layers: str = "auto"  # "auto" | "off" | a number of layers
    n_threads: int = 0  # 0 = physical core count
    n_ctx: int = 4096
    idle_unload_seconds: int = 600
    # Ingestion
    max_file_bytes: int = 20 * 1024 * 1024
    debounce_seconds: float = 0.5
    # Memory
    forgetting_tau_days: float = 30.0
    fade_threshold: float = 0.05
    # Jobs
    nightly_time: str = "03:00"
    pause_jobs_when_active: bool = True
    # Privacy
    lock_after_idle_minutes: int = 0  # 0 = never
    extra: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def load(cls, path: Path) -> Settings:
        """The settings in ``path``; defaults if it is missing or unreadable (the latter logged)."""
        try:
            raw = json.loads(path.read_text("utf-8"))
        except FileNotFoundError:
            return cls()
        except (OSError, ValueError) as exc:
            log.warning("settings file unreadable (%s); using defaults", exc)
            return cls()
        return cls.from_dict(raw)

    @classmethod
    def from_dict(cls, raw: Any) -> Settings:
        """Settings from parsed JSON (a file, a backup): unknown keys dropped, bad values defaulted."""
        s = cls()
        if not isinstance(raw, dict):
            return s
        for f in fields(cls):
            if f.name in raw:
                default = getattr(s, f.name)
                val = raw[f.name]
                if isinstance(default, bool) or not isinstance(default, (int, float)):
                    ok = isinstance(val, type(default))
                else:
                    ok = isinstance(val, (int, float)) and not isinstance(val, bool)
                    val = type(default)(val) if ok else val
                if ok:
                    setattr(s, f.name, val)
                else:
                    log.warning("setting %s has a bad value; using the default", f.name)
        return s

    def save(self, path: Path) -> None:
        """Write the settings to ``path`` atomically (a temporary file, fsynced, then renamed)."""
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(".tmp")
        with open(tmp, "w", encoding="utf-8") as fh:
            json.dump(asdict(self), fh, indent=2, sort_keys=True)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
