"""Child process for the crash and concurrency tests: stores assessments with plans in a loop and prints
each id only after its transaction has committed."""

from __future__ import annotations

import sys

from planner.assessment.validate import validate_assessment
from planner.library.store import load_library
from planner.opening import open_database
from planner.paths import database_location
from planner.record.assessments import store_assessment


def main() -> None:
    path, tag, count = database_location(sys.argv[1]), sys.argv[2], int(sys.argv[3])  # a file or a server
    database = open_database(path)
    load_library(database)  # compile once up front, so the kills land among writes, not during start-up
    print("ready", flush=True)
    for number in range(count):
        assessment = validate_assessment(
            {
                "format": "lsp-assessment/1",
                "patient": {"id": f"{tag}-{number}", "name": f"Writer {tag} {number}"},
                "assessed_on": "2026-11-01",
                "history": {"etiology": "idiopathic", "affected_side": "left"},
                "strength": {"knee_extension": {"left": number % 6}},
                "pain": {"nrs": number % 11},
            }
        )
        stored = store_assessment(database, assessment)
        print(f"stored {stored.assessment_id} {stored.plan_id} {tag}-{number}", flush=True)


if __name__ == "__main__":
    main()
