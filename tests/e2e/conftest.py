"""An X server (Xvfb) with a tray host (trayer) for end-to-end runs of the real app."""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

REPO = Path(__file__).resolve().parents[2]
APP = REPO / ".venv" / "bin" / "secondme-app"


def _need(tool: str, package: str) -> None:
    if shutil.which(tool) is None:
        msg = f"{tool} is not installed (Debian package {package}; run: bash scripts/system-deps.sh)"
        if os.environ.get("CI"):
            pytest.fail(msg)  # on CI a missing tool is a broken environment, not a skip
        pytest.skip(msg)


def _free_display() -> int:
    for n in range(90, 400):
        if not Path(f"/tmp/.X11-unix/X{n}").exists() and not Path(f"/tmp/.X{n}-lock").exists():
            return n
    raise RuntimeError("no free X display number")


def _x_tree(display: str) -> str:
    out = subprocess.run(["xwininfo", "-root", "-tree"], env={**os.environ, "DISPLAY": display},
                         capture_output=True, text=True, timeout=10)
    return out.stdout


@pytest.fixture(scope="module")
def xdisplay() -> Iterator[str]:
    """``:N`` of a fresh Xvfb with trayer running as the system tray."""
    _need("Xvfb", "xvfb")
    _need("trayer", "trayer")
    _need("xwininfo", "x11-utils")
    n = _free_display()
    display = f":{n}"
    xvfb = subprocess.Popen(["Xvfb", display, "-screen", "0", "1280x800x24", "-nolisten", "tcp"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    tray = None
    try:
        deadline = time.monotonic() + 15
        while not Path(f"/tmp/.X11-unix/X{n}").exists():
            if time.monotonic() > deadline or xvfb.poll() is not None:
                pytest.fail(f"Xvfb did not start on {display}")
            time.sleep(0.05)
        tray = subprocess.Popen(
            ["trayer", "--edge", "top", "--align", "right", "--widthtype", "request", "--height", "24",
             "--transparent", "false", "--SetDockType", "true"],
            env={**os.environ, "DISPLAY": display}, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 15
        while '"panel"' not in _x_tree(display):  # trayer's window means the tray is owned
            if time.monotonic() > deadline:
                pytest.fail("trayer did not start")
            time.sleep(0.1)
        yield display
    finally:
        for p in (tray, xvfb):
            if p is not None:
                p.terminate()
                try:
                    p.wait(10)
                except subprocess.TimeoutExpired:
                    p.kill()


@pytest.fixture
def runtime_dir(monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    with tempfile.TemporaryDirectory(prefix="sm-e2e-xdg-") as d:
        os.chmod(d, 0o700)
        monkeypatch.setenv("XDG_RUNTIME_DIR", d)
        yield d


@pytest.fixture
def artifacts() -> Path:
    p = Path(os.environ.get("SECONDME_TEST_ARTIFACTS", "test-artifacts")).resolve()
    p.mkdir(parents=True, exist_ok=True)
    return p


@pytest.fixture
def prepared(tmp_path: Path, runtime_dir: str) -> Path:
    """A passphrase data dir whose notes folder (tests/ui NOTES) is already indexed."""
    from secondme.app import build
    from tests.ui.conftest import NOTES, PASS

    notes = tmp_path / "notes"
    for rel, text in NOTES.items():
        (notes / rel).parent.mkdir(parents=True, exist_ok=True)
        (notes / rel).write_text(text, "utf-8")
    data = tmp_path / "data"
    ctx = build(str(data), use_keyring=False)
    ctx.init(PASS)
    ctx.notes.add_folder(str(notes))
    assert ctx.notes.wait_indexed(300)
    ctx.close()
    return data


def wait_for(what: str, fn: Callable[[], Any], timeout: float = 60.0) -> Any:
    """Poll ``fn`` until it returns something truthy (and return that), else fail saying ``what``."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = fn()
        if value:
            return value
        time.sleep(0.1)
    raise AssertionError(f"timed out waiting for {what}")


class AppRun:
    """A launched ``secondme-app`` process and the file its stderr goes to."""

    def __init__(self, proc: subprocess.Popen[bytes], err: Path) -> None:
        self.proc = proc
        self.err = err

    def stderr(self) -> str:
        return self.err.read_text("utf-8", "replace")


@contextmanager
def launched_app(cmd: list[str], env: dict[str, str], tmp_path: Path) -> Iterator[AppRun]:
    """Run the app for the block: a failed assertion carries the app's stderr, and the process
    never outlives the block."""
    out, err = tmp_path / "app.out", tmp_path / "app.err"
    with open(out, "wb") as fo, open(err, "wb") as fe:
        proc = subprocess.Popen(cmd, env=env, stdout=fo, stderr=fe)
    run = AppRun(proc, err)
    try:
        yield run
    except AssertionError as exc:
        raise AssertionError(f"{exc}\n--- app stderr ---\n{run.stderr()}") from exc
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait(10)


@pytest.fixture
def forms_url() -> Iterator[str]:
    """The browser tests' form pages, served on loopback for as long as the test runs."""
    from tests.e2e.browser_forms import served_forms

    with served_forms() as url:
        yield url


@pytest.fixture
def app_data(tmp_path: Path, runtime_dir: str) -> Path:
    """A data folder with the app initialised and its profile filled (browser tests)."""
    from tests.e2e.browser_forms import make_app_data

    return make_app_data(tmp_path)
