"""Tables of the clinical record: patients, their assessments and the plan versions drafted from them.

An assessment keeps the validated lsp-assessment/1 JSON verbatim (``document``) plus a few key columns for
lists and searches. A plan keeps the generated lsp-careplan/1 content and, separately, the clinician's edits,
so the generated content and what the clinician changed can always be told apart. The content is stored
packed: each of its larger parts (a cited passage, a plan item, an exercise, an equipment item...) once in
``plan_part`` (found by the hash of its text), and the plan as the rest with references to them, compressed
(planner.storage.plan_parts); it reads back exactly as generated.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Column, Index, Integer, LargeBinary, String, UniqueConstraint
from sqlmodel import Field, SQLModel


class Patient(SQLModel, table=True):
    __tablename__ = "patient"

    id: str = Field(primary_key=True, max_length=200)
    name: str = Field(index=True)
    birth_date: str | None = None
    sex: str | None = None
    archived: bool = False
    created_at: datetime
    updated_at: datetime


class Assessment(SQLModel, table=True):
    __tablename__ = "assessment"
    # A patient's assessments by date, from the index alone: the patient list and the due list (migration 0005).
    __table_args__ = (Index("ix_assessment_patient_assessed", "patient_id", "assessed_on"),)

    id: int | None = Field(default=None, primary_key=True)
    patient_id: str = Field(foreign_key="patient.id")
    assessed_on: str = Field(index=True)
    assessor: str | None = None
    etiology: str
    affected_side: str
    pain_nrs: int
    document: str  # the lsp-assessment/1 JSON as validated
    created_at: datetime


_PLAN_ROW_VERSION = Column("row_version", Integer, nullable=False, server_default="1")


class Plan(SQLModel, table=True):
    """A plan version of an assessment. ``row_version`` counts the changes to the row: every UPDATE checks the
    value it read and increments it (SQLAlchemy's version counter; a trigger does it for other writers), so a
    screen that opened one row version can tell when someone else changed the plan since (migration 0006)."""

    __tablename__ = "plan"
    __table_args__ = (UniqueConstraint("assessment_id", "version", name="uq_plan_assessment_version"),)
    __mapper_args__ = {"version_id_col": _PLAN_ROW_VERSION}

    id: int | None = Field(default=None, primary_key=True)
    assessment_id: int = Field(foreign_key="assessment.id", index=True)
    version: int
    status: str = "draft"  # draft | signed
    assessment: str  # the lsp-assessment/1 JSON the plan was generated from (a signed plan is self-contained)
    packed_content: bytes = Field(sa_column=Column(LargeBinary, nullable=False))  # lsp-careplan/1 as generated,
    # packed (planner.storage.plan_parts): read it with planner.record.plans, never as it is
    edits: str = "{}"  # clinician edits (exclusions, rewordings, order, free-text items)
    library_version: str
    signer: str | None = None
    signer_credentials: str | None = None
    signed_at: datetime | None = None
    signed_login: str | None = None  # the login that signed (on a clinic server: the connection's role, set by it)
    content_hash: str | None = None
    created_at: datetime
    row_version: int = Field(default=1, sa_column=_PLAN_ROW_VERSION)


class FollowUp(SQLModel, table=True):
    """A dated follow-up item of an assessment's latest plan version, kept apart so it can be marked done.

    The rows mirror the plan as the clinician left it (an excluded item has none) and are rewritten when a
    new version is saved; a completion survives that rewrite for the same item id. Only the patient's latest
    assessment counts for what is due: a newer visit supersedes the older plan's schedule.
    """

    __tablename__ = "follow_up"
    __table_args__ = (UniqueConstraint("assessment_id", "item_id", name="uq_follow_up_assessment_item"),)

    id: int | None = Field(default=None, primary_key=True)
    assessment_id: int = Field(foreign_key="assessment.id", index=True)
    patient_id: str = Field(foreign_key="patient.id", index=True)
    plan_id: int = Field(foreign_key="plan.id")
    item_id: str
    section: str
    title: str
    due_on: str = Field(index=True)
    due_until: str | None = None
    completed_on: str | None = None
    completed_by: str | None = None


class PlanPart(SQLModel, table=True):
    """One part of stored plans (a cited passage, a plan item, an exercise card...): its canonical JSON text,
    stored once, found by the SHA-256 of that text and referred to by its id from every plan that holds it.
    Rows are only ever added: the schema refuses to change or delete one (migration 0008), so what a signed
    plan cites can never change under it."""

    __tablename__ = "plan_part"

    id: int | None = Field(default=None, primary_key=True)
    hash: str = Field(sa_column=Column(String, nullable=False, unique=True))
    body: str
