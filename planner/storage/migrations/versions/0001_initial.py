"""Initial schema: the document library with full-text search, patients, assessments and plans.

Revision ID: 0001_initial
Revises:
Create Date: 2026-11-21
"""

import sqlalchemy as sa
from alembic import op

revision = "0001_initial"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "document",
        sa.Column("id", sa.String(length=64), primary_key=True),
        sa.Column("title", sa.String(), nullable=False),
        sa.Column("source", sa.String(), nullable=False),
        sa.Column("publisher", sa.String(), nullable=False),
        sa.Column("date", sa.String(), nullable=False),
        sa.Column("version", sa.String(), nullable=False),
        sa.Column("kind", sa.String(), nullable=False),
        sa.Column("origin", sa.String(), nullable=False),
        sa.Column("enabled", sa.Boolean(), nullable=False),
        sa.Column("file_name", sa.String(), nullable=False),
        sa.Column("body", sa.String(), nullable=False),
        sa.Column("sha256", sa.String(), nullable=False),
        sa.Column("loaded_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_table(
        "passage",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("document_id", sa.String(), sa.ForeignKey("document.id", ondelete="CASCADE"), nullable=False),
        sa.Column("ordinal", sa.Integer(), nullable=False),
        sa.Column("heading", sa.String(), nullable=False),
        sa.Column("text", sa.String(), nullable=False),
        sa.Column("line", sa.Integer(), nullable=False),
    )
    op.create_index("ix_passage_document_id", "passage", ["document_id"])
    op.create_table(
        "recommendation",
        sa.Column("id", sa.String(), primary_key=True),
        sa.Column("document_id", sa.String(), sa.ForeignKey("document.id", ondelete="CASCADE"), nullable=False),
        sa.Column("section", sa.String(), nullable=False),
        sa.Column("target", sa.String(), nullable=False),
        sa.Column("level", sa.String(), nullable=True),
        sa.Column("order", sa.Integer(), nullable=False),
        sa.Column("condition", sa.String(), nullable=False),
        sa.Column("title", sa.String(), nullable=False),
        sa.Column("detail", sa.String(), nullable=False),
        sa.Column("handout", sa.String(), nullable=False),
        sa.Column("line", sa.Integer(), nullable=False),
    )
    op.create_index("ix_recommendation_document_id", "recommendation", ["document_id"])
    op.create_table(
        "definition",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("document_id", sa.String(), sa.ForeignKey("document.id", ondelete="CASCADE"), nullable=False),
        sa.Column("kind", sa.String(), nullable=False),
        sa.Column("name", sa.String(), nullable=False),
        sa.Column("line", sa.Integer(), nullable=False),
    )
    op.create_index("ix_definition_document_id", "definition", ["document_id"])
    # Full-text index over passages (external content). It is kept in step by the library store, not by
    # triggers: with trusted_schema off (as every connection sets it) triggers may not touch FTS5 tables.
    # PostgreSQL's own text search is made by 0009_clinic_server.
    if op.get_bind().dialect.name == "sqlite":
        op.execute(
            "CREATE VIRTUAL TABLE passage_fts USING fts5("
            "heading, text, content='passage', content_rowid='id', tokenize='unicode61 remove_diacritics 2')"
        )

    op.create_table(
        "patient",
        sa.Column("id", sa.String(length=200), primary_key=True),
        sa.Column("name", sa.String(), nullable=False),
        sa.Column("birth_date", sa.String(), nullable=True),
        sa.Column("sex", sa.String(), nullable=True),
        sa.Column("archived", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_patient_name", "patient", ["name"])
    op.create_table(
        "assessment",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("patient_id", sa.String(), sa.ForeignKey("patient.id"), nullable=False),
        sa.Column("assessed_on", sa.String(), nullable=False),
        sa.Column("assessor", sa.String(), nullable=True),
        sa.Column("etiology", sa.String(), nullable=False),
        sa.Column("affected_side", sa.String(), nullable=False),
        sa.Column("pain_nrs", sa.Integer(), nullable=False),
        sa.Column("document", sa.String(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_assessment_patient_id", "assessment", ["patient_id"])
    op.create_index("ix_assessment_assessed_on", "assessment", ["assessed_on"])
    op.create_table(
        "plan",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("assessment_id", sa.Integer(), sa.ForeignKey("assessment.id"), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(), nullable=False),
        sa.Column("assessment", sa.String(), nullable=False),
        sa.Column("content", sa.String(), nullable=False),
        sa.Column("edits", sa.String(), nullable=False),
        sa.Column("library_version", sa.String(), nullable=False),
        sa.Column("signer", sa.String(), nullable=True),
        sa.Column("signer_credentials", sa.String(), nullable=True),
        sa.Column("signed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("content_hash", sa.String(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint("assessment_id", "version", name="uq_plan_assessment_version"),
    )
    op.create_index("ix_plan_assessment_id", "plan", ["assessment_id"])


def downgrade() -> None:
    for table in ("plan", "assessment", "patient"):
        op.drop_table(table)
    if op.get_bind().dialect.name == "sqlite":
        op.execute("DROP TABLE passage_fts")
    for table in ("definition", "recommendation", "passage", "document"):
        op.drop_table(table)
