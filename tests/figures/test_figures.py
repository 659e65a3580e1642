"""Every figure of the shipped library draws, differs from every other, and paints the same in both backends.

The figures were looked at as PNG contact sheets while they were written (``planner docs figures``); these
tests keep them from breaking unseen: a figure that draws nothing, two figures that came out the same, a
close-up whose strokes spill out of its box, a moving figure without its faded start pose or its arrow.
"""

from __future__ import annotations

import hashlib
from typing import Any

import pytest
from reportlab.graphics import renderPDF

from planner.figures.drawing import Circle, Drawing, Path, clip_shapes
from planner.figures.render import ARROW, GHOST_DASH, render_figure
from planner.figures.spec import parse_figure


@pytest.fixture(scope="module")
def drawings(library: Any) -> dict[str, Drawing]:
    return {figure_id: render_figure(spec) for figure_id, spec in library.figures.items()}


def test_every_figure_draws_and_no_two_are_alike(library: Any, drawings: dict[str, Drawing]) -> None:
    assert len(drawings) >= 50
    for figure_id, drawing in drawings.items():
        assert drawing.width > 20 and drawing.height > 20, figure_id
        assert len(drawing.shapes) >= 2, figure_id
        assert 0.3 < drawing.width / drawing.height < 3.0, figure_id
    prints: dict[str, str] = {}
    for figure_id, drawing in drawings.items():
        other = prints.setdefault(drawing.fingerprint(), figure_id)
        assert other == figure_id, f"{figure_id} draws the same as {other}"


def test_moving_figures_show_the_start_faded_and_an_arrow(library: Any, drawings: dict[str, Drawing]) -> None:
    for figure_id, spec in library.figures.items():
        shapes = drawings[figure_id].shapes
        arrows = [s for s in shapes if s.style.stroke == ARROW or s.style.fill == ARROW]
        dashed = [s for s in shapes if s.style.dash == GHOST_DASH]
        if spec.arrow:
            assert len(arrows) >= 2, f"{figure_id}: no arrow (line and head)"
            assert dashed, f"{figure_id}: no faded start pose"
        else:
            assert not arrows, figure_id


def test_figures_stay_inside_their_box(drawings: dict[str, Drawing]) -> None:
    for figure_id, drawing in drawings.items():
        for shape in drawing.shapes:
            points = [shape.center] if isinstance(shape, Circle) else shape.points
            for x, y in points:
                assert -0.01 <= x <= drawing.width + 0.01 and -0.01 <= y <= drawing.height + 0.01, figure_id


def test_clipping_cuts_lines_and_polygons_at_the_box() -> None:
    from planner.figures.drawing import Style

    style = Style((0, 0, 0), 1)
    shapes = clip_shapes(
        [
            Path(((-10, 5), (5, 5), (20, 5)), style),
            Path(((-5, -5), (5, -5), (5, 5), (-5, 5)), style, True),
            Circle((50, 50), 3, style),
            Path(((2, 2), (8, 8)), style),
        ],
        (0, 0, 10, 10),
    )
    assert shapes[0] == Path(((0.0, 5.0), (5, 5), (10.0, 5.0)), style)
    assert sorted(shapes[1].points) == [(0.0, 0.0), (0.0, 5), (5, 0.0), (5, 5)]
    assert shapes[2] == Path(((2, 2), (8, 8)), style)
    assert len(shapes) == 3


def test_the_same_data_gives_the_same_drawing_and_a_change_gives_another() -> None:
    fields = {
        "view": "side",
        "body": "sitting",
        "start": "knee 90",
        "end": "knee 0",
        "props": "chair",
        "arrow": "ankle",
    }
    first = render_figure(parse_figure("a", fields))
    assert first == render_figure(parse_figure("a", fields))
    assert first.fingerprint() != render_figure(parse_figure("a", fields | {"end": "knee 10"})).fingerprint()
    assert first.fingerprint() != render_figure(parse_figure("a", fields | {"view": "front"})).fingerprint()


def test_an_arrow_follows_the_moving_point(library: Any) -> None:
    """Seated knee straightening: the ankle swings forward and up, so the arrow ends right of and above where
    it starts; a heel slide moves the heel towards the head (left in the side view of a patient lying with the
    head to the left)."""

    def arrow_line(figure_id: str) -> Path:
        drawing = render_figure(library.figures[figure_id])
        return next(s for s in drawing.shapes if isinstance(s, Path) and s.style.stroke == ARROW and not s.closed)

    knee = arrow_line("fig-knee-straighten-seated").points
    assert knee[-1][0] > knee[0][0] and knee[-1][1] > knee[0][1]
    heel = arrow_line("fig-heel-slides").points
    assert heel[-1][0] < heel[0][0]


def test_pdf_backend_draws_every_figure_as_vectors(drawings: dict[str, Drawing]) -> None:
    from planner.export.figure_pdf import figure_drawing

    digests = set()
    for figure_id, drawing in drawings.items():
        flowable = figure_drawing(drawing, 200, 150)
        assert (flowable.width, flowable.height) == (200, 150)
        pdf = renderPDF.drawToString(flowable)
        assert pdf.startswith(b"%PDF"), figure_id
        digests.add(hashlib.sha256(pdf.split(b"stream", 1)[1]).hexdigest())
    assert len(digests) == len(drawings)


def test_contact_sheet_reads_back(tmp_path: Any, library: Any) -> None:
    from pypdf import PdfReader

    from planner.cli import run

    target = tmp_path / "sheet.pdf"
    assert run(["--db", str(tmp_path / "unused.sqlite3"), "docs", "figures", "-o", str(target)]) == 0
    reader = PdfReader(str(target))
    text = "\n".join(page.extract_text() for page in reader.pages)
    for figure_id in ("fig-bridge", "icon-walker", "fig-sit-to-stand"):
        assert figure_id in text
    assert "ex-sit-to-stand" in text and "eq-walker" in text
    # An existing file is never replaced without --force, and the command touches no database.
    assert run(["--db", str(tmp_path / "unused.sqlite3"), "docs", "figures", "-o", str(target)]) == 2
    assert not (tmp_path / "unused.sqlite3").exists()


def test_qt_backend_paints_every_figure(qtbot: Any, drawings: dict[str, Drawing], library: Any) -> None:
    from PySide6.QtGui import QColor

    from planner.ui.figure_view import drawing_image

    digests = set()
    for figure_id, drawing in drawings.items():
        image = drawing_image(drawing, 240, 180)
        inked = 0
        orange = 0
        for y in range(0, 180, 3):
            for x in range(0, 240, 3):
                colour = QColor(image.pixel(x, y))
                if colour.lightness() < 235:
                    inked += 1
                if colour.red() > 180 and 40 < colour.green() < 130 and colour.blue() < 70:
                    orange += 1
        assert inked > 80, f"{figure_id}: almost blank ({inked} inked samples)"
        if library.figures[figure_id].arrow:
            assert orange > 0, f"{figure_id}: the arrow does not show"
        digests.add(hashlib.sha256(bytes(image.constBits())).hexdigest())
    assert len(digests) == len(drawings)


def test_figure_view_widget_shows_a_figure(qtbot: Any, drawings: dict[str, Drawing]) -> None:
    from PySide6.QtGui import QColor

    from planner.ui.figure_view import FigureView

    view = FigureView(drawings["fig-bridge"])
    qtbot.addWidget(view)
    view.resize(300, 220)
    view.show()
    image = view.grab().toImage()
    assert any(QColor(image.pixel(x, 110)).lightness() < 200 for x in range(0, 300, 2))
    view.set_drawing(None)
    assert view.drawing() is None
