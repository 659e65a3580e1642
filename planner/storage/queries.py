"""Every SQL statement the planner writes by hand, in one place, in SQL that SQLite and PostgreSQL both run.

The rest of the planner reads and writes through SQLAlchemy: SQLModel sessions for the ORM's rows, and the
statements here (SQLAlchemy Core ``text()`` with named parameters) for reads that a screen needs fast or as
plain rows, and for the few writes that must be exactly so (the audit log, the plan parts). Keeping them
together lets one test run each of them against a freshly migrated schema (tests/storage/test_queries.py), and a
second database engine check them all in one file.

Portable means: named parameters (``:name``), no SQLite-only syntax (no ``COLLATE NOCASE``, ``rowid``,
``INSERT OR ...``, ``sqlite_master``, ``PRAGMA``), a name for every subquery in FROM, ``lower()`` for a
case-insensitive order (SQLite folds ASCII only, as its NOCASE collation did), and booleans tested as
booleans. What only SQLite has lives in planner.storage.sqlite (the file, PRAGMAs, the backup API) and
planner.storage.search_sqlite (the full-text index).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, Protocol

from sqlalchemy import bindparam, text

# The patient list and the follow-up schedule: read at start-up, as plain rows -----------------------------

_PATIENTS = (
    "SELECT p.id, p.name, p.birth_date, p.sex, p.archived, "
    "(SELECT max(a.assessed_on) FROM assessment a WHERE a.patient_id = p.id), "
    "(SELECT count(*) FROM assessment a WHERE a.patient_id = p.id) "
    "FROM patient p {where}ORDER BY lower(p.name), p.id"
)
PATIENT_LIST = text(_PATIENTS.format(where=""))
"""Every patient with the date of their latest assessment and the number of assessments, by name. Both
subqueries read the index on (patient_id, assessed_on) alone, never an assessment's row."""
ACTIVE_PATIENT_LIST = text(_PATIENTS.format(where="WHERE NOT p.archived "))
"""The same, without archived patients."""

_FOLLOW_UP = (
    "SELECT f.id, f.patient_id, p.name, f.assessment_id, f.plan_id, f.item_id, f.section, f.title, f.due_on, "
    "f.due_until, f.completed_on FROM follow_up f JOIN patient p ON p.id = f.patient_id "
    "WHERE {where} AND f.assessment_id IN (SELECT latest.id FROM (SELECT id, row_number() OVER "
    "(PARTITION BY patient_id ORDER BY assessed_on DESC, id DESC) AS newest FROM assessment{assessments}) latest "
    "WHERE latest.newest = 1) "
    "ORDER BY f.due_on, lower(p.name), f.patient_id, f.item_id"
)
# Only a patient's latest assessment counts (by date, then by id): the assessments are numbered once, newest
# first per patient. Looking for a later assessment for every follow-up row read about fifty thousand
# assessment rows for the due list of 10,000 patients (three times slower).
DUE_FOLLOW_UPS = text(
    _FOLLOW_UP.format(where="f.completed_on IS NULL AND f.due_on <= :horizon AND NOT p.archived", assessments="")
)
"""Open follow-ups of active patients due on or before ``horizon``, of each patient's latest assessment."""
PATIENT_FOLLOW_UPS = text(
    _FOLLOW_UP.format(where="f.patient_id = :patient_id", assessments=" WHERE patient_id = :patient_id")
)
"""Every follow-up of a patient's latest assessment, done ones included."""

# Patients ------------------------------------------------------------------------------------------------

PATIENT_IDS = text("SELECT id FROM patient ORDER BY id")
PATIENT_NAMES = text("SELECT id, name, birth_date FROM patient ORDER BY id")
"""What tells a new patient from the stored ones: ids, names and birth dates."""
PATIENT_COUNT = text("SELECT count(*) FROM patient")

# The document library ------------------------------------------------------------------------------------

