"""Child process for the busy tests: holds an SQLite lock on a database until told to let go.

Usage: python -m tests.lock_holder DB [EXCLUSIVE|IMMEDIATE]. Prints "locked" once the lock is held, then
waits for a line on standard input (or its end) and rolls back.
"""

from __future__ import annotations

import sqlite3
import sys


def main() -> None:
    path, mode = sys.argv[1], (sys.argv[2] if len(sys.argv) > 2 else "EXCLUSIVE")
    connection = sqlite3.connect(path, isolation_level=None)
    connection.execute(f"BEGIN {mode}")
    connection.execute("SELECT count(*) FROM sqlite_master").fetchone()
    print("locked", flush=True)
    sys.stdin.readline()
    connection.execute("ROLLBACK")
    connection.close()


if __name__ == "__main__":
    main()
