"""The end-to-end core flow works with no network at all (a namespace with only loopback)
and attempts no non-loopback connection (an audit hook counts every attempt)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]

FLOW = r"""
import ipaddress, json, socket, sys
attempts = []
def hook(event, args):
    if event == "socket.connect" and getattr(args[0], "family", None) in (socket.AF_INET, socket.AF_INET6):
        host = args[1][0]
        try:
            if ipaddress.ip_address(host).is_loopback:
                return
        except ValueError:
            pass
        attempts.append(repr(args[1]))
    elif event == "socket.getaddrinfo" and args[0] not in (None, "localhost") :
        try:
            if ipaddress.ip_address(args[0]).is_loopback:
                return
        except ValueError:
            pass
        attempts.append("dns " + repr(args[0]))
sys.addaudithook(hook)
from pathlib import Path
from secondme.app import build
data, notes = sys.argv[1], Path(sys.argv[2])
notes.mkdir(parents=True, exist_ok=True)
(notes / "bike.md").write_text("# Bike\nThe bike lock code is kept in the blue notebook.\n")
ctx = build(data, use_keyring=False)
ctx.init("offline flow passphrase")
ctx.notes.add_folder(str(notes))
ctx.notes.wait_indexed(300)
hits = ctx.notes.search("bike lock code", k=3)
remembered = ctx.memory.remember("My dentist is Dr. Okafor on Baker Street.") if hasattr(ctx, "remember") else None
ctx.notes.wait_indexed(60)
recalled = ctx.memory.recall("who is my dentist", k=3) if hasattr(ctx, "recall") else []
answer = ctx.models.ask("Where is the bike lock code kept?")
jobs = ctx.jobs.run_now(wait=True) if hasattr(ctx, "run_jobs_now") else None
ctx.close()
print(json.dumps({"attempts": attempts, "hits": [h.path for h in hits],
                  "recalled": [h.id for h in recalled], "answer_cited": len(answer.citations),
                  "abstained": answer.abstained}))
"""


def test_full_flow_in_a_network_namespace_without_network(tmp_path: Path) -> None:
    if shutil.which("unshare") is None:
        pytest.fail("unshare (util-linux) is required for this test")
    probe = subprocess.run(["unshare", "-n", "true"], capture_output=True)
    if probe.returncode != 0:
        if os.environ.get("CI"):
            pytest.fail(f"cannot create a network namespace here: {probe.stderr!r}")
        pytest.skip("this machine does not allow network namespaces")
    script = tmp_path / "flow.py"
    script.write_text(FLOW)
    env = {**os.environ, "PYTHONPATH": str(REPO), "HF_HUB_OFFLINE": "1"}
    env.pop("DBUS_SESSION_BUS_ADDRESS", None)
    r = subprocess.run(["unshare", "-n", "--", sys.executable, str(script), str(tmp_path / "data"),
                        str(tmp_path / "notes")], capture_output=True, text=True, env=env, timeout=900)
    assert r.returncode == 0, r.stderr[-3000:]
    out = json.loads(r.stdout.strip().splitlines()[-1])
    assert out["attempts"] == [], "no non-loopback connection may even be attempted"
    assert out["hits"] and out["hits"][0].endswith("bike.md")
    assert not out["abstained"] and out["answer_cited"] >= 1
