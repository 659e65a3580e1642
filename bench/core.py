"""The figures of the core (no Qt): plan generation and its scaling, the clinician PDF, full-text search and
the daily backup.

A floor is the cheapest way to do the same work (the compiled conditions in a plain loop, a bare ReportLab
document with the same text, the raw FTS5 query), so a ratio says how much the planner adds, whatever the
machine.
"""

from __future__ import annotations

import functools
import statistics
import tempfile
from collections.abc import Callable
from io import BytesIO
from pathlib import Path
from typing import Any

from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet
from reportlab.platypus import Paragraph, SimpleDocTemplate
from sqlalchemy import text

from bench.measure import Figure, alternated, median, percentile, times
from planner.assessment.validate import load_assessment_file
from planner.clock import utc_now
from planner.engine.findings import all_findings
from planner.export.context import ClinicInfo, ExportContext
from planner.export.pdf_common import FONT, register_fonts
from planner.export.pdf_text import escape
from planner.export.service import render_document
from planner.library.compiler import compile_library
from planner.library.files import read_shipped_documents
from planner.library.parser import parse_document
from planner.library.search import search_passages, search_words
from planner.library.store import _write_document
from planner.opening import open_database
from planner.paths import examples_dir
from planner.plan.generate import generate_plan
from planner.storage.backup import backup_database
from planner.storage.search_sqlite import SEARCH_RANK, fts_query

RICHEST_EXAMPLE = "neoplastic-after-radiation.json"
"""The shipped example whose plan is the longest: the worst case of every per-plan figure."""


def richest_example() -> dict[str, Any]:
    return load_assessment_file(examples_dir() / RICHEST_EXAMPLE)


def _evaluate_all(conditions: list[Callable[[Any], Any]], findings: Any) -> list[Any]:
    """The floor of plan generation: every condition evaluated in a plain loop."""
    return [condition(findings) for condition in conditions]


def plan_figures(repeat: int) -> list[Figure]:
    library = compile_library(read_shipped_documents())
    assessment = richest_example()
    findings = all_findings(assessment, library)
    conditions = [r.condition.evaluate for r in library.recommendations]
    values = times(lambda: generate_plan(assessment, library), repeat)
    floor = median(functools.partial(_evaluate_all, conditions, findings), repeat)
    return [
        Figure(
            f"plan generation, shipped library ({len(conditions)} recommendations), median",
            statistics.median(values),
            floor,
            "ms",
            "<= 5 ms",
        ),
        Figure("plan generation, shipped library, p99", percentile(values, 0.99), floor, "ms", "-"),
    ]


PER_DOCUMENT = 2000
"""Synthetic recommendations per document, so each stays under the document size limit."""


def _synthetic_documents(count: int) -> list[str]:
    return [_synthetic_document(start, min(count, start + PER_DOCUMENT)) for start in range(0, count, PER_DOCUMENT)]


def _synthetic_document(start: int, stop: int) -> str:
    """Recommendations ``start`` to ``stop`` with varied conditions over real findings."""
    lines = [
        "---",
        f"id: BENCH-{start}",
        "title: Synthetic",
        "source: Benchmark",
        "version: 1",
        "kind: convention",
        "---",
        "",
        "## Synthetic section",
        "",
        "A passage.",
        "",
    ]
    conditions = [
        "pain_nrs >= {n}",
        "mrc_hip_extension <= {m}",
        "'knee_extension' in weak_groups and pain_acute",
        "etiology == 'neoplastic' or lowest_mrc < {m}",
        "excess_volume_percent > {p}",
        "not jps_impaired and ambulation == 'device'",
    ]
    for number in range(start, stop):
        condition = conditions[number % len(conditions)].format(n=number % 10, m=number % 6, p=10 * (number % 5 + 1))
        lines += [
            f"::: recommendation bench-{number}",
            f"target: {('pt', 'ot', 'medical', 'monitoring')[number % 4]}",
            f"when: {condition}",
            f"title: Item {number} for {{affected_side}}",
            ":::",
            "",
        ]
    return "\n".join(lines)


def scaling_figures(sizes: list[int], repeat: int) -> list[Figure]:
    shipped = read_shipped_documents()
    assessment = richest_example()
    figures = []
    for size in sizes:
        synthetic = [parse_document(text, f"bench-{i}.md") for i, text in enumerate(_synthetic_documents(size))]
        library = compile_library([*shipped, *synthetic])
        findings = all_findings(assessment, library)
        conditions = [r.condition.evaluate for r in library.recommendations]
        value = median(functools.partial(generate_plan, assessment, library), repeat)
        floor = median(functools.partial(_evaluate_all, conditions, findings), repeat)
        figures.append(
            Figure(
                f"plan generation with {size:,} synthetic recommendations",
                value,
                floor,
                "ms",
                "10k <= 50 ms; linear or better",
            )
        )
    return figures


