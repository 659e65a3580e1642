"""Clinic-wide settings (clinic name, address, logo, default assessor) stored with the data they print on.

Revision ID: 0002_settings
Revises: 0001_initial
Create Date: 2026-11-21
"""

import sqlalchemy as sa
from alembic import op

revision = "0002_settings"
down_revision = "0001_initial"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "setting",
        sa.Column("key", sa.String(length=64), primary_key=True),
        sa.Column("value", sa.String(), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("setting")
