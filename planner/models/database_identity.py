"""The database's own id: one row, made with the schema and never changed (see planner.storage.identity)."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Field, SQLModel


class DatabaseIdentity(SQLModel, table=True):
    __tablename__ = "database_identity"

    id: str = Field(primary_key=True)
    created_at: datetime
