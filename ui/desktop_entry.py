"""Per-user desktop integration on Linux and other XDG desktops: menu entry, icons, autostart.

``secondme-app --install-desktop-entry`` writes the menu entry into
``$XDG_DATA_HOME/applications`` (default ``~/.local/share/applications``) and the icons into
``$XDG_DATA_HOME/icons/hicolor``; ``--uninstall-desktop-entry`` removes exactly those files.
The entry is made from ``resources/desktop/<APP_ID>.desktop`` with ``Exec`` pointing at the
program that was run (the bundle's ``secondme-app`` or the venv's script), so it works without
anything on ``PATH``. Autostart is an entry of the same shape in ``$XDG_CONFIG_HOME/autostart``.
Nothing here needs Qt or root.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path

from secondme.paths import APP_ID
from secondme.resources import resource_path

DESKTOP_FILE = f"{APP_ID}.desktop"
ICON_SIZES = (16, 22, 24, 32, 48, 64, 128, 256, 512)
_TEMPLATE_COMMAND = "secondme-app"  # the program name the template's Exec lines start with


def data_home() -> Path:
    """``$XDG_DATA_HOME``, or ``~/.local/share``."""
    return Path(os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share")


def config_home() -> Path:
    """``$XDG_CONFIG_HOME``, or ``~/.config``."""
    return Path(os.environ.get("XDG_CONFIG_HOME") or Path.home() / ".config")


def supported() -> bool:
    """Desktop entries are an XDG (Linux, BSD) thing; Windows and macOS have their own."""
    return not sys.platform.startswith(("win", "darwin"))


def app_command(data_dir: str | None = None) -> list[str]:
    """The command that starts this app again: the frozen executable or the installed script."""
    if getattr(sys, "frozen", False):
        cmd = [str(Path(sys.executable).resolve())]
    else:
        script = Path(sys.executable).parent / "secondme-app"  # beside the venv's python
        found = str(script) if script.is_file() else shutil.which("secondme-app")
        cmd = [str(Path(found).resolve())] if found else [sys.executable, "-m", "ui.main"]
    if data_dir:
        cmd += ["--data-dir", str(Path(data_dir).resolve())]
    return cmd


def _quote_arg(arg: str) -> str:
    """One Exec argument quoted per the Desktop Entry spec (then escaped as a string value)."""
    reserved = set(' \t\n"\'\\><~|&;$*?#()`')
    if arg and not (set(arg) & reserved):
        quoted = arg
    else:
        inner = "".join("\\" + c if c in '"`$\\' else c for c in arg)
        quoted = f'"{inner}"'
    # '%' starts a field code; the string-value escaping doubles every backslash.
    return quoted.replace("%", "%%").replace("\\", "\\\\")


def exec_line(cmd: Sequence[str]) -> str:
    """``cmd`` as a desktop entry's ``Exec`` value, each argument quoted and escaped per the spec."""
    return " ".join(_quote_arg(a) for a in cmd)


def render_entry(cmd: Sequence[str], *, autostart: bool = False) -> str:
    """The template's text with its Exec/TryExec lines pointing at ``cmd``."""
    template = resource_path("desktop", DESKTOP_FILE).read_text("utf-8")
    out = []
    for line in template.splitlines():
        key, sep, value = line.partition("=")
        if sep and key == "Exec" and value.split(" ", 1)[0] == _TEMPLATE_COMMAND:
            extra = value.split(" ")[1:]
            line = "Exec=" + exec_line([*cmd, *extra])
        elif sep and key == "TryExec":
            line = "TryExec=" + cmd[0].replace("\\", "\\\\")  # a path: string escaping only
        out.append(line)
        if autostart and line == "[Desktop Entry]":
            out.append("X-GNOME-Autostart-enabled=true")
    if autostart:
        out = _only_main_group(out)
    return "\n".join(out) + "\n"


