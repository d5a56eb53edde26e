"""A writer killed with SIGKILL at random moments never loses an acknowledged commit."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

from secondme.app import SecondMe
from secondme.paths import Paths
from secondme.settings import Settings
from secondme.vault import Vault

PASS = "correct horse battery staple"

WRITER = r"""
import sys
from secondme.paths import Paths
from secondme.settings import Settings
from secondme.vault import Vault
from secondme.app import SecondMe
paths = Paths.at(sys.argv[1])
ctx = SecondMe(paths, Settings(), Vault(paths.vault_file, None))
ctx.unlock(sys.argv[2])
start = int(sys.argv[3])
i = start
while True:
    with ctx.store.write() as w:
        w.insert("memories", {"kind": "note", "created_at": float(i)}, {"text": f"entry {i}" * 20})
    print(i, flush=True)  # acknowledged only after COMMIT returned
    i += 1
"""


def test_sigkill_loses_no_acknowledged_commit(data_dir: Path, tmp_path: Path) -> None:
    paths = Paths.at(data_dir)
    ctx = SecondMe(paths, Settings(), Vault(paths.vault_file, None))
    ctx.init(PASS)
    ctx.close()
    script = tmp_path / "writer.py"
    script.write_text(WRITER)
    rng = random.Random(1234)
    acked: set[int] = set()
    nxt = 0
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[2])}
    for _ in range(12):
        proc = subprocess.Popen([sys.executable, str(script), str(data_dir), PASS, str(nxt)],
                                stdout=subprocess.PIPE, text=True, env=env)
        assert proc.stdout is not None
        first = proc.stdout.readline()  # wait until it is writing
        assert first.strip(), "writer did not start"
        acked.add(int(first))
        time.sleep(rng.uniform(0.0, 0.4))
        proc.send_signal(signal.SIGKILL)
        out, _ = proc.communicate()
        proc.stdout.close()
        acked.update(int(x) for x in out.split())
        nxt = max(acked) + 1
        # The store reopens and holds every acknowledged entry.
        c = SecondMe(paths, Settings(), Vault(paths.vault_file, None))
        c.unlock(PASS)
        assert c.store.integrity_check() == ["ok"]
        texts = {r["text"] for r in c.store.select("memories", "kind='note'")}
        missing = [i for i in acked if f"entry {i}" * 20 not in texts]
        assert not missing, f"acknowledged commits lost: {missing[:5]}"
        assert c.store.scalar("SELECT COUNT(*) FROM memories") == c.store.scalar("SELECT COUNT(*) FROM changes")
        c.close()
    assert len(acked) > 12
