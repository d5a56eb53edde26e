"""The ``secondme`` command line: one module per area, each registering its subcommands."""
