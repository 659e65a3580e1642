"""Schema migrations with Alembic, run in-process on the database being opened.

Alembic and SQLAlchemy are imported only when the stored revision is not the newest one, so an up-to-date
database opens with :mod:`sqlite3` alone.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from planner.db.engine import Database

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"
HEAD_REVISION = "0006_guards_and_versions"
"""The newest migration; a test checks it against Alembic's own view of the scripts."""


def known_revisions() -> set[str]:
    """Every revision this version can migrate from (each script is named after its revision id)."""
    return {script.stem for script in (MIGRATIONS_DIR / "versions").glob("[0-9]*.py")}


def current_revision(database: Database) -> str | None:
    """The stored schema revision (None for a new, empty database); reading it also parses the schema, so a
    damaged one shows up here."""
    with database.connect() as connection:
        exists = connection.execute(
            "SELECT 1 FROM sqlite_master WHERE type='table' AND name='alembic_version'"
        ).fetchone()
        if not exists:
            return None
        row = connection.execute("SELECT version_num FROM alembic_version").fetchone()
        return row[0] if row else None


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
