"""Smoke test of a built bundle (``make package-test``): run it the way a person would.

1. ``secondme-app --self-test`` with a fresh temporary data dir: creates a store, indexes a
   sample note, searches it, asks the default model, loads Qt and the icon; must exit 0 with
   a JSON summary on stdout and nothing on stderr.
2. ``secondme --help`` and ``secondme doctor`` (the CLI beside it) must exit 0 with nothing on
   stderr, and doctor must find every package's version (the bundle carries their metadata).
3. ``secondme-app --install-desktop-entry`` into a temporary XDG_DATA_HOME must write a valid
   entry whose Exec is the bundle's executable (Linux).
4. Start-to-tray time: the bundle is started under Xvfb with trayer as the tray host on the data
   dir from step 1, and asked "ping" through its single-instance socket until it reports the tray
   icon shown and then the state "ready"; then it is told to quit and must exit 0 with a clean
   stderr. Skipped (with a message) when Xvfb or trayer is missing, unless CI is set.

Uses only the standard library: the bundle is tested as a foreign program, without the venv.
Usage: python3 packaging/smoke_test.py [dist/SecondMe]
"""

from __future__ import annotations

import hashlib
import json
import os
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

APP_ID = "io.github.secondme.SecondMe"


class SmokeFailure(Exception):
    pass


def check(cond: bool, msg: str) -> None:
    if not cond:
        raise SmokeFailure(msg)


