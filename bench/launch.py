"""Runs a python command line (`manage.py ...` or `-m module ...`) with channels_redis's log lines on stderr.

channels_redis reports "N of M channels over capacity in group G" at INFO on its own logger, which
the project's logging settings do not print; the bench counts those lines, so it starts workers and
daphne through this module. Nothing else changes.
"""

import logging
import runpy
import sys
from pathlib import Path


def main() -> None:
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(asctime)s %(name)s %(levelname)s %(message)s"))
    logger = logging.getLogger("channels_redis")
    logger.setLevel(logging.INFO)
    logger.addHandler(handler)
    args = sys.argv[1:]
    if args[0] == "-m":
        sys.argv = [args[1], *args[2:]]
        runpy.run_module(args[1], run_name="__main__", alter_sys=True)
    else:
        sys.argv = args
        sys.path.insert(0, str(Path(args[0]).resolve().parent))
        runpy.run_path(args[0], run_name="__main__")


if __name__ == "__main__":
    main()
