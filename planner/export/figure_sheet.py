"""A contact sheet of every figure in a library: how a clinic checks the pictures its documents draw.

Figure data is numbers (joint angles, props); a document author needs to see the result before patients do.
``planner docs figures -o sheet.pdf [FILES]`` prints each figure with its id and the exercises and equipment
that use it, drawn by the same backend as the handout.
"""

from __future__ import annotations

from typing import Any

from reportlab.lib.units import mm
from reportlab.platypus import Flowable, Paragraph, Table

from planner.clock import utc_now
from planner.export.figure_pdf import figure_drawing
from planner.export.pdf_common import Footer, PdfRenderer, table_style
from planner.export.pdf_text import escape
from planner.figures.render import render_figure
from planner.library.compiler import CompiledLibrary

COLUMNS = 3
TITLE = "Figures of the document library"


class FigureSheet(PdfRenderer):
    """One cell per figure, in document order: the drawing, its id, and who uses it."""

    body_size = 9
    title = TITLE
    subject = "Figures"

    def __init__(self, library: CompiledLibrary) -> None:
        self.library = library
        super().__init__(
            Footer(generated_at=utc_now(), library_version=library.version, draft=False, document_label=TITLE)
        )

    def story(self) -> list[Flowable]:
        return _sheet(self.library, self.styles, self.width)


def figure_sheet_pdf(library: CompiledLibrary) -> bytes:
    return FigureSheet(library).render()


def _sheet(library: CompiledLibrary, styles: dict[str, Any], width: float) -> list[Flowable]:
    cell = width / COLUMNS
    users: dict[str, list[str]] = {}
    for entry in (*library.exercises, *library.equipment):
        users.setdefault(entry.illustration, []).append(entry.id)
    cells: list[list[Flowable]] = []
    for figure_id, spec in library.figures.items():
        drawing = figure_drawing(render_figure(spec), cell - 4 * mm, (cell - 4 * mm) * 0.72)
        caption = f"<b>{escape(figure_id)}</b><br/>{escape(', '.join(users.get(figure_id, [])) or 'not used')}"
        cells.append([drawing, Paragraph(caption, styles["small"])])
    rows = [cells[i : i + COLUMNS] for i in range(0, len(cells), COLUMNS)]
    if rows and len(rows[-1]) < COLUMNS:
        rows[-1] = rows[-1] + [[]] * (COLUMNS - len(rows[-1]))
    story: list[Flowable] = [Paragraph(TITLE, styles["title"])]
    if rows:
        table = Table(rows, colWidths=[cell] * COLUMNS, repeatRows=0)
        table.setStyle(table_style([("VALIGN", (0, 0), (-1, -1), "TOP"), ("BOTTOMPADDING", (0, 0), (-1, -1), 8)]))
        story.append(table)
    return story
