"""The audit trail: who did what, when; rows are only ever appended (the schema refuses anything else), each
carrying the hash of the entry before it and of its own content, so a changed or removed entry shows
(planner.storage.audit)."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Field, SQLModel


class AuditEntry(SQLModel, table=True):
    __tablename__ = "audit_log"

    id: int | None = Field(default=None, primary_key=True)
    at: datetime = Field(index=True)
    actor: str
    action: str
    subject: str
    detail: str = ""
    prev_hash: str | None = None
    entry_hash: str = Field(default="", sa_column_kwargs={"server_default": ""})
