"""Searching the document library: the words of a search, bounded, and the passages found, best first.

The index itself and its query language are the database's (planner.storage.search_sqlite: SQLite's FTS5,
with the Porter stemmer and the documents' synonym tables); this module decides what a search is (a few
words, the last one a prefix) and what it answers (:class:`SearchHit`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from planner.errors import UserError

if TYPE_CHECKING:
    from planner.storage.database import Database

HIGHLIGHT_START = "\x02"
HIGHLIGHT_END = "\x03"
"""The marks around each match in a snippet (the app makes them bold, the command line too)."""

MAX_QUERY_CHARS = 200
MAX_QUERY_WORDS = 16
"""A search is a few words: the bounds keep its cost small (each word is one lookup in the index and one in
the synonyms), whatever is pasted into the field."""


class SearchQueryError(UserError):
    """A search longer than :data:`MAX_QUERY_CHARS` or :data:`MAX_QUERY_WORDS`."""


@dataclass(frozen=True, slots=True)
class SearchHit:
    document_id: str
    document_title: str
    heading: str
    snippet: str  # matches wrapped in HIGHLIGHT_START / HIGHLIGHT_END
    rank: float


def search_words(query: str) -> list[str]:
    """The words of a search (letters and digits; anything else separates them, so no index syntax passes),
    checked against the bounds first (:class:`SearchQueryError`)."""
    if len(query) > MAX_QUERY_CHARS:
        raise SearchQueryError(f"Search for a few words: at most {MAX_QUERY_CHARS} characters.")
    words = "".join(c if c.isalnum() else " " for c in query).split()
    if len(words) > MAX_QUERY_WORDS:
        raise SearchQueryError(f"Search for a few words: at most {MAX_QUERY_WORDS}.")
    return words


def search_passages(database: Database, query: str, limit: int = 50) -> list[SearchHit]:
    """The ``limit`` best passages of the enabled documents, best first (ties by document id and position);
    plural and other word forms, and the words a document declares the same, match too."""
    from planner.storage.queries import search_index

    words = search_words(query)  # a query beyond the bounds is refused before the database is touched
    if not words:
        return []
    with database.connection() as connection:
        rows = search_index(connection).search(connection, words, limit, (HIGHLIGHT_START, HIGHLIGHT_END))
    return [SearchHit(r[0], r[1], r[2], r[3], r[4]) for r in rows]
