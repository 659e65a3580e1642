"""``python -m bench [options]``: the same as ``planner bench [options]`` (see :mod:`bench`)."""

import sys

from planner.__main__ import main

if __name__ == "__main__":
    sys.exit(main(["bench", *sys.argv[1:]]))
