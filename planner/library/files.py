"""Reading guidance documents from files: the shipped set in resources/ and files a clinic imports.

The parser is imported when a file is parsed: the check run at every start (:func:`shipped_documents_stored`)
usually needs none of it.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from planner.errors import DocumentError, Problem
from planner.library.document_text import normalize_text
from planner.paths import shipped_documents_dir

if TYPE_CHECKING:
    from planner.library.parser import ParsedDocument
    from planner.storage.database import Database

SHIPPED = "shipped"
"""The origin of a stored document loaded from the shipped set (planner.library.store uses the same)."""


def read_document_file(path: Path) -> ParsedDocument:
    """Parse one file, refusing oversized, non-regular (a device, a folder) or undecodable files before
    parsing; a pipe is read up to the size limit."""
    from planner.input_files import InputFileError, read_limited
    from planner.library.parser import MAX_DOCUMENT_BYTES, parse_document

    name = str(path)
    try:
        data = read_limited(path, MAX_DOCUMENT_BYTES)
    except InputFileError as exc:
        raise DocumentError(name, [Problem(0, str(exc))]) from None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise DocumentError(name, [Problem(0, f"is not UTF-8 text (byte {exc.start})")]) from None
    return parse_document(text, path.name)


def read_document_files(paths: Sequence[Path]) -> tuple[list[ParsedDocument], dict[str, list[Problem]]]:
    """Parse files for checking or importing, keeping what could be read of a file the parser refused.

    Returns the documents (partly read ones included) and the parser's problems by document id, so the library
    compiler can check the rest of a refused file and report every problem of it at once. A file that cannot
    be read at all (missing, too large, not UTF-8) raises at once.
    """
    documents: list[ParsedDocument] = []
    problems: dict[str, list[Problem]] = {}
    for path in paths:
        try:
            document = read_document_file(path)
        except DocumentError as exc:
            if exc.partial is None:
                raise
            document = exc.partial  # type: ignore[assignment]
            document.id = document.id or f"({document.origin_name})"
            problems.setdefault(document.id, []).extend(exc.problems)
        documents.append(document)
    return documents, problems


def shipped_document_paths() -> list[Path]:
    return sorted(shipped_documents_dir().glob("*.md"))


def read_shipped_documents() -> list[ParsedDocument]:
    return [read_document_file(path) for path in shipped_document_paths()]


def shipped_documents_stored(database: Database) -> bool:
    """True when syncing the shipped documents would change nothing, by the sync's own rule: a shipped file
    is stored when a shipped document holds exactly its text, or when the clinic's own document has its id
    (an override the sync leaves alone).

    This runs at every start of the app, so it compares texts read as plain rows (SQLAlchemy Core, no ORM),
    without hashing (hashlib loads OpenSSL: 4 MiB), and parses only a file whose text is not stored as
    shipped. False sends the caller to the full sync (planner.library.store.sync_shipped_documents), which
    also reports a file that cannot be read.
    """
    from planner.storage.queries import DOCUMENT_BODIES, DOCUMENT_ORIGIN

    with database.connection() as connection:
        stored = {body for (body,) in connection.execute(DOCUMENT_BODIES, {"origin": SHIPPED})}
        for path in shipped_document_paths():
            try:
                if normalize_text(path.read_bytes().decode("utf-8")) in stored:
                    continue
                document_id = read_document_file(path).id
            except (OSError, UnicodeDecodeError, DocumentError):
                return False
            owner = connection.execute(DOCUMENT_ORIGIN, {"document_id": document_id}).first()
            if owner is None or owner[0] == SHIPPED:
                return False  # new, or the shipped copy changed
    return True
