"""The clinician's printed care plan: identification, alerts first, findings, the seven sections, references.

Every clinical sentence on the page comes from the plan dict (which comes from the guidance documents);
this module only adds layout and short neutral labels. Alerts are placed right after the patient's
identification so they are on page 1, and each item points by number into a reference list that prints
the stored passage it stands on, so a reviewer can check the source without opening the library.

Two faces set everything (regular and bold; muted colour marks secondary labels): every face a document
uses is a font subset built for and embedded in every file, and a third cost a fifth of the file's size.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from reportlab.lib import colors
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import CondPageBreak, Flowable, Spacer, Table

from planner.engine.schedule import window_text
from planner.engine.vocabulary import MUSCLE_GROUPS
from planner.export.context import ClinicInfo, ExportContext, short_hash
from planner.export.pdf_common import (
    ACCENT,
    DRAFT_MARK,
    FONT,
    FONT_BOLD,
    GRID_PADDING,
    INK,
    MUTED,
    RULE,
    SHADE,
    Footer,
    Keep,
    MixedPara,
    Para,
    RuledLines,
    Run,
    TextCell,
    build_pdf,
    clean,
    draft_box,
    escape,
    format_date,
    format_datetime,
    frame_width,
    grid_commands,
    humanize,
    letterhead,
    load_logo,
    paragraphs_of,
    stylesheet,
    table_style,
    text_table,
)
from planner.export.progress_page import progress_page
from planner.plan.text import HELD_HEADING, held_by_reason, held_title

BODY_SIZE = 9.5
TITLE = "Care plan: lumbosacral plexopathy"
LEVEL_RANK = {"urgent": 0, "caution": 1, "info": 2}
# Level colours only support the printed level word; they are never the only signal.
LEVEL_FILL = {"urgent": colors.HexColor("#8b1a1a"), "caution": colors.HexColor("#f2c14e"), "info": SHADE}
LEVEL_TEXT = {"urgent": colors.white, "caution": INK, "info": INK}
MARKER_SIZE = round(BODY_SIZE * 0.85, 1)
NOT_TESTED = "not tested"
NO_ITEMS = "No items."

Style = dict[str, ParagraphStyle]
RefKey = tuple[str, str, str]


class References:
    """Numbers evidence passages in order of first citation; one number per (document, version, section)."""

    def __init__(self) -> None:
        self._numbers: dict[RefKey, int] = {}
        self._entries: list[dict[str, Any]] = []

    def cite(self, evidence: Iterable[dict[str, Any]] | None) -> list[int]:
        """The reference numbers of an item's evidence, registering passages not seen before."""
        numbers: list[int] = []
        for entry in evidence or ():
            key = (clean(entry.get("document")), clean(entry.get("version")), clean(entry.get("section")))
            number = self._numbers.get(key)
            if number is None:
                self._entries.append(entry)
                number = len(self._entries)
                self._numbers[key] = number
            if number not in numbers:
                numbers.append(number)
        return numbers

    def entries(self) -> list[tuple[int, dict[str, Any]]]:
        return list(enumerate(self._entries, start=1))


def _markers(numbers: Sequence[int]) -> list[Run]:
    """Reference markers like ``[3][4]`` in accent colour (the brackets, not the colour, carry the meaning)."""
    if not numbers:
        return []
    return [Run("".join(f"[{number}]" for number in numbers), FONT, MARKER_SIZE, ACCENT)]


