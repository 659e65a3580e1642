"""The full-text index of the document library on a clinic server: PostgreSQL's own text search.

``passage`` has a stored ``tsvector`` column (``search``: the heading weighted A, the text D) with a GIN
index, kept in step by PostgreSQL itself (a generated column), and ``search_synonym`` holds the documents'
synonym tables. Both are made by the functions of migration 0010, which read words exactly as SQLite's index
does (planner.storage.search_sqlite: unicode61 words, accents removed, FTS5's own Porter stemmer), so a
search finds the same passages on either database (the order may differ: ``ts_rank`` is not bm25).

The same functions as planner.storage.search_sqlite; a search's words become a ``tsquery`` through
``planner_search_query``, whose lexemes are taken as they are, so no word is ever read as query syntax.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import text

from planner.storage.guards_postgres import SEARCH_CONFIGURATION

PASSAGE_VECTOR = "setweight(planner_search_vector(heading), 'A') || setweight(planner_search_vector(text), 'D')"
"""A passage's search vector as migration 0010 made the column: the heading weighted A, the text D."""

ADD_SYNONYMS = text("INSERT INTO search_synonym (words, document_id) VALUES (:words, :document_id)")
REMOVE_SYNONYMS = text("DELETE FROM search_synonym WHERE document_id = :document_id")
SYNONYMS = text(
    "SELECT words FROM search_synonym WHERE search @@ planner_search_query(:word, false) "
    "AND document_id NOT IN (SELECT id FROM document WHERE NOT enabled) ORDER BY id LIMIT 4"
)
UNINDEXED = text(f"SELECT count(*) FROM passage WHERE search IS DISTINCT FROM ({PASSAGE_VECTOR})")


def index_document(connection: Any, document_id: str, synonym_groups: Iterable[str]) -> None:
    """Add a stored document's synonym groups (its passages index themselves: a generated column)."""
    for words in synonym_groups:
        connection.execute(ADD_SYNONYMS, {"words": words, "document_id": document_id})


def unindex_document(connection: Any, document_id: str) -> None:
    connection.execute(REMOVE_SYNONYMS, {"document_id": document_id})


def check_index(connection: Any) -> str | None:
    """Passages whose stored search vector is not what their text makes (a configuration changed under it)."""
    stale = connection.execute(UNINDEXED).scalar()
    return f"{stale} passages are indexed with other words than their text" if stale else None


def synonyms_of(connection: Any, word: str) -> list[str]:
    found: list[str] = []
    for (words,) in connection.execute(SYNONYMS, {"word": word}).all():
        found += words.split()
    return found


def tsquery(connection: Any, words: list[str]) -> tuple[str, dict[str, str]]:
    """The SQL of a ``tsquery`` for ``words`` and its parameters: every word required, each matching any of
    its synonyms, the last one as a prefix (as on SQLite: results follow typing)."""
    terms = []
    params: dict[str, str] = {}
    for index, word in enumerate(words):
        alternatives = {word.casefold(): word}
        for other in synonyms_of(connection, word):
            alternatives.setdefault(other.casefold(), other)
        parts = []
        for number, alternative in enumerate(alternatives.values()):
            name = f"w{index}_{number}"
            params[name] = alternative
            prefix = "true" if number == 0 and index == len(words) - 1 else "false"
            parts.append(f"planner_search_query(:{name}, {prefix})")
        terms.append("(" + " || ".join(parts) + ")")
    return " && ".join(terms), params


def search(connection: Any, words: list[str], limit: int, highlight: tuple[str, str]) -> list[Any]:
    """The ``limit`` best passages of the enabled documents for ``words``, best first (ties by document id and
    position), as rows of (document id, document title, heading, snippet with the matches between the two
    ``highlight`` marks, rank: lower is better, as bm25's on SQLite)."""
    if not words:
        return []
    query, params = tsquery(connection, words)
    statement = text(
        f"WITH q AS (SELECT {query} AS query), best AS ("
        "SELECT p.document_id, d.title, p.heading, p.text, p.ordinal, -ts_rank(p.search, q.query) AS rank, q.query "
        "FROM passage p JOIN document d ON d.id = p.document_id AND d.enabled, q "
        "WHERE p.search @@ q.query ORDER BY rank, p.document_id, p.ordinal LIMIT :limit) "
        f"SELECT document_id, title, heading, ts_headline('{SEARCH_CONFIGURATION}', text, query, "
        "'StartSel=' || :highlight_start || ', StopSel=' || :highlight_end || ', MaxWords=16, MinWords=6, "
        "ShortWord=2, FragmentDelimiter=…, MaxFragments=1'), rank FROM best ORDER BY rank, document_id, ordinal"
    )
    params |= {"limit": str(limit), "highlight_start": highlight[0], "highlight_end": highlight[1]}
    return connection.execute(statement, {**params, "limit": limit}).all()
