"""The patient list as the app shows it: every patient with the date of their latest assessment.

The app fills this list just after its first paint, so it is read with :mod:`sqlite3` alone (same
connection pragmas as everywhere, see :meth:`planner.db.engine.Database.connect`) and without SQLAlchemy,
which the first screen then never loads.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from planner.db.engine import Database


@dataclass(frozen=True, slots=True)
class PatientRow:
    id: str
    name: str
    birth_date: str | None
    sex: str | None
    archived: bool
    last_assessed_on: str | None
    assessment_count: int


def list_patients(database: Database, *, include_archived: bool = True) -> list[PatientRow]:
    """All patients with their latest assessment date, in one query, ordered by name.

    Plain rows rather than ORM objects (about a second less for 10,000 patients). Values that repeat across
    patients (dates, sex) are shared rather than stored once per row, which saves about a quarter of the
    list's memory.
    """
    where = "" if include_archived else "WHERE NOT p.archived"
    sql = (
        "SELECT p.id, p.name, p.birth_date, p.sex, p.archived, "
        "(SELECT max(a.assessed_on) FROM assessment a WHERE a.patient_id = p.id), "
        "(SELECT count(*) FROM assessment a WHERE a.patient_id = p.id) "
        f"FROM patient p {where} ORDER BY p.name COLLATE NOCASE, p.id"
    )
    shared: dict[str, str] = {}
    share = shared.setdefault
    with database.connect() as connection:
        return [
            PatientRow(
                r[0],
                r[1],
                None if r[2] is None else share(r[2], r[2]),
                None if r[3] is None else share(r[3], r[3]),
                bool(r[4]),
                None if r[5] is None else share(r[5], r[5]),
                r[6],
            )
            for r in connection.execute(sql)
        ]
