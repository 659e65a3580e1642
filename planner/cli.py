"""The command line: the same core as the desktop app, with no display needed.

Exit status 0 when done, 2 for bad input or usage (with a message naming the file, the field and the
rule), 1 for an unexpected failure (logged, reported in one line, never as a traceback), 141 quietly when
the reader of the output went away (``planner plan x.json | head -1``), as other Unix tools do. Subcommands
import what they need when they run, so ``planner schema`` does not pay for ReportLab or the database.

Everything a command prints passes through :class:`~planner.terminal.TerminalWriter`: names, titles and
passages are data, and no control or escape sequence in them reaches the terminal.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from planner.errors import UserError

EXIT_OK = 0
EXIT_FAILURE = 1
EXIT_USAGE = 2
EXIT_PIPE_CLOSED = 128 + 13
"""Killed by SIGPIPE, in the shell's words: what ``cat`` or ``grep`` report when the reader goes away."""

MAX_ROW_ID = 2**63 - 1
"""SQLite's largest row id: a larger number names nothing (and cannot even be looked up)."""
MAX_SEARCH_RESULTS = 1000
MAX_DEMO_PATIENTS = 100_000


class _Parser(argparse.ArgumentParser):
    """argparse, but usage errors are UserErrors (exit 2 with one clear line)."""

    def error(self, message: str) -> Any:
        raise UserError(f"{message}\n(see 'planner --help')")


def _open(args: argparse.Namespace) -> Any:
    from planner.opening import open_database
    from planner.paths import default_database_path
    from planner.storage.postgres import terminal_password

    return open_database(args.db or default_database_path(), ask_password=terminal_password)


def _read_assessment(name: str) -> dict[str, Any]:
    from planner.assessment.validate import load_assessment_file, load_assessment_stream

    if name == "-":
        return load_assessment_stream(sys.stdin.buffer, "<stdin>")
    return load_assessment_file(Path(name))


def _dump(value: Any) -> None:
    import json

    from planner.terminal import json_for_terminal

    sys.stdout.write(json_for_terminal(json.dumps(value, ensure_ascii=False, indent=2)) + "\n")


def _text(value: str) -> str:
    """An argument that is text (an id, a name, search words): it must decode as text."""
    if any("\ud800" <= character <= "\udfff" for character in value):
        from planner.terminal import for_terminal

        raise argparse.ArgumentTypeError(f"'{for_terminal(value)}' is not valid text (the argument is not UTF-8)")
    return value


def _row_id(value: str) -> int:
    """A stored item's number, as 'due' and 'history' show them."""
    if not value.isascii() or not value.isdigit():
        raise argparse.ArgumentTypeError(f"'{value}' is not an item number (a whole number such as 12)")
    number = int(value) if len(value) <= 20 else MAX_ROW_ID + 1
    if not 1 <= number <= MAX_ROW_ID:
        shown = value if len(value) <= 30 else f"{value[:30]}…"
        raise argparse.ArgumentTypeError(f"there is no item {shown} (numbers run from 1 to {MAX_ROW_ID})")
    return number


def _count(low: int, high: int) -> Callable[[str], int]:
    """A whole-number option between ``low`` and ``high``."""

    def parse(value: str) -> int:
        text = value.strip()
        digits = text.removeprefix("-")
        if not text.isascii() or not digits.isdigit():
            raise argparse.ArgumentTypeError(f"'{value}' is not a whole number")
        number = int(text) if len(digits) <= 20 else (high + 1 if text[0] != "-" else low - 1)
        if number < low:
            raise argparse.ArgumentTypeError(f"must be {low} or more")
        if number > high:
            raise argparse.ArgumentTypeError(f"must be at most {high}")
        return number

    parse.__name__ = "whole number"
    return parse


