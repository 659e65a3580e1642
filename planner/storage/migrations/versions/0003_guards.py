"""Guards in the schema itself: signed plans cannot be changed or deleted, and an append-only audit log.

The API already refuses to change a signed plan; the triggers make raw SQL refuse too, so no tool or bug
can silently alter what a clinician signed.

Revision ID: 0003_guards
Revises: 0002_settings
Create Date: 2026-11-21
"""

import sqlalchemy as sa
from alembic import op

revision = "0003_guards"
down_revision = "0002_settings"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # SQLite's triggers; PostgreSQL's own guards are made by 0009_clinic_server.
    sqlite = op.get_bind().dialect.name == "sqlite"
    if sqlite:
        op.execute(
            "CREATE TRIGGER plan_signed_no_update BEFORE UPDATE ON plan WHEN OLD.status = 'signed' "
            "BEGIN SELECT RAISE(ABORT, 'a signed plan cannot be changed; amend it as a new version'); END"
        )
        op.execute(
            "CREATE TRIGGER plan_signed_no_delete BEFORE DELETE ON plan WHEN OLD.status = 'signed' "
            "BEGIN SELECT RAISE(ABORT, 'a signed plan cannot be deleted'); END"
        )
    op.create_table(
        "audit_log",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("actor", sa.String(), nullable=False),
        sa.Column("action", sa.String(), nullable=False),
        sa.Column("subject", sa.String(), nullable=False),
        sa.Column("detail", sa.String(), nullable=False),
    )
    op.create_index("ix_audit_log_at", "audit_log", ["at"])
    if sqlite:
        op.execute(
            "CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log "
            "BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END"
        )
        op.execute(
            "CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log "
            "BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END"
        )


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        for trigger in ("audit_log_no_delete", "audit_log_no_update", "plan_signed_no_delete", "plan_signed_no_update"):
            op.execute(f"DROP TRIGGER {trigger}")
    op.drop_table("audit_log")
