"""Load test of clinic mode (a benchmark, not a test): several workstations saving and signing on the same
patients of one PostgreSQL server, beside the same work on SQLite with one writer.

    .venv/bin/python tools/clinic_load.py                      # a throwaway server, 8 workstations, 2 minutes
    .venv/bin/python tools/clinic_load.py --seconds 30 --server postgresql://HOST/DB

Each workstation is a process with its own connections. It opens a patient's latest plan, changes the pain
score and saves (or, one time in five, signs what it opened), through the planner's own functions, exactly
as the app does: a save or sign-off over a version someone else changed since it was opened is refused
(PlanChangedError, or PlanSignedError for a plan signed meanwhile), and counted as a conflict. Anything
else is an unexpected error.

Afterwards: zero lost updates means no two acknowledged writes were based on the same opened row version
(each acknowledged write saw every write before it), every acknowledged save's content is what the
database holds unless a later acknowledged write replaced it, and every acknowledged write has its audit
entry. The p50 and p95 save latency are printed beside the same loop on an SQLite file with one writer.
"""

from __future__ import annotations

import argparse
import multiprocessing
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))


def _assessment(patient: int, pain: int) -> dict[str, Any]:
    from tests.conftest import make_assessment

    return make_assessment(patient={"id": f"LOAD-{patient}", "name": f"Load Patient {patient}"}, pain={"nrs": pain})


def prepare(location: str, patients: int) -> list[int]:
    """The patients every workstation works on: one stored assessment each; their assessment ids."""
    from planner.opening import open_database
    from planner.record.assessments import store_assessment

    database = open_database(location)
    try:
        return [store_assessment(database, _assessment(p, 0)).assessment_id for p in range(patients)]
    finally:
        database.dispose()


def workstation(
    location: str, assessments: list[int], seconds: float, seed: int, results: Any, think: float = 0.05
) -> None:
    """One workstation's loop; puts its log on ``results``: (kind, base stamp, new stamp, pain, ms)."""
    from planner.edits import PlanEdits
    from planner.opening import open_database
    from planner.record.assessments import save_draft
    from planner.record.plans import PlanChangedError, PlanSignedError, latest_plan, sign_plan

    rng = random.Random(seed)
    database = open_database(location, seed_library=False)
    log: list[tuple[Any, ...]] = []
    deadline = time.monotonic() + seconds
    try:
        while time.monotonic() < deadline:
            assessment_id = rng.choice(assessments)
            opened = latest_plan(database, assessment_id)
            base = (opened.id, opened.row_version)
            time.sleep(rng.uniform(0.0, think))  # the clinician looks at the screen
            started = time.perf_counter()
            try:
                if rng.random() < 0.2 and not opened.signed:
                    done = sign_plan(
                        database, opened.id, f"WS{seed}", "PT", opened=opened.stamp, shown_hash=opened.draft_hash
                    )
                    log.append(("sign", base, (done.id, done.row_version), None, 0.0))
                else:
                    pain = rng.randint(0, 10)
                    assessment = dict(opened.assessment, pain={"nrs": pain})
                    done = save_draft(database, assessment_id, assessment, PlanEdits(), opened=opened.stamp)
                    ms = (time.perf_counter() - started) * 1000
                    log.append(("save", base, (done.id, done.row_version), pain, ms))
            except (PlanChangedError, PlanSignedError):
                log.append(("conflict", base, None, None, (time.perf_counter() - started) * 1000))
            except Exception as exc:  # counted and shown: the load test's point
                log.append(("error", base, None, f"{type(exc).__name__}: {exc}"[:300], 0.0))
    finally:
        database.dispose()
        results.put(log)