def cmd_plan(args: argparse.Namespace) -> int:
    from planner.plan.draft import draft_plan
    from planner.plan.text import render_plan_text

    if (args.file is None) == (args.patient is None):
        raise UserError("plan: give an assessment file or --patient ID (one of the two)")
    if args.patient is not None:
        from planner.record.patient_history import plan_for_patient

        _, plan = plan_for_patient(_open(args), args.patient)
    else:
        from planner.record.visits import find_stored_assessment

        database = _open(args)
        assessment = _read_assessment(args.file)
        plan = draft_plan(database, assessment, find_stored_assessment(database, assessment))
    if args.json:
        _dump(plan)
    else:
        sys.stdout.write(render_plan_text(plan))
    return EXIT_OK


def _date_option(value: str | None, name: str) -> Any:
    from datetime import date

    from planner.dates import parse_date

    if value is None:
        return date.today()
    try:
        return parse_date(value)
    except ValueError:
        raise UserError(f"{name}: '{value}' is not a date (write it YYYY-MM-DD, for example 2026-11-28)") from None


def cmd_history(args: argparse.Namespace) -> int:
    from planner.record.patient_history import history_text, patient_history

    history = patient_history(_open(args), args.patient, _date_option(args.on, "--on"))
    if args.json:
        _dump(history)
    else:
        sys.stdout.write(history_text(history))
    return EXIT_OK


def cmd_due(args: argparse.Namespace) -> int:
    from dataclasses import asdict

    from planner.record.followup import due_list, due_text

    today = _date_option(args.on, "--on")
    items = due_list(_open(args), today, days_ahead=args.days)
    if args.json:
        _dump([asdict(item) for item in items])
    else:
        sys.stdout.write(due_text(items, today))
    return EXIT_OK


def cmd_done(args: argparse.Namespace) -> int:
    from planner.record.followup import set_done

    when = None if args.reopen else _date_option(args.on, "--on")
    set_done(_open(args), args.id, when, by=args.by or "")
    print(f"follow-up {args.id} " + ("open again" if when is None else f"done on {when.isoformat()}"))
    return EXIT_OK


def cmd_sign(args: argparse.Namespace) -> int:
    """Sign a draft plan version as stored, by the same core function as the app's Sign button."""
    from planner.export.context import short_hash
    from planner.record.plans import sign_stored_plan

    record = sign_stored_plan(_open(args), args.plan_id, args.signer, args.credentials)
    print(
        f"signed plan {record.id} (version {record.version}) of patient {record.patient_id} as {record.signer}; "
        f"content hash {short_hash(record.content_hash or '')}"
    )
    return EXIT_OK


def cmd_export(args: argparse.Namespace) -> int:
    """Draft the plan with the patient's stored history (when the patient is stored) and write a PDF."""
    from planner.export.service import export_pdf

    if not args.handout and (args.language or args.large_print):
        option = "--language" if args.language else "--large-print"
        raise UserError(f"export: {option} is an option of the patient handout (add --handout)")
    assessment = _read_assessment(args.file)
    exported = export_pdf(
        _open(args),
        assessment,
        Path(args.output),
        handout=args.handout,
        overwrite=args.force,
        language=args.language,
        large_print=args.large_print,
    )
    print(f"wrote {exported.path}")
    if exported.warning:
        print(f"planner: warning: {exported.warning}", file=sys.stderr)
    return EXIT_OK


def cmd_import(args: argparse.Namespace) -> int:
    """Every file is read and checked before any is stored (a problem in one stores none); each is then stored
    in its own transaction, and a failure part way says which files were stored and which were not."""
    from planner.record.assessments import store_assessment

    assessments, problems = [], []
    for name in args.files:
        try:
            assessments.append((name, _read_assessment(name)))
        except UserError as exc:
            problems.append(str(exc))
    if problems:
        raise UserError("\n".join([*problems, "nothing was stored (fix the files above and import them again)"]))
    database = _open(args)
    stored: list[str] = []
    for index, (name, assessment) in enumerate(assessments):
        try:
            result = store_assessment(database, assessment)
        except Exception as exc:
            rest = [n for n, _ in assessments[index:]]
            summary = (
                f"stored: {', '.join(stored) if stored else 'none'}\n"
                f"not stored: {', '.join(rest)} (the first of these failed; import the files not stored again)"
            )
            if isinstance(exc, UserError):
                raise UserError(f"{name}: {exc}\n{summary}") from None
            print(f"planner: {summary}", file=sys.stderr)
            raise
        stored.append(name)
        new = "new patient" if result.patient_created else "patient"
        print(
            f"{name}: {new} {result.patient_id}, assessment {result.assessment_id}, "
            f"draft plan {result.plan_id} (version {result.plan_version})",
            flush=True,
        )
        for note in result.notes:
            print(f"{name}: note: {note}", file=sys.stderr, flush=True)
    return EXIT_OK


