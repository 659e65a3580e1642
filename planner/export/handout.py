"""The patient's handout: the plain-language texts of the plan in large type, a checklist and when to call.

Only texts the documents wrote for patients are printed (an item's ``handout`` text, the plan's
``handout.checklist`` and ``handout.call`` lists); clinician titles, details, doses and evidence stay in the
clinician copy. The few fixed strings here are headings and form labels, never clinical advice.
"""

from __future__ import annotations

from typing import Any

from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, Spacer, Table

from planner.export.context import ExportContext
from planner.export.pdf_common import (
    ACCENT,
    DRAFT_MARK,
    RULE,
    SHADE,
    CheckBox,
    Footer,
    Keep,
    Para,
    RuledLines,
    build_pdf,
    clean,
    draft_box,
    escape,
    format_date,
    frame_width,
    letterhead,
    load_logo,
    page_table,
    stylesheet,
    table_style,
)

BODY_SIZE = 14
MARGIN = 20 * mm
TITLE = "Your plan from your therapist"
SECTION_HEADINGS = {
    "pt": "Your exercises",
    "ot": "Everyday activities and equipment",
    "orthosis": "Walking aids and braces",
    "lymphedema": "Swelling care",
    "analgesia": "Managing pain",
    "medical": "Tests and appointments",
    "monitoring": "Check-ups",
}
"""Friendly headings per plan section; a section not listed here falls back to its own title."""

Style = dict[str, ParagraphStyle]


def _header(context: ExportContext, styles: Style, width: float) -> list[Flowable]:
    """Clinic logo and name at the top, so the patient knows whose advice this is."""
    clinic = context.clinic
    logo = load_logo(clinic.logo_path, 45 * mm, 20 * mm)
    name = clean(clinic.name)
    if logo is None and not name:
        return []
    text = Para(escape(name), styles["clinic"]) if name else None
    return letterhead(logo, text, width, rule=1, padding=5, space_after=3 * mm)


def _bullets(texts: list[str], styles: Style) -> list[Flowable]:
    style = ParagraphStyle(
        "bullet", parent=styles["body"], leftIndent=9 * mm, bulletIndent=2 * mm, spaceAfter=BODY_SIZE * 0.55
    )
    return [Para(escape(text), style, bulletText="•") for text in texts if clean(text)]


def _section(heading: str, body: list[Flowable], styles: Style) -> list[Flowable]:
    """A heading kept with its first entry, so a heading never ends a page alone."""
    if not body:
        return []
    return [Keep([Para(escape(heading), styles["h1"]), body[0]]), *body[1:]]


def _checklist(entries: list[dict[str, Any]], styles: Style, width: float) -> list[Flowable]:
    """One drawn box per checklist line, for the patient to tick by hand."""
    texts = [clean(entry.get("text")) for entry in entries if clean(entry.get("text"))]
    if not texts:
        return []
    box = 6 * mm
    rows = [[CheckBox(box), Para(escape(text), styles["body"])] for text in texts]
    table = page_table(rows, colWidths=[box + 5 * mm, width - box - 5 * mm], hAlign="LEFT")
    table.setStyle(
        table_style(
            [
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
                ("TOPPADDING", (0, 0), (0, -1), 3),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 7),
                ("LINEBELOW", (0, 0), (-1, -2), 0.3, RULE),
            ]
        )
    )
    return [table]


def _contact(context: ExportContext, styles: Style, width: float) -> list[Flowable]:
    """The clinic's name and address with a line to write the phone number, boxed so it is easy to find."""
    clinic = context.clinic
    lines: list[Flowable] = []
    if clean(clinic.name):
        lines.append(Para(f"<b>{escape(clinic.name)}</b>", styles["body"]))
    address = [escape(line) for line in str(clinic.address or "").splitlines() if clean(line)]
    if address:
        lines.append(Para("<br/>".join(address), styles["body"]))
    phone = page_table(
        [[Para("Phone:", styles["body"]), RuledLines(1, 9 * mm, width * 0.55)]],
        colWidths=[26 * mm, width * 0.55],
        hAlign="LEFT",
    )
    phone.setStyle(
        table_style(
            [
                ("VALIGN", (0, 0), (-1, -1), "BOTTOM"),
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 0),
            ]
        )
    )
    lines.append(phone)
    box = page_table([[lines]], colWidths=[width])
    box.setStyle(
        table_style(
            [
                ("BOX", (0, 0), (-1, -1), 1, ACCENT),
                ("BACKGROUND", (0, 0), (-1, -1), SHADE),
                ("LEFTPADDING", (0, 0), (-1, -1), 10),
                ("RIGHTPADDING", (0, 0), (-1, -1), 10),
                ("TOPPADDING", (0, 0), (-1, -1), 8),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 10),
            ]
        )
    )
    return [Keep([Para("Your clinic", styles["h1"]), box])]


def _draft_banner(styles: Style, width: float) -> Table:
    return draft_box(Para(DRAFT_MARK, styles["draft"]), width)


def render_handout_pdf(plan: dict[str, Any], assessment: dict[str, Any], context: ExportContext) -> bytes:
    """The patient's A4 handout as PDF bytes: body 14 pt, headings larger, wide spacing."""
    styles = stylesheet(BODY_SIZE)
    width = frame_width(MARGIN)
    patient = plan.get("patient") or assessment.get("patient") or {}
    story: list[Flowable] = []
    story.extend(_header(context, styles, width))
    story.append(Para(TITLE, styles["title"]))
    story.append(Para(f"For: <b>{escape(patient.get('name'))}</b>", styles["body"]))
    story.append(Para(f"Date: {escape(format_date(context.generated_at))}", styles["body"]))
    signature = context.signature
    if signature is not None:
        story.append(
            Para(f"Your therapist: {escape(signature.signer)}, {escape(signature.credentials)}", styles["body"])
        )
    else:
        story.extend([Spacer(1, 2 * mm), _draft_banner(styles, width)])
    for section in plan.get("sections") or []:
        texts = [item["handout"] for item in section.get("items") or [] if clean(item.get("handout"))]
        heading = SECTION_HEADINGS.get(section.get("key"), clean(section.get("title")))
        story.extend(_section(heading, _bullets(texts, styles), styles))
    handout = plan.get("handout") or {}
    story.extend(_section("Daily checklist", _checklist(handout.get("checklist") or [], styles, width), styles))
    story.extend(
        _section(
            "When to call the clinic",
            _bullets([entry.get("text") for entry in handout.get("call") or []], styles),
            styles,
        )
    )
    story.extend(_contact(context, styles, width))
    story.append(Keep([Para("Notes", styles["h1"]), RuledLines(6, 11 * mm)]))
    footer = Footer(
        generated_at=context.generated_at,
        library_version=plan.get("library_version"),
        draft=signature is None,
        patient_line=clean(patient.get("name")),
        document_label="Your plan",
    )
    return build_pdf(
        story,
        footer,
        title=f"{TITLE}: {clean(patient.get('name'))}",
        author=context.clinic.name,
        subject="Patient handout",
        margin=MARGIN,
    )
