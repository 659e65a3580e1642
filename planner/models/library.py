"""Tables of the guidance-document library.

The document's full text is stored (``body``) so the library can be rebuilt, shown and exported exactly as
imported; passages and recommendations are stored broken out for search, display and citation.
"""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Field, SQLModel


class Document(SQLModel, table=True):
    __tablename__ = "document"

    id: str = Field(primary_key=True, max_length=64)
    title: str
    source: str
    publisher: str = ""
    date: str = ""
    version: str
    kind: str  # evidence | convention
    origin: str  # shipped | imported
    enabled: bool = True
    file_name: str = ""
    body: str
    sha256: str
    loaded_at: datetime


class Passage(SQLModel, table=True):
    __tablename__ = "passage"

    id: int | None = Field(default=None, primary_key=True)
    document_id: str = Field(foreign_key="document.id", index=True, ondelete="CASCADE")
    ordinal: int
    heading: str
    text: str
    line: int


class Recommendation(SQLModel, table=True):
    __tablename__ = "recommendation"

    id: str = Field(primary_key=True)
    document_id: str = Field(foreign_key="document.id", index=True, ondelete="CASCADE")
    section: str
    target: str
    level: str | None = None
    order: int = 100
    condition: str
    title: str
    detail: str = ""
    handout: str = ""
    line: int


class Definition(SQLModel, table=True):
    """A derived finding, a data table, an exercise, an equipment item or a figure a document defines (kept
    for display: 'what this document adds')."""

    __tablename__ = "definition"

    id: int | None = Field(default=None, primary_key=True)
    document_id: str = Field(foreign_key="document.id", index=True, ondelete="CASCADE")
    kind: str  # finding | table | exercise | equipment | figure
    name: str
    line: int