def cmd_docs_list(args: argparse.Namespace) -> int:
    from planner.library.store import list_documents

    documents = list_documents(_open(args))
    print(f"{'id':<18} {'version':<8} {'kind':<11} {'origin':<9} {'enabled':<8} title")
    for doc in documents:
        print(
            f"{doc.id:<18} {doc.version:<8} {doc.kind:<11} {doc.origin:<9} {'yes' if doc.enabled else 'no':<8} "
            f"{doc.title}"
        )
    return EXIT_OK


def cmd_docs_show(args: argparse.Namespace) -> int:
    from planner.library.store import document_contributions, get_document

    database = _open(args)
    doc = get_document(database, args.id)
    print(f"{doc.id} version {doc.version} ({doc.kind}, {doc.origin}, {'enabled' if doc.enabled else 'disabled'})")
    print(f"Title:  {doc.title}\nSource: {doc.source}")
    if doc.publisher:
        print(f"Publisher: {doc.publisher}")
    contributions = document_contributions(database, doc.id)
    if contributions:
        print("\nRecommendations:")
        for rec in contributions:
            target = f"alert/{rec.level}" if rec.target == "alert" else rec.target
            print(f"  {rec.id:<40} {target:<16} when {rec.condition}")
    if args.text:
        print("\n" + doc.body)
    return EXIT_OK


def cmd_docs_search(args: argparse.Namespace) -> int:
    from planner.library.search import HIGHLIGHT_END, HIGHLIGHT_START, search_passages

    query = " ".join(args.query)
    hits = search_passages(_open(args), query, limit=args.limit)
    out = sys.stdout
    bold = out.isatty()
    start, end = ("\033[1m", "\033[0m") if bold else ("**", "**")
    markup = getattr(out, "write_markup", out.write)  # the bold codes are ours; the snippet's text is not
    if not hits:
        print(f"no passage matches '{query}'")
    for hit in hits:
        out.write(f"{hit.document_id} § {hit.heading}\n    ")
        for index, part in enumerate(
            hit.snippet.replace("\n", " ").replace(HIGHLIGHT_END, HIGHLIGHT_START).split(HIGHLIGHT_START)
        ):
            if index:
                markup(start if index % 2 else end)
            out.write(part)
        out.write("\n")
    return EXIT_OK


def cmd_docs_import(args: argparse.Namespace) -> int:
    from planner.library.store import import_documents

    for doc in import_documents(_open(args), [Path(name) for name in args.files]):
        print(
            f"imported {doc.id} version {doc.version}: {len(doc.recommendations)} recommendations, "
            f"{len(doc.passages)} sections"
        )
    return EXIT_OK


def cmd_docs_remove(args: argparse.Namespace) -> int:
    from planner.library.store import remove_document

    remove_document(_open(args), args.id)
    print(f"removed {args.id}")
    return EXIT_OK


def cmd_docs_enable(args: argparse.Namespace) -> int:
    from planner.library.store import set_document_enabled

    set_document_enabled(_open(args), args.id, args.enable)
    print(f"{args.id} {'enabled' if args.enable else 'disabled'}")
    return EXIT_OK


