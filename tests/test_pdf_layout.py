"""The fast paragraph classes of pdf_common print what ReportLab prints for the same markup.

Para and MixedPara exist for speed only (see their docstrings), so each is checked against a plain
ReportLab Paragraph of the equivalent markup: the same fragments, or, read back from a real PDF with
pypdf, the same words on the same lines of the same pages, over widths and lengths that make tails fit,
not fit, and paragraphs split across pages.
"""

from __future__ import annotations

import io
from collections import defaultdict
from collections.abc import Callable
from functools import partial

import pytest
from pypdf import PdfReader
from pypdf.generic import ContentStream
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import Flowable, Paragraph, SimpleDocTemplate, Table

from planner.export.pdf_common import (
    ACCENT,
    FONT,
    FONT_BOLD,
    FONT_ITALIC,
    INK,
    MUTED,
    MixedPara,
    Para,
    Run,
    escape,
    stylesheet,
    table_style,
    text_table,
)

TEXT = (
    "The need for a walking aid is judged from the weakest of the hip extensors, the hip abductors and "
    "the quadriceps on either side; R&D says Zoë's <cane> suits mild weakness. "
) * 3
MARKERS = [Run("[3][14]", FONT, 8.1, ACCENT), Run("(added by clinician)", FONT_ITALIC, 9.5, MUTED)]


def words_by_line(data: bytes) -> list[list[tuple[float, list[str]]]]:
    """Per page, each line's height on the page and its words (sorted: pypdf does not place runs in x)."""
    pages = []
    for page in PdfReader(io.BytesIO(data)).pages:
        rows: dict[float, list[str]] = defaultdict(list)
        page.extract_text(visitor_text=partial(_collect, rows))
        pages.append([(y, sorted(rows[y])) for y in sorted(rows, reverse=True)])
    return pages


def _collect(rows: dict[float, list[str]], text: str, cm: list[float], tm: list[float], *_: object) -> None:
    if text.strip():
        rows[round(tm[5] * cm[3] + cm[5], 1)].extend(text.split())


def render(flowables: list[Flowable], width: float) -> bytes:
    buffer = io.BytesIO()
    document = SimpleDocTemplate(
        buffer, pagesize=(width, 150), leftMargin=10, rightMargin=10, topMargin=10, bottomMargin=10
    )
    document.build(list(flowables))  # build empties the list it is given
    return buffer.getvalue()


def same_lines(first: bytes, second: bytes) -> bool:
    """The same words on the same lines of the same pages (heights within a rounding error)."""
    pages = words_by_line(first), words_by_line(second)
    if [len(page) for page in pages[0]] != [len(page) for page in pages[1]]:
        return False
    return all(
        abs(one[0] - two[0]) < 0.5 and one[1] == two[1]
        for page_one, page_two in zip(*pages, strict=True)
        for one, two in zip(page_one, page_two, strict=True)
    )


def placed_text(data: bytes) -> list[list[tuple[float, float, str]]]:
    """Per page, every piece of text shown, with where it starts (x and y in page space)."""
    pages = []
    for page in PdfReader(io.BytesIO(data)).pages:
        shown: list[tuple[float, float, str]] = []

        def visit(text: str, cm: list[float], tm: list[float], *_: object, shown: list = shown) -> None:
            if text.strip():
                shown.append((tm[4] * cm[0] + cm[4], tm[5] * cm[3] + cm[5], text))

        page.extract_text(visitor_text=visit)
        pages.append(shown)
    return pages


def same_places(first: bytes, second: bytes) -> bool:
    """The same pieces of text on the same pages, each placed within a hundredth of a point.

    (Para sets text at the paragraph's page position; ReportLab moves the origin there first and sets it
    relative to that, so the two round differently in the last digit.)
    """
    pages = placed_text(first), placed_text(second)
    if [len(page) for page in pages[0]] != [len(page) for page in pages[1]]:
        return False
    return all(
        abs(x - x2) < 0.01 and abs(y - y2) < 0.01 and text == text2
        for page, page2 in zip(*pages, strict=True)
        for (x, y, text), (x2, y2, text2) in zip(page, page2, strict=True)
    )