def plan_styles() -> Style:
    """The shared styles at the plan's body size, and the plan's own, made once per document.

    Why once: the same styles serve every section, and Para parses one fragment per style it meets.
    """
    styles = stylesheet(BODY_SIZE)
    styles["detail"] = ParagraphStyle("detail", parent=styles["body"], leftIndent=7 * mm)
    styles["handout_note"] = ParagraphStyle("handout_note", parent=styles["small"], leftIndent=7 * mm)
    styles["numbered_title"] = ParagraphStyle(
        "numbered_title", parent=styles["item_title"], leftIndent=7 * mm, firstLineIndent=-7 * mm
    )
    styles["ref_head"] = ParagraphStyle(
        "ref_head",
        parent=styles["cell_bold"],
        leftIndent=8 * mm,
        firstLineIndent=-8 * mm,
        spaceBefore=5,
        spaceAfter=1.5,
        keepWithNext=1,
    )
    styles["ref_text"] = ParagraphStyle("ref_text", parent=styles["small"], leftIndent=8 * mm, textColor=MUTED)
    return styles


def _p(text: str, style: ParagraphStyle) -> Para:
    return Para(text, style)


def clinic_header(clinic: ClinicInfo, styles: Style, width: float) -> list[Flowable]:
    """Logo beside the clinic's name and address, then a rule; nothing when no clinic details are set."""
    name = clean(clinic.name)
    address_lines = [escape(line) for line in str(clinic.address or "").splitlines() if clean(line)]
    logo = load_logo(clinic.logo_path, 40 * mm, 18 * mm)
    if not name and not address_lines and logo is None:
        return []
    text: list[Flowable] = []
    if name:
        text.append(_p(escape(name), styles["clinic"]))
    if address_lines:
        text.append(_p("<br/>".join(address_lines), styles["small"]))
    return letterhead(logo, text, width, rule=0.8, padding=4, space_after=2 * mm)


def _key_value_table(
    rows: list[list[str | TextCell]], styles: Style, widths: Sequence[float], *commands: tuple[Any, ...]
) -> Table:
    """Label/value pairs laid out in columns, with any further table style ``commands``; a cell given as
    markup alone is a label or a value by its column, and long values wrap inside their cell."""
    cells = [
        [
            text if isinstance(text, tuple) else (text, styles["label"] if index % 2 == 0 else styles["cell"])
            for index, text in enumerate(row)
        ]
        for row in rows
    ]
    look = [
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("TOPPADDING", (0, 0), (-1, -1), 2.5),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 2.5),
        ("LINEBELOW", (0, 0), (-1, -1), 0.3, RULE),
    ]
    return text_table(cells, widths, [*look, *commands], padding=(3, 4), hAlign="LEFT")


def identification(
    plan: dict[str, Any], assessment: dict[str, Any], context: ExportContext, styles: Style, width: float
) -> Table:
    """Who the plan is for and who assessed: the name on its own row so a long name wraps cleanly."""
    patient = {**(assessment.get("patient") or {}), **(plan.get("patient") or {})}
    label_width = 28 * mm
    value_width = width / 2 - label_width
    rows = [
        ["Patient", (escape(patient.get("name")), styles["cell_bold"]), "", ""],
        ["Patient ID", escape(patient.get("id")), "Birth date", escape(format_date(patient.get("birth_date")))],
        [
            "Sex",
            escape(humanize(patient.get("sex"))),
            "Assessed on",
            escape(format_date(plan.get("assessed_on") or assessment.get("assessed_on"))),
        ],
        [
            "Assessor",
            escape(humanize(assessment.get("assessor"))),
            "Plan version",
            escape(humanize(context.plan_version, empty="unsaved draft")),
        ],
    ]
    widths = [label_width, value_width, label_width, value_width]
    return _key_value_table(rows, styles, widths, ("SPAN", (1, 0), (3, 0)), ("BACKGROUND", (0, 0), (-1, -1), SHADE))


def draft_banner(styles: Style, width: float) -> Table:
    """A boxed, bold draft mark: words, border and fill, so it survives black-and-white printing."""
    text = f"{DRAFT_MARK.upper()}<br/><font size='{BODY_SIZE * 0.9:.1f}'>{DRAFT_MARK}. Not signed.</font>"
    return draft_box(_p(text, styles["draft"]), width)