def cmd_docs_check(args: argparse.Namespace) -> int:
    """Check files as they would be imported, against the shipped library; touches no database."""
    from planner.library.compiler import compile_library
    from planner.library.files import read_document_files, read_shipped_documents
    from planner.library.translations import (
        TRANSLATION_LANGUAGES,
        raise_problems,
        read_shipped_translations,
        untranslated,
    )

    documents = {doc.id: doc for doc in read_shipped_documents()}
    checked, problems = read_document_files([Path(name) for name in args.files])
    for doc in checked:
        documents[doc.id] = doc
    prefer = next((doc.id for doc in checked if doc.id in problems), checked[0].id if checked else None)
    library = compile_library(
        documents.values(), prefer_errors_of=prefer, known_problems=problems, translations=read_shipped_translations()
    )
    for doc in checked or sorted(documents.values(), key=lambda d: d.id):
        count = sum(1 for r in library.recommendations if r.document_id == doc.id)
        extras = "".join(
            f", {len(items)} {label}"
            for label, items in (
                ("exercises", [e for e in doc.entries if e.kind == "exercise"]),
                ("equipment items", [e for e in doc.entries if e.kind == "equipment"]),
                ("figures", doc.figures),
            )
            if items
        )
        print(f"{doc.id} {doc.version}: ok ({count} recommendations{extras}, {len(doc.passages)} sections)")
    translations = library.translations
    for language, texts in sorted(translations.texts.items()):
        print(f"translations ({language}): {len(texts)} patient texts")
    for origin, ids in sorted(translations.stale.items()):
        print(
            f"note: {origin}: the English changed since these were translated (they print in English): {', '.join(ids)}"
        )
    for language in TRANSLATION_LANGUAGES:
        for doc_id, ids in untranslated(translations, sorted(documents.values(), key=lambda d: d.id), language).items():
            print(f"note: {language}/{doc_id}.md: no translation (they print in English): {', '.join(ids)}")
    raise_problems(translations)
    return EXIT_OK


def cmd_docs_translation(args: argparse.Namespace) -> int:
    """A translation file to fill in for one document: its patient texts in English with their source hashes."""
    from planner.library.files import read_shipped_documents
    from planner.library.translations import read_translation_file, translation_skeleton, translations_dir

    documents = {doc.id: doc for doc in read_shipped_documents()}
    if args.id not in documents:
        raise UserError(f"docs translation: no shipped document '{args.id}'")
    existing_path = translations_dir() / args.language / f"{args.id}.md"
    existing = read_translation_file(existing_path) if existing_path.is_file() else None
    sys.stdout.write(translation_skeleton(documents[args.id], args.language, existing))
    return EXIT_OK


def cmd_docs_figures(args: argparse.Namespace) -> int:
    """A contact sheet of the figures of the shipped library and the given files (touches no database)."""
    from planner.export.figure_sheet import figure_sheet_pdf
    from planner.export.files import write_file_atomically
    from planner.library.compiler import compile_library
    from planner.library.files import read_document_file, read_shipped_documents

    documents = {doc.id: doc for doc in read_shipped_documents()}
    checked = [read_document_file(Path(name)) for name in args.files]
    for doc in checked:
        documents[doc.id] = doc
    library = compile_library(documents.values(), prefer_errors_of=checked[0].id if checked else None)
    written = write_file_atomically(Path(args.output), figure_sheet_pdf(library), overwrite=args.force)
    print(f"wrote {written} ({len(library.figures)} figures)")
    return EXIT_OK


def cmd_docs_findings(args: argparse.Namespace) -> int:
    from planner.engine.vocabulary import BASE_FINDINGS
    from planner.library.store import load_library

    library = load_library(_open(args))
    for finding in BASE_FINDINGS.values():
        print(f"{finding.name:<32} {finding.kind.value:<7} {finding.description}")
    for derived in library.derived:
        print(f"{derived.name:<32} {derived.kind.value:<7} defined by {derived.document_id}")
    return EXIT_OK


def cmd_docs_rules(args: argparse.Namespace) -> int:
    """The clinical review table: every rule with its condition in words, its gates and its source."""
    from planner.library.rules_doc import clinical_rules_markdown

    if args.shipped:
        from planner.library.compiler import compile_library
        from planner.library.files import read_shipped_documents

        library = compile_library(read_shipped_documents())
    else:
        from planner.library.store import load_library

        library = load_library(_open(args))
    sys.stdout.write(clinical_rules_markdown(library))
    return EXIT_OK


