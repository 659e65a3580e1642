"""Which database this workstation found at each clinic server address, so that a restore there can tell a
dump of that database from another's (planner.storage.server_backup).

A clinic database's id is stored inside it (planner.storage.identity), as a file's is. A server restore
fills an empty database, which has no id yet: the one to compare a dump with is the id this workstation
last found at that address, noted in the user's data folder each time a server database is opened.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import TYPE_CHECKING

from planner.storage.files import PART_SUFFIX

if TYPE_CHECKING:
    from planner.storage.postgres import ServerAddress

KNOWN_DATABASES = "clinic-databases.json"
"""In the user's data folder: the id of the database found at each clinic server address opened."""
KNOWN_LIMIT = 50


def address_key(address: ServerAddress) -> str:
    """The database an address names, whoever logs in and however TLS is asked for: host, port, database."""
    from sqlalchemy.engine import make_url

    made = make_url(address.url)
    host = made.host or str(made.query.get("host", ""))
    return f"{host}:{made.port or made.query.get('port', 5432)}/{made.database}"


def _known_file() -> Path:
    from planner.paths import user_data_dir

    return user_data_dir() / KNOWN_DATABASES


def known_databases() -> dict[str, str]:
    """The database id last found at each clinic server address this workstation opened (address key -> id)."""
    try:
        known = json.loads(_known_file().read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return {str(k): str(v) for k, v in known.items()} if isinstance(known, dict) else {}


def remember_database(address: ServerAddress, database_id: str) -> None:
    """Note the id of the database at ``address`` (most recent last, the oldest forgotten past KNOWN_LIMIT).
    A note that cannot be written costs only the restore check its knowledge of this address."""
    key = address_key(address)
    known = known_databases()
    if known.get(key) == database_id:
        return
    known.pop(key, None)
    known[key] = database_id
    kept = dict(list(known.items())[-KNOWN_LIMIT:])
    target = _known_file()
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        partial = target.with_name(target.name + PART_SUFFIX)
        partial.write_text(json.dumps(kept, indent=1), encoding="utf-8")
        os.replace(partial, target)
    except OSError:
        pass