def markup(head: list[Run], text: str, tail: list[Run], joint: str) -> str:
    """The same content written as ReportLab markup, the way the documents wrote it before MixedPara."""

    def run(item: Run) -> str:
        safe = item.text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
        return f'<font name="{item.font}" size="{item.size:g}" color="{item.color.hexval()}">{safe}</font>'

    return joint.join([*map(run, head), *([text] if text else []), *map(run, tail)])


CASES: dict[str, tuple[str, list[Run], list[Run], bool]] = {
    "detail and markers": ("body", [], MARKERS, True),
    "handout note": ("small", [Run("Patient handout:", FONT_ITALIC, 7.8, MUTED)], [], True),
    "reference entry": (
        "cell_bold",
        [Run("12.\u00a0\u00a0", FONT, 8.55, INK)],
        [Run(", version 2, section Walking aid thresholds", FONT, 8.55, INK)],
        False,
    ),
}


@pytest.mark.parametrize("case", CASES)
@pytest.mark.parametrize("width", [190, 260, 420])
def test_mixed_paragraph_sets_words_on_the_lines_and_pages_of_its_markup(case: str, width: float) -> None:
    style_name, head, tail, spaced = CASES[case]
    base = stylesheet(9.5)[style_name]
    style = ParagraphStyle("case", parent=base, leftIndent=8 * mm, firstLineIndent=-8 * mm if head else 0)
    texts = [escape(TEXT[:length]) for length in range(30, len(TEXT), 41)]
    joint = " " if spaced else ""

    def build(make: Callable[[str], Flowable]) -> bytes:
        return render([make(text) for text in texts], width)

    fast = build(lambda text: MixedPara(text, style, head=head, tail=tail, spaced=spaced))
    reference = build(lambda text: Paragraph(markup(head, text, tail, joint), style))
    assert same_lines(fast, reference)
    moved = build(lambda text: MovedMixedPara(text, style, head=head, tail=tail, spaced=spaced))
    assert same_places(fast, moved)


class MovedMixedPara(MixedPara):
    """Drawn the way ReportLab draws any flowable, after moving the origin to the paragraph's corner.

    MixedPara sets its text at page positions instead; the runs must land in the same places. (Where
    ReportLab itself would put them is not readable back: pypdf does not advance a position over the
    glyphs shown, and a mixed Paragraph shows its runs one after another.)
    """

    drawOn = Flowable.drawOn


@pytest.mark.parametrize("style_name", ["body", "numbered_title"])
@pytest.mark.parametrize("width", [120, 190, 420])
def test_plain_paragraph_is_drawn_where_reportlab_draws_it(style_name: str, width: float) -> None:
    """Para draws one-run paragraphs itself (see its docstring): every piece of text must land where
    ReportLab's own drawing puts it, first-line indents, split pages and squeezed overfull lines included."""
    base = stylesheet(9.5)["body"]
    styles = {
        "body": ParagraphStyle("plain", parent=base, leftIndent=3 * mm),
        "numbered_title": ParagraphStyle("hanging", parent=base, leftIndent=7 * mm, firstLineIndent=-7 * mm),
    }
    style = styles[style_name]
    texts = [escape(TEXT[:length]) for length in range(30, len(TEXT), 41)]
    texts += ["1.1\u00a0\u00a0Pneumatic\u00a0compression\u00a0is\u00a0contraindicated\u00a0here", "x " + "y" * 60]
    fast = render([Para(text, style) for text in texts], width)
    # The same fragments (Para's own parsing is tested below), drawn by ReportLab.
    reference = render([Paragraph(text, style, frags=Para(text, style).frags) for text in texts], width)
    assert same_places(fast, reference)
    operations = text_operations(fast)
    assert operations == text_operations(reference)  # word spacing and colours too
    if (style_name, width) == ("body", 190):  # lines here come out a hair too long: squeezed, not broken
        assert "Tw" in {operator for operator, _ in operations[0]}