def cmd_demo(args: argparse.Namespace) -> int:
    from planner.demo import generate_demo

    count = generate_demo(_open(args), args.patients, seed=args.seed)
    print(f"stored {args.patients} synthetic patients with {count} assessments and draft plans")
    return EXIT_OK


def cmd_db_backup(args: argparse.Namespace) -> int:
    from planner.storage.backup import backup_database

    database = _open(args)
    target = Path(args.target) if args.target else None
    if database.is_server:  # pg_dump: one consistent snapshot of the clinic database
        from planner.storage.server_backup import backup_server

        print(f"backup of {database.location} written to {backup_server(database, target)}")
        return EXIT_OK
    print(f"backup written to {backup_database(database, target)}")
    return EXIT_OK


def cmd_db_restore(args: argparse.Namespace) -> int:
    """Does not open the current database first: it may be the damaged file being replaced."""
    from planner.paths import default_database_path
    from planner.storage.postgres import is_server_url
    from planner.storage.restore import restore_backup

    if is_server_url(args.db):  # pg_restore into an empty clinic database
        from planner.storage.postgres import ServerAddress, terminal_password
        from planner.storage.server_backup import restore_server

        restore_server(args.db, Path(args.backup), ask_password=terminal_password, force=args.force)
        print(f"restored {args.backup} to {ServerAddress.parse(args.db).shown}")
        return EXIT_OK
    target = Path(args.db or default_database_path())
    kept = restore_backup(target, Path(args.backup), force=args.force)
    print(f"restored {args.backup} to {target}" + (f"; the previous file is kept as {kept}" if kept else ""))
    return EXIT_OK


def cmd_db_migrate_to(args: argparse.Namespace) -> int:
    from planner.opening import open_database
    from planner.storage.database import ServerDatabase
    from planner.storage.postgres import is_server_url, terminal_password
    from planner.transfer import migrate_to

    if not is_server_url(args.server):
        raise UserError(f"migrate-to: {args.server!r} is not a clinic server's address (postgresql://HOST/DBNAME)")
    source = _open(args)
    if source.is_server:
        raise UserError("migrate-to copies a workstation's database file: give it with --db FILE")
    target = open_database(args.server, ask_password=terminal_password)
    if not isinstance(target, ServerDatabase):
        target.dispose()
        raise UserError(f"migrate-to copies into a clinic server: give a postgresql:// address, not {args.server}")
    try:
        report = migrate_to(source, target)
    finally:
        target.dispose()
    print(f"copied {source.location} into {target.location}")
    for line in report.lines():
        print(line)
    return EXIT_OK if report.ok else EXIT_FAILURE


def cmd_db_check(args: argparse.Namespace) -> int:
    from planner.storage.check import check_database

    report = check_database(_open(args))
    counts = ", ".join(f"{value} {name}" for name, value in report.counts.items())
    for problem in report.problems:
        print(f"PROBLEM: {problem}")
    for note in report.notes:
        print(f"note: {note}")
    print(f"{'ok' if report.ok else 'problems found'} ({counts})")
    return EXIT_OK if report.ok else EXIT_FAILURE


BENCH_MISSING = (
    "bench: the benchmarks are not part of the installed app; they come with the source checkout. "
    "In the project folder, run: python -m bench (it takes the options of 'planner bench --help')"
)


