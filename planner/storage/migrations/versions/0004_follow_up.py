"""Dated follow-up items, per assessment, so a clinic can see what is due and mark it done.

Plans stored before this revision carry no due dates (no document had a ``due:`` field), so there is
nothing to backfill: the table starts empty and fills as plans are saved.

Revision ID: 0004_follow_up
Revises: 0003_guards
Create Date: 2026-11-21
"""

import sqlalchemy as sa
from alembic import op

revision = "0004_follow_up"
down_revision = "0003_guards"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "follow_up",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("assessment_id", sa.Integer(), sa.ForeignKey("assessment.id"), nullable=False),
        sa.Column("patient_id", sa.String(), sa.ForeignKey("patient.id"), nullable=False),
        sa.Column("plan_id", sa.Integer(), sa.ForeignKey("plan.id"), nullable=False),
        sa.Column("item_id", sa.String(), nullable=False),
        sa.Column("section", sa.String(), nullable=False),
        sa.Column("title", sa.String(), nullable=False),
        sa.Column("due_on", sa.String(), nullable=False),
        sa.Column("due_until", sa.String(), nullable=True),
        sa.Column("completed_on", sa.String(), nullable=True),
        sa.Column("completed_by", sa.String(), nullable=True),
        sa.UniqueConstraint("assessment_id", "item_id", name="uq_follow_up_assessment_item"),
    )
    op.create_index("ix_follow_up_assessment_id", "follow_up", ["assessment_id"])
    op.create_index("ix_follow_up_patient_id", "follow_up", ["patient_id"])
    op.create_index("ix_follow_up_due_on", "follow_up", ["due_on"])


def downgrade() -> None:
    op.drop_table("follow_up")
