"""Second Me: a private, local-only memory assistant (headless core, no Qt)."""

__version__ = "0.1.0"