def cmd_bench(args: argparse.Namespace) -> int:
    """The benchmarks live in the ``bench`` folder of a source checkout, not in the installed package."""
    try:
        from bench.measure import as_json, table
        from bench.run import run_benchmarks
    except ModuleNotFoundError as exc:
        if exc.name not in ("bench", "bench.measure", "bench.run"):
            raise
        raise UserError(BENCH_MISSING) from None
    try:
        sizes = [_count(1, 1_000_000)(part) for part in args.recommendations.split(",") if part.strip()]
    except argparse.ArgumentTypeError as exc:
        raise UserError(f"--recommendations: whole numbers separated by commas, e.g. 1000,10000 ({exc})") from None
    if not sizes:
        raise UserError("--recommendations: a comma-separated list of whole numbers, e.g. 1000,10000")
    figures = run_benchmarks(
        patients=args.patients,
        recommendations=sizes,
        documents=args.documents,
        repeat=args.repeat,
        database=args.db,
        progress=lambda m: print(f"... {m}", file=sys.stderr, flush=True),
    )
    if args.json:
        _dump(as_json(figures))
    else:
        print(table(figures))
    return EXIT_OK


def cmd_schema(args: argparse.Namespace) -> int:
    from planner.assessment.schema import schema_for

    _dump(schema_for(args.which))
    return EXIT_OK


def _add(sub: Any, name: str, handler: Callable[[argparse.Namespace], int], help_text: str) -> argparse.ArgumentParser:
    parser = sub.add_parser(name, help=help_text, description=help_text)
    parser.set_defaults(handler=handler)
    return parser


def _add_app_options(parser: argparse.ArgumentParser) -> None:
    from planner.paths import database_location

    parser.add_argument(
        "--db",
        type=database_location,
        help="database file (default: per-user data folder, or $PLANNER_DB), or a clinic server's address "
        "postgresql://HOST/DBNAME (the password from PGPASSWORD or ~/.pgpass, or asked for)",
    )
    parser.add_argument(
        "--smoke",
        action="store_true",
        help="open the app, print the start-up time once the window is painted and the patient list filled, and exit",
    )


def _app_arguments(argv: list[str]) -> argparse.Namespace | None:
    """The arguments when they only open the desktop app (no command, no --help), parsed without building the
    parser of every command, which the app's start-up would pay for nothing; None for anything else."""
    parser = _Parser(prog="planner", add_help=False)
    _add_app_options(parser)
    try:
        args, rest = parser.parse_known_args(argv)
    except UserError:
        return None  # the full parser reports it
    if rest:
        return None
    args.command = None
    return args


