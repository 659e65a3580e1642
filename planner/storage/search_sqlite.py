"""The full-text index of the document library on SQLite: FTS5 tables, their MATCH language and ranking.

Two FTS5 tables (migration 0007): ``passage_fts`` indexes each passage's heading and text (external content:
the ``passage`` table holds the text, the index only its words) and ``synonym_fts`` the word groups the
documents declare the same (``::: table search_synonyms``), both with the Porter stemmer in front of the
Unicode tokenizer, so plurals and other word forms match. The library store keeps them in step with the
passages (:func:`index_document`, :func:`unindex_document`); with ``trusted_schema`` off, triggers may not.

Everything SQLite-specific about search is here: the tables, the MATCH expression a search becomes
(:func:`fts_query`), bm25 ranking and snippets. The rest of search (the bounds on a query, the hits as the
app shows them) is planner.library.search; a PostgreSQL version (``tsvector`` with a GIN index) sits beside
this module with the same functions. All statements take named parameters and run on SQLAlchemy
connections or sessions.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from sqlalchemy import text

INDEX_PASSAGES = text(
    "INSERT INTO passage_fts(rowid, heading, text) SELECT id, heading, text FROM passage "
    "WHERE document_id = :document_id"
)
UNINDEX_PASSAGES = text(
    "INSERT INTO passage_fts(passage_fts, rowid, heading, text) "
    "SELECT 'delete', id, heading, text FROM passage WHERE document_id = :document_id"
)
ADD_SYNONYMS = text("INSERT INTO synonym_fts(words, document_id) VALUES (:words, :document_id)")
REMOVE_SYNONYMS = text("DELETE FROM synonym_fts WHERE document_id = :document_id")
CHECK_INDEX = text("INSERT INTO passage_fts(passage_fts, rank) VALUES ('integrity-check', 1)")
"""FTS5's own check that the index matches the passages: raises when it does not."""
SYNONYMS = text(
    "SELECT words FROM synonym_fts WHERE synonym_fts MATCH :word "
    "AND document_id NOT IN (SELECT id FROM document WHERE NOT enabled) LIMIT 4"
)

SEARCH_RANK = "bm25(passage_fts, 4.0, 1.0)"
"""The ranking of search results: a word in a heading counts four times one in the text (lower is better)."""

_SEARCH = (
    "SELECT p.document_id, (SELECT title FROM document WHERE id = p.document_id AND enabled), p.heading, "
    f"snippet(passage_fts, 1, :highlight_start, :highlight_end, '…', 16), {SEARCH_RANK} AS rank "
    "FROM passage_fts JOIN passage p ON p.id = passage_fts.rowid WHERE passage_fts MATCH :match{only_enabled} "
    "ORDER BY rank, p.document_id, p.ordinal LIMIT :limit"
)
# The title and the snippet are result columns, not sort keys, so SQLite makes them only for the rows that
# get among the best so far as the matches go by, not for every match. The title is NULL for a disabled
# document.
SEARCH_ALL = text(_SEARCH.format(only_enabled=""))
"""The best passages of every document: one pass over the matches and their passages, nothing else."""
SEARCH_ENABLED = text(
    _SEARCH.format(only_enabled=" AND p.document_id NOT IN (SELECT id FROM document WHERE NOT enabled)")
)
"""The best passages of the enabled documents; finding the disabled ones costs a scan of the document table."""


def index_document(connection: Any, document_id: str, synonym_groups: Iterable[str]) -> None:
    """Add a stored document's passages and synonym groups (each a space-separated word list) to the index."""
    connection.execute(INDEX_PASSAGES, {"document_id": document_id})
    for words in synonym_groups:
        connection.execute(ADD_SYNONYMS, {"words": words, "document_id": document_id})


def unindex_document(connection: Any, document_id: str) -> None:
    """Take a document's passages and synonyms out of the index (before its passages are deleted)."""
    connection.execute(UNINDEX_PASSAGES, {"document_id": document_id})
    connection.execute(REMOVE_SYNONYMS, {"document_id": document_id})


def check_index(connection: Any) -> str | None:
    """What is wrong with the index (FTS5's own check), or None."""
    try:
        connection.execute(CHECK_INDEX)
    except Exception as exc:  # FTS5 reports a mismatch as an error; any error here is the answer
        return str(getattr(exc, "orig", exc))
    return None


def fts_query(words: list[str], synonyms: Callable[[str], Iterable[str]] | None = None) -> str:
    """Search words as an FTS5 MATCH expression: each word quoted (so no FTS syntax can be injected), all
    required, the last one matched as a prefix so results follow typing. ``synonyms`` gives the words a
    document declares the same as a word; each word then matches any of them."""
    terms = []
    for index, word in enumerate(words):
        star = "*" if index == len(words) - 1 else ""
        alternatives = {word.casefold(): f'"{word}"{star}'}
        for other in synonyms(word) if synonyms else ():
            alternatives.setdefault(other.casefold(), f'"{other}"')
        either = " OR ".join(alternatives.values())
        terms.append(f"({either})" if len(alternatives) > 1 else either)
    return " AND ".join(terms)  # explicit: FTS5 joins bare phrases by AND, but not a phrase and a group


def synonyms_of(connection: Any, word: str) -> list[str]:
    """The words the enabled documents' synonym tables group with ``word`` (matched through the same
    stemmer as the passages, so a plural finds its group)."""
    found: list[str] = []
    for (words,) in connection.execute(SYNONYMS, {"word": f'words:"{word}"'}).all():
        found += words.split()
    return found


def search_match(connection: Any, words: list[str]) -> str:
    """The MATCH expression a search for ``words`` runs, synonyms included."""
    return fts_query(words, lambda word: synonyms_of(connection, word))


def search(connection: Any, words: list[str], limit: int, highlight: tuple[str, str]) -> list[Any]:
    """The ``limit`` best passages of the enabled documents for ``words``, best first (ties by document id and
    position): rows of (document id, document title, heading, snippet with the matches between the two
    ``highlight`` marks, rank).

    Most searches meet no disabled document among their best passages, and then the best passages of all
    documents are the answer: SEARCH_ALL runs first, and SEARCH_ENABLED only when a disabled document got
    among them (its title comes back NULL).
    """
    match = search_match(connection, words)
    if not match:
        return []
    params = {"match": match, "highlight_start": highlight[0], "highlight_end": highlight[1], "limit": limit}
    rows = connection.execute(SEARCH_ALL, params).all()
    if any(row[1] is None for row in rows):
        rows = connection.execute(SEARCH_ENABLED, params).all()
    return rows
