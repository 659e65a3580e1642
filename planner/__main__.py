"""Entry point: ``planner`` with a subcommand runs the command line; with none it opens the desktop app."""

from __future__ import annotations

import sys
import time

STARTED = time.perf_counter()
"""When this process reached Python code; --smoke reports start-up time from here."""


def main(argv: list[str] | None = None) -> int:
    from planner.cli import run

    return run(sys.argv[1:] if argv is None else argv)


if __name__ == "__main__":
    sys.exit(main())