def base_env(tmp: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTHON", "SECONDME_", "QT_"))}
    runtime = tmp / "runtime"
    runtime.mkdir(mode=0o700, exist_ok=True)
    env.update({
        "HOME": str(tmp / "home"),  # nothing in the real home is read or written
        "XDG_DATA_HOME": str(tmp / "home" / "share"),
        "XDG_CONFIG_HOME": str(tmp / "home" / "config"),
        "XDG_RUNTIME_DIR": str(runtime),
        "HF_HUB_OFFLINE": "1",
        # A throwaway passphrase: the self-test never touches the keyring.
        "SECONDME_PASSPHRASE": PASSPHRASE,
    })
    env.pop("DBUS_SESSION_BUS_ADDRESS", None)
    return env


PASSPHRASE = secrets.token_urlsafe(18)


def self_test(bundle: Path, data: Path, env: dict[str, str]) -> dict[str, object]:
    t0 = time.monotonic()
    out = subprocess.run([str(bundle / "secondme-app"), "--self-test", "--data-dir", str(data)],
                         env={**env, "QT_QPA_PLATFORM": "offscreen"}, capture_output=True,
                         text=True, timeout=600)
    wall = time.monotonic() - t0
    check(out.returncode == 0, f"self-test exited {out.returncode}\nstdout:\n{out.stdout}\nstderr:\n{out.stderr}")
    check(out.stderr.strip() == "", f"self-test wrote to stderr:\n{out.stderr}")
    lines = [ln for ln in out.stdout.splitlines() if ln.startswith("{")]
    check(bool(lines), f"self-test printed no JSON summary:\n{out.stdout}")
    summary: dict[str, object] = json.loads(lines[-1])
    check(summary.get("self_test") == "ok" and summary.get("frozen") is True, f"self-test: {summary}")
    summary["wall_seconds"] = round(wall, 3)
    return summary


def cli_help(bundle: Path, env: dict[str, str]) -> None:
    out = subprocess.run([str(bundle / "secondme"), "--help"], env=env, capture_output=True,
                         text=True, timeout=120)
    check(out.returncode == 0 and "usage" in out.stdout.lower(),
          f"secondme --help exited {out.returncode}:\n{out.stdout}\n{out.stderr}")
    check(out.stderr.strip() == "", f"secondme --help wrote to stderr:\n{out.stderr}")


def cli_doctor(bundle: Path, data: Path, env: dict[str, str]) -> None:
    """``secondme doctor`` on the self-test's data: the bundle knows its packages and finds the model."""
    out = subprocess.run([str(bundle / "secondme"), "--data-dir", str(data), "doctor", "--json"], env=env,
                         capture_output=True, text=True, timeout=120)
    check(out.returncode == 0 and out.stderr.strip() == "",
          f"secondme doctor exited {out.returncode}:\n{out.stdout}\n{out.stderr}")
    report = json.loads(out.stdout)
    missing = [name for name, version in report["packages"].items() if not version]
    check(not missing, f"the bundle lacks the metadata of: {missing}")
    check(report["initialized"] is True, f"doctor does not see the self-test's store: {report}")


def desktop_entry(bundle: Path, env: dict[str, str]) -> None:
    out = subprocess.run([str(bundle / "secondme-app"), "--install-desktop-entry"], env=env,
                         capture_output=True, text=True, timeout=120)
    check(out.returncode == 0 and out.stderr.strip() == "",
          f"--install-desktop-entry exited {out.returncode}:\n{out.stderr}")
    entry = Path(env["XDG_DATA_HOME"]) / "applications" / f"{APP_ID}.desktop"
    text = entry.read_text("utf-8")
    exe = (bundle / "secondme-app").resolve()
    check(f"Exec={exe}\n" in text, f"the entry does not start the bundle:\n{text}")
    if shutil.which("desktop-file-validate"):
        v = subprocess.run(["desktop-file-validate", str(entry)], capture_output=True, text=True, timeout=60)
        check(v.returncode == 0, f"desktop-file-validate:\n{v.stdout}{v.stderr}")
    out = subprocess.run([str(bundle / "secondme-app"), "--uninstall-desktop-entry"], env=env,
                         capture_output=True, text=True, timeout=120)
    check(out.returncode == 0 and not entry.exists(), f"--uninstall-desktop-entry failed:\n{out.stderr}")


# --- start-to-tray under Xvfb -------------------------------------------------------------------

def socket_path(data: Path, runtime: str) -> str:
    # Mirrors secondme/app_channel.py:socket_name (kept in sync by this test: a mismatch fails it).
    digest = hashlib.sha256(str(data.resolve()).encode()).hexdigest()[:16]
    return str(Path(runtime) / f"secondme-{os.getuid()}-{digest}.sock")


def call(path: str, message: dict[str, object], timeout: float = 5.0) -> dict[str, object] | None:
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.settimeout(timeout)
    try:
        s.connect(path)
    except (FileNotFoundError, ConnectionRefusedError):
        s.close()
        return None
    with s:
        s.sendall(json.dumps(message).encode() + b"\n")
        buf = b""
        while b"\n" not in buf:
            chunk = s.recv(65536)
            if not chunk:
                break
            buf += chunk
    if b"\n" not in buf:
        return None
    reply: dict[str, object] = json.loads(buf.split(b"\n", 1)[0])
    return reply


def start_x(tmp: Path) -> tuple[str, list[subprocess.Popen[bytes]]]:
    n = next(n for n in range(120, 400)
             if not Path(f"/tmp/.X11-unix/X{n}").exists() and not Path(f"/tmp/.X{n}-lock").exists())
    display = f":{n}"
    procs: list[subprocess.Popen[bytes]] = []
    procs.append(subprocess.Popen(["Xvfb", display, "-screen", "0", "1280x800x24", "-nolisten", "tcp"],
                                  stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
    deadline = time.monotonic() + 15
    while not Path(f"/tmp/.X11-unix/X{n}").exists():
        check(time.monotonic() < deadline and procs[0].poll() is None, "Xvfb did not start")
        time.sleep(0.05)
    procs.append(subprocess.Popen(
        ["trayer", "--edge", "top", "--align", "right", "--widthtype", "request", "--height", "24",
         "--transparent", "false", "--SetDockType", "true"],
        env={**os.environ, "DISPLAY": display}, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
    deadline = time.monotonic() + 15
    while True:
        tree = subprocess.run(["xwininfo", "-root", "-tree"], env={**os.environ, "DISPLAY": display},
                              capture_output=True, text=True, timeout=10).stdout
        if '"panel"' in tree:  # trayer's window: the tray selection is owned
            return display, procs
        check(time.monotonic() < deadline, "trayer did not start")
        time.sleep(0.1)


def tray_start(bundle: Path, data: Path, env: dict[str, str], tmp: Path) -> dict[str, float] | None:
    missing = [t for t in ("Xvfb", "trayer", "xwininfo") if shutil.which(t) is None]
    if missing:
        msg = f"start-to-tray skipped: {', '.join(missing)} missing (bash scripts/system-deps.sh)"
        check(not os.environ.get("CI"), msg)
        print(msg)
        return None
    display, xprocs = start_x(tmp)
    err_file = tmp / "app.err"
    app = None
    try:
        app_env = {**env, "DISPLAY": display, "QT_QPA_PLATFORM": "xcb"}
        sock = socket_path(data, env["XDG_RUNTIME_DIR"])
        with open(err_file, "wb") as fe:
            t0 = time.monotonic()
            app = subprocess.Popen([str(bundle / "secondme-app"), "--data-dir", str(data)], env=app_env,
                                   stdout=subprocess.DEVNULL, stderr=fe)
        times: dict[str, float] = {}
        deadline = t0 + 120
        while "ready" not in times:
            check(time.monotonic() < deadline, f"the bundle did not get ready: {times}")
            check(app.poll() is None, f"the bundle exited with {app.returncode}")
            r = call(sock, {"cmd": "ping"})
            now = time.monotonic() - t0
            if r is not None:
                times.setdefault("socket", round(now, 3))
                if r.get("tray"):
                    times.setdefault("tray", round(now, 3))
                if r.get("state") == "ready":
                    check(bool(r.get("tray")), f"ready without a tray icon: {r}")
                    check(not r.get("window"), f"a window opened although a tray exists: {r}")
                    times["ready"] = round(now, 3)
            time.sleep(0.02)
        check(call(sock, {"cmd": "quit"}) is not None, "the bundle did not answer quit")
        rc = app.wait(60)
        check(rc == 0, f"the bundle exited with {rc}")
    finally:
        if app is not None and app.poll() is None:
            app.kill()
            app.wait(10)
        for p in reversed(xprocs):
            p.terminate()
            try:
                p.wait(10)
            except subprocess.TimeoutExpired:
                p.kill()
    stderr = err_file.read_text("utf-8", "replace")
    check(stderr.strip() == "", f"unexpected output on the bundle's stderr:\n{stderr}")
    return times


def main(argv: list[str]) -> int:
    bundle = Path(argv[1] if len(argv) > 1 else "dist/SecondMe").resolve()
    if not (bundle / "secondme-app").is_file():
        print(f"no bundle at {bundle}: run make package first", file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory(prefix="secondme-smoke-") as d:
        tmp = Path(d)
        env = base_env(tmp)
        data = tmp / "data"
        try:
            summary = self_test(bundle, data, env)
            print(f"self-test: {json.dumps(summary)}")
            cli_help(bundle, env)
            cli_doctor(bundle, data, env)
            print("cli: ok")
            if sys.platform.startswith("linux"):
                desktop_entry(bundle, env)
                print("desktop entry: ok")
                times = tray_start(bundle, data, env, tmp)
                if times is not None:
                    print(f"start-to-tray (s): {json.dumps(times)}")
        except SmokeFailure as exc:
            print(f"SMOKE TEST FAILED: {exc}", file=sys.stderr)
            return 1
    print("smoke test passed")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
