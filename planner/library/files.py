"""Reading guidance documents from files: the shipped set in resources/ and files a clinic imports."""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import TYPE_CHECKING

from planner.errors import DocumentError, Problem
from planner.library.parser import MAX_DOCUMENT_BYTES, ParsedDocument, normalize_text, parse_document
from planner.paths import shipped_documents_dir

if TYPE_CHECKING:
    from planner.db.engine import Database


def document_digest(text: str) -> str:
    """The sha256 stored with a document (``document.sha256``), of its text as parsed and stored."""
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


def read_document_file(path: Path) -> ParsedDocument:
    """Parse one file, refusing oversized or undecodable files before parsing."""
    name = str(path)
    try:
        size = path.stat().st_size
        if size > MAX_DOCUMENT_BYTES:
            raise DocumentError(name, [Problem(0, f"larger than {MAX_DOCUMENT_BYTES // 1024} KiB")])
        data = path.read_bytes()
    except OSError as exc:
        raise DocumentError(name, [Problem(0, f"cannot be read: {exc.strerror or exc}")]) from None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise DocumentError(name, [Problem(0, f"is not UTF-8 text (byte {exc.start})")]) from None
    return parse_document(text, path.name)


def shipped_document_paths() -> list[Path]:
    return sorted(shipped_documents_dir().glob("*.md"))


def read_shipped_documents() -> list[ParsedDocument]:
    return [read_document_file(path) for path in shipped_document_paths()]


def shipped_documents_stored(database: Database) -> bool:
    """True when every shipped file is stored with exactly its text, so syncing the shipped documents would
    change nothing (a stored document with the same text has the same id and version).

    This runs at every start of the app, so it reads one column with :mod:`sqlite3` and hashes the files,
    without parsing them or loading SQLAlchemy. False sends the caller to the full sync, which also reports an
    unreadable file.
    """
    try:
        shipped = {document_digest(normalize_text(p.read_bytes().decode("utf-8"))) for p in shipped_document_paths()}
    except (OSError, UnicodeDecodeError):
        return False
    with database.connect() as connection:
        stored = {row[0] for row in connection.execute("SELECT sha256 FROM document")}
    return shipped <= stored