def build_parser() -> argparse.ArgumentParser:
    from planner.assessment.schema import PATIENT_LANGUAGES

    parser = _Parser(
        prog="planner", description="Lumbosacral plexopathy care planner. With no command, opens the desktop app."
    )
    _add_app_options(parser)
    sub = parser.add_subparsers(dest="command", parser_class=_Parser)

    p = _add(sub, "plan", cmd_plan, "draft the care plan for an assessment file (lsp-assessment/1 JSON)")
    p.add_argument("file", nargs="?", help="assessment JSON file, or - for standard input")
    p.add_argument(
        "--patient",
        metavar="ID",
        type=_text,
        help="instead of a file: the patient's latest stored assessment, with its history",
    )
    p.add_argument("--json", action="store_true", help="print lsp-careplan/1 JSON")

    p = _add(sub, "history", cmd_history, "a patient's assessments, plan versions, trends and follow-up")
    p.add_argument("patient", metavar="ID", type=_text)
    p.add_argument("--on", metavar="DATE", help="date the follow-up status is judged on (default: today)")
    p.add_argument("--json", action="store_true", help="print JSON")

    p = _add(sub, "due", cmd_due, "follow-up items due or overdue across all active patients")
    p.add_argument("--on", metavar="DATE", help="as of this date (default: today)")
    p.add_argument(
        "--days", type=_count(0, 10**9), default=14, help="also list items due within this many days (default 14)"
    )
    p.add_argument("--json", action="store_true", help="print JSON")

    p = _add(sub, "done", cmd_done, "mark a follow-up item done (its number is shown by 'due' and 'history')")
    p.add_argument("id", type=_row_id)
    p.add_argument("--on", metavar="DATE", help="date it was done (default: today)")
    p.add_argument("--by", type=_text, help="who did it (default: the operating-system user)")
    p.add_argument("--reopen", action="store_true", help="mark it not done again")

    p = _add(sub, "sign", cmd_sign, "sign a draft plan version as it is stored (it can no longer change)")
    p.add_argument("plan_id", type=int, metavar="PLAN_ID", help="the plan's number, as 'history' shows it")
    p.add_argument("--signer", required=True, help="the signing clinician's name")
    p.add_argument("--credentials", required=True, help="their credentials, e.g. 'PT, DPT'")

    p = _add(sub, "export", cmd_export, "write the clinician plan (or the patient handout) as PDF")
    p.add_argument("file", help="assessment JSON file, or - for standard input")
    p.add_argument("-o", "--output", required=True, help="PDF file to write")
    p.add_argument("--handout", action="store_true", help="the plain-language patient handout")
    p.add_argument(
        "--language",
        choices=PATIENT_LANGUAGES,
        help="the handout's language (default: the patient's, as the assessment records it; else English)",
    )
    p.add_argument(
        "--large-print", action="store_true", help="the handout in large print (18 pt, one exercise per page)"
    )
    p.add_argument("--force", action="store_true", help="replace the output file if it exists")

    p = _add(sub, "import", cmd_import, "store assessments with their draft plans")
    p.add_argument("files", nargs="+", help="assessment JSON files")

    docs = sub.add_parser("docs", help="the guidance document library")
    docs_sub = docs.add_subparsers(dest="docs_command", required=True, parser_class=_Parser)
    _add(docs_sub, "list", cmd_docs_list, "list the documents")
    p = _add(docs_sub, "show", cmd_docs_show, "show a document and what it contributes")
    p.add_argument("id", type=_text)
    p.add_argument("--text", action="store_true", help="print the whole document")
    p = _add(docs_sub, "search", cmd_docs_search, "full-text search of all passages")
    p.add_argument("query", nargs="+", type=_text)
    p.add_argument("--limit", type=_count(1, MAX_SEARCH_RESULTS), default=20)
    p = _add(docs_sub, "import", cmd_docs_import, "import guidance documents (all or none)")
    p.add_argument("files", nargs="+")
    p = _add(docs_sub, "remove", cmd_docs_remove, "remove an imported document")
    p.add_argument("id", type=_text)
    p = _add(docs_sub, "enable", cmd_docs_enable, "use a document in plans again")
    p.add_argument("id", type=_text)
    p.set_defaults(enable=True)
    p = _add(docs_sub, "disable", cmd_docs_enable, "stop using a document in plans")
    p.add_argument("id", type=_text)
    p.set_defaults(enable=False)
    p = _add(docs_sub, "check", cmd_docs_check, "check document files without importing them")
    p.add_argument("files", nargs="*")
    _add(docs_sub, "findings", cmd_docs_findings, "list the finding names conditions may use")
    p = _add(docs_sub, "figures", cmd_docs_figures, "print every figure of the library to a PDF contact sheet")
    p.add_argument("files", nargs="*", help="document files to add to the shipped library first")
    p.add_argument("-o", "--output", required=True, help="the PDF to write")
    p.add_argument("--force", action="store_true", help="replace the output file if it exists")
    p = _add(
        docs_sub,
        "translation",
        cmd_docs_translation,
        "print a document's patient texts as a translation file to fill in (keeps what is translated and current)",
    )
    p.add_argument("id", type=_text)
    p.add_argument("--language", choices=[code for code in PATIENT_LANGUAGES if code != "en"], required=True)
    p = _add(docs_sub, "rules", cmd_docs_rules, "every rule in words with its safety gates and source (Markdown)")
    p.add_argument(
        "--shipped", action="store_true", help="the shipped library as in resources/ (docs/clinical-rules.md)"
    )

    p = _add(sub, "demo", cmd_demo, "fill the database with synthetic patients (for demonstrations and benchmarks)")
    p.add_argument("--patients", type=_count(1, MAX_DEMO_PATIENTS), required=True)
    p.add_argument("--seed", type=_count(-(2**63), 2**63 - 1), default=1)

    db = sub.add_parser("db", help="the database file")
    db_sub = db.add_subparsers(dest="db_command", required=True, parser_class=_Parser)
    p = _add(db_sub, "backup", cmd_db_backup, "write a verified backup (SQLite backup API; pg_dump on a server)")
    p.add_argument("target", nargs="?", help="backup file (default: a dated file in the backups folder)")

    _add(db_sub, "check", cmd_db_check, "integrity check plus citations and signed-plan hashes")
    p = _add(
        db_sub,
        "migrate-to",
        cmd_db_migrate_to,
        "copy this workstation's database into a clinic server, compare every row, report conflicts",
    )
    p.add_argument("server", help="the clinic server's database: postgresql://HOST/DBNAME")
    p = _add(
        db_sub,
        "restore",
        cmd_db_restore,
        "replace the database by a backup (the current file is kept); on a server, pg_restore into an empty database",
    )
    p.add_argument("backup", help="backup file to restore")
    p.add_argument("--force", action="store_true", help="restore it even if it is a backup of another database")

    p = _add(
        sub,
        "bench",
        cmd_bench,
        "measure speed and memory as a user feels them (from a source checkout: python -m bench)",
    )
    p.add_argument("--json", action="store_true", help="print the figures as JSON")
    p.add_argument(
        "--patients",
        type=_count(1, MAX_DEMO_PATIENTS),
        default=10_000,
        help="synthetic patients of the database made for the run (default 10000); with --db, that database is "
        "used instead (give a copy: the runs take its daily backup)",
    )
    p.add_argument("--recommendations", default="1000,10000", help="synthetic library sizes")
    p.add_argument(
        "--documents", type=_count(1, 100_000), default=5_000, help="synthetic documents for full-text search"
    )
    p.add_argument("--repeat", type=_count(1, 1000), default=5)

    p = _add(sub, "schema", cmd_schema, "print the JSON Schema of a format")
    p.add_argument("which", choices=["assessment", "careplan"])
    return parser


