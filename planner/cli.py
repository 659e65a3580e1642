"""The command line: the same core as the desktop app, with no display needed."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from planner.errors import UserError

EXIT_OK = 0
EXIT_USAGE = 2


def _docs_check(args: argparse.Namespace) -> int:
    """Check files as they would be imported, against the shipped library (no database touched)."""
    from planner.library.compiler import compile_library
    from planner.library.files import read_document_file, read_shipped_documents

    documents = {doc.id: doc for doc in read_shipped_documents()}
    checked = [read_document_file(Path(name)) for name in args.files]
    for doc in checked:
        documents[doc.id] = doc
    library = compile_library(documents.values(), prefer_errors_of=checked[0].id if checked else None)
    for doc in checked or documents.values():
        count = sum(1 for r in library.recommendations if r.document_id == doc.id)
        print(f"{doc.id} {doc.version}: ok ({count} recommendations, {len(doc.passages)} sections)")
    return EXIT_OK


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="planner", description="Lumbosacral plexopathy care planner")
    parser.add_argument("--db", type=Path, help="database file (default: per-user data directory or $PLANNER_DB)")
    sub = parser.add_subparsers(dest="command")
    docs = sub.add_parser("docs", help="the guidance document library")
    docs_sub = docs.add_subparsers(dest="docs_command", required=True)
    check = docs_sub.add_parser("check", help="check document files without importing them")
    check.add_argument("files", nargs="*")
    check.set_defaults(handler=_docs_check)
    return parser


def run(argv: list[str]) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help()
        return EXIT_OK
    try:
        return int(args.handler(args))
    except UserError as exc:
        print(f"planner: {exc}", file=sys.stderr)
        return EXIT_USAGE
