"""The patient's handout: the plan as the clinician left it, in plain words, large type and the patient's language.

What it prints, all from the plan (after :func:`planner.edits.apply_edits`): what the patient must do today, in
a box under the title (the documents' ``urgent`` lines; while there are any, no routine check-up date is given),
the clinic and its phone, the therapist, the next appointment or check-up, when to call, each included item's
patient text (the clinician's wording wins; excluded items are absent, held items never reach the plan's
sections), the exercise cards the clinician kept (picture, name, purpose, numbered steps, dosage, precautions and
the clinician's changes), the equipment the clinician chose with its use and icon, the daily checklist, and a
week-by-week tick chart when the documents call for one (see :meth:`HandoutRenderer.chart`).

Only texts written for patients are printed: the documents' (or their translations'), or the clinician's own.
When a text has no up-to-date translation in the patient's language, the English prints with a visible note
saying why. Fixed words (headings, labels, dates, dosages) come from planner.export.handout_labels. Body text is
14 pt; large print is 18 pt with one exercise per page. The call box stands whole on page one under the urgent
box (see :meth:`HandoutRenderer.first_page`), the checklist is kept whole on a page, and the tick chart is one
chart however many exercises there are. A card's precautions never leave its page (a card too tall for one gets
a smaller picture, else its precautions under its purpose: see :meth:`HandoutRenderer.fitted`).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from functools import partial
from typing import Any

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import CondPageBreak, Flowable, KeepTogether, PageBreak, Paragraph, Spacer, Table

from planner.edits import CHOSEN_EQUIPMENT
from planner.engine.schedule import next_check_up
from planner.export.context import ExportContext
from planner.export.handout_labels import dosage_rows, labels, long_date
from planner.export.pdf_common import (
    ACCENT,
    INK,
    MUTED,
    RULE,
    SHADE,
    CheckBox,
    Footer,
    PdfRenderer,
    RuledLines,
    boxed,
    draft_box,
    letterhead,
    load_logo,
    page_table,
    table_style,
)
from planner.export.pdf_text import bold, clean, escape, styled

BODY_SIZE = 14
LARGE_PRINT_SIZE = 18
SECTION_ORDER = ("pt", "ot", "orthosis", "lymphedema", "analgesia", "medical", "monitoring")
CARD_LINE = colors.HexColor("#9fb3c8")
URGENT = colors.HexColor("#b3261e")
URGENT_FILL = colors.HexColor("#fdecea")
DOSAGE_FILL = colors.HexColor("#f3f6f9")
WEEKS = 4
DAYS = 7
PICTURE_HEIGHT = 46 * mm
"""An exercise card's picture beside its steps (normal print): a smaller one would not make the card shorter."""
LARGE_PRINT_PICTURE = (85 * mm, 50 * mm)
"""An exercise card's picture above its steps in large print: its height, and the least it may shrink to so
that its card fits one page (see :meth:`HandoutRenderer.fitted`)."""
CHART_BOX_LEAST = 9 * mm
"""The narrowest tick box of the exercise chart: more exercises than fit across a page at this width go on in a
further band of columns (see :meth:`HandoutRenderer.chart`)."""
TICK_CHART_FINDING = "handout_tick_chart"
"""The derived finding (CLINIC) that says whether the handout prints the exercise tick chart."""
WALKING_AIDS_FINDING = "handout_walking_aids"
"""The derived finding (CLINIC) that says whether the aids-and-braces section is headed for walking aids (false:
the label ``sections.orthosis_not_walking``, for a patient who does not walk)."""


def patient_text(entity: dict[str, Any], key: str, language: str | None) -> tuple[Any, str | None]:
    """An entity's text for the patient in ``language`` (a text, or a list of texts for ``steps``; None when it
    has none), and why it is in English when it should not be.

    The translation the plan carries wins when it is up to date; otherwise the English prints, with ``stale`` or
    ``missing`` as the reason. Text without a translation record (the clinician's own words) prints as written.
    """
    english = entity.get(key)
    translation = entity.get("translation")
    if not language or language == "en" or not translation:
        return english, None
    if translation.get("status") == "translated" and key in translation:
        return translation[key], None
    return english, translation.get("status") or "missing"


OVERDUE_CHECKUP = "checkup_overdue"
"""The key :func:`next_date` gives a check-up whose last day has passed: the handout asks the patient to book."""


def next_date(plan: dict[str, Any], today: date) -> tuple[str, str, str | None] | None:
    """(key, date, end of window) of the next appointment: the clinician's, else the plan's next check-up
    (:func:`planner.engine.schedule.next_check_up`); for an overdue check-up, ``OVERDUE_CHECKUP`` and the day it
    fell due by (the end of its window)."""
    if plan.get("next_appointment"):
        return "next_appointment", plan["next_appointment"], None
    check_up = next_check_up(plan, today)
    if check_up is None:
        return None
    if check_up.overdue:
        return OVERDUE_CHECKUP, check_up.due_until or check_up.due_on, None
    return "next_checkup", check_up.due_on, check_up.due_until