def alerts_block(plan: dict[str, Any], refs: References, styles: Style, width: float) -> list[Flowable]:
    """Alerts, urgent first, each with its level spelt out beside its text, detail and reference markers."""
    alerts = sorted(plan.get("alerts") or [], key=lambda alert: LEVEL_RANK.get(alert.get("level"), 3))
    story: list[Flowable] = [_p("Alerts", styles["h1"])]
    if not alerts:
        story.append(_p("No alerts.", styles["body"]))
        return story
    level_width = 24 * mm
    for alert in alerts:
        level = str(alert.get("level") or "info")
        numbers = refs.cite(alert.get("evidence"))
        content: list[Flowable] = [_p(f"<b>{escape(alert.get('text'))}</b>", styles["cell"])]
        detail = escape(alert.get("detail"))
        if detail or numbers:
            content.append(Spacer(1, 1.5))
            content.append(MixedPara(detail, styles["cell"], tail=_markers(numbers)))
        level_style = ParagraphStyle(
            "level", parent=styles["cell_bold"], textColor=LEVEL_TEXT.get(level, INK), fontSize=BODY_SIZE * 0.85
        )
        table = Table([[_p(escape(level.upper()), level_style), content]], colWidths=[level_width, width - level_width])
        table.setStyle(
            table_style(
                [
                    ("VALIGN", (0, 0), (-1, -1), "TOP"),
                    ("BACKGROUND", (0, 0), (0, 0), LEVEL_FILL.get(level, SHADE)),
                    (
                        "BOX",
                        (0, 0),
                        (-1, -1),
                        0.8 if level == "urgent" else 0.5,
                        RULE if level == "info" else LEVEL_FILL.get(level, RULE),
                    ),
                    ("LEFTPADDING", (0, 0), (-1, -1), 5),
                    ("RIGHTPADDING", (0, 0), (-1, -1), 5),
                    ("TOPPADDING", (0, 0), (-1, -1), 4),
                    ("BOTTOMPADDING", (0, 0), (-1, -1), 5),
                ]
            )
        )
        story.extend([table, Spacer(1, 2 * mm)])
    return story


def held_block(plan: dict[str, Any], refs: References, styles: Style) -> list[Flowable]:
    """What the safety screen held back, each reason once with the items it holds; nothing when none was."""
    groups = held_by_reason(plan)
    if not groups:
        return []
    story: list[Flowable] = [_p(HELD_HEADING, styles["h2"])]
    body = styles["body"]
    label = Run("Held:", FONT_BOLD, body.fontSize, body.textColor)
    for reason, entries in groups:
        numbers = refs.cite([evidence for entry in entries for evidence in entry.get("evidence") or ()])
        titles = "; ".join(escape(held_title(entry)) for entry in entries)
        story.append(
            Keep(
                [
                    MixedPara(escape(reason), body, head=[label], tail=_markers(numbers)),
                    _p(titles, styles["detail"]),
                ]
            )
        )
    return story


def _group_label(group: str) -> str:
    return humanize(group).capitalize()


