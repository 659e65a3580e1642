"""Putting a backup back in place of the database, so that the database path never lacks a whole database.

The backup is checked (integrity, the planner's schema, and that it is this database's: the same database id,
see planner.storage.identity), copied into a partial file beside the database and checked again, and then takes
the database's place by a rename. Throughout, the file it replaces keeps a second name (a hard link), which
afterwards becomes ``<name>.replaced-<time>``. SQLite's side files (a hot journal, a WAL) stay with the file
they belong to: the database is held with SQLite's exclusive lock, which first applies a hot journal to it,
and whatever side files remain move with the replaced file, never to the restored one.

A restore cut short at any moment (a crash, a kill, a full disk) is finished or undone by the next restore or
opening of the database (:func:`finish_interrupted_restore`, which :func:`planner.storage.database.open_schema`
calls before SQLite touches the file). This module is imported on every start, so it loads nothing else
until a restore runs.

With the rollback journal, a program that has the database open but holds no lock at that moment (another
planner left idle on another workstation) cannot be seen; it would go on writing to the replaced file, so
close the planner elsewhere first. In WAL mode every open connection is seen (leaving WAL needs the file to
itself), and the restore is refused as busy.
"""

from __future__ import annotations

import contextlib
import os
from pathlib import Path

from planner.errors import StorageError
from planner.storage.files import (
    PART_SUFFIX,
    SIDE_SUFFIXES,
    PartialFile,
    in_use,
    remove_if_left_over,
    sync_file,
    sync_folder,
)
from planner.storage.sqlite import BUSY_TIMEOUT_MS, COPY_ERRORS, Held, file_database_id, held_exclusively

RESTORE_PART = ".restore" + PART_SUFFIX
REPLACING = ".replacing-"
REPLACED = ".replaced-"


class ForeignBackupError(StorageError):
    """The backup belongs to another database (or cannot be shown to belong to this one): not restored."""


def restore_backup(
    database_path: Path, backup: Path, *, force: bool = False, busy_timeout_ms: int = BUSY_TIMEOUT_MS
) -> Path | None:
    """Put ``backup`` in place of the database; returns where the file it replaced is kept (None when there
    was none). Refused, with nothing changed: a backup that fails its checks, the database itself, a backup
    of another database (unless ``force``), and a database another program is using (busy)."""
    from planner.storage.backup import copy_database, inspect_backup, storage_failure

    target = Path(database_path).expanduser().absolute()
    backup = Path(backup).expanduser().absolute()
    doing = "The backup was not restored"
    if target.exists() and not target.is_file():
        raise StorageError(f"{doing}: {target} is not a regular file")
    if target.exists() and backup.exists() and os.path.samefile(backup, target):
        raise StorageError(f"{doing}: {backup} is the database itself (a file cannot be restored onto itself)")
    info = inspect_backup(backup)
    finish_interrupted_restore(target)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        with held_exclusively(target, busy_timeout_ms, doing) as held:
            if not force:
                _check_belongs(target, backup, info.database_id, held.database_id)
            with PartialFile(target.with_name(target.name + RESTORE_PART)) as partial:
                copied = copy_database(partial.path, backup, busy_timeout_ms)
                if copied != info.database_id:
                    raise StorageError(f"{doing}: the copy of {backup} does not hold the backup's database id")
                return _swap(target, partial, held)
    except COPY_ERRORS as exc:
        raise storage_failure(exc, target, doing) from None


def _check_belongs(target: Path, backup: Path, backup_id: str | None, current_id: str | None) -> None:
    """Refuse a backup that is not this database's. Its id must be the database's; when one of them has none
    (a backup made before ids, or a database too damaged to read), the backup must be one of the database's
    own, or carry the id of one of them."""
    if not target.exists() or target.stat().st_size == 0:
        return  # nothing is replaced
    if backup_id is not None and current_id is not None:
        if backup_id == current_id:
            return
        raise ForeignBackupError(
            f"{backup} is a backup of another database (id {backup_id[:12]}), not of {target} "
            f"(id {current_id[:12]}). Nothing was changed; add --force to restore it anyway."
        )
    from planner.storage.backup import list_backups

    own = [b.path for b in list_backups(target)]
    if any(os.path.samefile(backup, path) for path in own):
        return
    if backup_id is not None and backup_id in {file_database_id(path) for path in own}:
        return
    raise ForeignBackupError(
        f"{backup} cannot be shown to be a backup of {target} (it is not among its backups"
        + (", and the database's id cannot be read" if current_id is None else "")
        + "). Nothing was changed; add --force if you are sure it is this database's."
    )


