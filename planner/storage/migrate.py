"""Schema migrations with Alembic, run in-process on the database being opened.

Alembic loads only when the stored revision is not the newest one, so an up-to-date database opens with
SQLAlchemy Core alone.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from planner.storage.database import Database

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"
HEAD_REVISION = "0010_search_as_sqlite"
"""The newest migration; a test checks it against Alembic's own view of the scripts."""


def known_revisions() -> set[str]:
    """Every revision this version can migrate from (each script is named after its revision id)."""
    return {script.stem for script in (MIGRATIONS_DIR / "versions").glob("[0-9]*.py")}


def stored_revision(connection: Any) -> str | None:
    """The schema revision stored in the database on ``connection`` (SQLAlchemy's); None for a database
    without the planner's schema (a new, empty one)."""
    from sqlalchemy import inspect

    from planner.storage.queries import SCHEMA_REVISION

    if not inspect(connection).has_table("alembic_version"):
        return None
    return connection.execute(SCHEMA_REVISION).scalar()


def current_revision(database: Database) -> str | None:
    """The database's stored schema revision (see :func:`stored_revision`)."""
    with database.connection() as connection:
        return stored_revision(connection)


def alembic_config() -> object:
    """Alembic's configuration: where the scripts are, and nothing about the database. The migrations run on the
    connection :func:`upgrade` hands in, never on a URL (Alembic's options pass through configparser, where a
    '%' in a path starts an interpolation)."""
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR).replace("%", "%%"))
    return config


def upgrade(database: Database, revision: str = "head") -> None:
    if revision == "head" and current_revision(database) == HEAD_REVISION:
        return
    from alembic import command

    config = alembic_config()
    with database.engine.begin() as connection:
        config.attributes["connection"] = connection  # type: ignore[attr-defined]
        command.upgrade(config, revision)  # type: ignore[arg-type]


def downgrade(database: Database, revision: str) -> None:
    """Take the schema back to ``revision`` ("base": nothing), for tests of the migrations themselves."""
    from alembic import command

    config = alembic_config()
    with database.engine.begin() as connection:
        config.attributes["connection"] = connection  # type: ignore[attr-defined]
        command.downgrade(config, revision)  # type: ignore[arg-type]
