"""Frozen entry point of the ``secondme`` command line (the same function the script runs)."""

import sys

from secondme.cli.main import main

if __name__ == "__main__":
    sys.exit(main())
