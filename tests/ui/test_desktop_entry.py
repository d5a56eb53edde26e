"""The per-user menu entry, icons and autostart entry (ui/desktop_entry.py), in a temp HOME."""

from __future__ import annotations

import os
import shutil
import struct
import subprocess
from pathlib import Path

import pytest

from secondme.paths import APP_ID
from secondme.resources import resource_path
from ui import desktop_entry

REPO = Path(__file__).resolve().parents[2]
APP = REPO / ".venv" / "bin" / "secondme-app"

pytestmark = pytest.mark.skipif(not desktop_entry.supported(), reason="XDG desktops only")


def _tool(name: str, package: str) -> str:
    path = shutil.which(name)
    if path is None:
        msg = f"{name} is not installed (Debian package {package}; run: bash scripts/system-deps.sh)"
        if os.environ.get("CI"):
            pytest.fail(msg)
        pytest.skip(msg)
    return path


def _validate_desktop(path: Path) -> None:
    out = subprocess.run([_tool("desktop-file-validate", "desktop-file-utils"), str(path)],
                         capture_output=True, text=True, timeout=60)
    # Hints are advice; errors and warnings fail.
    problems = [line for line in out.stdout.splitlines() if "error:" in line or "warning:" in line]
    assert out.returncode == 0 and not problems, out.stdout + out.stderr


def _exec_value(text: str, group: str = "[Desktop Entry]") -> str:
    in_group = False
    for line in text.splitlines():
        if line.startswith("["):
            in_group = line == group
        elif in_group and line.startswith("Exec="):
            return line[len("Exec="):]
    raise AssertionError(f"no Exec in {group}")


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data-home"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config-home"))
    return tmp_path


def test_shipped_desktop_file_and_metainfo_are_valid() -> None:
    _validate_desktop(resource_path("desktop", f"{APP_ID}.desktop"))
    appstream = shutil.which("appstreamcli")
    if appstream is None:
        pytest.skip("appstreamcli is not installed (Debian package appstream)")
    out = subprocess.run([appstream, "validate", "--no-net", "--explain",
                          str(resource_path("desktop", f"{APP_ID}.metainfo.xml"))],
                         capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stdout + out.stderr


def test_icons_exist_in_every_size() -> None:
    for size in desktop_entry.ICON_SIZES:
        png = resource_path("icons", "hicolor", f"{size}x{size}", "apps", f"{APP_ID}.png")
        head = png.read_bytes()[:24]
        assert head[:8] == b"\x89PNG\r\n\x1a\n" and head[12:16] == b"IHDR", png
        assert struct.unpack(">II", head[16:24]) == (size, size), png


def test_install_then_uninstall(home: Path) -> None:
    cmd = ["/opt/Second Me/secondme-app", "--data-dir", "/data/100%"]
    written = desktop_entry.install(cmd)
    entry = home / "data-home" / "applications" / f"{APP_ID}.desktop"
    assert entry in written
    for size in desktop_entry.ICON_SIZES:
        assert (home / "data-home" / "icons" / "hicolor" / f"{size}x{size}" / "apps" / f"{APP_ID}.png").is_file()
    assert (home / "data-home" / "icons" / "hicolor" / "scalable" / "apps" / f"{APP_ID}.svg").is_file()
    _validate_desktop(entry)
    text = entry.read_text("utf-8")
    # Quoted for the space, '%' doubled so it is not a field code.
    assert _exec_value(text) == '"/opt/Second Me/secondme-app" --data-dir /data/100%%'
    assert _exec_value(text, "[Desktop Action Recall]").endswith(" --recall")
    assert "TryExec=/opt/Second Me/secondme-app\n" in text
    assert f"Icon={APP_ID}\n" in text

    removed = desktop_entry.uninstall()
    assert set(removed) == set(written)
    assert not entry.exists()
    assert desktop_entry.uninstall() == []  # idempotent


def test_uninstall_leaves_other_files_alone(home: Path) -> None:
    apps = home / "data-home" / "applications"
    apps.mkdir(parents=True)
    other = apps / "org.example.Other.desktop"
    other.write_text("[Desktop Entry]\n", "utf-8")
    desktop_entry.install(["/usr/bin/true"])
    desktop_entry.uninstall()
    assert other.is_file()


def test_exec_quoting_of_reserved_characters() -> None:
    line = desktop_entry.exec_line(['/a b/app', 'x"y', "$HOME", "back\\slash"])
    # Spec quoting (\" \$ \\ inside double quotes), then string escaping doubles backslashes.
    assert line == '"/a b/app" "x\\\\"y" "\\\\$HOME" "back\\\\\\\\slash"'


def test_autostart_on_and_off(home: Path) -> None:
    assert not desktop_entry.autostart_enabled()
    path = desktop_entry.set_autostart(True, ["/usr/bin/secondme-app"])
    assert path == home / "config-home" / "autostart" / f"{APP_ID}.desktop"
    assert desktop_entry.autostart_enabled()
    _validate_desktop(path)
    text = path.read_text("utf-8")
    assert "X-GNOME-Autostart-enabled=true" in text
    assert "[Desktop Action" not in text and "Actions=" not in text
    desktop_entry.set_autostart(False)
    assert not desktop_entry.autostart_enabled()
    desktop_entry.set_autostart(False)  # already off: no error


@pytest.mark.skipif(not APP.exists(), reason="the venv's secondme-app script is not installed")
def test_command_line_flags(home: Path) -> None:
    env = {**os.environ}
    entry = home / "data-home" / "applications" / f"{APP_ID}.desktop"
    out = subprocess.run([str(APP), "--install-desktop-entry", "--data-dir", str(home / "d")],
                         env=env, capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert out.stderr == ""
    text = entry.read_text("utf-8")
    assert _exec_value(text) == f"{APP.resolve()} --data-dir {home / 'd'}"
    _validate_desktop(entry)
    out = subprocess.run([str(APP), "--uninstall-desktop-entry"], env=env, capture_output=True,
                         text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert not entry.exists()
