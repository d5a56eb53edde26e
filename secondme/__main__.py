"""``python -m secondme``: the same command line as the ``secondme`` script."""

import sys

from secondme.cli.main import main

sys.exit(main())
