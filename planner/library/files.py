"""Reading guidance documents from files: the shipped set in resources/ and files a clinic imports."""

from __future__ import annotations

from pathlib import Path

from planner.errors import DocumentError, Problem
from planner.library.parser import MAX_DOCUMENT_BYTES, ParsedDocument, parse_document
from planner.paths import shipped_documents_dir


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
