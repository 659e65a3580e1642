"""Where the planner keeps and finds its files.

The database defaults to the per-user data directory (platformdirs), overridden by ``--db`` or the
``PLANNER_DB`` environment variable; shipped resources sit beside the package (``resources/``) unless
``PLANNER_RESOURCES`` points elsewhere.
"""

from __future__ import annotations

import os
from pathlib import Path

APP_NAME = "lsp-planner"
APP_AUTHOR = "lsp-planner"


def resources_dir() -> Path:
    override = os.environ.get("PLANNER_RESOURCES")
    if override:
        return Path(override)
    return Path(__file__).resolve().parent.parent / "resources"


def shipped_documents_dir() -> Path:
    return resources_dir() / "documents"


def examples_dir() -> Path:
    return resources_dir() / "examples"


def fonts_dir() -> Path:
    return resources_dir() / "fonts"


def user_data_dir() -> Path:
    from platformdirs import user_data_path

    return user_data_path(APP_NAME, APP_AUTHOR)


def user_log_dir() -> Path:
    from platformdirs import user_log_path

    return user_log_path(APP_NAME, APP_AUTHOR)


def database_location(value: str) -> Path | str:
    """A ``--db`` value: a clinic server's address (``postgresql://HOST/DBNAME``) as it is, else a file path
    (a Path would fold the address's ``//``)."""
    from planner.storage.postgres import is_server_url

    return value if is_server_url(value) else Path(value)


def default_database_path() -> Path:
    override = os.environ.get("PLANNER_DB")
    if override:
        return Path(override)
    return user_data_dir() / "planner.sqlite3"