def pdf_figures(repeat: int) -> list[Figure]:
    """The clinician PDF of the richest example beside a bare SimpleDocTemplate of the same text.

    The floor sets its paragraphs in the bundled DejaVu Sans the real document uses (registered once, as
    in the app), so both embed a TrueType subset: the documents must print any script, so choosing and
    embedding that font is part of the same work. (The floor used Helvetica before, a standard font that
    is not embedded; on the development machine the two floors measure within 3 % of each other.) Its
    text is unchanged: each alert's text, each item's title and detail and the passages it cites. It runs
    after a first render, so it shares the process-wide ReportLab settings the renderer makes.
    """
    assessment = richest_example()
    plan = generate_plan(assessment, compile_library(read_shipped_documents()))
    context = ExportContext(ClinicInfo(), utc_now())
    texts = [a["text"] for a in plan["alerts"]]
    for section in plan["sections"]:
        for item in section["items"]:
            texts += [item["title"], item.get("detail", "")] + [e["text"] for e in item["evidence"]]
    register_fonts()
    style = ParagraphStyle("floor", parent=getSampleStyleSheet()["BodyText"], fontName=FONT)

    def bare() -> bytes:
        buffer = BytesIO()
        SimpleDocTemplate(buffer, pagesize=A4).build([Paragraph(escape(t), style) for t in texts])
        return buffer.getvalue()

    render_document(plan, assessment, context, handout=False)  # fonts registered once, as in a running app
    bare()
    value, floor = alternated(lambda: render_document(plan, assessment, context, handout=False).pdf, bare, repeat)
    return [Figure("clinician PDF, richest example (stock flowables)", value, floor, "ms", "<= 150 ms")]


def search_figures(documents: int, repeat: int) -> list[Figure]:
    words = [
        "walker",
        "orthosis",
        "neuropathic",
        "bandage",
        "balance",
        "quadriceps",
        "gait",
        "transfer",
        "pain",
        "imaging",
        "contracture",
        "garment",
        "reacher",
        "tibial",
        "femoral",
        "sciatic",
        "lumbar",
        "sacral",
    ]
    with tempfile.TemporaryDirectory() as folder:
        database = open_database(Path(folder) / "search.sqlite3", seed_library=False)
        with database.write() as session:
            for number in range(documents):
                body = "\n".join(
                    [
                        "---",
                        f"id: S{number}",
                        f"title: Synthetic {number}",
                        "source: bench",
                        "version: 1",
                        "kind: convention",
                        "---",
                        "",
                        f"## Section {number}",
                        "",
                        " ".join(words[(number + k) % len(words)] for k in range(40)),
                        "",
                    ]
                )
                _write_document(session, parse_document(body, f"s{number}.md"), "imported")
        query = "neuropathic gait"
        limit = 50
        # The floor: the same MATCH, ranked the same way, cut at the same limit, read the same way.
        floor_sql = text(
            f"SELECT rowid FROM passage_fts WHERE passage_fts MATCH :q ORDER BY {SEARCH_RANK} LIMIT :limit"
        )
        match = fts_query(search_words(query))

        def raw() -> list[Any]:
            with database.connection() as connection:
                return list(connection.execute(floor_sql, {"q": match, "limit": limit}).all())

        value, floor = alternated(lambda: search_passages(database, query, limit), raw, repeat)
        database.dispose()
    return [
        Figure(
            f"full-text search over {documents:,} documents, median", value, floor, "ms", "<= 10 ms and <= 1.5 x floor"
        )
    ]


def backup_figures(database_path: Path, patients: int, repeat: int) -> list[Figure]:
    """The daily backup of the benchmark's database: the verified copy the app takes on the first start of a
    day (:func:`planner.db.backup.automatic_backup` is this copy, then the rotation of old ones), written
    into a scratch folder beside the database and removed after each run."""
    values = []
    with tempfile.TemporaryDirectory(dir=database_path.parent) as folder:
        for number in range(repeat):
            target = Path(folder) / f"backup-{number}.sqlite3"
            values += times(functools.partial(backup_database, database_path, target), 1)
            target.unlink()
    return [Figure(f"daily backup, {patients:,} patients", statistics.median(values), None, "ms", "<= 1500 ms")]
