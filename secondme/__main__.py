import sys

from secondme.cli.main import main

sys.exit(main())
