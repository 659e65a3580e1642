"""Database files as files: partial copies, side files, and durable renames.

A copy (a backup, or a backup being restored) is written to a partial file beside its target and renamed
into place only once verified. The partial file is claimed exclusively and, on POSIX systems, locked for as
long as the copy runs; a partial file that nobody holds is what a copy cut short left behind (a crash, a kill,
a power cut), and the next copy to the same place removes it, so such files never pile up.
"""

from __future__ import annotations

import contextlib
import os
import threading
from pathlib import Path

SIDE_SUFFIXES = ("-journal", "-wal", "-shm")
"""The files SQLite keeps beside a database: they belong to it and move with it."""

PART_SUFFIX = ".part"


def side_files(path: Path) -> list[Path]:
    return [path.with_name(path.name + suffix) for suffix in SIDE_SUFFIXES]


def sync_folder(folder: Path) -> None:
    """Make the renames in ``folder`` durable (POSIX; Windows has no handle to a folder to flush)."""
    if os.name == "nt":
        return
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def sync_file(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


_ACTIVE: set[str] = set()
"""Partial files this process is writing: never taken for leftovers, and never opened a second time here
(closing a second descriptor of a file would drop the POSIX locks SQLite holds on it)."""
_ACTIVE_LOCK = threading.Lock()


def _try_lock(fd: int) -> bool:
    import fcntl

    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        return False
    return True


def _unlink_with_sides(path: Path) -> None:
    for side in side_files(path):
        side.unlink(missing_ok=True)
    path.unlink(missing_ok=True)


def in_use(path: Path) -> bool:
    """Whether a copy is being written to the partial file ``path`` right now (by this or another process)."""
    with _ACTIVE_LOCK:
        if str(path) in _ACTIVE:
            return True
    if os.name == "nt":
        return False  # Windows refuses to remove a file another process has open: removal tells
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return False
    try:
        return not _try_lock(fd)
    finally:
        os.close(fd)


def remove_if_left_over(path: Path) -> bool:
    """Remove the partial file ``path`` and its SQLite side files when no copy holds it; True if removed."""
    if in_use(path):
        return False
    try:
        _unlink_with_sides(path)
    except OSError:  # on Windows: still open in another process
        return False
    return True


def remove_left_over_parts(folder: Path) -> None:
    """Remove every partial file in ``folder`` that no copy holds (leftovers of copies cut short)."""
    if not folder.is_dir():
        return
    names = {entry.name for entry in os.scandir(folder)}
    for name in names:
        if name.endswith(PART_SUFFIX):
            remove_if_left_over(folder / name)
        elif any(name.endswith(PART_SUFFIX + suffix) for suffix in SIDE_SUFFIXES):
            main = name[: name.rindex(PART_SUFFIX) + len(PART_SUFFIX)]
            if main not in names:  # a journal whose partial file is gone
                remove_if_left_over(folder / main)


class PartialFile:
    """A partial file claimed for one copy: created exclusively (readable by this user only), held while the
    copy runs, and removed with its side files unless :meth:`done` says it was renamed into place.

    On POSIX the claim is a ``flock`` on the file, which the system drops when the process ends however it
    ends; SQLite's own locks (``fcntl``) are separate and unaffected.
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        self._fd: int | None = None
        self._done = False

    def __enter__(self) -> PartialFile:
        remove_if_left_over(self.path)
        try:
            self._fd = os.open(self.path, os.O_CREAT | os.O_EXCL | os.O_RDWR, 0o600)
        except FileExistsError:
            from planner.errors import StorageError

            raise StorageError(f"another copy to {self.path} is in progress; try again when it has finished") from None
        if os.name != "nt":
            _try_lock(self._fd)
        with _ACTIVE_LOCK:
            _ACTIVE.add(str(self.path))
        return self

    def done(self) -> None:
        """The partial file was renamed into place: nothing is left to remove."""
        self._done = True

    def __exit__(self, *_exc: object) -> None:
        try:
            if not self._done:
                with contextlib.suppress(OSError):
                    _unlink_with_sides(self.path)
        finally:
            with _ACTIVE_LOCK:
                _ACTIVE.discard(str(self.path))
            if self._fd is not None:
                os.close(self._fd)