DOCUMENT_BODIES = text("SELECT body FROM document WHERE origin = :origin")
"""The stored texts of the documents of one origin (shipped or imported)."""
DOCUMENT_ORIGIN = text("SELECT origin FROM document WHERE id = :document_id")
ENABLED_DOCUMENT_CHECKSUMS = text("SELECT id, sha256 FROM document WHERE enabled ORDER BY id")
"""The enabled library's fingerprint: the compiled library is cached under it."""
DOCUMENT_COUNT = text("SELECT count(*) FROM document")

# The schema and the database's id ------------------------------------------------------------------------

SCHEMA_REVISION = text("SELECT version_num FROM alembic_version")
DATABASE_ID = text("SELECT id FROM database_identity")
ADD_DATABASE_ID = text(
    "INSERT INTO database_identity (id, created_at) SELECT :id, :created_at "
    "WHERE NOT EXISTS (SELECT 1 FROM database_identity)"
)
"""The database's id, unless it has one (the schema makes it; this replaces one removed by hand)."""

# The audit log: written as text exactly as it is hashed --------------------------------------------------

LAST_AUDIT_ENTRY = text("SELECT id, entry_hash FROM audit_log ORDER BY id DESC LIMIT 1")
APPEND_AUDIT_ENTRY = text(
    "INSERT INTO audit_log (id, at, actor, action, subject, detail, prev_hash, entry_hash) "
    "VALUES (:id, :at, :actor, :action, :subject, :detail, :prev_hash, :entry_hash)"
)
AUDIT_CHAIN = text("SELECT id, at, actor, action, subject, detail, prev_hash, entry_hash FROM audit_log ORDER BY id")
AUDIT_ENTRIES_OF = text("SELECT subject, detail FROM audit_log WHERE action = :action ORDER BY id")
"""Every entry of one action (``plan.sign``: the hash each plan was signed with)."""
FIRST_AUDIT_TIME = text("SELECT min(at) FROM audit_log")
LAST_CHANGE = text("SELECT max(id) FROM audit_log")
"""The clinic's change counter: every action that writes appends an entry, so another workstation's change
shows as a new last entry (read every few seconds by the app on a clinic server; the primary key answers)."""

# Plan parts: each distinct part of a stored plan once, by content hash (planner.storage.plan_parts) -----

PLAN_PARTS = text("SELECT id, hash, body FROM plan_part WHERE id IN :ids").bindparams(bindparam("ids", expanding=True))
"""The parts with these ids (those stored; a missing one is damage), each with the hash of its text."""
STORED_PLAN_PARTS = text("SELECT hash, id FROM plan_part WHERE hash IN :hashes").bindparams(
    bindparam("hashes", expanding=True)
)
"""The ids of the parts with these hashes, of those stored already."""
ADD_PLAN_PART = text("INSERT INTO plan_part (hash, body) VALUES (:hash, :body) ON CONFLICT (hash) DO NOTHING")
"""A part, unless it is stored already (the same hash is the same text: nothing to do); its id is the next."""
EVERY_PLAN_PART = text("SELECT id, hash, body FROM plan_part ORDER BY id")


class SearchIndex(Protocol):
    """What each full-text index module offers (planner.storage.search_sqlite, planner.storage.search_postgres)."""

    def index_document(self, connection: Any, document_id: str, synonym_groups: Iterable[str]) -> None: ...
    def unindex_document(self, connection: Any, document_id: str) -> None: ...
    def check_index(self, connection: Any) -> str | None: ...
    def search(self, connection: Any, words: list[str], limit: int, highlight: tuple[str, str]) -> list[Any]: ...


def search_index(connection: Any) -> SearchIndex:
    """The full-text index module of the database behind ``connection`` (a SQLAlchemy connection or session):
    SQLite's FTS5 (planner.storage.search_sqlite) or PostgreSQL's text search (planner.storage.search_postgres),
    which offer the same functions."""
    bind = connection.get_bind() if hasattr(connection, "get_bind") else connection
    if bind.dialect.name == "postgresql":
        from planner.storage import search_postgres

        return search_postgres
    from planner.storage import search_sqlite

    return search_sqlite
