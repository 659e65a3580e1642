"""The document library in the database: loading the shipped set, importing, removing, enabling, compiling.

Every change is checked by compiling the library as it would be after the change; only a library that
compiles is stored, in one transaction. So a bad document, or the removal of a document others depend on,
is refused with the reason and the library is left exactly as it was. Searching it is planner.library.search.
"""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import delete
from sqlmodel import Session, col, select

from planner.clock import utc_now
from planner.errors import DamagedDataError, DocumentError, LibraryError, Problem
from planner.library.compiler import CompiledLibrary, compile_library, synonym_groups
from planner.library.files import (
    SHIPPED,
    read_document_file,
    read_document_files,
    shipped_document_paths,
)
from planner.library.parser import ParsedDocument, parse_document
from planner.library.translations import read_shipped_translations
from planner.models import Definition, Document, Passage, Recommendation
from planner.storage import audit
from planner.storage.database import Database, get_or_raise
from planner.storage.queries import ENABLED_DOCUMENT_CHECKSUMS, search_index

IMPORTED = "imported"


def _sha(body: str) -> str:
    return hashlib.sha256(body.encode("utf-8", "surrogatepass")).hexdigest()


def _stored_documents(session: Session, *, enabled_only: bool) -> list[Document]:
    query = select(Document)
    if enabled_only:
        query = query.where(Document.enabled == True)  # noqa: E712 - SQL expression
    return list(session.exec(query.order_by(Document.id)))


def _check_stored(document: Document) -> None:
    """A stored document's text against the checksum stored with it: a byte changed by damage inside a
    condition (``>= 4`` read as ``>= 5``) would otherwise change plans without a word, and a damaged checksum
    would make a start-up rewrite the document into a damaged file."""
    if _sha(document.body) != document.sha256:
        raise DamagedDataError(
            f"the stored text of document {document.id} no longer matches its checksum: the database is damaged. "
            "Nothing was changed; run 'planner db check', or restore a backup with 'planner db restore'."
        )


def _parse_stored(document: Document) -> ParsedDocument:
    _check_stored(document)
    return parse_document(document.body, document.file_name or document.id)


def _write_document(session: Session, parsed: ParsedDocument, origin: str, enabled: bool = True) -> None:
    """Replace any stored document with the same id by ``parsed`` (within the caller's transaction)."""
    _delete_document(session, parsed.id)
    audit.record(
        session,
        f"document.load_{origin}",
        f"document:{parsed.id}",
        {"version": parsed.version, "sha256": _sha(parsed.body), "file": parsed.origin_name},
    )
    session.add(
        Document(
            id=parsed.id,
            title=parsed.title,
            source=parsed.source,
            publisher=parsed.publisher,
            date=parsed.date,
            version=parsed.version,
            kind=parsed.kind,
            origin=origin,
            enabled=enabled,
            file_name=parsed.origin_name,
            body=parsed.body,
            sha256=_sha(parsed.body),
            loaded_at=utc_now(),
        )
    )
    session.flush()
    for ordinal, passage in enumerate(parsed.passages):
        session.add(
            Passage(
                document_id=parsed.id, ordinal=ordinal, heading=passage.heading, text=passage.text, line=passage.line
            )
        )
    session.flush()
    search_index(session).index_document(
        session, parsed.id, [" ".join(words) for _line, words in synonym_groups(parsed)]
    )
    for rec in parsed.recommendations:
        session.add(
            Recommendation(
                id=rec.id,
                document_id=parsed.id,
                section=rec.section,
                target=rec.target,
                level=rec.level,
                order=rec.order,
                condition=rec.when,
                title=rec.title,
                detail=rec.detail,
                handout=rec.handout,
                line=rec.line,
            )
        )
    for finding in parsed.findings:
        session.add(Definition(document_id=parsed.id, kind="finding", name=finding.name, line=finding.line))
    for table in parsed.tables:
        session.add(Definition(document_id=parsed.id, kind="table", name=table.name, line=table.line))
    for entry in parsed.entries:
        session.add(Definition(document_id=parsed.id, kind=entry.kind, name=entry.id, line=entry.line))
    for figure in parsed.figures:
        session.add(Definition(document_id=parsed.id, kind="figure", name=figure.id, line=figure.line))


def write_document_text(session: Session, body: str, file_name: str, origin: str, enabled: bool) -> None:
    """Store a document from its stored text (copying a workstation's clinic documents into a server)."""
    _write_document(session, parse_document(body, file_name), origin, enabled)


def _delete_document(session: Session, document_id: str) -> None:
    search_index(session).unindex_document(session, document_id)
    for model in (Passage, Recommendation, Definition):
        session.exec(delete(model).where(col(model.document_id) == document_id))
    session.exec(delete(Document).where(col(Document.id) == document_id))


def _check_candidate(
    session: Session,
    *,
    replace: Sequence[ParsedDocument] = (),
    drop: Iterable[str] = (),
    disable: Iterable[str] = (),
    enable: Iterable[str] = (),
    prefer: str | None = None,
    known_problems: dict[str, list[Problem]] | None = None,
) -> CompiledLibrary:
    """Compile the enabled library as it would be after the change; raise if it would not compile (with
    ``known_problems``, the parser's problems of partly read documents, in the same report)."""
    drop, disable, enable = set(drop), set(disable), set(enable)
    candidate: dict[str, ParsedDocument] = {}
    for stored in _stored_documents(session, enabled_only=False):
        if stored.id in drop or stored.id in disable:
            continue
        if stored.enabled or stored.id in enable:
            candidate[stored.id] = _parse_stored(stored)
    for parsed in replace:
        candidate[parsed.id] = parsed
    return compile_library(candidate.values(), prefer_errors_of=prefer, known_problems=known_problems)


