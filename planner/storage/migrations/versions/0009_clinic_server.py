"""Clinic server: PostgreSQL's guards, text search and roles; who signed a plan, from the connection.

On both databases ``plan.signed_login`` records the login that signed a plan (the operating-system account on
a workstation; on a clinic server the connection's own role, set by the server itself, whatever the
application sends).

On PostgreSQL (a new clinic database: the earlier revisions made only its tables there) this makes what
SQLite has in triggers and FTS5, in PostgreSQL's own terms (planner.storage.guards_postgres holds the SQL):

- the guards: signed plans, the audit log, stored plan parts and the database's id refused any change, as
  on SQLite, by triggers owned by the schema's owner (the role running this migration), which the clinic's
  logins are not, so none of them can drop or disable one; TRUNCATE is refused too;
- full-text search: a stored ``tsvector`` column on ``passage`` (heading weighted above the text) with a GIN
  index, through a text search configuration with ``unaccent`` and the Porter stemmer (the stemmer SQLite's
  index uses), and ``search_synonym`` for the documents' synonym tables;
- the roles ``planner_clinician``, ``planner_front_desk`` and ``planner_clinical_lead`` (group roles without
  login; each clinician's login is made a member of one) with their grants: the front desk reads and logs
  prints, clinicians also write records and sign, the clinical lead also edits the guidance documents.

Revision ID: 0009_clinic_server
Revises: 0008_plan_parts
Create Date: 2026-12-06
"""

import sqlalchemy as sa
from alembic import op

revision = "0009_clinic_server"
down_revision = "0008_plan_parts"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("plan", sa.Column("signed_login", sa.String(), nullable=True))
    if op.get_bind().dialect.name != "postgresql":
        return
    from planner.storage.guards_postgres import SCHEMA

    for statement in SCHEMA:
        op.execute(statement)


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        from planner.storage.guards_postgres import DROP_SCHEMA

        for statement in DROP_SCHEMA:
            op.execute(statement)
    op.execute("ALTER TABLE plan DROP COLUMN signed_login")
