"""Backups with SQLite's online backup API: consistent even while the app is writing (never a file copy).

Automatic backups rotate in the ``backups`` folder beside the database: one before any migration, and at
most one a day when the data changed. A new backup is verified (integrity check) before the oldest beyond
``KEEP`` is deleted, so a failing disk never costs the last good copy. A damaged database is never deleted
or overwritten: restoring renames it aside first.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from planner.clock import utc_now
from planner.errors import StorageError

KEEP = 10
DAILY = timedelta(days=1)


def backup_folder(database_path: Path) -> Path:
    return database_path.parent / "backups"


def _copy(source_path: Path, target: Path) -> Path:
    partial = target.with_name(target.name + ".part")
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(partial, os.O_CREAT | os.O_WRONLY | os.O_TRUNC, 0o600)
        os.close(fd)
        source = sqlite3.connect(f"file:{source_path}?mode=ro", uri=True)
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
        with contextlib.suppress(OSError):  # nothing to remove when the folder itself could not be made
            partial.unlink(missing_ok=True)
        raise StorageError(f"backup to {target} failed: {exc}") from None
    return target


def backup_database(database: object, target: Path | None = None, *, reason: str = "manual") -> Path:
    """Copy the database (a Database or a path) into ``target`` or a dated file in the backups folder."""
    path = Path(getattr(database, "path", database))  # type: ignore[arg-type]
    if target is None:
        stamp = utc_now().strftime("%Y%m%d-%H%M%S-%f")
        target = backup_folder(path) / f"{path.stem}-{stamp}-{reason}.sqlite3"
    return _copy(path, target)


@dataclass(frozen=True, slots=True)
class Backup:
    path: Path
    taken_at: datetime


def list_backups(database_path: Path) -> list[Backup]:
    """Backups of this database, newest first."""
    folder = backup_folder(database_path)
    found = (
        [
            Backup(p, datetime.fromtimestamp(p.stat().st_mtime).astimezone())
            for p in folder.glob(f"{database_path.stem}-*.sqlite3")
        ]
        if folder.is_dir()
        else []
    )
    return sorted(found, key=lambda b: b.taken_at, reverse=True)


def is_good(path: Path) -> bool:
    try:
        connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            ok = connection.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
            has_schema = connection.execute(
                "SELECT 1 FROM sqlite_master WHERE type='table' AND name='alembic_version'"
            ).fetchone()
            return ok and has_schema is not None
        finally:
            connection.close()
    except sqlite3.Error:
        return False


def newest_good_backup(database_path: Path) -> Backup | None:
    return next((b for b in list_backups(database_path) if is_good(b.path)), None)


def rotate(database_path: Path, keep: int = KEEP) -> None:
    for old in list_backups(database_path)[keep:]:
        old.path.unlink(missing_ok=True)


def automatic_backup(database_path: Path, *, before_migration: bool = False) -> Path | None:
    """Back up before a migration always; otherwise when the data changed and the last backup is a day old."""
    if not database_path.exists() or database_path.stat().st_size == 0:
        return None
    backups = list_backups(database_path)
    if not before_migration and backups:
        newest = backups[0]
        changed = database_path.stat().st_mtime > newest.path.stat().st_mtime
        if not changed or utc_now() - newest.taken_at < DAILY:
            return None
    target = backup_database(database_path, reason="before-migration" if before_migration else "daily")
    rotate(database_path)
    return target


def restore_backup(database_path: Path, backup: Path) -> Path | None:
    """Put ``backup`` in place of the database; the current file, damaged or not, is kept renamed aside.

    Returns where the previous file was moved (None when there was none).
    """
    if not is_good(backup):
        raise StorageError(f"{backup} is not a good planner backup (it fails the integrity check)")
    kept = None
    if database_path.exists():
        stamp = utc_now().strftime("%Y%m%d-%H%M%S")
        kept = database_path.with_name(f"{database_path.name}.replaced-{stamp}")
        os.replace(database_path, kept)
        for suffix in ("-wal", "-shm", "-journal"):
            side = database_path.with_name(database_path.name + suffix)
            if side.exists():
                os.replace(side, kept.with_name(kept.name + suffix))
    _copy(backup, database_path)
    return kept
