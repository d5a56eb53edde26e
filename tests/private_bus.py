"""A private D-Bus session bus for a test: a real ``dbus-daemon`` that starts no services.

The standard session configuration would start any D-Bus service installed on the machine when
something asks for its name (the desktop portal, the document portal with its FUSE mount…);
a test wants exactly the services it starts itself, so this bus has no service directories.
"""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

_CONFIG = """<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>session</type>
  <listen>unix:path={socket}</listen>
  <auth>EXTERNAL</auth>
  <policy context="default">
    <allow send_destination="*" eavesdrop="true"/>
    <allow eavesdrop="true"/>
    <allow own="*"/>
  </policy>
</busconfig>
"""


@contextmanager
def private_session_bus(folder: Path) -> Iterator[str]:
    """Run a bus with its socket in ``folder``; yields its address, stops it on exit."""
    daemon = shutil.which("dbus-daemon")
    assert daemon, "dbus-daemon is missing: scripts/system-deps.sh installs it (dbus)"
    config = folder / "bus.conf"
    config.write_text(_CONFIG.format(socket=folder / "bus"), encoding="utf-8")
    proc = subprocess.Popen([daemon, f"--config-file={config}", "--nofork", "--nopidfile",
                             "--print-address=1"],
                            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    assert proc.stdout is not None
    try:
        address = proc.stdout.readline().strip()
        assert address.startswith("unix:"), "dbus-daemon did not start"
        yield address
    finally:
        proc.terminate()
        proc.wait(timeout=10)
        proc.stdout.close()
