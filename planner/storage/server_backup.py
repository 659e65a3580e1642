"""Backups of a clinic server's database with PostgreSQL's own tools: ``pg_dump`` and ``pg_restore``.

``planner --db postgresql://HOST/DB db backup [FILE]`` writes one consistent snapshot of the database in
pg_dump's custom format (compressed; tables, data, triggers, grants), first to a partial file that is then
listed back by ``pg_restore --list`` (a truncated dump fails that) and only then renamed into place.
``planner --db postgresql://HOST/OTHER db restore FILE`` loads such a file into an EMPTY database in one
transaction (``--single-transaction --exit-on-error``: all or nothing), as the role that runs it, which
becomes the owner of the restored schema and so of its guards. A database that holds tables is refused: a
restore never merges into or overwrites a clinic's records.

A dump carries its database's id (planner.storage.identity), as a file backup does. The database a restore
fills is empty, so "this database" is the one this workstation last opened at that address (the planner
remembers, per address, the id it found there: planner.storage.server_identity). A dump of another database is
refused unless forced: at an address this workstation knows, a dump of any other id; at an address it does not
know, a dump of a database it never opened, or one without an id.

The password, when the planner holds one in memory, reaches the tools through their environment
(``PGPASSWORD``), never on their command line or on disk. The tools are the server's client programs:
on the PATH, or the newest in /usr/lib/postgresql/*/bin (Debian's layout).
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path
from typing import TYPE_CHECKING

from planner.errors import StorageError
from planner.storage.files import PART_SUFFIX, PartialFile, sync_file

if TYPE_CHECKING:
    from planner.storage.database import ServerDatabase
    from planner.storage.postgres import ServerAddress

DUMP_SUFFIX = ".pgdump"


def client_program(name: str) -> str:
    """The path of one of PostgreSQL's client programs (pg_dump, pg_restore)."""
    found = shutil.which(name)
    if found:
        return found
    candidates = sorted(Path("/usr/lib/postgresql").glob(f"*/bin/{name}"), key=lambda p: int(p.parent.parent.name))
    if candidates:
        return str(candidates[-1])
    raise StorageError(
        f"{name} was not found: install PostgreSQL's client programs (Debian and Ubuntu: apt-get install "
        "postgresql-client) to back up or restore a clinic server"
    )


def _environment(address: ServerAddress) -> dict[str, str]:
    environment = dict(os.environ)
    if address.password is not None:
        environment["PGPASSWORD"] = address.password
    return environment


def _run(arguments: list[str], address: ServerAddress, doing: str) -> str:
    done = subprocess.run(arguments, capture_output=True, text=True, env=_environment(address))
    if done.returncode != 0:
        reason = (done.stderr or done.stdout).strip().splitlines()
        raise StorageError(f"{doing} failed: {reason[-1] if reason else f'exit status {done.returncode}'}")
    return done.stdout


def backup_server(database: ServerDatabase, target: Path | None = None) -> Path:
    """A verified pg_dump of the clinic database at ``target`` (default: a dated file in the per-user backups
    folder, named after the database)."""
    from planner.clock import utc_now
    from planner.paths import user_data_dir

    if target is None:
        name = database.address.database_name
        target = user_data_dir() / "backups" / "server" / f"{name}-{utc_now():%Y%m%d-%H%M%S}{DUMP_SUFFIX}"
    target = target.expanduser().absolute()
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise StorageError(f"backup to {target} failed: the folder {target.parent} cannot be made ({exc})") from None
    address = database.address
    with PartialFile(target.with_name(target.name + PART_SUFFIX)) as partial:
        _run(
            [client_program("pg_dump"), "--format=custom", f"--file={partial.path}", address.libpq_url()],
            address,
            f"the backup of {address.shown}",
        )
        _run([client_program("pg_restore"), "--list", str(partial.path)], address, "checking the backup")
        sync_file(partial.path)
        os.replace(partial.path, target)
        partial.done()
    return target


def dump_database_id(backup: Path, address: ServerAddress) -> str | None:
    """The database id a pg_dump file holds (its ``database_identity`` row), None when it holds none."""
    out = _run(
        [client_program("pg_restore"), "--data-only", "--table=database_identity", "--file=-", str(backup)],
        address,
        f"reading {backup}",
    )
    lines = out.splitlines()
    for number, line in enumerate(lines):
        if line.startswith("COPY ") and "database_identity" in line and number + 1 < len(lines):
            columns = [c.strip().strip('"') for c in line[line.index("(") + 1 : line.index(")")].split(",")]
            row = lines[number + 1]
            if row == "\\.":
                return None
            return row.split("\t")[columns.index("id")]
    return None


def _check_belongs(address: ServerAddress, backup: Path, dump_id: str | None) -> None:
    from planner.storage.restore import ForeignBackupError
    from planner.storage.server_identity import address_key, known_databases

    if dump_id is None:
        raise ForeignBackupError(
            f"{backup} holds no database id, so it cannot be shown to be a backup of {address.shown}. Nothing was "
            "changed; add --force if you are sure it is this clinic's."
        )
    known = known_databases()
    expected = known.get(address_key(address))
    if expected == dump_id:
        return
    if expected is not None:
        raise ForeignBackupError(
            f"{backup} is a backup of another database (id {dump_id[:12]}), not of {address.shown} (id "
            f"{expected[:12]}, as this workstation last opened it). Nothing was changed; add --force to restore "
            "it anyway."
        )
    if dump_id not in known.values():
        raise ForeignBackupError(
            f"{backup} cannot be shown to be a backup of {address.shown}: it is a backup of a database (id "
            f"{dump_id[:12]}) this workstation has never opened. Nothing was changed; add --force if you are sure "
            "it is this clinic's."
        )


def restore_server(location: str, backup: Path, ask_password: object = None, *, force: bool = False) -> None:
    """Load the pg_dump file ``backup`` into the empty clinic database at ``location``, all or nothing.
    A dump of another database than the one this workstation knows there is refused unless ``force``."""
    from sqlalchemy import inspect

    from planner.storage.database import ServerDatabase

    if not backup.is_file():
        raise StorageError(f"{backup} is not a backup file")
    database = ServerDatabase(location, ask_password=ask_password)  # type: ignore[arg-type]
    try:
        with database.connection() as connection:
            tables = inspect(connection).get_table_names()
        if tables:
            raise StorageError(
                f"the database {database.location} is not empty ({len(tables)} tables): a backup is restored only "
                "into an empty database (create one with createdb, then restore into it). Nothing was changed."
            )
        address = database.address
        dump_id = dump_database_id(backup, address)
        if not force:
            _check_belongs(address, backup, dump_id)
        _run(
            [
                client_program("pg_restore"),
                "--single-transaction",
                "--exit-on-error",
                "--no-owner",
                f"--dbname={address.libpq_url()}",
                str(backup),
            ],
            address,
            f"restoring {backup} into {address.shown}",
        )
        if dump_id is not None:
            from planner.storage.server_identity import remember_database

            remember_database(address, dump_id)
    finally:
        database.dispose()
