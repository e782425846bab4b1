"""`nbgrader` as its console script runs it, for apps.py to start: importing this package first
defers the imports of deferred_imports.py, about a second of CPU less for every nbgrader app run."""

import sys

from nbgrader.apps.nbgraderapp import main

from .apps import BIN_DIR

if __name__ == "__main__":
    sys.argv[0] = str(BIN_DIR / "nbgrader")  # what the console script would see: nbgrader's help names it
    sys.exit(main())