def text_operations(data: bytes) -> tuple[list[tuple[str, list[str]]], list[list[str]]]:
    """The text-setting operators of every page in order, and the fill colours set, in order.

    Saves, restores, transforms, text origins and leadings are left out (where lines land is compared by
    :func:`same_places`; ReportLab repeats a leading Para sets once), and colours are listed apart:
    ReportLab sets the colour just before its text object, Para just inside it, which prints the same.
    """
    kept = {b"Tf", b"Td", b"T*", b"Tw", b"Tj", b"TJ"}
    operations, colours = [], []
    for page in PdfReader(io.BytesIO(data)).pages:
        for operands, operator in ContentStream(page.get_contents(), page.pdf).operations:
            if operator in kept:
                operations.append((operator.decode(), [str(operand) for operand in operands]))
            elif operator == b"rg":
                colours.append([str(operand) for operand in operands])
    return operations, colours


def test_head_and_tail_runs_are_set_a_space_either_side_of_the_text() -> None:
    style = ParagraphStyle("entry", parent=stylesheet(9.5)["cell_bold"], leftIndent=8 * mm, firstLineIndent=-8 * mm)
    head = [Run("12.", FONT, 8.55, INK)]
    tail = [Run(", version 2", FONT, 8.55, INK), Run("[3]", FONT, 8.1, ACCENT)]
    data = render([MixedPara("Short title", style, head=head, tail=tail)], 300)
    (head_x, *_), (text_x, *_), (version_x, *_), (marker_x, *_) = placed_text(data)[0]
    space = stringWidth(" ", style.fontName, style.fontSize)
    assert head_x == pytest.approx(10 + 6, abs=0.01)  # margin and frame padding: the hanging indent undoes the indent
    assert text_x == pytest.approx(head_x + stringWidth("12.", FONT, 8.55) + space, abs=0.01)
    assert version_x == pytest.approx(
        text_x + stringWidth("Short title", style.fontName, style.fontSize) + space, abs=0.01
    )
    assert marker_x == pytest.approx(version_x + stringWidth(", version 2", FONT, 8.55) + space, abs=0.01)


def test_text_table_prints_what_a_table_of_paragraphs_prints() -> None:
    """text_table hands one-line plain cells to ReportLab as strings; the page must not change."""
    styles = stylesheet(9.5)
    words = ["Hip flexion", "L2-L4", "4 *", "not tested", "R&amp;D", escape(TEXT[:160]), "", "Zo\u00eb"]
    looks = [styles["cell"], styles["cell_bold"], styles["small"], styles["label"]]
    rows = [[(words[(r + c) % len(words)], looks[(r * 3 + c) % len(looks)]) for c in range(4)] for r in range(9)]
    widths = [30 * mm, 45 * mm, 22 * mm, 60 * mm]
    commands = [
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("SPAN", (1, 0), (3, 0)),
        ("LINEBELOW", (0, 0), (-1, -1), 0.3, INK),
    ]
    table = text_table(rows, widths, commands, padding=(3, 4))
    strings = [cell for row in table._cellvalues for cell in row if isinstance(cell, str)]
    paragraphs = [cell for row in table._cellvalues for cell in row if isinstance(cell, Para)]
    assert strings and paragraphs  # both kinds were made, long and empty text as paragraphs
    reference = Table([[Paragraph(text, style) for text, style in row] for row in rows], colWidths=widths)
    reference.setStyle(
        table_style([("LEFTPADDING", (0, 0), (-1, -1), 3), ("RIGHTPADDING", (0, 0), (-1, -1), 4), *commands])
    )
    fast, slow = (render_a4([flowable]) for flowable in (table, reference))
    assert same_places(fast, slow)
    # The colours the text is set in (ReportLab also sets the table's default black before each cell).
    colours = [{tuple(colour) for colour in text_operations(data)[1]} for data in (fast, slow)]
    assert colours[0] == colours[1] - {("0", "0", "0")}


