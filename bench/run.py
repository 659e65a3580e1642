"""All the figures, in the order of the README's table: what the user feels first, then the core's own."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from pathlib import Path

from bench import app, core
from bench.measure import Figure
from planner.demo import generate_demo
from planner.opening import open_database
from planner.record.patients import list_patients


def run_benchmarks(
    *,
    patients: int,
    recommendations: list[int],
    documents: int,
    repeat: int,
    database: Path | None = None,
    progress: Callable[[str], None] = lambda _m: None,
) -> list[Figure]:
    """All the figures; the app's over ``database`` when one is given (a copy: the runs take its daily backup
    and open its patients), else over a new one of ``patients`` synthetic patients."""
    figures: list[Figure] = []
    with tempfile.TemporaryDirectory() as folder:
        if database is None:
            database_path = Path(folder) / "bench.sqlite3"
            progress(f"making a database of {patients:,} synthetic patients")
            opened = open_database(database_path)
            generate_demo(opened, patients)
        else:
            database_path = database
            opened = open_database(database_path)
            patients = len(list_patients(opened))
        opened.dispose()
        if hasattr(os, "sync"):
            os.sync()  # flush the new file now, or the first start-ups pay for the kernel writing it back
        progress("launch, first patient opened, memory")
        figures += app.launch_figures(database_path, patients, repeat=max(3, min(repeat, 7)))
        progress("a keystroke in the assessment editor, print preview")
        figures += app.editor_figures(repeat)
        progress("clinician PDF")
        figures += core.pdf_figures(repeat=max(15, repeat * 3))
        progress("full-text search")
        figures += core.search_figures(documents, repeat=max(repeat * 5, 20))
        progress("daily backup")
        figures += core.backup_figures(database_path, patients, repeat=max(3, min(repeat, 5)))
        progress("patient filter")
        figures += app.filter_figures(database_path)
    progress("plan generation")
    figures += core.plan_figures(repeat=max(repeat * 20, 50))
    progress("scaling with synthetic recommendations")
    figures += core.scaling_figures(recommendations, repeat=max(3, repeat))
    return figures