def strength_table(plan: dict[str, Any], assessment: dict[str, Any], styles: Style, width: float) -> list[Flowable]:
    """MRC grades of every group with any grade recorded; weak grades bold with an asterisk, not colour alone.

    Nerve and roots come from the plan's weak-group entries (the anatomy document), so groups the plan
    does not list as weak show a dash rather than anatomy typed into this module.
    """
    strength = assessment.get("strength") or {}
    weak_entries = (plan.get("findings") or {}).get("weak_groups") or []
    weak = {(entry.get("group"), entry.get("side")) for entry in weak_entries}
    anatomy = {entry.get("group"): entry for entry in weak_entries}
    groups = [group for group in MUSCLE_GROUPS if group in strength]
    groups += [group for group in strength if group not in MUSCLE_GROUPS]
    rows = []
    for group in groups:
        grades = strength.get(group) or {}
        if all(grades.get(side) is None for side in ("left", "right")):
            continue
        entry = anatomy.get(group) or {}
        row: list[TextCell] = [
            (escape(_group_label(group)), styles["cell"]),
            (escape(entry.get("nerve") or "—"), styles["cell"]),
            (escape(entry.get("roots") or "—"), styles["cell"]),
        ]
        for side in ("left", "right"):
            grade = grades.get(side)
            if grade is None:
                row.append((NOT_TESTED, styles["small"]))
            elif (group, side) in weak:
                row.append((f"{escape(grade)} *", styles["cell_bold"]))
            else:
                row.append((escape(grade), styles["cell"]))
        rows.append(row)
    story: list[Flowable] = [_p("Strength (MRC grade)", styles["h2"])]
    if not rows:
        story.append(_p("No grades recorded.", styles["body"]))
        return story
    header = [(text, styles["cell_bold"]) for text in ("Group / movement", "Nerve", "Roots", "Left", "Right")]
    widths = [0.25 * width, 0.35 * width, 0.14 * width, 0.13 * width, 0.13 * width]
    story.append(
        text_table([header, *rows], widths, grid_commands(), padding=GRID_PADDING, repeatRows=1, hAlign="LEFT")
    )
    story.append(
        _p(
            "* weak: listed among the weak groups in the plan's findings. Nerve and roots are shown for weak groups.",
            styles["small"],
        )
    )
    return story


def _side_values(values: dict[str, Any] | None) -> str:
    values = values or {}
    if all(values.get(side) is None for side in ("left", "right")):
        return "not recorded"
    return ", ".join(f"{side} {humanize(values.get(side))}" for side in ("left", "right"))


def _number(value: Any, unit: str = "") -> str:
    if value is None:
        return "—"
    if isinstance(value, int | float) and not isinstance(value, bool):
        return f"{value:.1f}{unit}"
    return f"{clean(value)}{unit}"


def findings_block(plan: dict[str, Any], assessment: dict[str, Any], styles: Style, width: float) -> list[Flowable]:
    """The recorded facts the plan was drafted from, as values (labels only, no interpretation)."""
    findings = plan.get("findings") or {}
    history = assessment.get("history") or {}
    pain = assessment.get("pain") or {}
    function = assessment.get("function") or {}
    symptoms = [humanize(name) for name, value in (assessment.get("symptoms") or {}).items() if value]
    pain_text = f"NRS {humanize(pain.get('nrs'))}/10"
    if findings.get("pain_band"):
        pain_text += f", band {humanize(findings.get('pain_band'))}"
    pairs: list[tuple[str, str]] = [
        ("Etiology", humanize(history.get("etiology"))),
        ("Affected side", humanize(history.get("affected_side"))),
        ("Onset", format_date(history.get("onset"))),
        ("Malignancy", humanize(history.get("malignancy"), empty="none recorded")),
        ("Weakness distribution", humanize(findings.get("distribution"))),
        ("Pain", pain_text),
        ("Neuropathic pain", humanize(bool(pain.get("neuropathic")))),
        ("Pain sites", ", ".join(clean(site) for site in pain.get("sites") or []) or "not recorded"),
        ("Current ladder step", humanize(pain.get("current_ladder_step") or 0)),
        (
            "Pregabalin",
            _number(pain.get("pregabalin_mg_day"), " mg/day")
            if pain.get("pregabalin_mg_day") is not None
            else "not recorded",
        ),
        ("Joint position sense", _side_values(assessment.get("joint_position_sense"))),
        ("Symptoms", ", ".join(symptoms) or "none recorded"),
        ("Ambulation", humanize(function.get("ambulation"))),
        ("Sit to stand", humanize(function.get("sit_to_stand"))),
        ("Standing transfer", humanize(function.get("standing_transfer"))),
        ("Lower-body dressing", humanize(function.get("lower_body_dressing"))),
        ("Bathing", humanize(function.get("bathing"))),
        ("Falls, past 3 months", humanize(function.get("falls_past_3_months"))),
    ]
    if len(pairs) % 2:
        pairs.append(("", ""))
    rows = [
        [escape(pairs[i][0]), escape(pairs[i][1]), escape(pairs[i + 1][0]), escape(pairs[i + 1][1])]
        for i in range(0, len(pairs), 2)
    ]
    label_width = 0.19 * width
    story: list[Flowable] = [
        Keep([_p("Findings", styles["h2"]), _key_value_table(rows, styles, [label_width, width / 2 - label_width] * 2)])
    ]
    volumes = findings.get("limb_volume_ml")
    if volumes:
        lymphedema = assessment.get("lymphedema") or {}
        header = [
            (text, styles["cell_bold"])
            for text in ("Left (mL)", "Right (mL)", "Excess volume (%)", "Severity", "Affected side", "Phase")
        ]
        row = [
            (escape(text), styles["cell"])
            for text in (
                _number(volumes.get("left")),
                _number(volumes.get("right")),
                _number(findings.get("excess_volume_percent")),
                humanize(findings.get("lymphedema_severity")),
                humanize(lymphedema.get("side")),
                humanize(lymphedema.get("phase")),
            )
        ]
        table = text_table([header, row], [width / 6] * 6, grid_commands(), padding=GRID_PADDING, hAlign="LEFT")
        story.append(Keep([_p("Limb volumes", styles["h2"]), table]))
    return story


