"""The ``secondme`` command: init, unlock, doctor, passphrase change, all with --data-dir."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
PASS = "correct horse battery staple"


def run(*args: str, env: dict[str, str] | None = None, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    e = {k: v for k, v in os.environ.items() if k != "SECONDME_PASSPHRASE"}
    e.update({"PYTHONPATH": str(REPO), **(env or {})})
    return subprocess.run([sys.executable, "-m", "secondme", *args], capture_output=True, text=True,
                          env=e, input=stdin, timeout=120)


def test_init_unlock_and_wrong_passphrase(data_dir: Path) -> None:
    r = run("--data-dir", str(data_dir), "init", "--passphrase-stdin", stdin=PASS + "\n")
    assert r.returncode == 0, r.stderr
    assert (data_dir / "vault.json").exists() and (data_dir / "store.db").exists()
    r = run("--data-dir", str(data_dir), "unlock", env={"SECONDME_PASSPHRASE": PASS})
    assert r.returncode == 0 and "unlocked" in r.stdout
    r = run("--data-dir", str(data_dir), "unlock", env={"SECONDME_PASSPHRASE": "wrong one here"})
    assert r.returncode == 1
    assert "wrong passphrase" in r.stderr and "Traceback" not in r.stderr
    r = run("--data-dir", str(data_dir), "unlock", stdin="")
    assert r.returncode == 1 and "passphrase" in r.stderr


def test_passphrase_change(data_dir: Path) -> None:
    assert run("--data-dir", str(data_dir), "init", env={"SECONDME_PASSPHRASE": PASS}).returncode == 0
    r = run("--data-dir", str(data_dir), "passphrase", "--new-from-env", "NEWPW",
            env={"SECONDME_PASSPHRASE": PASS, "NEWPW": "brand new passphrase"})
    assert r.returncode == 0, r.stderr
    assert run("--data-dir", str(data_dir), "unlock", env={"SECONDME_PASSPHRASE": PASS}).returncode == 1
    assert run("--data-dir", str(data_dir), "unlock",
               env={"SECONDME_PASSPHRASE": "brand new passphrase"}).returncode == 0


def test_doctor_json(data_dir: Path) -> None:
    r = run("--data-dir", str(data_dir), "doctor", "--json")
    assert r.returncode == 0, r.stderr
    rep = json.loads(r.stdout)
    assert rep["paths"]["data"] == str(data_dir.resolve())
    assert rep["initialized"] is False
    assert rep["packages"]["cryptography"]
    assert "keyring_backend" in rep and "gpu_offload" in rep


def test_not_initialized_is_a_clear_error(data_dir: Path) -> None:
    r = run("--data-dir", str(data_dir / "nothing"), "unlock", env={"SECONDME_PASSPHRASE": PASS})
    assert r.returncode == 1 and "secondme init" in r.stderr


def test_a_termination_that_breaks_off_a_lock_wait_still_stops_cleanly(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    import argparse
    import signal

    from secondme.cli.main import _run
    from secondme.hardening import Terminated

    monkeypatch.setenv("XDG_RUNTIME_DIR", str(tmp_path))

    def command(args: argparse.Namespace) -> int:
        # What a SIGTERM inside Condition.wait leaves: the Terminated being handled is replaced
        # by the lock error of the ``with`` it unwinds (seen in CI from ``secondme index``).
        try:
            signal.raise_signal(signal.SIGTERM)
        except Terminated:
            raise RuntimeError("cannot release un-acquired lock") from None
        return 1

    assert _run(argparse.Namespace(func=command)) == 0
    assert "stopped by signal" in capsys.readouterr().err
    # Any other error is still an error.
    def broken(args: argparse.Namespace) -> int:
        raise RuntimeError("something else")
    with pytest.raises(RuntimeError, match="something else"):
        _run(argparse.Namespace(func=broken))
