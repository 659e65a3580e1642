"""The clinician's printed care plan: who, what state, what matters first, then the plan; the sources at the back.

Page 1 carries the identification, the status (a draft, or signed by whom and when with the short content
hash), the alerts, what the safety screen held back, the key findings (including the history flags the rules
read: kidney function, palliative care, MRI safety, DVT, arterial supply, infection, implanted devices and the
dates of trauma, surgery and radiotherapy) and the strength table, so a reader sees the basis of the plan before
the plan. The sections follow, one short paragraph per item (title, detail, due date, the reference numbers and
whether the clinician edited or added it), then the exercise programme with dosages, the equipment with what the
clinician decided, and what the clinician excluded with the reasons. The weak groups are named once, in the
strength table. The stored evidence passages the numbers point to are printed in an appendix.

Every clinical sentence on the page comes from the plan (which comes from the guidance documents and the
clinician's edits); this module adds layout and short neutral labels only. Two faces set everything (regular
and bold; muted colour marks secondary labels), so only two font subsets are embedded.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from reportlab.lib import colors
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import CondPageBreak, Flowable, KeepTogether, PageBreak, Paragraph, Spacer, Table

from planner.engine.schedule import window_text
from planner.engine.vocabulary import MUSCLE_GROUPS
from planner.export.context import ExportContext, short_hash
from planner.export.pdf_common import (
    ACCENT,
    INK,
    MUTED,
    RULE,
    SHADE,
    Footer,
    PdfRenderer,
    RuledLines,
    boxed,
    draft_box,
    grid_commands,
    letterhead,
    load_logo,
    page_table,
    table_style,
)
from planner.export.pdf_text import bold, clean, escape, format_date, format_datetime, humanize, paragraphs_of, styled
from planner.export.progress_page import progress_page
from planner.library.translations import TRANSLATION_LANGUAGES
from planner.plan.text import DRAFT_MARK, HELD_HEADING, held_by_reason, held_title

BODY_SIZE = 8
TITLE = "Care plan: lumbosacral plexopathy"
LEVEL_RANK = {"urgent": 0, "caution": 1, "info": 2}
# Level colours only support the printed level word; they are never the only signal.
LEVEL_FILL = {"urgent": colors.HexColor("#8b1a1a"), "caution": colors.HexColor("#f2c14e"), "info": SHADE}
LEVEL_TEXT = {"urgent": colors.white, "caution": INK, "info": INK}
SIGNED_FILL = colors.HexColor("#edf4ec")
SIGNED_LINE = colors.HexColor("#2e6b30")
NOT_TESTED = "not tested"
NO_ITEMS = "No items."
APPENDIX = "Appendix: evidence (References)"
EQUIPMENT_STATUS = {
    "issued": "issued",
    "recommended": "recommended",
    "owned": "already owned",
    "not_needed": "not needed",
    None: "suggested, no decision yet",
}
LANGUAGE_NAMES = {"en": "English", **TRANSLATION_LANGUAGES}
HISTORY_FLAGS = (
    ("palliative", "Palliative"),
    ("mri_contraindicated", "MRI contraindicated"),
    ("dvt", "DVT"),
    ("arterial_insufficiency", "Arterial insufficiency"),
    ("infection", "Infection"),
)
"""The history flags the rules read, printed in one row: those set first, in bold, then those not set."""

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


def markers(numbers: Sequence[int]) -> str:
    """Reference markers like ``[3][4]`` in accent colour (the brackets, not the colour, carry the meaning)."""
    return styled("".join(f"[{number}]" for number in numbers), color=ACCENT.hexval()) if numbers else ""


def note(text: str) -> str:
    """A short neutral mark in muted type, such as ``(edited by clinician)``."""
    return styled(f"({text})", color=MUTED.hexval())


def _flag(value: Any) -> str:
    """A yes/no fact of the assessment; absent is "no", since the format defaults these booleans to false (an
    absent flag was not set, which is not the same as a value nobody recorded, so never "not recorded")."""
    return humanize(bool(value))


def _flags_line(flags: list[tuple[str, Any]]) -> str:
    """The history flags in one line, those set first and in bold: "Yes: DVT · No: Palliative, ..."."""
    present = [bold(label) for label, value in flags if value]
    absent = [escape(label) for label, value in flags if not value]
    parts = [f"Yes: {', '.join(present)}"] if present else []
    if absent:
        parts.append(f"No: {', '.join(absent)}")
    return " · ".join(parts)


class ClinicianRenderer(PdfRenderer):
    """The clinician's A4 care plan (see the module docstring)."""

    body_size = BODY_SIZE
    margin = 15 * mm
    subject = "Clinician care plan"

    def __init__(self, plan: dict[str, Any], assessment: dict[str, Any], context: ExportContext) -> None:
        self.plan, self.assessment, self.context = plan, assessment, context
        self.refs = References()
        self.patient = {**(assessment.get("patient") or {}), **(plan.get("patient") or {})}
        self.title = f"{TITLE}: {clean(self.patient.get('name'))}"
        self.author = context.clinic.name
        super().__init__(
            Footer(
                generated_at=context.generated_at,
                library_version=plan.get("library_version"),
                draft=context.signature is None,
                patient_line=f"{clean(self.patient.get('name'))} ({clean(self.patient.get('id'))})",
                document_label="Care plan, clinician copy",
            )
        )

    def stylesheet(self) -> dict[str, ParagraphStyle]:
        styles = super().stylesheet()
        # Compact, so that the body of a rich plan fits on three pages: tighter leading and heading space.
        for style in styles.values():
            style.leading = min(style.leading, style.fontSize * 1.25)
        styles["h1"].spaceBefore = BODY_SIZE * 0.7
        styles["h2"].spaceBefore = BODY_SIZE * 0.5
        styles["item"] = ParagraphStyle(
            "item", parent=styles["body"], leftIndent=8 * mm, firstLineIndent=-8 * mm, spaceAfter=BODY_SIZE * 0.25
        )
        styles["item_note"] = ParagraphStyle("item_note", parent=styles["small"], leftIndent=8 * mm)
        styles["ref_head"] = ParagraphStyle(
            "ref_head",
            parent=styles["cell_bold"],
            leftIndent=7 * mm,
            firstLineIndent=-7 * mm,
            spaceBefore=4,
            spaceAfter=1,
            keepWithNext=1,
        )
        styles["ref_text"] = ParagraphStyle("ref_text", parent=styles["small"], leftIndent=7 * mm)
        return styles

    def p(self, markup: str, style: str = "body") -> Paragraph:
        return self.paragraph(markup, style)

    # --- the story ----------------------------------------------------------------------------------
    def story(self) -> list[Flowable]:
        story: list[Flowable] = []
        story += self.letterhead()
        story.append(self.p(escape(TITLE), "title"))
        story.append(self.identification())
        story += [Spacer(1, 2 * mm), self.status(), Spacer(1, 1 * mm)]
        story += self.alerts()
        story += self.findings()
        story += self.strength()
        story += self.held()
        for index, section in enumerate(self.plan.get("sections") or [], start=1):
            story += self.section(index, section)
        story += self.exercises()
        story += self.equipment()
        story += self.excluded()
        story += progress_page(self.plan, self.styles, self.width)
        story += self.appendix()
        return story

    def letterhead(self) -> list[Flowable]:
        clinic = self.context.clinic
        name = clean(clinic.name)
        address = [escape(line) for line in str(clinic.address or "").splitlines() if clean(line)]
        logo = load_logo(clinic.logo_path, 36 * mm, 14 * mm)
        if not name and not address and logo is None:
            return []
        lines: list[Flowable] = []
        if name:
            lines.append(self.p(escape(name), "clinic"))
        details = address + ([f"Phone {escape(clinic.phone)}"] if clean(clinic.phone) else [])
        if details:
            lines.append(self.p(" · ".join(details), "small"))
        return letterhead(logo, lines, self.width, rule=0.8, padding=3, space_after=1 * mm)

    def key_values(
        self,
        pairs: Sequence[tuple[str, str]],
        widths: Sequence[float],
        *commands: Any,
        wide: Sequence[tuple[str, str]] = (),
    ) -> Table:
        """Label/value pairs (label text, value markup) in columns, as many pairs per row as ``widths`` has
        label/value pairs; ``wide`` pairs follow, each value across the whole row (a long value reads better on
        one wide line than on three narrow)."""
        per_row = len(widths) // 2
        cells = [[self.p(escape(label), "label"), self.p(value, "cell")] for label, value in pairs]
        cells += [["", ""]] * (-len(cells) % per_row)
        rows = [[part for cell in cells[i : i + per_row] for part in cell] for i in range(0, len(cells), per_row)]
        last = 2 * per_row - 1
        spans = [("SPAN", (1, len(rows) + index), (last, len(rows) + index)) for index in range(len(wide))]
        rows += [[self.p(escape(label), "label"), self.p(value, "cell"), *[""] * (last - 1)] for label, value in wide]
        commands = (*commands, *spans)
        table = page_table(rows, colWidths=list(widths), hAlign="LEFT")
        table.setStyle(
            table_style(
                [
                    ("VALIGN", (0, 0), (-1, -1), "TOP"),
                    ("LEFTPADDING", (0, 0), (-1, -1), 3),
                    ("RIGHTPADDING", (0, 0), (-1, -1), 3),
                    ("TOPPADDING", (0, 0), (-1, -1), 1.5),
                    ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
                    ("LINEBELOW", (0, 0), (-1, -1), 0.3, RULE),
                    *commands,
                ]
            )
        )
        return table

    def identification(self) -> Table:
        """Who the plan is for and who assessed: the name on its own row so a long name wraps cleanly."""
        patient, plan, assessment = self.patient, self.plan, self.assessment
        language = plan.get("language") or patient.get("language")
        pairs = [
            ("Patient", bold(patient.get("name"))),
            ("", ""),
            ("Patient ID", escape(patient.get("id"))),
            ("Birth date", escape(format_date(patient.get("birth_date")))),
            ("Sex", escape(humanize(patient.get("sex")))),
            ("Assessed on", escape(format_date(plan.get("assessed_on") or assessment.get("assessed_on")))),
            ("Assessor", escape(humanize(assessment.get("assessor")))),
            ("Plan version", escape(humanize(self.context.plan_version, empty="unsaved draft"))),
            ("Handout language", escape(LANGUAGE_NAMES.get(language or "en", humanize(language)))),
            (
                "Next appointment",
                escape(format_date(plan.get("next_appointment")))
                if plan.get("next_appointment")
                else escape("none set"),
            ),
        ]
        label = 26 * mm
        value = self.width / 2 - label
        return self.key_values(
            pairs, [label, value, label, value], ("SPAN", (1, 0), (3, 0)), ("BACKGROUND", (0, 0), (-1, -1), SHADE)
        )

    def status(self) -> Table:
        """The plan's state in words and colour: a draft (with lines to sign it on paper), or signed by whom and
        when with the content hash."""
        signature = self.context.signature
        if signature is None:
            text = f"{escape(DRAFT_MARK.upper())} {styled('Not signed. To sign this printout:', size=BODY_SIZE)}"
            return draft_box([self.p(text, "draft"), self.signing_fields()], self.width)
        parts = [
            f"Signed by {bold(signature.signer)}, {escape(signature.credentials)}",
            f"at {escape(format_datetime(signature.signed_at))}",
        ]
        if signature.content_hash:
            parts.append(f"Content hash {bold(short_hash(signature.content_hash))}")
        return boxed(self.p(" · ".join(parts), "body"), self.width, border=SIGNED_LINE, fill=SIGNED_FILL, padding=6)

    def alerts(self) -> list[Flowable]:
        """Alerts, urgent first, each with its level spelt out beside its text, detail and reference markers."""
        alerts = sorted(self.plan.get("alerts") or [], key=lambda alert: LEVEL_RANK.get(alert.get("level"), 3))
        story: list[Flowable] = [self.p("Alerts", "h2")]
        if not alerts:
            story.append(self.p("No alerts.", "body"))
        level_width = 16 * mm
        for alert in alerts:
            level = str(alert.get("level") or "info")
            numbers = self.refs.cite(alert.get("evidence"))
            text = f"{bold(alert.get('text'))} {escape(alert.get('detail'))} {markers(numbers)}".strip()
            level_style = ParagraphStyle("level", parent=self.styles["cell_bold"], textColor=LEVEL_TEXT.get(level, INK))
            table = page_table(
                [[self.paragraph(escape(level.upper()), level_style), self.p(text, "cell")]],
                colWidths=[level_width, self.width - level_width],
            )
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
                        ("LEFTPADDING", (0, 0), (-1, -1), 3),
                        ("RIGHTPADDING", (0, 0), (-1, -1), 3),
                        ("TOPPADDING", (0, 0), (-1, -1), 1.5),
                        ("BOTTOMPADDING", (0, 0), (-1, -1), 2.5),
                    ]
                )
            )
            story += [table, Spacer(1, 0.8 * mm)]
        held = self.plan.get("held") or []
        if held:
            # The list itself follows the strength table (page 1 keeps the findings and grades); say here that
            # there is one, so a reader of page 1 alone knows something was held back.
            reasons = len(held_by_reason(self.plan))
            story.append(
                self.p(
                    f"{bold(HELD_HEADING + ':')} {len(held)} {'item' if len(held) == 1 else 'items'} for {reasons} "
                    f"{'reason' if reasons == 1 else 'reasons'}, listed after the strength table.",
                    "small",
                )
            )
        return story

    def held(self) -> list[Flowable]:
        """What the safety screen held back, each reason once with the items it holds; nothing when none was.
        Printed after the strength table (page 1 names how many are held)."""
        groups = held_by_reason(self.plan)
        if not groups:
            return []
        story: list[Flowable] = [self.p(escape(HELD_HEADING), "h2")]
        for reason, entries in groups:
            numbers = self.refs.cite([evidence for entry in entries for evidence in entry.get("evidence") or ()])
            titles = "; ".join(escape(held_title(entry)) for entry in entries)
            story.append(self.p(f"{bold('Held:')} {escape(reason)} {markers(numbers)}<br/>{titles}", "item_note"))
        return story

    def findings(self) -> list[Flowable]:
        """The recorded facts the plan was drafted from, as values; the history flags the rules read included."""
        findings = self.plan.get("findings") or {}
        history = self.assessment.get("history") or {}
        pain = self.assessment.get("pain") or {}
        function = self.assessment.get("function") or {}
        symptoms = [humanize(name) for name, value in (self.assessment.get("symptoms") or {}).items() if value]
        pain_text = f"{humanize(pain.get('nrs'))}/10"
        if findings.get("pain_band"):
            pain_text += f" ({humanize(findings['pain_band'])})"
        pain_kind = f"{_flag(pain.get('neuropathic'))} / {_flag(pain.get('acute'))}"
        onset = format_date(history.get("onset"))
        if findings.get("months_since_onset") is not None:
            onset += f" ({humanize(findings['months_since_onset'])} months ago)"
        trauma = format_date(history.get("trauma_on"))
        if history.get("trauma_type"):
            trauma += f" ({humanize(history['trauma_type'])})"
        clearance = history.get("creatinine_clearance_ml_min")
        pairs: list[tuple[str, str]] = [
            ("Etiology", humanize(history.get("etiology"))),
            ("Affected side", humanize(history.get("affected_side"))),
            ("Malignancy", humanize(history.get("malignancy"), empty="none recorded")),
            ("Creatinine clearance", "not recorded" if clearance is None else f"{humanize(clearance)} mL/min"),
        ]
        if history.get("entrapment_site"):
            pairs.append(("Entrapment site", humanize(history["entrapment_site"])))
        pairs += [
            ("Weakness distribution", humanize(findings.get("distribution"))),
            ("Pain (NRS)", pain_text),
            ("Neuropathic / acute", pain_kind),
            ("Pain sites", ", ".join(clean(site) for site in pain.get("sites") or []) or "not recorded"),
            ("Ladder step", humanize(pain.get("current_ladder_step") or 0)),
            (
                "Pregabalin",
                "not recorded"
                if pain.get("pregabalin_mg_day") is None
                else f"{humanize(pain['pregabalin_mg_day'])} mg/day",
            ),
            (
                "Agents tried",
                ", ".join(humanize(a) for a in pain.get("neuropathic_agents_tried") or []) or "none recorded",
            ),
            ("Joint position sense", self._sides(self.assessment.get("joint_position_sense"))),
            ("Symptoms", ", ".join(symptoms) or "none recorded"),
            ("Ambulation", humanize(function.get("ambulation"))),
            ("Sit to stand", humanize(function.get("sit_to_stand"))),
            ("Standing transfer", humanize(function.get("standing_transfer"))),
            ("Lower-body dressing", humanize(function.get("lower_body_dressing"))),
            ("Bathing", humanize(function.get("bathing"))),
            ("Falls, past 3 months", humanize(function.get("falls_past_3_months"))),
        ]
        dates = [
            ("Onset", onset),
            ("Radiotherapy done", format_date(history.get("radiation_completed_on"))),
            ("Trauma", trauma),
            ("Surgery", format_date(history.get("surgery_on"))),
        ]
        flags = [(label, history.get(name)) for name, label in HISTORY_FLAGS]
        devices = ", ".join(humanize(d) for d in history.get("implanted_devices") or [])
        pregnancy = history.get("pregnancy")
        flags_line = _flags_line(flags) + f" · Implanted devices {bold(devices) if devices else 'none'}"
        if pregnancy is not None:
            flags_line += f" · Pregnancy {bold(humanize(pregnancy)) if pregnancy != 'no' else 'no'}"
        wide = [
            ("Dates", " · ".join(f"{escape(label)} {escape(value)}" for label, value in dates)),
            ("History flags", flags_line),
        ]
        lymphedema = self._lymphedema(findings)
        if lymphedema:
            wide.append(("Lymphedema", escape(lymphedema)))
        # Three pairs a row, so that page 1 keeps room for the strength table below a long list of alerts.
        label = 27 * mm
        table = self.key_values([(k, escape(v)) for k, v in pairs], [label, self.width / 3 - label] * 3, wide=wide)
        return [KeepTogether([self.p("Key findings", "h2"), table])]

    @staticmethod
    def _sides(values: dict[str, Any] | None) -> str:
        values = values or {}
        if all(values.get(side) is None for side in ("left", "right")):
            return "not recorded"
        return ", ".join(f"{side} {humanize(values.get(side))}" for side in ("left", "right"))

    def _lymphedema(self, findings: dict[str, Any]) -> str:
        volumes = findings.get("limb_volume_ml")
        lymphedema = self.assessment.get("lymphedema") or {}
        if not lymphedema.get("present") and not volumes:
            return ""
        parts = [humanize(lymphedema.get("side"), empty="side not recorded")]
        if lymphedema.get("phase"):
            parts.append(f"{humanize(lymphedema['phase'])} phase")
        if volumes:
            parts.append(f"volumes L {volumes.get('left', 0):.1f} mL, R {volumes.get('right', 0):.1f} mL")
        if findings.get("excess_volume_percent") is not None:
            parts.append(
                f"excess {findings['excess_volume_percent']:.1f} % ({humanize(findings.get('lymphedema_severity'))})"
            )
        return "; ".join(parts)

    def strength(self) -> list[Flowable]:
        """MRC grades of every group with a grade recorded; weak grades bold with an asterisk, not colour alone.

        Nerve and roots come from the plan's weak-group entries (the anatomy document), so groups the plan does
        not list as weak show a dash rather than anatomy typed into this module.
        """
        strength = self.assessment.get("strength") or {}
        weak_entries = (self.plan.get("findings") or {}).get("weak_groups") or []
        weak = {(entry.get("group"), entry.get("side")) for entry in weak_entries}
        anatomy = {entry.get("group"): entry for entry in weak_entries}
        groups = [g for g in MUSCLE_GROUPS if g in strength] + [g for g in strength if g not in MUSCLE_GROUPS]
        rows: list[list[Any]] = []
        for group in groups:
            grades = strength.get(group) or {}
            if all(grades.get(side) is None for side in ("left", "right")):
                continue
            entry = anatomy.get(group) or {}
            row = [
                self.p(escape(humanize(group).capitalize()), "cell"),
                self.p(escape(entry.get("nerve") or "—"), "cell"),
                self.p(escape(entry.get("roots") or "—"), "cell"),
            ]
            for side in ("left", "right"):
                grade = grades.get(side)
                if grade is None:
                    row.append(self.p(NOT_TESTED, "small"))
                elif (group, side) in weak:
                    row.append(self.p(f"{escape(grade)} *", "cell_bold"))
                else:
                    row.append(self.p(escape(grade), "cell"))
            rows.append(row)
        heading = self.p("Strength (MRC grade); weak groups marked *", "h2")
        if not rows:
            return [heading, self.p("No grades recorded.", "body")]
        header = [self.p(text, "cell_bold") for text in ("Group / movement", "Nerve", "Roots", "Left", "Right")]
        widths = [0.26 * self.width, 0.42 * self.width, 0.12 * self.width, 0.1 * self.width, 0.1 * self.width]
        table = page_table([header, *rows], colWidths=widths, repeatRows=1, hAlign="LEFT")
        table.setStyle(table_style(grid_commands()))
        return [KeepTogether([heading, table])]

    def section(self, index: int, section: dict[str, Any]) -> list[Flowable]:
        """One plan section: numbered heading, then one paragraph per item."""
        heading = self.p(f"{index}. {escape(section.get('title') or humanize(section.get('key')))}", "h1")
        items = section.get("items") or []
        if not items:
            return [KeepTogether([heading, self.p(NO_ITEMS, "small")])]
        story: list[Flowable] = []
        for number, item in enumerate(items, start=1):
            story += self.item(f"{index}.{number}", item)
        story[0] = KeepTogether([CondPageBreak(20 * mm), heading, story[0]])
        return story

    def item(self, number: str, item: dict[str, Any]) -> list[Flowable]:
        numbers = self.refs.cite(item.get("evidence"))
        parts = [f"{bold(number)}&nbsp;&nbsp;{bold(item.get('title'))}"]
        if clean(item.get("detail")):
            parts.append(escape(item.get("detail")))
        if item.get("due_on"):
            when = window_text(item["due_on"], item.get("due_until"))
            parts.append(f"{bold('Due')} {escape(when)} ({escape(item.get('due_rule'))}).")
        parts.append(markers(numbers))
        if item.get("source") == "clinician":
            parts.append(note("added by clinician"))
        elif item.get("edited"):
            parts.append(note("edited by clinician"))
        story: list[Flowable] = [self.p(" ".join(part for part in parts if part), "item")]
        if item.get("handout_edited") or (item.get("source") == "clinician" and clean(item.get("handout"))):
            story.append(self.p(f"{bold('Patient text:')} {escape(item.get('handout'))}", "item_note"))
        return story

    def exercises(self) -> list[Flowable]:
        """The cards the clinician kept, in order, two to a row: name, dosage, what the clinician changed."""
        cards = self.plan.get("exercises") or []
        heading = self.p("Home exercise programme", "h1")
        if not cards:
            return [KeepTogether([heading, self.p("No exercises.", "small")])]
        cells = []
        for number, card in enumerate(cards, start=1):
            numbers = self.refs.cite(card.get("evidence"))
            text = f"{bold(card.get('name'))} {note(humanize(card.get('category'), empty=''))} {markers(numbers)}"
            changes = []
            if card.get("source") == "clinician":
                changes.append("added from the library")
            if card.get("generated_dosage"):
                changes.append(f"dosage changed; the document's: {card['generated_dosage'].get('text', '')}")
            if clean(card.get("note")):
                changes.append(f"note: {clean(card['note'])}")
            dosage = escape((card.get("dosage") or {}).get("text", ""))
            text += "<br/>" + (bold(dosage) if card.get("generated_dosage") else dosage)
            if changes:
                text += "<br/>" + styled("; ".join(changes), color=ACCENT.hexval())
            cells.append([self.p(f"{number}.", "cell"), self.p(text, "cell")])
        half = (len(cells) + 1) // 2
        left, right = cells[:half], cells[half:] + [["", ""]] * (2 * half - len(cells))
        rows = [a + b for a, b in zip(left, right, strict=True)]
        number_width = 0.04 * self.width
        table = page_table(rows, colWidths=[number_width, self.width / 2 - number_width] * 2, hAlign="LEFT")
        table.setStyle(
            table_style(
                [
                    ("VALIGN", (0, 0), (-1, -1), "TOP"),
                    ("LINEBELOW", (0, 0), (-1, -1), 0.3, RULE),
                    ("LEFTPADDING", (0, 0), (-1, -1), 2),
                    ("RIGHTPADDING", (0, 0), (-1, -1), 4),
                    ("TOPPADDING", (0, 0), (-1, -1), 1.5),
                    ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
                ]
            )
        )
        return [KeepTogether([CondPageBreak(25 * mm), heading, table])]

    def equipment(self) -> list[Flowable]:
        """The equipment items grouped by what the clinician decided (issued first; undecided ones last)."""
        entries = self.plan.get("equipment") or []
        heading = self.p("Adaptive equipment", "h1")
        if not entries:
            return [KeepTogether([heading, self.p("No equipment suggested.", "small")])]
        lines = []
        for status, label in EQUIPMENT_STATUS.items():
            chosen = [entry for entry in entries if entry.get("status") == status]
            if not chosen:
                continue
            numbers = self.refs.cite([evidence for entry in chosen for evidence in entry.get("evidence") or ()])
            names = ", ".join(escape(entry.get("name")) for entry in chosen)
            lines.append(self.p(f"{bold(label.capitalize() + ':')} {names} {markers(numbers)}", "item_note"))
        return [KeepTogether([CondPageBreak(15 * mm), heading, lines[0]]), *lines[1:]]

    def excluded(self) -> list[Flowable]:
        """What the clinician excluded, each with the reason given."""
        titles = {s.get("key"): clean(s.get("title")) for s in self.plan.get("sections") or ()}
        lines = [
            f"{bold(entry.get('title'))} {note(titles.get(entry.get('section'), humanize(entry.get('section'))))}: "
            f"{escape(entry.get('reason') or 'no reason given')}"
            for entry in self.plan.get("excluded") or ()
        ]
        lines += [
            f"{bold(entry.get('name'))} {note('home exercise')}: {escape(entry.get('reason') or 'no reason given')}"
            for entry in self.plan.get("excluded_exercises") or ()
        ]
        if not lines:
            return []
        return [
            KeepTogether([self.p("Excluded by the clinician", "h1"), self.p(lines[0], "item_note")]),
            *(self.p(line, "item_note") for line in lines[1:]),
        ]

    def signing_fields(self) -> Table:
        """Blank lines to sign a printed draft on paper: name, credentials, signature, date and time."""
        labels = {"Name": 10 * mm, "Credentials": 18 * mm, "Signature": 16 * mm, "Date and time": 21 * mm}
        field_width = (self.width - 16 - sum(labels.values())) / 4
        cells = [[self.p(label, "label"), RuledLines(1, 6 * mm, field_width - 3 * mm)] for label in labels]
        widths = [width for label_width in labels.values() for width in (label_width, field_width)]
        table = page_table([[part for cell in cells for part in cell]], colWidths=widths, hAlign="LEFT")
        table.setStyle(
            table_style(
                [
                    ("VALIGN", (0, 0), (-1, -1), "BOTTOM"),
                    ("LEFTPADDING", (0, 0), (-1, -1), 0),
                    ("RIGHTPADDING", (0, 0), (-1, -1), 0),
                    ("BOTTOMPADDING", (0, 0), (-1, -1), 0),
                ]
            )
        )
        return table

    def appendix(self) -> list[Flowable]:
        """The numbered source passages: title, version and section, then the stored text in smaller type."""
        story: list[Flowable] = [PageBreak(), self.p(escape(APPENDIX), "h1")]
        entries = self.refs.entries()
        if not entries:
            return [*story, self.p("No references.", "body")]
        for number, entry in entries:
            where = "".join(
                f", {label} {escape(entry.get(label))}" for label in ("version", "section") if clean(entry.get(label))
            )
            head = self.p(f"{number}.&nbsp;&nbsp;{bold(entry.get('document'))}{where}", "ref_head")
            story.append(head)
            story += [self.p(text, "ref_text") for text in paragraphs_of(entry.get("text"))]
        return story


def render_clinician_pdf(plan: dict[str, Any], assessment: dict[str, Any], context: ExportContext) -> bytes:
    """The clinician's A4 care plan as PDF bytes (written to disk by the caller, atomically)."""
    return ClinicianRenderer(plan, assessment, context).render()
