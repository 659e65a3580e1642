"""Backups with SQLite's online backup API (consistent even while the app is writing, never a file copy), kept
apart for each database.

Each database has its own backups folder, ``backups/<database file name>/`` beside it, and an id stored
inside it (see planner.storage.identity) that its backups carry too, being copies. Automatic backups rotate there:
one before any migration, and at most one a day when the data changed. A new backup is written to a partial
file, verified (integrity check) and only then renamed into place, before the oldest beyond ``KEEP`` is
deleted, so a failing disk never costs the last good copy; a partial file left by a backup cut short is
removed by the next one. Backups from before the per-database folders (``backups/<stem>-<time>-<reason>
.sqlite3``) are still listed for their database, matched by their exact name, and never deleted by rotation.
Putting a backup back is planner.storage.restore; the copying and checking of the file itself (SQLite's
backup API and integrity check) is planner.storage.sqlite.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from planner.clock import utc_now
from planner.errors import StorageError
from planner.storage.errors import DatabaseBusyError
from planner.storage.files import PART_SUFFIX, PartialFile, remove_left_over_parts, sync_file, sync_folder
from planner.storage.sqlite import (
    BUSY_TIMEOUT_MS,
    COPY_ERRORS,
    READ_ERRORS,
    file_database_id,
    file_facts,
    is_busy,
)
from planner.storage.sqlite import copy_database as copy_file

KEEP = 10
DAILY = timedelta(days=1)
BACKUP_SUFFIX = ".sqlite3"
_STAMP = "%Y%m%d-%H%M%S-%f"


def backups_root(database_path: Path) -> Path:
    return database_path.parent / "backups"


def backup_folder(database_path: Path) -> Path:
    """This database's own backups: ``backups/<file name>/`` beside it (``clinic.sqlite`` and
    ``clinic-b.sqlite`` in one folder never share or rotate each other's)."""
    return backups_root(database_path) / database_path.name


def _legacy_name(database_path: Path) -> re.Pattern[str]:
    """The exact name of a backup written before per-database folders: ``<stem>-<date>-<time>-<µs>-<reason>``
    (a prefix match would also take ``clinic-b``'s backups for ``clinic``)."""
    return re.compile(re.escape(database_path.stem) + r"-\d{8}-\d{6}-\d{6}-(daily|manual|before-migration)\.sqlite3")


def stamp() -> str:
    return utc_now().strftime(_STAMP)


def storage_failure(exc: BaseException, source: Path, doing: str) -> StorageError:
    if is_busy(exc):
        return DatabaseBusyError(source, doing)
    reason = getattr(exc, "strerror", None) or str(exc)
    return StorageError(f"{doing}: {reason}")


def copy_database(partial: Path, source: Path, busy_timeout_ms: int) -> str | None:
    """Copy the database at ``source`` into ``partial`` (SQLite's backup API, checked) and make it durable;
    returns the database id it holds."""
    database_id = copy_file(partial, source, busy_timeout_ms)
    sync_file(partial)
    return database_id


def _copy(source: Path, target: Path, busy_timeout_ms: int = BUSY_TIMEOUT_MS) -> Path:
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise StorageError(f"backup to {target} failed: the folder {target.parent} cannot be made ({exc})") from None
    try:
        with PartialFile(target.with_name(target.name + PART_SUFFIX)) as partial:
            copy_database(partial.path, source, busy_timeout_ms)
            os.replace(partial.path, target)
            partial.done()
            sync_folder(target.parent)
    except COPY_ERRORS as exc:
        raise storage_failure(exc, source, f"backup to {target} failed") from None
    return target


def backup_database(database: object, target: Path | None = None, *, reason: str = "manual") -> Path:
    """Copy the database (a Database or a path) into ``target`` or a dated file in its backups folder."""
    path = Path(getattr(database, "path", database)).absolute()  # type: ignore[arg-type]
    if target is None:
        folder = backup_folder(path)
        remove_left_over_parts(folder)
        target = folder / f"{path.stem}-{stamp()}-{reason}{BACKUP_SUFFIX}"
    return _copy(path, Path(target).absolute())


@dataclass(frozen=True, slots=True)
class Backup:
    path: Path
    taken_at: datetime
    legacy: bool = False  # in the shared folder of before per-database folders: listed, never rotated away


def _files(folder: Path) -> list[Path]:
    if not folder.is_dir():
        return []
    return [Path(entry.path) for entry in os.scandir(folder) if entry.is_file()]


def list_backups(database_path: Path) -> list[Backup]:
    """This database's backups, newest first."""
    database_path = Path(database_path).absolute()
    own = [p for p in _files(backup_folder(database_path)) if p.name.endswith(BACKUP_SUFFIX)]
    legacy_name = _legacy_name(database_path)
    legacy = [p for p in _files(backups_root(database_path)) if legacy_name.fullmatch(p.name)]
    found = [Backup(p, datetime.fromtimestamp(p.stat().st_mtime).astimezone()) for p in own] + [
        Backup(p, datetime.fromtimestamp(p.stat().st_mtime).astimezone(), legacy=True) for p in legacy
    ]
    return sorted(found, key=lambda b: b.taken_at, reverse=True)


@dataclass(frozen=True, slots=True)
class BackupInfo:
    database_id: str | None
    revision: str


def inspect_backup(path: Path) -> BackupInfo:
    """What a backup holds, after checking it can be put back: SQLite's integrity check passes and it has a
    planner schema this version knows. A StorageError says why not."""
    from planner.storage.migrate import known_revisions

    if not path.is_file():
        raise StorageError(f"{path} is not a backup file (it does not exist or is not a regular file)")
    try:
        facts = file_facts(path)
    except READ_ERRORS as exc:
        raise StorageError(f"{path} is not a good planner backup ({exc})") from None
    if facts.integrity != "ok":
        raise StorageError(f"{path} is not a good planner backup (it fails the integrity check: {facts.integrity})")
    if facts.revision is None:
        raise StorageError(f"{path} is not a planner backup (it has no planner schema)")
    if facts.revision not in known_revisions():
        raise StorageError(f"{path} was written by another or newer version of the planner (schema {facts.revision})")
    return BackupInfo(facts.database_id, facts.revision)


def newest_good_backup(database_path: Path) -> Backup | None:
    """The newest backup of this database that can be put back. When the database's id can still be read,
    only backups with that id (or, made before ids, from its own folder) count."""
    current = file_database_id(database_path) if Path(database_path).is_file() else None
    for backup in list_backups(database_path):
        try:
            info = inspect_backup(backup.path)
        except StorageError:
            continue
        if current is None or info.database_id in (current, None):
            return backup
    return None


def rotate(database_path: Path, keep: int = KEEP) -> None:
    own = [b for b in list_backups(database_path) if not b.legacy]
    for old in own[keep:]:
        old.path.unlink(missing_ok=True)


def automatic_backup(database_path: Path, *, before_migration: bool = False) -> Path | None:
    """Back up before a migration always; otherwise when the data changed and the last backup is a day old.
    Partial files left by a backup cut short are removed first, whether or not a backup is due."""
    database_path = Path(database_path).absolute()
    remove_left_over_parts(backup_folder(database_path))
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
