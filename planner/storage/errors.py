"""What can go wrong with the database, in words a clinic can act on.

Each is a :class:`~planner.errors.StorageError` (a user error: shown as it is, exit status 2), told apart by
what the user should do: wait and try again (busy), restore a backup (damaged), or choose another file
(another application's database). Which one applies is decided from the database engine's own result code
(planner.storage.sqlite), never from the wording of its message.
"""

from __future__ import annotations

from pathlib import Path

from planner.errors import StorageError


class DatabaseBusyError(StorageError):
    """Another program held the database for longer than the busy timeout; nothing was changed. Trying again
    later is the remedy, never a restore."""

    def __init__(self, path: Path | str, doing: str = "") -> None:
        self.path = path
        what = f"{doing}: " if doing else ""
        super().__init__(
            f"{what}the database {path} is in use by another program (it kept it locked for longer than the "
            "planner waits). Nothing was changed; try again in a moment."
        )


class DamagedDatabaseError(StorageError):
    """The database engine reports the file at the database path as damaged or not a database; it was left
    exactly as it was. ``backup`` is the newest good backup of it, if any."""

    def __init__(self, message: str, path: Path, backup: Path | None) -> None:
        super().__init__(message)
        self.path = path
        self.backup = backup


class ForeignDatabaseError(StorageError):
    """The path holds another application's database: refused, never given the planner's tables."""


class PermissionRefusedError(StorageError):
    """The clinic server refused the action for the connection's role (its grants or row rules); nothing was
    changed. The remedy is another role, given by the clinic's administrator."""