def section_block(index: int, section: dict[str, Any], refs: References, styles: Style) -> list[Flowable]:
    """One plan section: numbered heading, then each item's bold title, detail and reference markers."""
    story: list[Flowable] = [
        CondPageBreak(30 * mm),
        _p(f"{index}. {escape(section.get('title') or humanize(section.get('key')))}", styles["h1"]),
    ]
    items = section.get("items") or []
    if not items:
        story.append(_p(NO_ITEMS, styles["small"]))
        return story
    detail_style, handout_style, title_style = styles["detail"], styles["handout_note"], styles["numbered_title"]
    handout_label = Run("Patient handout:", FONT_BOLD, handout_style.fontSize, handout_style.textColor)
    for number, item in enumerate(items, start=1):
        numbers = refs.cite(item.get("evidence"))
        tail = _markers(numbers)
        if item.get("source") == "clinician":
            tail.append(Run("(added by clinician)", FONT, BODY_SIZE, MUTED))
        parts: list[Flowable] = [
            _p(f"{index}.{number}&nbsp;&nbsp;{escape(item.get('title'))}", title_style),
            MixedPara(escape(item.get("detail")), detail_style, tail=tail),
        ]
        if item.get("due_on"):
            when = window_text(item["due_on"], item.get("due_until"))
            parts.append(_p(f"<b>Due:</b> {escape(when)} ({escape(item.get('due_rule'))})", detail_style))
        if item.get("handout"):
            parts.append(MixedPara(escape(item.get("handout")), handout_style, head=[handout_label]))
        if number == 1:
            # ReportLab does not carry keepWithNext into a so the heading joins the first item.
            heading = story.pop()
            parts.insert(0, heading)
        story.append(Keep(parts))  # splits by itself if an item is taller than a page
    return story


def references_block(refs: References, styles: Style) -> list[Flowable]:
    """The numbered source passages: title, version and section, then the stored text in smaller type."""
    story: list[Flowable] = [CondPageBreak(40 * mm), _p("References", styles["h1"])]
    entries = refs.entries()
    if not entries:
        story.append(_p("No references.", styles["body"]))
        return story
    head_style, text_style = styles["ref_head"], styles["ref_text"]
    size, ink = head_style.fontSize, head_style.textColor
    for number, entry in entries:
        where = "".join(
            f", {label} {clean(entry.get(label))}" for label in ("version", "section") if clean(entry.get(label))
        )
        head = MixedPara(
            escape(entry.get("document")),
            head_style,
            head=[Run(f"{number}.\u00a0\u00a0", FONT, size, ink)],
            tail=[Run(where, FONT, size, ink)],
            spaced=False,
        )
        block = [head, *(_p(text, text_style) for text in paragraphs_of(entry.get("text")))]
        if number == 1:
            block.insert(0, story.pop())
        story.append(Keep(block))
    return story


