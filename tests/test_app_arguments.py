"""Opening the app parses its two options without building the parser of every command; anything else (a
command, --help, a usage error) goes to the full parser, which reads the app's options the same way."""

from __future__ import annotations

from pathlib import Path

import pytest

from planner.cli import _app_arguments, build_parser


@pytest.mark.parametrize("argv", [[], ["--smoke"], ["--db", "clinic.sqlite3"], ["--db=x.sqlite3", "--smoke"]])
def test_app_options_parse_as_the_full_parser_does(argv: list[str]) -> None:
    quick = _app_arguments(argv)
    assert quick is not None and quick.command is None
    full = build_parser().parse_args(argv)
    assert (quick.db, quick.smoke) == (full.db, full.smoke)
    assert quick.db is None or isinstance(quick.db, Path)


@pytest.mark.parametrize("argv", [["--help"], ["plan", "x.json"], ["--db", "x", "db", "check"], ["--db"], ["-x"]])
def test_anything_else_goes_to_the_full_parser(argv: list[str]) -> None:
    assert _app_arguments(argv) is None
