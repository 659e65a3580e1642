"""The patient handout: plain words, large type, only what the patient does.

Every instruction printed here is a recommendation's ``handout`` text, a daily-checklist line or a
when-to-call line from the guidance documents (via the plan). This module adds layout and a few neutral
headings; it prints no drug, dose or evidence passage.
"""

from __future__ import annotations

from typing import Any

from reportlab.lib.units import mm
from reportlab.platypus import Flowable, KeepTogether, Paragraph, Spacer, Table, TableStyle

from planner.export.clinician import clinic_header, draft_banner
from planner.export.context import ExportContext
from planner.export.pdf_common import (
    DRAFT_MARK,
    RULE,
    CheckBox,
    Footer,
    RuledLines,
    build_pdf,
    clean,
    escape,
    format_date,
    frame_width,
    stylesheet,
)

BODY_SIZE = 14
TITLE = "Your care plan"
SECTION_HEADINGS = {
    "pt": "Your exercises and activity",
    "ot": "Everyday activities and equipment",
    "orthosis": "Walking aids and braces",
    "lymphedema": "Swelling care",
    "analgesia": "Comfort",
    "medical": "Tests and appointments",
    "monitoring": "Follow-up",
}


def _items(plan: dict[str, Any], styles: dict[str, Any]) -> list[Flowable]:
    story: list[Flowable] = []
    for section in plan["sections"]:
        texts = [item["handout"] for item in section["items"] if item.get("handout")]
        if not texts:
            continue
        story.append(Paragraph(escape(SECTION_HEADINGS[section["key"]]), styles["h1"]))
        for text in texts:
            story.append(Paragraph(f"•&nbsp;&nbsp;{escape(text)}", styles["body"]))
    return story


def _checklist(lines: list[dict[str, Any]], styles: dict[str, Any], width: float) -> list[Flowable]:
    if not lines:
        return []
    box = BODY_SIZE * 1.1
    rows = [[CheckBox(box), Paragraph(escape(line["text"]), styles["body"])] for line in lines]
    table = Table(rows, colWidths=[box + 4 * mm, width - box - 4 * mm])
    table.setStyle(
        TableStyle(
            [
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("TOPPADDING", (0, 0), (-1, -1), 4),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 4),
                ("LINEBELOW", (0, 0), (-1, -2), 0.4, RULE),
            ]
        )
    )
    return [Paragraph("Daily checklist", styles["h1"]), table]


def _call(lines: list[dict[str, Any]], styles: dict[str, Any]) -> list[Flowable]:
    if not lines:
        return []
    story: list[Flowable] = [Paragraph("When to call the clinic", styles["h1"])]
    story += [Paragraph(f"•&nbsp;&nbsp;{escape(line['text'])}", styles["body"]) for line in lines]
    return [KeepTogether(story)]


def render_handout_pdf(plan: dict[str, Any], assessment: dict[str, Any], context: ExportContext) -> bytes:
    styles = stylesheet(BODY_SIZE)
    width = frame_width()
    patient = plan["patient"]
    story: list[Flowable] = [*clinic_header(context.clinic, styles, width)]
    story.append(Paragraph(escape(TITLE), styles["title"]))
    story.append(Paragraph(f"For: <b>{escape(patient['name'])}</b>", styles["body"]))
    story.append(Paragraph(f"Date: {escape(format_date(plan['assessed_on']))}", styles["body"]))
    if context.signature is None:
        story += [Spacer(1, 3 * mm), draft_banner(styles, width)]
    story.append(Spacer(1, 4 * mm))
    story.append(
        Paragraph(
            "These are the things your therapist has planned for you. Keep this sheet where you can see it.",
            styles["body"],
        )
    )
    story += _items(plan, styles)
    handout = plan.get("handout") or {}
    story += _checklist(handout.get("checklist", []), styles, width)
    story += _call(handout.get("call", []), styles)
    clinic = clean(context.clinic.name)
    story.append(
        KeepTogether(
            [
                Paragraph("Clinic phone", styles["h1"]),
                Paragraph(escape(clinic) if clinic else "&nbsp;", styles["body"]),
                RuledLines(1, BODY_SIZE * 2.2),
            ]
        )
    )
    story.append(KeepTogether([Paragraph("My notes", styles["h1"]), RuledLines(6, BODY_SIZE * 2.2)]))
    footer = Footer(
        generated_at=context.generated_at,
        library_version=plan.get("library_version"),
        draft=context.signature is None,
        patient_line=clean(patient["name"]),
        document_label="Patient handout",
    )
    return build_pdf(
        story, footer, title=f"{TITLE} — {patient['name']}", subject=DRAFT_MARK if context.signature is None else TITLE
    )