def signature_block(context: ExportContext, styles: Style, width: float) -> list[Flowable]:
    """Who signed and when, or blank lines to sign on paper plus the draft mark."""
    heading = _p("Clinician review", styles["h1"])
    signature = context.signature
    if signature is not None:
        rows = [
            ["Signed by", (escape(signature.signer), styles["cell_bold"])],
            ["Credentials", escape(signature.credentials)],
            ["Signed at", escape(format_datetime(signature.signed_at))],
        ]
        if signature.content_hash:
            rows.append(["Content hash", escape(short_hash(signature.content_hash))])
        return [Keep([heading, _key_value_table(rows, styles, [32 * mm, width - 32 * mm])])]
    label_width = 26 * mm
    field_width = width / 2 - label_width - 4 * mm
    cells = [
        [
            _p("Name", styles["label"]),
            RuledLines(1, 9 * mm, field_width),
            Spacer(1, 1),
            _p("Credentials", styles["label"]),
            RuledLines(1, 9 * mm, field_width),
        ],
        [
            _p("Signature", styles["label"]),
            RuledLines(1, 9 * mm, field_width),
            Spacer(1, 1),
            _p("Date and time", styles["label"]),
            RuledLines(1, 9 * mm, field_width),
        ],
    ]
    table = Table(cells, colWidths=[label_width, field_width, 8 * mm, label_width, field_width], hAlign="LEFT")
    table.setStyle(
        table_style(
            [
                ("VALIGN", (0, 0), (-1, -1), "BOTTOM"),
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
                ("RIGHTPADDING", (0, 0), (-1, -1), 0),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
            ]
        )
    )
    return [Keep([heading, table, Spacer(1, 3 * mm), _p(DRAFT_MARK, styles["draft"])])]


def render_clinician_pdf(plan: dict[str, Any], assessment: dict[str, Any], context: ExportContext) -> bytes:
    """The clinician's A4 care plan as PDF bytes (written to disk by the caller, atomically)."""
    styles = plan_styles()
    width = frame_width()
    refs = References()
    patient = plan.get("patient") or assessment.get("patient") or {}
    story: list[Flowable] = []
    story.extend(clinic_header(context.clinic, styles, width))
    story.append(_p(TITLE, styles["title"]))
    story.append(identification(plan, assessment, context, styles, width))
    story.append(Spacer(1, 3 * mm))
    if context.signature is None:
        story.extend([draft_banner(styles, width), Spacer(1, 1 * mm)])
    story.extend(alerts_block(plan, refs, styles, width))
    story.extend(held_block(plan, refs, styles))
    story.append(_p("Assessment summary", styles["h1"]))
    story.extend(strength_table(plan, assessment, styles, width))
    story.extend(findings_block(plan, assessment, styles, width))
    for index, section in enumerate(plan.get("sections") or [], start=1):
        story.extend(section_block(index, section, refs, styles))
    story.extend(progress_page(plan, styles, width))
    story.extend(references_block(refs, styles))
    story.extend(signature_block(context, styles, width))
    footer = Footer(
        generated_at=context.generated_at,
        library_version=plan.get("library_version"),
        draft=context.signature is None,
        patient_line=f"{clean(patient.get('name'))} ({clean(patient.get('id'))})",
        document_label="Care plan, clinician copy",
    )
    return build_pdf(
        story,
        footer,
        title=f"{TITLE}: {clean(patient.get('name'))}",
        author=context.clinic.name,
        subject="Clinician care plan",
    )
