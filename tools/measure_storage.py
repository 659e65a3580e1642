"""How much a stored plan version takes, how large the demo database grows, and how long its backup takes.

    .venv/bin/python tools/measure_storage.py [--patients 10000] [--keep PATH]

Makes a database of synthetic patients (``planner demo``: 1-3 visits each, a drafted plan per visit), then
prints, with the targets of issue 13:

* the average stored plan version: the bytes SQLite uses for the plan table (rows and their overflow
  pages) plus the plan parts, per plan version; and, apart, the part of it that is the plan row itself;
* the database file's size;
* the backup (planner.storage.backup, SQLite's online backup API, as the daily backup makes it), the
  median of three.

A script that prints numbers, not a test: a timing depends on the machine and on what else runs on it.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

KB = 1024
MB = 1024 * 1024


def table_bytes(database: object) -> dict[str, int]:
    """Bytes of the file's pages by table and index (SQLite's dbstat), read through the planner's engine."""
    from sqlalchemy import text

    with database.connection() as connection:  # type: ignore[attr-defined]
        rows = connection.execute(text("SELECT name, sum(pgsize) FROM dbstat GROUP BY name")).all()
    return {name: int(size) for name, size in rows}


def count(database: object, table: str) -> int:
    from sqlalchemy import text

    with database.connection() as connection:  # type: ignore[attr-defined]
        return int(connection.execute(text(f"SELECT count(*) FROM {table}")).scalar_one())


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--patients", type=int, default=10_000)
    parser.add_argument("--keep", type=Path, help="make the database here and keep it (default: a temporary folder)")
    args = parser.parse_args()

    from planner.demo import generate_demo
    from planner.opening import open_database
    from planner.storage.backup import backup_database

    with tempfile.TemporaryDirectory() as folder:
        path = args.keep or Path(folder) / "demo.sqlite3"
        started = time.perf_counter()
        database = open_database(path)
        assessments = generate_demo(database, args.patients)
        made = time.perf_counter() - started
        plans = count(database, "plan")
        parts = count(database, "plan_part")
        sizes = table_bytes(database)
        plan_bytes = sum(size for name, size in sizes.items() if name == "plan" or name.startswith("ix_plan_"))
        part_bytes = sum(size for name, size in sizes.items() if "plan_part" in name)
        file_bytes = path.stat().st_size
        times = []
        for _ in range(3):
            target = Path(folder) / f"backup-{len(times)}.sqlite3"
            started = time.perf_counter()
            backup_database(database, target)
            times.append(time.perf_counter() - started)
            target.unlink()
        database.dispose()

    print(f"{args.patients:,} patients, {assessments:,} assessments, {plans:,} plan versions (made in {made:.0f} s)")
    print(f"plan parts: {parts:,} distinct, {part_bytes / MB:.1f} MB")
    print(
        f"average stored plan version: {(plan_bytes + part_bytes) / plans / KB:.1f} KB "
        f"(plan row {plan_bytes / plans / KB:.1f} KB + its share of the parts {part_bytes / plans / KB:.1f} KB); "
        "target <= 8 KB"
    )
    print(f"database file: {file_bytes / MB:.1f} MB; target <= 250 MB for 10,000 patients")
    largest = sorted(sizes.items(), key=lambda item: -item[1])[:6]
    print("largest tables and indexes: " + ", ".join(f"{name} {size / MB:.1f} MB" for name, size in largest))
    print(
        f"backup: median {statistics.median(times):.2f} s (of {', '.join(f'{t:.2f}' for t in times)}); "
        "target <= 1.5 s for 10,000 patients"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
