"""``python -m secondme.index.vector_child FD``: the process that hosts the vector index."""

import sys

from secondme.index.vector_process import child_main

if __name__ == "__main__":
    sys.exit(child_main(int(sys.argv[1])))
