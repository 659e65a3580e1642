"""Child process for the fault-injection tests: a restore (through the command line) or the daily backup,
started only once everything it needs is imported, so that a kill lands in the work itself.

Usage: python -m tests.storage_faults restore DB BACKUP
       python -m tests.storage_faults backup DB
Prints "ready" just before the work and "done SECONDS" after it.
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

import planner.paths  # with the modules above: what the work imports, loaded before "ready"
import planner.storage.backup
import planner.storage.migrate
import planner.storage.restore
from planner.cli import run


def main() -> None:
    mode, database = sys.argv[1], Path(sys.argv[2])
    if mode == "restore":
        work = lambda: run(["--db", str(database), "db", "restore", sys.argv[3]])  # noqa: E731
    else:
        backups = planner.storage.backup.list_backups(database)
        if backups:  # make today's backup due: the last one two days old, the data changed since
            old = time.time() - 2 * 86400
            os.utime(backups[0].path, (old, old))
        os.utime(database)
        work = lambda: planner.storage.backup.automatic_backup(database)  # noqa: E731
    print("ready", flush=True)
    started = time.perf_counter()
    outcome = work()
    print(f"done {time.perf_counter() - started:.4f} {outcome}", flush=True)


if __name__ == "__main__":
    main()
