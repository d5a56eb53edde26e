"""Recoll (Xapian) on the same folder, for side-by-side figures: index time and query results.

Recoll is the desktop search people already use on Linux; the benches compare our keyword
indexing time and known-item ranking with it. Its command-line tools come from the Debian
package ``recollcmd`` (installed here when missing and we are root; see scripts/system-deps.sh).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import time
from pathlib import Path


def ensure_installed() -> str | None:
    """None when ``recollindex`` and ``recollq`` are usable, else why not."""
    if shutil.which("recollindex") and shutil.which("recollq"):
        return None
    if os.geteuid() != 0 or shutil.which("apt-get") is None:
        return "recoll is not installed (Debian package recollcmd) and we may not install it"
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    done = subprocess.run(["apt-get", "install", "-y", "-qq", "--no-install-recommends", "recollcmd"],
                          capture_output=True, text=True, env=env)
    if done.returncode != 0:
        return f"installing recollcmd failed: {done.stderr.strip()[-300:]}"
    return None if shutil.which("recollindex") else "recollindex missing after install"


class Recoll:
    """One Recoll configuration (its own config and index folder) over ``folder``."""

    def __init__(self, folder: Path, confdir: Path) -> None:
        self.folder = folder
        self.confdir = confdir
        confdir.mkdir(parents=True, exist_ok=True)
        (confdir / "recoll.conf").write_text(
            f"topdirs = {folder}\nindexstemminglanguages = english\nloglevel = 1\n"
            "idxflushmb = 50\n", encoding="utf-8")

    def index(self) -> float:
        """A full index run from nothing (``recollindex -z``); returns its wall time in seconds."""
        t0 = time.perf_counter()
        subprocess.run(["recollindex", "-c", str(self.confdir), "-z"], check=True,
                       capture_output=True)
        return time.perf_counter() - t0

    def query(self, text: str, n: int = 10, mode: str = "-o") -> list[str]:
        """Result paths, best first: ``-o`` any term (as our OR query), ``-a`` all terms."""
        done = subprocess.run(["recollq", "-c", str(self.confdir), "-b", "-n", str(n), mode, text],
                              capture_output=True, text=True)
        out = []
        for line in done.stdout.splitlines():
            if line.startswith("file://"):
                out.append(line[len("file://"):])
        return out