def render_a4(flowables: list[Flowable]) -> bytes:
    buffer = io.BytesIO()
    SimpleDocTemplate(buffer).build(flowables)
    return buffer.getvalue()


def test_tail_follows_the_last_word_when_it_fits_and_the_paragraph_is_mixed_when_not() -> None:
    style = stylesheet(9.5)["body"]
    paragraphs = [MixedPara(escape(TEXT[:length]), style, tail=MARKERS) for length in range(30, 300, 7)]
    render(paragraphs, 300)
    assert {bool(paragraph._tail) for paragraph in paragraphs} == {True, False}


def test_mixed_paragraph_with_markup_in_its_text_prints_that_markup() -> None:
    style = stylesheet(9.5)["body"]
    text = "Detail with <b>bold</b> words &amp; more."
    fast = render([MixedPara(text, style, tail=MARKERS)], 300)
    reference = render([Paragraph(markup([], text, MARKERS, " "), style)], 300)
    assert same_lines(fast, reference)


@pytest.mark.parametrize(
    "text",
    [
        "plain words",
        "  spaced   out\n  over lines  ",
        "nbsp\u00a0\u00a0kept",
        "Zoë Ψυχή Łukasz Иван",
        "",
        "   ",
        escape('<img src="x"> R&D\'s "plan"'),
        "1.1&nbsp;&nbsp;Title &amp;&amp; more",
        " &amp; ",
        "&alpha; &#945; &copy; and a bare & sign",  # entities escape() never writes: parsed
    ],
)
def test_paragraph_without_tags_has_the_fragments_the_parser_makes(text: str) -> None:
    style = stylesheet(9.5)["small"]
    ours = [frag.__dict__ for frag in Para(text, style).frags]
    parsed: list[dict[str, object]] = []
    for frag in Paragraph(text, style).frags:  # runs that differ only in text joined, as Para does
        attributes = dict(frag.__dict__)
        if parsed and _but_text(parsed[-1]) == _but_text(attributes):
            parsed[-1]["text"] = f"{parsed[-1]['text']}{attributes['text']}"
        else:
            parsed.append(attributes)
    assert ours == parsed


def _but_text(attributes: dict[str, object]) -> dict[str, object]:
    return {key: value for key, value in attributes.items() if key != "text"}


def test_runs_split_by_entities_are_joined_into_one() -> None:
    style = stylesheet(9.5)["body"]
    paragraph = Para("PM&amp;R 1.1&nbsp;&nbsp;Title &lt;x&gt; &#39;q&#39;", style)
    assert [frag.text for frag in paragraph.frags] == ["PM&R 1.1\u00a0\u00a0Title <x> 'q'"]
    bold = Para("plain <b>bold</b>", stylesheet(9.5)["body"])
    assert [(frag.fontName, frag.text) for frag in bold.frags] == [(FONT, "plain "), (FONT_BOLD, "bold")]


def test_paragraph_breaks_lines_again_for_another_width() -> None:
    paragraph = Para(escape(TEXT), stylesheet(9.5)["body"])
    wide = paragraph.wrap(400, 1000)
    narrow = paragraph.wrap(150, 1000)
    assert narrow[1] > wide[1]
    assert paragraph.wrap(400, 1000) == wide
    assert len(paragraph.blPara.lines) * paragraph.style.leading == wide[1]


def test_every_kind_of_whitespace_is_cleaned_as_the_parser_cleans_it() -> None:
    style = stylesheet(9.5)["body"]
    spaces = [chr(code) for code in range(0x3001) if chr(code).isspace()] + ["\u00a0 ", "  ", "\n\n"]
    for space in spaces:
        for text in (f"a{space}b", f"{space}a b", f"a b{space}"):
            ours = [frag.text for frag in Para(text, style).frags]
            assert ours == [frag.text for frag in Paragraph(text, style).frags], repr(text)
