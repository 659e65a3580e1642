"""An index on each patient's assessment dates, which the patient list and the due list read at every start.

With the index on (patient_id, assessed_on) the latest date and the number of assessments of every patient,
and the latest assessment of each, come from the index alone; without it they read each assessment's row (a
large JSON document), tens of thousands of pages of a big database at start-up, and most of the list's time
when the file is not in the disk cache. It replaces the index on patient_id alone, which it contains.

Revision ID: 0005_patient_dates
Revises: 0004_follow_up
Create Date: 2026-11-21
"""

from alembic import op

revision = "0005_patient_dates"
down_revision = "0004_follow_up"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_assessment_patient_assessed", "assessment", ["patient_id", "assessed_on"])
    op.drop_index("ix_assessment_patient_id", "assessment")


def downgrade() -> None:
    op.create_index("ix_assessment_patient_id", "assessment", ["patient_id"])
    op.drop_index("ix_assessment_patient_assessed", "assessment")