class HandoutRenderer(PdfRenderer):
    """The handout, built from the plan as the clinician left it (see the module docstring)."""

    margin = 18 * mm
    subject = "Patient handout"

    def __init__(
        self, plan: dict[str, Any], assessment: dict[str, Any], context: ExportContext, *, large_print: bool = False
    ) -> None:
        self.plan, self.assessment, self.context = plan, assessment, context
        self.large_print = large_print
        self.body_size = LARGE_PRINT_SIZE if large_print else BODY_SIZE
        self.language = plan.get("language") if plan.get("language") in ("en", "es") else "en"
        self.words = labels(self.language)
        self.patient = plan.get("patient") or assessment.get("patient") or {}
        self.fallbacks: set[str] = set()
        """Ids of the patient texts (items, lines, cards) printed in English in a handout in another language."""
        self.title = f"{self.words['title']}: {clean(self.patient.get('name'))}"
        self.author = context.clinic.name
        super().__init__(
            Footer(
                generated_at=context.generated_at,
                library_version=plan.get("library_version"),
                draft=context.signature is None,
                patient_line=clean(self.patient.get("name")),
                document_label=self.words["document"],
                page_label=self.words["page"],
                generated_label=self.words["generated"],
                library_label=self.words["library_version"],
                draft_label=self.words["draft_mark"],
                language=self.language,
            )
        )

    def stylesheet(self) -> dict[str, ParagraphStyle]:
        styles = super().stylesheet()
        size = self.body_size
        styles["bullet"] = ParagraphStyle(
            "bullet", parent=styles["body"], leftIndent=size * 0.9, bulletIndent=size * 0.1, spaceAfter=size * 0.45
        )
        styles["step"] = ParagraphStyle(
            "step",
            parent=styles["body"],
            leftIndent=size * 1.4,
            bulletIndent=0,
            spaceAfter=size * 0.25,
            bulletFontSize=size,
        )
        styles["bullet"].bulletFontSize = size
        # The call box's lines sit closer in large print, so that the box fits page one under an urgent box.
        styles["call_bullet"] = ParagraphStyle(
            "call_bullet", parent=styles["bullet"], spaceAfter=size * (0.25 if self.large_print else 0.45)
        )
        styles["card_title"] = ParagraphStyle(
            "card_title",
            parent=styles["h2"],
            fontSize=size * 1.15,
            leading=size * 1.4,
            textColor=ACCENT,
            spaceBefore=0,
            spaceAfter=0,
        )
        if self.large_print:  # the title on one line, leaving page one to the urgent box and the call box
            styles["title"] = ParagraphStyle(
                "title_large", parent=styles["title"], fontSize=size * 1.4, leading=size * 1.75
            )
        styles["label_body"] = ParagraphStyle("label_body", parent=styles["body"], spaceAfter=0)
        styles["centered"] = ParagraphStyle("centered", parent=styles["small"], alignment=TA_CENTER)
        styles["phone"] = ParagraphStyle(
            "phone", parent=styles["body"], fontSize=size * 1.3, leading=size * 1.6, spaceAfter=0
        )
        return styles

    # --- text in the patient's language -------------------------------------------------------------
    def text(self, entity: dict[str, Any], key: str) -> tuple[str, str]:
        """(markup of the text, markup of the note saying it is in English) for one patient text."""
        value, fallback = patient_text(entity, key, self.language)
        if fallback is None:
            return escape(value), ""
        self.fallbacks.add(str(entity.get("id") or id(entity)))
        note = self.words.get(fallback) or ""
        return escape(value), styled(f"({note})", color=MUTED.hexval()) if note else ""

    def text_line(self, entity: dict[str, Any], key: str) -> str:
        value, note = self.text(entity, key)
        return f"{value} {note}".strip()

    # --- the story ----------------------------------------------------------------------------------
    def story(self) -> list[Flowable]:
        body: list[Flowable] = []
        body += self.plan_sections()
        body += self.checklist()
        body += self.exercises()
        body += self.equipment()
        body += self.chart()
        body += self.clinic_box()
        body.append(KeepTogether([self.paragraph(escape(self.words["notes"]), "h1"), RuledLines(5, 11 * mm)]))
        return [*self.first_page(), *body]  # after the rest, so the fallback note counts every English text

    def first_page(self) -> list[Flowable]:
        """The title, what to do today and when to call, each whole on page one, before the patient's details.

        The call box is never split (a warning line cut from its heading is read without it). The details
        (name, date, therapist, next date, draft mark, preface) stand above it while all fits on page one; when
        it does not (large print, or a long urgent box), they move below the call box, kept together, as a
        patient who pins up page one needs what to do and when to call more than the date. A call box that
        cannot fit under the urgent box at all starts whole on page two, and page one says so.
        """
        urgent = self.urgent_box()
        top = [*self.masthead(), *urgent]
        call = self.call_box()
        details = [*self.details(bool(urgent)), *self.fallback_note()]  # after every patient text is counted
        kept = [KeepTogether([space, box]) for space, box in zip(call[::2], call[1::2], strict=True)]
        if self.stack_height([*top, *details, *call]) <= self.frame_height:
            return [*top, *details, *kept]
        if self.stack_height([*top, *call]) <= self.frame_height:
            return [*top, *kept, Spacer(1, 4 * mm), KeepTogether(details)]  # whole, on page one or two
        pointer = self.paragraph(bold(self.words["call_overleaf"]), "body")
        return [*top, boxed(pointer, self.width, border=ACCENT, fill=SHADE), *details, *kept]

    def stack_height(self, flowables: list[Flowable]) -> float:
        """The height ``flowables`` take one under the other, spaces included (a little more than the frame
        gives them, which merges a space after with the next one's space before)."""
        return sum(
            flowable.wrap(self.width, self.frame_height)[1] + flowable.getSpaceBefore() + flowable.getSpaceAfter()
            for flowable in flowables
        )

    def urgent_lines(self) -> list[dict[str, Any]]:
        return [entry for entry in (self.plan.get("handout") or {}).get("urgent") or () if clean(entry.get("text"))]

    def urgent_box(self) -> list[Flowable]:
        """What the patient must act on today (the documents' ``urgent`` lines), boxed under the title so it is read
        before anything else, never as a tick box of the daily checklist."""
        lines = [self.text_line(entry, "text") for entry in self.urgent_lines()]
        if not lines:
            return []
        heading = ParagraphStyle("urgent_h", parent=self.styles["h1"], spaceBefore=0, textColor=URGENT)
        content: list[Flowable] = [Paragraph(escape(self.words["urgent_heading"]), heading)]
        content += [Paragraph(line, self.styles["bullet"], bulletText="•") for line in lines]
        box = boxed(content, self.width, border=URGENT, fill=URGENT_FILL, line=2.5, padding=10)
        return [Spacer(1, 2 * mm), box, Spacer(1, 4 * mm)]

    def masthead(self) -> list[Flowable]:
        """The clinic's letterhead (logo, name, phone) and the title."""
        clinic = self.context.clinic
        story: list[Flowable] = []
        logo = load_logo(clinic.logo_path, 45 * mm, 20 * mm)
        name = clean(clinic.name)
        if logo is not None or name:
            lines: list[Flowable] = []
            if name:
                lines.append(self.paragraph(escape(name), "clinic"))
            if clean(clinic.phone):
                lines.append(self.paragraph(f"{escape(self.words['clinic_phone'])}: {bold(clinic.phone)}", "body"))
            story += letterhead(logo, lines, self.width, rule=1, padding=5, space_after=3 * mm)
        story.append(self.paragraph(escape(self.words["title"]), "title"))
        return story

    def details(self, urgent: bool) -> list[Flowable]:
        """The patient's name, the date, the therapist, the next date and the clinic phone, the draft mark and
        the preface (see :meth:`first_page` for where they stand)."""
        clinic = self.context.clinic
        story: list[Flowable] = []
        rows = [(self.words["for"], bold(self.patient.get("name")))]
        rows.append((self.words["date"], escape(long_date(self.context.generated_at.date(), self.language))))
        therapist = self.therapist()
        if therapist:
            rows.append((self.words["therapist"], escape(therapist)))
        upcoming = next_date(self.plan, self.context.generated_at.date())
        if upcoming is not None and upcoming[0] != "next_appointment" and urgent:
            upcoming = None  # a routine check-up must not read as the next step beside the urgent box
        if upcoming is not None:
            key, start, end = upcoming
            when = long_date(start, self.language)
            if key == OVERDUE_CHECKUP:
                key, when = "next_checkup", self.words["overdue_since"].format(date=when)
            elif end:
                when = self.words["between"].format(start=when, end=long_date(end, self.language))
            rows.append((self.words[key], bold(when)))
        if clean(clinic.phone):
            rows.append((self.words["clinic_phone"], bold(clinic.phone)))
        label_width = self.width * 0.4
        table = page_table(
            [
                [self.paragraph(f"{escape(label)}:", "label_body"), self.paragraph(value, "label_body")]
                for label, value in rows
            ],
            colWidths=[label_width, self.width - label_width],
            hAlign="LEFT",
        )
        table.setStyle(
            table_style(
                [
                    ("VALIGN", (0, 0), (-1, -1), "TOP"),
                    ("LEFTPADDING", (0, 0), (-1, -1), 0),
                    ("BOTTOMPADDING", (0, 0), (-1, -1), 4),
                    ("LINEBELOW", (0, 0), (-1, -1), 0.3, RULE),
                ]
            )
        )
        story.append(table)
        if self.context.signature is None:
            draft = [self.paragraph(escape(self.words["draft_mark"]), "draft")]
            if self.words["draft_note"]:
                draft.append(self.paragraph(escape(self.words["draft_note"]), "body"))
            story += [Spacer(1, 3 * mm), draft_box(draft, self.width)]
        return story + self.preface()

    def preface(self) -> list[Flowable]:
        """The documents' ``preface`` lines (for whoever reads the sheet with the patient, such as a child's parent),
        on the first page under the patient's details: a line on page two is found after the advice it is about."""
        lines = [
            self.text_line(entry, "text")
            for entry in (self.plan.get("handout") or {}).get("preface") or ()
            if clean(entry.get("text"))
        ]
        if not lines:
            return []
        paragraphs = [self.paragraph(line, "body") for line in lines]
        return [Spacer(1, 3 * mm), boxed(paragraphs, self.width, border=ACCENT, fill=colors.white, line=0.8)]

    def therapist(self) -> str:
        signature = self.context.signature
        if signature is not None:
            return f"{clean(signature.signer)}, {clean(signature.credentials)}"
        return clean(self.assessment.get("assessor"))

    def call_box(self) -> list[Flowable]:
        """When to call, boxed near the top of the first page with the phone number, so it is found in a hurry.

        One box, kept whole on a page. Only a list longer than a page (large print, many warning lines) goes on
        in a second box under the same heading marked "(continued)", so no line is ever read without it."""
        lines = [self.text_line(entry, "text") for entry in (self.plan.get("handout") or {}).get("call") or ()]
        bullets = [Paragraph(line, self.styles["call_bullet"], bulletText="•") for line in lines if line]
        phone = clean(self.context.clinic.phone)
        tail = [self.paragraph(f"{escape(self.words['call_us'])} {bold(phone)}", "phone")] if phone else []
        heading = self.words["call_heading"]
        room = self.frame_height - 4 * mm
        story: list[Flowable] = []
        while True:
            take = len(bullets)
            box = self.call_frame(heading, bullets, tail)
            while take > 1 and box.wrap(self.width, room)[1] > room:
                take -= 1
                box = self.call_frame(heading, bullets[:take], [])
            story += [Spacer(1, 4 * mm), box]
            bullets = bullets[take:]
            if not bullets:
                return story
            heading = f"{self.words['call_heading']} {self.words['continued']}"

    def call_frame(self, heading: str, bullets: list[Flowable], tail: list[Flowable]) -> Table:
        """The call box's frame around ``heading``, ``bullets`` and ``tail`` (the phone line)."""
        title = ParagraphStyle("call_h", parent=self.styles["h1"], spaceBefore=0)
        content = [Paragraph(escape(heading), title), *bullets, *tail]
        return boxed(content, self.width, border=ACCENT, fill=colors.white, line=1.5, padding=10)

    def fallback_note(self) -> list[Flowable]:
        """Why some texts print in English (only when some do, and the language has the note)."""
        if not (self.fallbacks and self.words["fallback_note"]):
            return []
        note = self.paragraph(escape(self.words["fallback_note"]), "body")
        return [Spacer(1, 3 * mm), boxed(note, self.width, border=RULE, fill=SHADE)]

    def heading(self, text: str) -> Paragraph:
        return self.paragraph(escape(text), "h1")

    def section_label(self, key: str | None) -> str | None:
        """The label key of a section's heading: the documents decide (``handout_walking_aids``) whether the aids
        section speaks of walking; a plan drafted before that finding existed keeps the walking heading."""
        if key == "orthosis" and (self.plan.get("findings") or {}).get(WALKING_AIDS_FINDING) is False:
            return "orthosis_not_walking"
        return key

    def plan_sections(self) -> list[Flowable]:
        """Each section's patient texts under a friendly heading, in the clinician's order. Each advice is kept
        whole on one page (one split over a page turn is easily half read), a heading with its first advice."""
        story: list[Flowable] = []
        for section in self.plan.get("sections") or ():
            lines = [
                self.text_line(item, "handout") for item in section.get("items") or () if clean(item.get("handout"))
            ]
            if not lines:
                continue
            heading = self.words.get(f"sections.{self.section_label(section.get('key'))}") or clean(
                section.get("title")
            )
            first, *rest = [Paragraph(line, self.styles["bullet"], bulletText="•") for line in lines]
            parts: list[Flowable] = [self.paragraph(escape(heading), "h2"), first]
            if not story:
                parts.insert(0, self.heading(self.words["plan_heading"]))
            story += [KeepTogether(parts), *(KeepTogether([bullet]) for bullet in rest)]
        return story

    def checklist(self) -> list[Flowable]:
        entries = [
            entry for entry in (self.plan.get("handout") or {}).get("checklist") or () if clean(entry.get("text"))
        ]
        if not entries:
            return []
        box = self.body_size * 0.45 * mm
        lines = []
        for number, entry in enumerate(entries):
            row = page_table(
                [[CheckBox(box), Paragraph(self.text_line(entry, "text"), self.styles["body"])]],
                colWidths=[box + 5 * mm, self.width - box - 5 * mm],
                hAlign="LEFT",
            )
            last = number == len(entries) - 1
            row.setStyle(
                table_style(
                    [
                        ("VALIGN", (0, 0), (-1, -1), "TOP"),
                        ("LEFTPADDING", (0, 0), (-1, -1), 0),
                        ("TOPPADDING", (0, 0), (0, -1), 3),
                        ("BOTTOMPADDING", (0, 0), (-1, -1), 6),
                        *([] if last else [("LINEBELOW", (0, 0), (-1, -1), 0.3, RULE)]),
                    ]
                )
            )
            lines.append(row)
        # Kept whole on one page (a list cut at a page turn reads as finished): one table per line, so a list
        # longer than a page still runs over, at a line.
        return [KeepTogether([self.heading(self.words["checklist"]), *lines])]

    # --- exercise cards -----------------------------------------------------------------------------
    def exercises(self) -> list[Flowable]:
        """The cards, each whole on one page (one exercise a page in large print), see :meth:`fitted`."""
        cards = self.plan.get("exercises") or []
        if not cards:
            return []
        story: list[Flowable] = [PageBreak() if self.large_print else CondPageBreak(90 * mm)]
        for number, card in enumerate(cards, start=1):
            lead: list[Flowable] = []
            if number == 1:
                lead.append(self.heading(self.words["exercises"]))  # never a heading alone at a page foot
            elif self.large_print:
                story.append(PageBreak())
            picture, smallest = LARGE_PRINT_PICTURE if self.large_print else (PICTURE_HEIGHT, None)
            card_table = self.fitted(
                partial(self.exercise_card, number, card),
                self.room_after(lead),
                picture,
                smallest,
            )
            story.append(KeepTogether([*lead, card_table]))
        return story

    def room_after(self, lead: list[Flowable]) -> float:
        """The height a card has on a fresh page below ``lead`` (a section heading printed above it)."""
        room = self.frame_height
        for flowable in lead:
            room -= flowable.wrap(self.width, self.frame_height)[1] + flowable.getSpaceAfter()
        return room

    def fitted(
        self, build: Callable[[float, bool], Table], room: float, picture: float = 0, smallest: float | None = None
    ) -> Table:
        """A card laid out so that its precautions ("Take care") are never parted from its heading and steps.

        A card that fits in ``room`` (a fresh page) is printed whole, precautions last, on one page (the caller
        keeps it together). One that is too tall (large print puts an 85 mm picture above the steps) gets a
        smaller picture, down to ``smallest`` (None: the picture keeps its size), as a smaller picture reads
        better than a page turn inside a card. A card still too tall (many or long steps, a long note) cannot be
        on one page whatever is done, so its precautions move up under its purpose: read before the steps, on
        the page of the card's name, never at the top of the next page on their own.
        ``build(picture height, precautions first)`` makes the card.
        """
        card = build(picture, False)
        height = card.wrap(self.width, room)[1]
        if height <= room:
            return card
        if smallest is not None and picture - (height - room) >= smallest:
            smaller = build(picture - (height - room), False)
            if smaller.wrap(self.width, room)[1] <= room:
                return smaller
        return build(picture, True)

    def picture(self, figure_id: str | None, width: float, height: float) -> Flowable:
        from planner.export.figure_pdf import figure_drawing
        from planner.figures.render import render_figure

        spec = self.context.figures.get(figure_id or "")
        if spec is None:
            frame = page_table(
                [[self.paragraph(escape(self.words["picture_missing"]), "centered")]],
                colWidths=[width],
                rowHeights=[height],
            )
            frame.setStyle(table_style([("BOX", (0, 0), (-1, -1), 0.5, RULE), ("VALIGN", (0, 0), (-1, -1), "MIDDLE")]))
            return frame
        return figure_drawing(render_figure(spec), width, height)

    def steps(self, card: dict[str, Any]) -> list[str]:
        """A card's steps in the patient's language, an empty one (a plan saved before steps were filtered, or
        a step the clinician cleared) left out so the numbers never skip."""
        steps, _ = patient_text(card, "instructions", self.language)
        return [step for step in steps or () if clean(step).strip()]

    def exercise_card(self, number: int, card: dict[str, Any], picture_height: float, care_first: bool) -> Table:
        """Name, purpose, picture beside the numbered steps, dosage, precautions and the therapist's changes, framed;
        the precautions right under the purpose when ``care_first`` (see :meth:`fitted`).

        In large print the picture stands above the steps, full width."""
        name, name_note = self.text(card, "name")
        title = self.paragraph(
            f"{escape(self.words['exercise'].format(number=number))}: {name} {name_note}".strip(), "card_title"
        )
        purpose = self.paragraph(self.text(card, "purpose")[0], "label_body")
        how: list[Flowable] = [self.paragraph(bold(self.words["how_to"]), "label_body")]
        how += [
            Paragraph(escape(step), self.styles["step"], bulletText=f"{index}.")
            for index, step in enumerate(self.steps(card), start=1)
        ]
        dosage = [self.paragraph(self.dosage_line(card), "label_body")]
        if card.get("generated_dosage"):
            dosage.append(self.paragraph(styled(self.words["changed"], color=ACCENT.hexval()), "label_body"))
        care = self.take_care(card, "label_body")
        note = (
            [self.paragraph(f"{bold(self.words['note'] + ':')} {escape(card['note'])}", "label_body")]
            if clean(card.get("note"))
            else []
        )
        if self.large_print:
            picture = self.picture(card.get("illustration"), self.width - 16, picture_height)
            rows: list[list[Any]] = [[title], [purpose], [picture], [how], [dosage]]
            widths = [self.width]
        else:
            picture_width = 54 * mm
            picture = self.picture(card.get("illustration"), picture_width - 8, picture_height)
            rows = [[title, ""], [purpose, ""], [picture, how], [dosage, ""]]
            widths = [picture_width, self.width - picture_width]
        blank = [""] * (len(widths) - 1)
        if care and care_first:
            rows.insert(2, [care, *blank])
        dosage_row = next(index for index, row in enumerate(rows) if row[0] is dosage)
        extras = [*([] if care_first else care), *note]
        if extras:
            rows.append([extras, *blank])
        spans = [("SPAN", (0, row), (-1, row)) for row, cells in enumerate(rows) if blank and cells[1:] == blank]
        table = page_table(rows, colWidths=widths, spaceAfter=5 * mm)
        table.setStyle(
            table_style(
                [
                    *spans,
                    ("BOX", (0, 0), (-1, -1), 1, CARD_LINE),
                    ("BACKGROUND", (0, 0), (-1, 0), SHADE),
                    ("LINEBELOW", (0, 0), (-1, 0), 0.6, CARD_LINE),
                    ("BACKGROUND", (0, dosage_row), (-1, dosage_row), DOSAGE_FILL),
                    ("LINEABOVE", (0, dosage_row), (-1, dosage_row), 0.5, CARD_LINE),
                    ("LINEBELOW", (0, dosage_row), (-1, dosage_row), 0.5, CARD_LINE),
                    ("VALIGN", (0, 0), (-1, -1), "TOP"),
                    ("LEFTPADDING", (0, 0), (-1, -1), 8),
                    ("RIGHTPADDING", (0, 0), (-1, -1), 8),
                    ("TOPPADDING", (0, 0), (-1, -1), 4),
                    ("BOTTOMPADDING", (0, 0), (-1, -1), 5),
                ]
            )
        )
        return table

    def take_care(self, card: dict[str, Any], style: str) -> list[Flowable]:
        """A card's precautions under their label ("Take care"), or nothing when it has none."""
        if not clean(card.get("precautions")):
            return []
        return [self.paragraph(f"{bold(self.words['take_care'] + ':')} {self.text(card, 'precautions')[0]}", style)]

    def dosage_line(self, card: dict[str, Any]) -> str:
        """How much and how often, as labelled parts on one line that wraps where it must."""
        rows = dosage_rows(card.get("dosage"), self.language)
        joint = "<br/>" if self.large_print else " ·&nbsp;&nbsp;"  # a line that wraps starts with the dot
        return joint.join(
            f"{bold(label + ':').replace(' ', '&nbsp;')}&nbsp;{escape(value).replace(' ', '&nbsp;')}"
            for label, value in rows
        )

    # --- equipment ----------------------------------------------------------------------------------
    def equipment(self) -> list[Flowable]:
        chosen = [entry for entry in self.plan.get("equipment") or () if entry.get("status") in CHOSEN_EQUIPMENT]
        if not chosen:
            return []
        story: list[Flowable] = [PageBreak() if self.large_print else CondPageBreak(70 * mm)]
        for number, entry in enumerate(chosen):
            lead = [] if number else [self.heading(self.words["equipment"])]
            # The icon stands beside the text: a smaller one would not make the card shorter, so it keeps its size
            card = self.fitted(partial(self.equipment_card_sized, entry), self.room_after(lead))
            story.append(KeepTogether([*lead, card]))
        return story

    def equipment_card_sized(self, entry: dict[str, Any], _picture: float, care_first: bool) -> Table:
        """The card as ``fitted`` builds it: the icon stands beside the text, so the picture height is not used."""
        return self.equipment_card(entry, care_first)

    def equipment_card(self, entry: dict[str, Any], care_first: bool) -> Table:
        """The icon beside the name, what the clinician decided, the purpose, how to use it safely and the
        precautions (right under the purpose when ``care_first``, see :meth:`fitted`)."""
        name, note = self.text(entry, "name")
        status = self.words[f"status_{entry['status']}"]
        parts: list[Flowable] = [
            self.paragraph(f"{name} {note}".strip(), "card_title"),
            self.paragraph(styled(status, font="DejaVuSans-Bold", color=ACCENT.hexval()), "body"),
            self.paragraph(self.text(entry, "purpose")[0], "body"),
        ]
        care = self.take_care(entry, "body")
        if care_first:
            parts += care
        steps = self.steps(entry)
        if steps:
            parts.append(self.paragraph(bold(self.words["use_safely"]), "label_body"))
            parts += [Paragraph(escape(step), self.styles["bullet"], bulletText="•") for step in steps]
        if not care_first:
            parts += care
        icon_width = (50 if self.large_print else 38) * mm
        icon = self.picture(entry.get("illustration"), icon_width - 8, icon_width - 8)
        table = page_table([[icon, parts]], colWidths=[icon_width, self.width - icon_width], spaceAfter=4 * mm)
        table.setStyle(
            table_style(
                [
                    ("BOX", (0, 0), (-1, -1), 1, CARD_LINE),
                    ("VALIGN", (0, 0), (-1, -1), "TOP"),
                    ("LEFTPADDING", (0, 0), (-1, -1), 6),
                    ("RIGHTPADDING", (0, 0), (-1, -1), 8),
                    ("TOPPADDING", (0, 0), (-1, -1), 6),
                    ("BOTTOMPADDING", (0, 0), (-1, -1), 6),
                ]
            )
        )
        return table

    # --- the tick chart -----------------------------------------------------------------------------
    def chart(self) -> list[Flowable]:
        """One chart for every exercise: a box per exercise (a column, numbered as the cards are) and day (a row),
        four weeks long, on a page of its own.

        Its weeks run on by whole weeks under the heading marked "(continued)", on as few pages as hold them and as
        evenly shared as those allow (large print: two weeks a page), so one day of every exercise is ticked on one
        page and never in a second chart. Only more exercises than fit
        across a page at :data:`CHART_BOX_LEAST` wide go on in further columns, under that same heading.

        Whether the handout has one is the documents' decision, carried by the plan as the finding
        ``handout_tick_chart`` (CLINIC: none in palliative care, where the patient does only what helps); a plan
        drafted before that finding existed keeps its chart.
        """
        cards = self.plan.get("exercises") or []
        if not cards or (self.plan.get("findings") or {}).get(TICK_CHART_FINDING) is False:
            return []
        numbered = list(enumerate(cards, start=1))
        week_width, day_width = self.chart_label_widths()
        across = max(1, int((self.width - week_width - day_width) // CHART_BOX_LEAST))
        bands = -(-len(numbered) // across)  # as few column bands as fit, of even size
        size = -(-len(numbered) // bands)
        story: list[Flowable] = []
        for first_column in range(0, len(numbered), size):
            numbers = [number for number, _card in numbered[first_column : first_column + size]]
            leads = self.chart_leads(numbered, first=not story)
            # the fewest pages, and of those the most even: at most ``most`` weeks a page, as few as will do
            spans = min((self.chart_spans(numbers, leads, most) for most in range(1, WEEKS + 1)), key=len)
            for lead, (week, last) in zip(leads, spans, strict=False):
                story += [PageBreak(), *lead, self.chart_table(numbers, week, last)]
        return story

    def chart_leads(self, numbered: list[tuple[int, dict[str, Any]]], *, first: bool) -> list[list[Flowable]]:
        """What stands above the chart on each of its pages (one list a page, at most a page a week): the heading,
        the help and the legend on its first page, the heading marked "(continued)" on the others."""
        continued = f"{self.words['chart']} {self.words['continued']}"
        opening = [
            self.heading(self.words["chart"]),
            self.paragraph(escape(self.words["chart_help"]), "body"),
            self.chart_legend(numbered),
            Spacer(1, 3 * mm),
        ]
        leads = [[self.heading(continued)] for _week in range(WEEKS)]
        if first:
            leads[0] = opening
        return leads

    def chart_spans(self, numbers: list[int], leads: list[list[Flowable]], most: int) -> list[tuple[int, int]]:
        """(first week, last week) of the chart on each page, whole weeks, at most ``most`` a page."""
        spans: list[tuple[int, int]] = []
        week = 1
        while week <= WEEKS:
            room = self.room_after(leads[len(spans)])
            last = min(WEEKS, week + most - 1)
            while last > week and self.chart_table(numbers, week, last).wrap(self.width, room)[1] > room:
                last -= 1
            spans.append((week, last))
            week = last + 1
        return spans

    def chart_label_widths(self) -> tuple[float, float]:
        """The widths of the chart's week and day columns."""
        return (31 if self.large_print else 24) * mm, 16 * mm

    def chart_legend(self, chunk: list[tuple[int, dict[str, Any]]]) -> Table:
        """Which exercise each column is, numbered as the cards are, in two columns of body-size text."""
        names = [
            self.paragraph(f"{bold(str(number))}&nbsp;&nbsp;{self.text(card, 'name')[0]}", "label_body")
            for number, card in chunk
        ]
        columns = 1 if self.large_print else 2
        half = (len(names) + columns - 1) // columns
        cells = [names[k * half : (k + 1) * half] for k in range(columns)]  # each column flows on its own
        table = Table([cells], colWidths=[self.width / columns] * columns, hAlign="LEFT")
        table.setStyle(
            table_style(
                [
                    ("VALIGN", (0, 0), (-1, -1), "TOP"),
                    ("LEFTPADDING", (0, 0), (-1, -1), 0),
                    ("TOPPADDING", (0, 0), (-1, -1), 0),
                    ("BOTTOMPADDING", (0, 0), (-1, -1), 1),
                ]
            )
        )
        return table

    def chart_table(self, numbers: list[int], first_week: int, last_week: int) -> Table:
        small = self.styles["small"]
        header = [
            Paragraph(escape(self.words["week"].format(number="")).strip(), small),
            Paragraph(escape(self.words["day"]), small),
            *(Paragraph(bold(str(n)), ParagraphStyle("n", parent=small, alignment=TA_CENTER)) for n in numbers),
        ]
        rows: list[list[Any]] = [header]
        weeks = range(first_week, last_week + 1)
        for week in weeks:
            for day in range(1, DAYS + 1):
                label = Paragraph(bold(str(week)), self.styles["label_body"]) if day == 1 else ""  # no span: see below
                rows.append([label, Paragraph(str(day), self.styles["label_body"]), *([""] * len(numbers))])
        week_width, day_width = self.chart_label_widths()
        box = min(16 * mm, (self.width - week_width - day_width) / len(numbers))
        row_height = self.body_size * 1.15
        # A plain Table (its rows are one line each, so none needs splitting), and the week written in its first
        # row rather than spanned over seven: ReportLab cannot split a table whose rows may split inside a span.
        table = Table(
            rows,
            colWidths=[week_width, day_width, *([box] * len(numbers))],
            rowHeights=[None, *([row_height] * len(weeks) * DAYS)],
            repeatRows=1,
            hAlign="LEFT",
        )
        commands: list[tuple[Any, ...]] = [
            ("GRID", (1, 0), (-1, -1), 0.5, INK),
            ("BOX", (0, 0), (-1, -1), 1, INK),
            ("BACKGROUND", (0, 0), (-1, 0), SHADE),
            ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
            ("LEFTPADDING", (0, 0), (-1, -1), 4),
            ("LEFTPADDING", (2, 0), (-1, 0), 1),  # an exercise's number on one line in the narrowest box
            ("RIGHTPADDING", (2, 0), (-1, 0), 1),
        ]
        for week in range(len(weeks)):
            top = 1 + week * DAYS
            commands += [
                ("LINEABOVE", (0, top), (-1, top), 1.6, INK),
                ("BACKGROUND", (0, top), (1, top + DAYS - 1), SHADE if week % 2 else colors.white),
            ]
        table.setStyle(table_style(commands))
        return table

    # --- the clinic ---------------------------------------------------------------------------------
    def clinic_box(self) -> list[Flowable]:
        clinic = self.context.clinic
        lines: list[Flowable] = []
        if clean(clinic.name):
            lines.append(self.paragraph(bold(clinic.name), "body"))
        address = [escape(line) for line in str(clinic.address or "").splitlines() if clean(line)]
        if address:
            lines.append(self.paragraph("<br/>".join(address), "body"))
        if clean(clinic.phone):
            lines.append(self.paragraph(f"{escape(self.words['phone_blank'])}: {bold(clinic.phone)}", "body"))
        else:
            phone = page_table(
                [
                    [
                        self.paragraph(f"{escape(self.words['phone_blank'])}:", "body"),
                        RuledLines(1, 9 * mm, self.width * 0.55),
                    ]
                ],
                colWidths=[30 * mm, self.width * 0.55],
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
        return [
            KeepTogether([self.heading(self.words["your_clinic"]), boxed(lines, self.width, border=ACCENT, fill=SHADE)])
        ]


def render_handout(
    plan: dict[str, Any], assessment: dict[str, Any], context: ExportContext, *, large_print: bool = False
) -> tuple[bytes, int]:
    """The patient's A4 handout as PDF bytes, and how many of its patient texts (an item, a line, an exercise or
    equipment card) print in English although the handout is in another language (their translation is missing
    or out of date: the clinician is told)."""
    renderer = HandoutRenderer(plan, assessment, context, large_print=large_print)
    return renderer.render(), len(renderer.fallbacks)


def render_handout_pdf(
    plan: dict[str, Any], assessment: dict[str, Any], context: ExportContext, *, large_print: bool = False
) -> bytes:
    """The patient's A4 handout as PDF bytes (written to disk by the caller, atomically)."""
    return render_handout(plan, assessment, context, large_print=large_print)[0]