def run(argv: list[str], started: float | None = None) -> int:
    """Run the command line ``argv``; with no command, the desktop app. ``started`` is when the process
    started (planner.__main__ stamps it once, before any import), for ``--smoke``; by default, now."""
    try:
        args = _app_arguments(argv) or build_parser().parse_args(argv)
        if args.command is None:
            from planner.ui.launch import launch_gui

            return launch_gui(args, started)
    except UserError as exc:
        return _usage_error(exc)
    except KeyboardInterrupt:
        return 130
    return _run_command(args)


def _run_command(args: argparse.Namespace) -> int:
    from planner.terminal import TerminalWriter

    streams = sys.stdout, sys.stderr
    for stream in streams:
        if hasattr(stream, "reconfigure"):  # a terminal that cannot show a letter gets an escape, not a crash
            stream.reconfigure(errors="backslashreplace")
    sys.stdout, sys.stderr = TerminalWriter(streams[0]), TerminalWriter(streams[1])
    try:
        code = int(args.handler(args))
        sys.stdout.flush()
        return code
    except UserError as exc:
        return _usage_error(exc)
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        _silence_stdout(streams[0])
        return EXIT_PIPE_CLOSED
    except Exception as exc:  # a bug: log it whole, tell the user in one line
        from planner.logs import log_exception

        where = log_exception(exc)
        print(f"planner: unexpected error ({type(exc).__name__}); details were written to {where}", file=sys.stderr)
        return EXIT_FAILURE
    finally:
        sys.stdout, sys.stderr = streams


def _usage_error(exc: UserError) -> int:
    print(f"planner: {exc}", file=sys.stderr)
    return EXIT_USAGE


def _silence_stdout(stream: Any) -> None:
    """The reader of standard output went away: send what is still buffered nowhere, so Python does not
    report the broken pipe again when it flushes at exit."""
    import os

    try:
        descriptor = stream.fileno()
    except (AttributeError, OSError, ValueError):
        return
    devnull = os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(devnull, descriptor)
    finally:
        os.close(devnull)
