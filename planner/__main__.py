"""Entry point: ``planner`` with a subcommand runs the command line; with none it opens the desktop app."""

from __future__ import annotations

import sys
import time

STARTED = time.perf_counter()
"""When this process reached Python code; --smoke reports start-up time from here."""


def main(argv: list[str] | None = None) -> int:
    import os

    from planner.cli import run

    # Patient data: every file the planner creates (database journals, drafts, logs, backups, exports) is
    # readable by this user only.
    os.umask(0o077)

    return run(sys.argv[1:] if argv is None else argv, started=STARTED)


if __name__ == "__main__":
    sys.exit(main())
