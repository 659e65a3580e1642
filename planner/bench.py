"""``planner bench``: each speed figure beside a floor measured in the same run, on the same machine.

A floor is the cheapest way to do the same work (a bare PySide6 window, the compiled conditions in a plain
loop, a bare ReportLab document with the same text, the raw FTS5 query), so a ratio says how much the
planner adds, whatever the machine. Nothing here asserts: the test suite only runs it once, tiny.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

BARE_WINDOW = [sys.executable, "-m", "planner.ui.bare_window"]
"""The floor for start-up and memory: a bare PySide6 window (its packages' __init__ files are empty)."""


@dataclass(frozen=True, slots=True)
class Figure:
    what: str
    value: float
    floor: float | None
    unit: str
    target: str

    @property
    def ratio(self) -> float | None:
        return self.value / self.floor if self.floor else None


def _times(function: Callable[[], Any], repeat: int) -> list[float]:
    out = []
    for _ in range(repeat):
        started = time.perf_counter()
        function()
        out.append((time.perf_counter() - started) * 1000)
    return sorted(out)


def _median(function: Callable[[], Any], repeat: int) -> float:
    return statistics.median(_times(function, repeat))


def _alternated(function: Callable[[], Any], floor: Callable[[], Any], repeat: int) -> tuple[float, float]:
    """Medians of ``function`` and its ``floor``, run turn about, so that a busy moment on a shared machine
    weighs on both alike rather than on whichever happened to run then."""
    values: list[float] = []
    floors: list[float] = []
    for _ in range(repeat):
        values += _times(function, 1)
        floors += _times(floor, 1)
    return statistics.median(values), statistics.median(floors)


def _p99(values: list[float]) -> float:
    return values[min(len(values) - 1, int(len(values) * 0.99))]


def _run_start(args: list[str], env: dict[str, str]) -> dict[str, float]:
    """Wall time from process start to each line the process prints (painted, listed), and its RSS."""
    started = time.perf_counter()
    process = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, env=env)
    marks: dict[str, float] = {}
    assert process.stdout is not None
    for line in process.stdout:
        word = line.split(" ", 1)[0]
        if word in ("painted", "listed"):
            marks[word] = (time.perf_counter() - started) * 1000
        elif word == "rss_kb":
            marks["rss_kb"] = float(line.split()[1])
    process.wait(timeout=120)
    return marks


def _best(runs: list[dict[str, float]], key: str) -> float:
    return statistics.median(r[key] for r in runs if key in r)


def startup_figures(database: Path, repeat: int) -> list[Figure]:
    """Warm starts, each app start followed by a floor start so load changes hit both alike.

    One unmeasured start comes first: it takes the day's backup and writes the settings, as the first start
    of a day does, and the backup is flushed to disk so the measured starts do not pay for writing it back.
    """
    env = {**os.environ, "QT_QPA_PLATFORM": os.environ.get("QT_QPA_PLATFORM", "offscreen")}
    planner_start = [sys.executable, "-m", "planner", "--db", str(database), "--smoke"]
    app: list[dict[str, float]] = []
    bare: list[dict[str, float]] = []
    with tempfile.TemporaryDirectory() as config:
        env["XDG_CONFIG_HOME"] = config
        _run_start(planner_start, env)
        if hasattr(os, "sync"):
            os.sync()
        for _ in range(repeat):
            app.append(_run_start(planner_start, env))
            bare.append(_run_start(BARE_WINDOW, env))
    floor = _best(bare, "painted")
    figures = [
        Figure("start-up to main window painted", _best(app, "painted"), floor, "ms", "<= 1.5 x floor"),
        Figure("start-up to patient list usable", _best(app, "listed"), floor, "ms", "<= 2 x floor"),
    ]
    if all("rss_kb" in run for run in [*app, *bare]):
        figures.append(
            Figure(
                "resident memory of the running app",
                _best(app, "rss_kb") / 1024,
                _best(bare, "rss_kb") / 1024,
                "MiB",
                "<= 1.5 x floor",
            )
        )
    return figures