def _second_name(target: Path, name: Path, held: Held) -> None:
    """Give the database file a second name: a hard link, or where the file system has none, a copy (through
    the held connection, whose lock a second file descriptor would drop)."""
    try:
        os.link(target, name)
        return
    except OSError:
        pass
    if held.connection is not None:
        held.copy_to(name)
    else:
        import shutil

        shutil.copyfile(target, name)
    sync_file(name)


def _swap(target: Path, partial: PartialFile, held: Held) -> Path | None:
    """Put the verified copy in the database's place. The database keeps a second name throughout, so the
    path always holds one whole database; the rename of the copy is the moment the restore happens."""
    from planner.storage.backup import stamp

    folder = target.parent
    if not target.exists():
        os.replace(partial.path, target)
        partial.done()
        sync_folder(folder)
        return None
    replacing = target.with_name(f"{target.name}{REPLACING}{stamp()}")
    _second_name(target, replacing, held)
    for suffix in SIDE_SUFFIXES:
        side = target.with_name(target.name + suffix)
        if side.exists():
            os.replace(side, replacing.with_name(replacing.name + suffix))
    sync_folder(folder)
    os.replace(partial.path, target)
    partial.done()
    sync_folder(folder)
    return _keep(target, replacing)


def _keep(target: Path, replacing: Path) -> Path:
    """Give the replaced file (and its side files) its lasting name, ``<name>.replaced-<time>``."""
    kept = target.with_name(target.name + REPLACED + replacing.name[len(target.name + REPLACING) :])
    for suffix in SIDE_SUFFIXES:
        side = replacing.with_name(replacing.name + suffix)
        if side.exists():
            os.replace(side, kept.with_name(kept.name + suffix))
    if replacing.exists():
        os.replace(replacing, kept)
    sync_folder(target.parent)
    return kept


def finish_interrupted_restore(database_path: Path) -> None:
    """Finish or undo a restore that was cut short, before anything opens the database.

    While the verified copy still waits beside the database, the restore had not happened: the database's
    side files go back to it and its second name is dropped. Once the copy has taken the database's place,
    the replaced file only needs its lasting name. A leftover copy is removed. A restore still running (its
    copy held) is left alone.
    """
    target = Path(database_path).absolute()
    folder = target.parent
    if not folder.is_dir():
        return
    partial = target.with_name(target.name + RESTORE_PART)
    prefix = target.name + REPLACING
    partial_names = {partial.name, *(partial.name + suffix for suffix in SIDE_SUFFIXES)}
    found = {entry.name for entry in os.scandir(folder) if entry.name.startswith(prefix) or entry.name in partial_names}
    if not found or in_use(partial):
        return  # nothing was cut short (every start but one after a crash), or a restore is running
    names = found - partial_names
    for name in sorted(names):
        replacing = target.with_name(name)
        suffix = next((s for s in SIDE_SUFFIXES if name.endswith(s)), "")
        if suffix:
            if name[: -len(suffix)] not in names:  # side files of a replaced file that was already kept
                _keep(target, target.with_name(name[: -len(suffix)]))
            continue
        if partial.exists() and target.exists():
            for suffix in SIDE_SUFFIXES:
                moved = replacing.with_name(replacing.name + suffix)
                own = target.with_name(target.name + suffix)
                if moved.exists() and not own.exists():
                    os.replace(moved, own)
            replacing.unlink()
        elif partial.exists():
            os.replace(replacing, target)
        else:
            _keep(target, replacing)
    remove_if_left_over(partial)
    with contextlib.suppress(OSError):
        sync_folder(folder)
