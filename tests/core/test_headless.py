"""The core imports and works with PySide6 made unimportable."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]

SCRIPT = r"""
import sys, importlib, pkgutil
class BlockQt:
    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] in ("PySide6", "shiboken6", "PyQt5", "PyQt6", "ui"):
            raise ImportError(f"blocked: {name}")
        return None
sys.meta_path.insert(0, BlockQt())
import secondme
for m in pkgutil.walk_packages(secondme.__path__, "secondme."):
    if not m.name.endswith("__main__"):
        importlib.import_module(m.name)
from secondme.paths import Paths
from secondme.settings import Settings
from secondme.vault import Vault
from secondme.app import SecondMe
paths = Paths.at(sys.argv[1])
ctx = SecondMe(paths, Settings(), Vault(paths.vault_file, None))
ctx.init("correct horse battery staple")
with ctx.store.write() as w:
    mid = w.insert("memories", {"kind": "fact", "created_at": 1.0}, {"text": "headless works"})
assert ctx.store.get("memories", mid)["text"] == "headless works"
assert not any(k.startswith(("PySide6", "shiboken6")) for k in sys.modules)
print("ok")
"""


def test_core_without_qt(tmp_path: Path) -> None:
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    r = subprocess.run([sys.executable, "-c", SCRIPT, str(tmp_path / "d")],
                       capture_output=True, text=True, env=env, timeout=300)
    assert r.returncode == 0, r.stderr
    assert r.stdout.strip().endswith("ok")