def check(location: str, logs: list[tuple[Any, ...]]) -> dict[str, Any]:
    """Lost updates and missing saves, from the workstations' logs and the database as it ended."""
    from sqlalchemy import text

    from planner.opening import open_database
    from planner.record.plans import get_plan

    acknowledged = [entry for entry in logs if entry[0] in ("save", "sign")]
    # Two acknowledged writes that changed something over the same opened version: one of them overwrote the
    # other unseen. (A save of what is stored already changes nothing and keeps the row version.)
    bases = [entry[1] for entry in acknowledged if entry[2] != entry[1]]
    lost = len(bases) - len(set(bases))
    database = open_database(location, seed_library=False)
    try:
        newest: dict[int, tuple[Any, ...]] = {}
        for entry in acknowledged:
            plan_id, row_version = entry[2]
            if entry[0] == "save" and (plan_id not in newest or newest[plan_id][2][1] < row_version):
                newest[plan_id] = entry
        missing = 0
        for plan_id, entry in newest.items():
            record = get_plan(database, plan_id)
            if record.assessment["pain"]["nrs"] != entry[3] and not (
                record.signed and record.row_version > entry[2][1]
            ):
                missing += 1
        with database.connection() as connection:
            audited = connection.execute(
                text("SELECT count(*) FROM audit_log WHERE action IN ('plan.save_draft', 'plan.sign')")
            ).scalar()
        unchanged = sum(1 for entry in acknowledged if entry[2] == entry[1])
    finally:
        database.dispose()
    return {
        "lost": lost,
        "missing": missing,
        "audited": audited,
        "acknowledged": len(acknowledged),
        "unchanged": unchanged,
    }


def run(location: str, workstations: int, seconds: float, patients: int, think: float) -> dict[str, Any]:
    assessments = prepare(location, patients)
    context = multiprocessing.get_context("spawn")
    results = context.Queue()
    processes = [
        context.Process(target=workstation, args=(location, assessments, seconds, seed, results, think))
        for seed in range(workstations)
    ]
    for process in processes:
        process.start()
    logs = [entry for _ in processes for entry in results.get()]
    for process in processes:
        process.join()
    saves = [entry[4] for entry in logs if entry[0] == "save"]
    figures = check(location, logs)
    figures |= {
        "saves": len(saves),
        "signs": sum(1 for entry in logs if entry[0] == "sign"),
        "conflicts": sum(1 for entry in logs if entry[0] == "conflict"),
        "errors": [entry[3] for entry in logs if entry[0] == "error"],
        "p50_ms": statistics.median(saves) if saves else float("nan"),
        "p95_ms": statistics.quantiles(saves, n=20)[-1] if len(saves) >= 20 else float("nan"),
    }
    return figures


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--server", help="a clinic database to use (default: a throwaway server)")
    parser.add_argument("--workstations", type=int, default=8)
    parser.add_argument("--seconds", type=float, default=120.0)
    parser.add_argument("--patients", type=int, default=4, help="how many patients they all work on")
    parser.add_argument(
        "--think", type=float, default=0.05, help="longest pause between opening and saving, in seconds"
    )
    args = parser.parse_args()
    server = None
    location = args.server
    if location is None:
        from tests.postgres_server import start_server

        server = start_server()
        server.admin('CREATE DATABASE "load"')
        location = server.url("load")
    try:
        clinic = run(location, args.workstations, args.seconds, args.patients, args.think)
        with tempfile.TemporaryDirectory() as folder:
            single = run(str(Path(folder) / "load.sqlite3"), 1, args.seconds, args.patients, args.think)
    finally:
        if server is not None:
            server.stop()
    print(f"{'':34}{'PostgreSQL':>14}{'SQLite':>12}")
    print(f"{'workstations':34}{args.workstations:>14}{1:>12}")
    for name in ("acknowledged", "saves", "signs", "unchanged", "conflicts", "lost", "missing", "audited"):
        print(f"{name:34}{clinic[name]:>14}{single[name]:>12}")
    print(f"{'unexpected errors':34}{len(clinic['errors']):>14}{len(single['errors']):>12}")
    print(f"{'save latency p50 (ms)':34}{clinic['p50_ms']:>14.1f}{single['p50_ms']:>12.1f}")
    print(f"{'save latency p95 (ms)':34}{clinic['p95_ms']:>14.1f}{single['p95_ms']:>12.1f}")
    for error in (clinic["errors"] + single["errors"])[:10]:
        print(f"error: {error}")
    good = all(f["lost"] == 0 and f["missing"] == 0 and not f["errors"] for f in (clinic, single))
    good = good and all(f["audited"] == f["acknowledged"] for f in (clinic, single))
    print("zero lost updates, zero unexpected errors" if good else "PROBLEMS FOUND")
    return 0 if good else 1


if __name__ == "__main__":
    sys.exit(main())