def plan_figures(repeat: int) -> list[Figure]:
    from planner.assessment.validate import load_assessment_file
    from planner.engine.findings import all_findings
    from planner.library.compiler import compile_library
    from planner.library.files import read_shipped_documents
    from planner.paths import examples_dir
    from planner.plan.generate import generate_plan

    library = compile_library(read_shipped_documents())
    assessment = load_assessment_file(examples_dir() / "neoplastic-after-radiation.json")
    findings = all_findings(assessment, library)
    conditions = [r.condition.evaluate for r in library.recommendations]
    times = _times(lambda: generate_plan(assessment, library), repeat)
    floor = _median(lambda: [c(findings) for c in conditions], repeat)
    figures = [
        Figure(
            f"plan generation, shipped library ({len(conditions)} recommendations), median",
            statistics.median(times),
            floor,
            "ms",
            "<= 5 ms",
        ),
        Figure("plan generation, shipped library, p99", _p99(times), floor, "ms", "-"),
    ]
    return figures


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
    from planner.assessment.validate import load_assessment_file
    from planner.engine.findings import all_findings
    from planner.library.compiler import compile_library
    from planner.library.files import read_shipped_documents
    from planner.library.parser import parse_document
    from planner.paths import examples_dir
    from planner.plan.generate import generate_plan

    shipped = read_shipped_documents()
    assessment = load_assessment_file(examples_dir() / "neoplastic-after-radiation.json")
    figures = []
    for size in sizes:
        synthetic = [parse_document(text, f"bench-{i}.md") for i, text in enumerate(_synthetic_documents(size))]
        library = compile_library([*shipped, *synthetic])
        findings = all_findings(assessment, library)
        conditions = [r.condition.evaluate for r in library.recommendations]
        value = _median(lambda library=library: generate_plan(assessment, library), repeat)
        floor = _median(lambda conditions=conditions, findings=findings: [c(findings) for c in conditions], repeat)
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
    from io import BytesIO

    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet
    from reportlab.platypus import Paragraph, SimpleDocTemplate

    from planner.assessment.validate import load_assessment_file
    from planner.clock import utc_now
    from planner.export.context import ClinicInfo, ExportContext
    from planner.export.pdf_common import FONT, register_fonts
    from planner.export.pdf_text import escape
    from planner.export.service import render_pdf
    from planner.library.compiler import compile_library
    from planner.library.files import read_shipped_documents
    from planner.paths import examples_dir
    from planner.plan.generate import generate_plan

    assessment = load_assessment_file(examples_dir() / "neoplastic-after-radiation.json")
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

    render_pdf(plan, assessment, context, handout=False)  # fonts registered once, as in a running app
    bare()
    value, floor = _alternated(lambda: render_pdf(plan, assessment, context, handout=False), bare, repeat)
    return [Figure("clinician PDF, richest example (stock flowables)", value, floor, "ms", "<= 150 ms")]


def search_figures(documents: int, repeat: int) -> list[Figure]:
    from sqlalchemy import text

    from planner.library.parser import parse_document
    from planner.library.search import search_passages, search_words
    from planner.library.store import _write_document
    from planner.opening import open_database
    from planner.storage.search_sqlite import SEARCH_RANK, fts_query

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

        value, floor = _alternated(lambda: search_passages(database, query, limit), raw, repeat)
        database.dispose()
    return [
        Figure(
            f"full-text search over {documents:,} documents, median", value, floor, "ms", "<= 10 ms and <= 1.5 x floor"
        )
    ]


def run_benchmarks(
    *,
    patients: int,
    recommendations: list[int],
    documents: int,
    repeat: int,
    progress: Callable[[str], None] = lambda _m: None,
) -> list[Figure]:
    from planner.demo import generate_demo
    from planner.opening import open_database

    figures: list[Figure] = []
    with tempfile.TemporaryDirectory() as folder:
        database_path = Path(folder) / "bench.sqlite3"
        progress(f"making a database of {patients:,} synthetic patients")
        database = open_database(database_path)
        generate_demo(database, patients)
        database.dispose()
        if hasattr(os, "sync"):
            os.sync()  # flush the new file now, or the first start-ups pay for the kernel writing it back
        progress("start-up and memory")
        figures += startup_figures(database_path, repeat=max(3, min(repeat, 7)))
        progress("patient filter")
        from planner.ui.bench import worst_filter_keystroke  # the one figure that needs Qt

        worst, listed = worst_filter_keystroke(database_path)
        what = f"patient filter per keystroke, {listed:,} patients, worst"
        figures.append(Figure(what, worst, None, "ms", "<= 16 ms"))
    progress("plan generation")
    figures += plan_figures(repeat=max(repeat * 20, 50))
    progress("scaling with synthetic recommendations")
    figures += scaling_figures(recommendations, repeat=max(3, repeat))
    progress("PDF")
    figures += pdf_figures(repeat=max(15, repeat * 3))
    progress("full-text search")
    figures += search_figures(documents, repeat=max(repeat * 5, 20))
    return figures


def table(figures: list[Figure]) -> str:
    rows = ["| what | value | floor | ratio | target |", "| --- | --- | --- | --- | --- |"]
    for f in figures:
        floor = f"{f.floor:.2f} {f.unit}" if f.floor is not None else "-"
        ratio = f"{f.ratio:.2f} x" if f.ratio is not None else "-"
        rows.append(f"| {f.what} | {f.value:.2f} {f.unit} | {floor} | {ratio} | {f.target} |")
    return "\n".join(rows)


def as_json(figures: list[Figure]) -> list[dict[str, Any]]:
    return [{**asdict(f), "ratio": f.ratio} for f in figures]