@dataclass(frozen=True, slots=True)
class SyncReport:
    added: list[str]
    updated: list[str]


def sync_shipped_documents(database: Database) -> SyncReport:
    """Load shipped documents that are new or whose version changed; leave clinic imports alone."""
    shipped = [read_document_file(path) for path in shipped_document_paths()]
    with database.read() as session:
        stored = {d.id: d for d in _stored_documents(session, enabled_only=False)}
    changes = [
        p
        for p in shipped
        if p.id not in stored
        or (
            stored[p.id].origin == SHIPPED
            and (stored[p.id].version != p.version or stored[p.id].sha256 != _sha(p.body))
        )
    ]
    for document in stored.values():
        _check_stored(document)  # report damage here rather than write into a file whose library rows are damaged
    if not changes:
        return SyncReport([], [])
    with database.write() as session:
        _check_candidate(session, replace=changes)
        for parsed in changes:
            previous = session.get(Document, parsed.id)
            _write_document(session, parsed, SHIPPED, enabled=previous.enabled if previous else True)
    return SyncReport([p.id for p in changes if p.id not in stored], [p.id for p in changes if p.id in stored])


def import_documents(database: Database, paths: Sequence[Path]) -> list[ParsedDocument]:
    """Import files as clinic documents, all or nothing; a file with an existing id replaces that document.

    A refused file is reported with every problem found in it, the parser's and the compiler's, in line order.
    """
    parsed, problems = read_document_files(paths)
    ids = [p.id for p in parsed]
    duplicates = {i for i in ids if ids.count(i) > 1}
    if duplicates:
        raise LibraryError(f"two of the files have the same document id: {', '.join(sorted(duplicates))}")
    prefer = next((doc.id for doc in parsed if doc.id in problems), parsed[0].id if parsed else None)
    with database.write() as session:
        _check_candidate(session, replace=parsed, enable=ids, prefer=prefer, known_problems=problems)
        for document in parsed:
            _write_document(session, document, IMPORTED)
    return parsed


def remove_document(database: Database, document_id: str) -> None:
    """Remove an imported document; a shipped one can only be disabled. An override of a shipped document
    gives way to the shipped version again."""
    with database.write() as session:
        document = get_or_raise(session, Document, document_id)
        if document.origin == SHIPPED:
            raise LibraryError(f"{document_id} is a shipped document: disable it instead of removing it")
        shipped = {p.id: p for p in map(read_document_file, shipped_document_paths())}
        restore = [shipped[document_id]] if document_id in shipped else []
        try:
            _check_candidate(session, drop=[document_id], replace=restore)
        except DocumentError as exc:
            raise LibraryError(f"removing {document_id} would break the library:\n{exc}") from None
        _delete_document(session, document_id)
        audit.record(session, "document.remove", f"document:{document_id}", {"version": document.version})
        for parsed in restore:
            _write_document(session, parsed, SHIPPED)


def set_document_enabled(database: Database, document_id: str, enabled: bool) -> None:
    with database.write() as session:
        document = get_or_raise(session, Document, document_id)
        try:
            if enabled:
                _check_candidate(session, enable=[document_id])
            else:
                _check_candidate(session, disable=[document_id])
        except DocumentError as exc:
            action = "enabling" if enabled else "disabling"
            raise LibraryError(f"{action} {document_id} would break the library:\n{exc}") from None
        document.enabled = enabled
        session.add(document)
        audit.record(session, "document.enable" if enabled else "document.disable", f"document:{document_id}")


def list_documents(database: Database) -> list[Document]:
    with database.read() as session:
        return _stored_documents(session, enabled_only=False)


def get_document(database: Database, document_id: str) -> Document:
    with database.read() as session:
        document = get_or_raise(session, Document, document_id)
        return document


def document_contributions(database: Database, document_id: str) -> list[Recommendation]:
    with database.read() as session:
        query = select(Recommendation).where(Recommendation.document_id == document_id)
        return list(
            session.exec(query.order_by(col(Recommendation.target), col(Recommendation.order), col(Recommendation.id)))
        )


_cache: dict[tuple[str, str], CompiledLibrary] = {}
_cache_lock = threading.Lock()


def library_fingerprint(session: Session) -> str:
    rows = session.execute(ENABLED_DOCUMENT_CHECKSUMS).all()
    return hashlib.sha256("\n".join(f"{i}:{s}" for i, s in rows).encode()).hexdigest()


def load_library(database: Database) -> CompiledLibrary:
    """The enabled library, compiled once per distinct set of document texts and reused.

    The app may warm this up on a worker thread (:mod:`planner.warmup`) while the user opens a patient: a
    second caller waits for the compilation under way rather than compiling again. The shipped translations of
    patient texts come with it, checked against the stored documents (a clinic's own version of a document
    makes a translation of the shipped one stale, so its texts fall back to English).
    """
    with _cache_lock:
        with database.read() as session:
            key = (database.location, library_fingerprint(session))
            cached = _cache.get(key)
            if cached is not None:
                return cached
            documents = [_parse_stored(d) for d in _stored_documents(session, enabled_only=True)]
        library = compile_library(documents, translations=read_shipped_translations())
        _cache.clear()
        _cache[key] = library
        return library
