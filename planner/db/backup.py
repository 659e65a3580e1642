"""Backups with SQLite's online backup API: consistent even while the app is writing (never a file copy)."""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

from planner.clock import utc_now
from planner.db.engine import Database
from planner.errors import StorageError


def backup_folder(database: Database) -> Path:
    return database.path.parent / "backups"


def backup_database(database: Database, target: Path | None = None) -> Path:
    """Copy the database into ``target`` (default: a dated file in the backups folder) and verify it."""
    if target is None:
        stamp = utc_now().strftime("%Y%m%d-%H%M%S")
        target = backup_folder(database) / f"{database.path.stem}-{stamp}.sqlite3"
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(target.name + ".part")
    try:
        fd = os.open(partial, os.O_CREAT | os.O_WRONLY | os.O_TRUNC, 0o600)
        os.close(fd)
        source = sqlite3.connect(database.path)
        destination = sqlite3.connect(partial)
        try:
            with destination:
                source.backup(destination)
            if destination.execute("PRAGMA integrity_check").fetchone()[0] != "ok":
                raise StorageError(f"the backup written to {target} did not pass its integrity check")
        finally:
            source.close()
            destination.close()
        os.replace(partial, target)
    except (OSError, sqlite3.Error) as exc:
        partial.unlink(missing_ok=True)
        raise StorageError(f"backup to {target} failed: {exc}") from None
    return target
