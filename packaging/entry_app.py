"""Frozen entry point of ``secondme-app`` (the same function the ``secondme-app`` script runs)."""

import sys

from ui.main import main

if __name__ == "__main__":
    sys.exit(main())