def _only_main_group(lines: list[str]) -> list[str]:
    # An autostart entry needs no actions (and validators complain about dangling ones).
    kept: list[str] = []
    in_main = False
    for line in lines:
        if line.startswith("["):
            in_main = line == "[Desktop Entry]"
        if in_main and not line.startswith("Actions="):
            kept.append(line)
    while kept and not kept[-1].strip():
        kept.pop()
    return kept


def _write(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _icon_files(base: Path) -> list[tuple[Path, Path]]:
    """(bundled source, installed destination) for each icon size we ship."""
    src_root = resource_path("icons", "hicolor")
    pairs = [(src_root / f"{s}x{s}" / "apps" / f"{APP_ID}.png",
              base / "icons" / "hicolor" / f"{s}x{s}" / "apps" / f"{APP_ID}.png") for s in ICON_SIZES]
    pairs.append((src_root / "scalable" / "apps" / f"{APP_ID}.svg",
                  base / "icons" / "hicolor" / "scalable" / "apps" / f"{APP_ID}.svg"))
    return pairs


def _refresh_caches(base: Path) -> None:
    # Menus and icon themes pick up changes on their own on most desktops; these tools only
    # speed it up where they exist, so their absence or failure is fine.
    for cmd in (["update-desktop-database", "-q", str(base / "applications")],
                ["gtk-update-icon-cache", "-q", "-t", "-f", str(base / "icons" / "hicolor")]):
        if shutil.which(cmd[0]):
            try:
                subprocess.run(cmd, capture_output=True, timeout=30, check=False)
            except (OSError, subprocess.SubprocessError):
                pass


def install(cmd: Sequence[str] | None = None, base: Path | None = None) -> list[Path]:
    """Install the menu entry and icons for this user; the files written."""
    base = base or data_home()
    cmd = list(cmd or app_command())
    written = []
    for src, dest in _icon_files(base):
        _write(dest, src.read_bytes())
        written.append(dest)
    entry = base / "applications" / DESKTOP_FILE
    _write(entry, render_entry(cmd).encode("utf-8"))
    written.append(entry)
    _refresh_caches(base)
    return written


def uninstall(base: Path | None = None) -> list[Path]:
    """Remove what :func:`install` wrote (only our own files); the files removed."""
    base = base or data_home()
    removed = []
    for path in [base / "applications" / DESKTOP_FILE, *(dest for _src, dest in _icon_files(base))]:
        if path.is_file():
            path.unlink()
            removed.append(path)
    _refresh_caches(base)
    return removed


def autostart_file(base: Path | None = None) -> Path:
    """Where the autostart entry lives (under ``base``, default the XDG config folder)."""
    return (base or config_home()) / "autostart" / DESKTOP_FILE


def autostart_enabled(base: Path | None = None) -> bool:
    """Whether the app starts at login (its autostart entry exists)."""
    return autostart_file(base).is_file()


def set_autostart(enabled: bool, cmd: Sequence[str] | None = None, base: Path | None = None) -> Path:
    """Start the app at login (XDG autostart) or stop doing so; the autostart file's path."""
    path = autostart_file(base)
    if enabled:
        _write(path, render_entry(list(cmd or app_command()), autostart=True).encode("utf-8"))
    else:
        path.unlink(missing_ok=True)
    return path


def run_cli(action: str, data_dir: str | None) -> int:
    """``--install-desktop-entry`` / ``--uninstall-desktop-entry``: report and return an exit code."""
    if not supported():
        print("desktop entries are for Linux desktops; see packaging/README.md for Windows and macOS",
              file=sys.stderr)
        return 2
    try:
        if action == "install":
            files = install(app_command(data_dir))
            print(f"installed the Second Me menu entry: {data_home() / 'applications' / DESKTOP_FILE}")
        else:
            files = uninstall()
            print(f"removed {len(files)} file(s) of the Second Me menu entry")
    except OSError as exc:
        print(f"could not {action} the menu entry: {exc}", file=sys.stderr)
        return 1
    return 0
