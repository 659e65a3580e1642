"""Alembic environment: runs on the connection the planner hands in (never opens its own URL)."""

from __future__ import annotations

from alembic import context
from sqlmodel import SQLModel

import planner.models  # noqa: F401  (registers the tables on SQLModel.metadata)

config = context.config
connection = config.attributes.get("connection")
if connection is None:  # pragma: no cover - only when someone runs the alembic CLI by hand
    raise SystemExit("the planner's migrations run inside the planner: open the database with it")

context.configure(connection=connection, target_metadata=SQLModel.metadata, render_as_batch=True)
with context.begin_transaction():
    context.run_migrations()
