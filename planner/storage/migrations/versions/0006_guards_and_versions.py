"""Guards against REPLACE, a row version on plans, the database's own id, and a hash-chained audit log.

- ``INSERT OR REPLACE`` / ``UPDATE OR REPLACE`` delete a conflicting row without firing delete triggers, which
  turned a signed plan into a draft or deleted it, and rewrote audit entries. Insert and update triggers now
  refuse every such path (see planner.db.guards).
- ``plan.row_version`` counts the changes to a plan row, so a save or a sign-off of a version someone else
  changed since it was opened is refused (planner.records). Existing rows start at 1.
- ``database_identity`` holds an id made here, which backups carry as copies, so a backup is restored only
  onto its own database (planner.db.identity).
- Each audit entry carries the hash of the entry before it and of its own content (planner.audit); the
  existing entries are chained here, in id order.

The trigger texts are kept here as they were made; planner.db.guards holds the newest schema's, and a test
keeps the two the same.

Revision ID: 0006_guards_and_versions
Revises: 0005_patient_dates
Create Date: 2026-11-22
"""

import sqlalchemy as sa
from alembic import op

from planner.clock import stored_time, utc_now
from planner.storage.audit import chain_hash
from planner.storage.identity import new_database_id

revision = "0006_guards_and_versions"
down_revision = "0005_patient_dates"
branch_labels = None
depends_on = None

TRIGGERS = (
    "CREATE TRIGGER plan_signed_no_replace BEFORE INSERT ON plan WHEN EXISTS (SELECT 1 FROM plan "
    "WHERE status = 'signed' AND (id = NEW.id OR (assessment_id = NEW.assessment_id AND version = NEW.version))) "
    "BEGIN SELECT RAISE(ABORT, 'a signed plan cannot be replaced'); END",
    "CREATE TRIGGER plan_identity_fixed BEFORE UPDATE OF id, assessment_id, version ON plan "
    "WHEN NEW.id IS NOT OLD.id OR NEW.assessment_id IS NOT OLD.assessment_id OR NEW.version IS NOT OLD.version "
    "BEGIN SELECT RAISE(ABORT, 'a plan keeps its id, assessment and version'); END",
    "CREATE TRIGGER plan_row_version AFTER UPDATE ON plan WHEN NEW.row_version IS OLD.row_version "
    "BEGIN UPDATE plan SET row_version = OLD.row_version + 1 WHERE id = NEW.id; END",
    "CREATE TRIGGER audit_log_append_only BEFORE INSERT ON audit_log "
    "WHEN NEW.id IS NULL OR NEW.id <= (SELECT coalesce(max(id), 0) FROM audit_log) "
    "OR NEW.prev_hash IS NOT (SELECT entry_hash FROM audit_log ORDER BY id DESC LIMIT 1) "
    "BEGIN SELECT RAISE(ABORT, 'the audit log is append-only: an entry goes after the last one "
    "and names its hash'); END",
    "CREATE TRIGGER database_identity_no_update BEFORE UPDATE ON database_identity "
    "BEGIN SELECT RAISE(ABORT, 'the database id cannot be changed'); END",
    "CREATE TRIGGER database_identity_no_delete BEFORE DELETE ON database_identity "
    "BEGIN SELECT RAISE(ABORT, 'the database id cannot be changed'); END",
    "CREATE TRIGGER database_identity_single BEFORE INSERT ON database_identity "
    "WHEN EXISTS (SELECT 1 FROM database_identity) "
    "BEGIN SELECT RAISE(ABORT, 'the database id cannot be changed'); END",
)
AUDIT_NO_UPDATE = (
    "CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log "
    "BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END"
)


def upgrade() -> None:
    bind = op.get_bind()
    op.create_table(
        "database_identity",
        sa.Column("id", sa.String(), primary_key=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )
    bind.execute(
        sa.text("INSERT INTO database_identity (id, created_at) VALUES (:id, :created_at)"),
        {"id": new_database_id(), "created_at": stored_time(utc_now())},
    )
    op.add_column("plan", sa.Column("row_version", sa.Integer(), nullable=False, server_default="1"))
    op.add_column("audit_log", sa.Column("prev_hash", sa.String(), nullable=True))
    op.add_column("audit_log", sa.Column("entry_hash", sa.String(), nullable=False, server_default=""))
    if bind.dialect.name != "sqlite":
        return  # a new clinic server database: no entries to chain; its guards are made by 0009_clinic_server
    # Chain the existing entries (the append-only trigger is set aside for this one rewrite).
    bind.exec_driver_sql("DROP TRIGGER audit_log_no_update")
    rows = bind.exec_driver_sql("SELECT id, at, actor, action, subject, detail FROM audit_log ORDER BY id").fetchall()
    previous = None
    for entry_id, at, actor, action, subject, detail in rows:
        entry_hash = chain_hash(previous, entry_id, at, actor, action, subject, detail)
        bind.exec_driver_sql(
            "UPDATE audit_log SET prev_hash = ?, entry_hash = ? WHERE id = ?", (previous, entry_hash, entry_id)
        )
        previous = entry_hash
    bind.exec_driver_sql(AUDIT_NO_UPDATE)
    for trigger in TRIGGERS:
        bind.exec_driver_sql(trigger)


def downgrade() -> None:
    for trigger in (
        ()
        if op.get_bind().dialect.name != "sqlite"
        else (
            "database_identity_single",
            "database_identity_no_delete",
            "database_identity_no_update",
            "audit_log_append_only",
            "plan_row_version",
            "plan_identity_fixed",
            "plan_signed_no_replace",
        )
    ):
        op.execute(f"DROP TRIGGER {trigger}")
    # Plain ALTER TABLE (SQLite 3.35+): a batch rebuild of the table would drop the guards of 0003 with it.
    for table, column in (("audit_log", "entry_hash"), ("audit_log", "prev_hash"), ("plan", "row_version")):
        op.execute(f"ALTER TABLE {table} DROP COLUMN {column}")
    op.drop_table("database_identity")
