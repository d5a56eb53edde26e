"""Second Me: a private, local-only memory assistant (headless core, no Qt)."""

from secondme.hardening import quiet_dependencies as _quiet_dependencies

__version__ = "0.1.0"

# Before any dependency is imported: ONNX Runtime writes a device id under ~/.cache/Microsoft
# and looks up a telemetry host at import unless told not to. Entry points force these values
# (secondme.hardening.harden_process); a program using the core as a library keeps its own.
_quiet_dependencies(force=False)
