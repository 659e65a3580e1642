"""A document's text as the library parses, stores and compares it.

Kept apart from the parser and the file reading, which both need it: the check run at every start
(planner.library.files.shipped_documents_stored) compares shipped files with the stored texts without
loading the parser.
"""

from __future__ import annotations


def normalize_text(text: str) -> str:
    """A document's text as parsed and stored: Unix line endings, no byte-order mark."""
    return text.replace("\r\n", "\n").replace("\r", "\n").lstrip("\ufeff")
