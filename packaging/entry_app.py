"""Frozen entry point of ``secondme-app`` (the same function the ``secondme-app`` script runs)."""

import sys

if __name__ == "__main__":
    # Before anything else is imported: telemetry opt-outs, no core dumps (secondme.hardening).
    from secondme.hardening import harden_process

    harden_process()
    if len(sys.argv) == 3 and sys.argv[1] == "--secondme-vector-child":
        # The vector index's helper process (secondme/index/vector_process.py), before any UI.
        from secondme.index.vector_process import child_main

        sys.exit(child_main(int(sys.argv[2])))
    from ui.main import main

    sys.exit(main())
