"""The patient handout, built from the plan as the clinician left it, read back from the PDF.

Exercise cards with their pictures (drawn as vector paths, one clipped drawing per card), names and dosage; the
equipment the clinician chose; the clinic phone, the therapist and the next date; the clinician's free-text item
and a reworded item's patient text; nothing excluded or held; 14 pt type, and one exercise a page in large print.
"""

from __future__ import annotations

import io
import re
import time
from collections import Counter
from datetime import UTC, datetime
from typing import Any

import pytest
from pypdf import PdfReader
from pypdf.generic import ContentStream

from planner.assessment.validate import validate_assessment
from planner.edits import (
    DosageChange,
    PlanEdits,
    add_item,
    apply_edits,
    exclude_exercise,
    exclude_item,
    set_dosage,
    set_equipment_status,
    set_next_appointment,
    set_patient_text,
)
from planner.export.context import ClinicInfo, ExportContext, Signature
from planner.export.handout import next_date, render_handout_pdf
from planner.export.handout_labels import labels
from planner.plan.generate import generate_plan
from tests.conftest import load_example

PRINTED = datetime(2026, 12, 1, 10, tzinfo=UTC)
CLINIC = ClinicInfo(name="Riverside Rehabilitation", address="12 Mill Road", phone="555 0142")
FREE_TEXT = "Go to the pool session every Tuesday at ten."
STATUS = {"issued": "We gave you this", "recommended": "We recommend you get this", "owned": "You already have this"}
REWORDED = "Use the tall chair in the kitchen to stand up, with your hands on its arms."


def squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


def pages_of(pdf: bytes) -> list[str]:
    return [page.extract_text() or "" for page in PdfReader(io.BytesIO(pdf)).pages]


def context(library: Any, signature: Signature | None = None) -> ExportContext:
    return ExportContext(clinic=CLINIC, generated_at=PRINTED, signature=signature, figures=library.figures)


@pytest.fixture(scope="module")
def case(library: Any) -> tuple[dict[str, Any], dict[str, Any], PlanEdits]:
    assessment = load_example("neoplastic-after-radiation")
    content = generate_plan(assessment, library)
    exercises = [e["id"] for e in content["exercises"]]
    edits = PlanEdits()
    edits, _ = add_item(edits, "pt", "Pool therapy", "Hydrotherapy once a week.", FREE_TEXT)
    edits = set_patient_text(edits, "clinic-ot-chair", REWORDED)
    edits = exclude_item(edits, "clinic-aid-walker", "has a rollator of her own")
    edits = exclude_exercise(edits, exercises[-1], "not now")
    edits = set_dosage(edits, "ex-bridge", DosageChange(sets=3, reps=8, note="On the bed, never on the floor."))
    edits = set_equipment_status(edits, "eq-reacher", "issued")
    edits = set_equipment_status(edits, "eq-shower-chair", "recommended")
    edits = set_equipment_status(edits, "eq-grab-bars", "owned")
    edits = set_equipment_status(edits, "eq-tub-bench", "not_needed")
    return assessment, apply_edits(content, edits), edits


def test_the_handout_carries_what_the_clinician_left(library: Any, case: Any) -> None:
    assessment, plan, _edits = case
    text = squash(" ".join(pages_of(render_handout_pdf(plan, assessment, context(library)))))
    for card in plan["exercises"]:
        assert squash(card["name"]) in text
    assert squash("Exercise 1: Ankle bends with a towel") in text
    assert squash("How much: 2 sets of 10") in text
    assert squash("How much: 3 sets of 8") in text and squash("Hold: 3 seconds") in text  # the clinician's dosage
    assert squash("Your therapist set this for you.") in text
    assert squash("Note from your therapist: On the bed, never on the floor.") in text
    assert squash("How often: twice a day") in text
    assert squash(FREE_TEXT) in text and squash(REWORDED) in text
    assert squash("Use your walker every time you walk, indoors and outside") not in text  # excluded
    assert squash("Gentle self-massage") not in text  # the excluded card
    assert squash("Clinic phone: 555 0142") in text and squash("Call us on 555 0142") in text
    assert squash("Your therapist: J. Rivera, PT") in text
    assert squash("Your next check-up: 4 December 2026") in text  # the review of the first opioid (R12n-02)
    for name, status in (
        ("Reacher", "We gave you this"),
        ("Shower chair", "We recommend you get this"),
        ("Grab bars", "You already have this"),
    ):
        assert squash(f"{name}{status}") in text
    assert squash("Bath bench") not in text and squash("Sock aid") not in text  # not needed, and undecided
    assert squash("Your exercise chart") in text and squash("Week") in text
    for entry in plan["handout"]["call"]:
        assert squash(entry["text"]) in text


def test_held_advice_never_reaches_the_handout(library: Any) -> None:
    raw = load_example("neoplastic-after-radiation")
    raw["history"] |= {"dvt": True, "implanted_devices": ["pacemaker"]}
    assessment = validate_assessment(raw)
    plan = apply_edits(generate_plan(assessment, library), PlanEdits())
    held = {entry["title"] for entry in plan["held"]}
    assert "Bridge" in held
    text = squash(" ".join(pages_of(render_handout_pdf(plan, assessment, context(library)))))
    assert squash("Exercise 2: Bridge") not in text and "TENS" not in text


def drawing_operations(pdf: bytes) -> list[Counter[bytes]]:
    """Per page, how often each path-building and clipping operator is used."""
    out = []
    for page in PdfReader(io.BytesIO(pdf)).pages:
        operations = ContentStream(page.get_contents(), page.pdf).operations
        out.append(Counter(operator for _operands, operator in operations if operator in (b"W*", b"l", b"c", b"re")))
    return out


def test_every_card_has_its_picture_drawn_as_vector_paths(library: Any, case: Any) -> None:
    assessment, plan, _edits = case
    pdf = render_handout_pdf(plan, assessment, context(library))
    pages = pages_of(pdf)
    chosen = [e for e in plan["equipment"] if e["status"] in ("recommended", "issued", "owned")]
    operations = drawing_operations(pdf)
    for number, page in enumerate(pages):
        cards = len(re.findall(r"Exercise \d+:", page))
        icons = sum(1 for entry in chosen if squash(entry["name"] + STATUS[entry["status"]]) in squash(page))
        assert operations[number][b"W*"] == cards + icons, number  # one clipped drawing per picture
        if cards:
            assert operations[number][b"l"] + operations[number][b"c"] > 40 * cards  # drawn, not a placeholder
    assert sum(len(re.findall(r"Exercise \d+:", page)) for page in pages) == len(plan["exercises"])
    assert "No picture" not in " ".join(pages)


def test_a_card_whose_figure_is_missing_still_prints(library: Any, case: Any) -> None:
    assessment, plan, _edits = case
    bare = ExportContext(clinic=CLINIC, generated_at=PRINTED)  # no figures at hand
    text = " ".join(pages_of(render_handout_pdf(plan, assessment, bare)))
    assert "No picture" in text and "Exercise 1" in text


def body_size(pdf: bytes) -> float:
    """The size most of the handout's characters are set in."""
    sizes: Counter[float] = Counter()
    for page in PdfReader(io.BytesIO(pdf)).pages:

        def visit(text: str, _cm: Any, tm: list[float], _font: Any, size: float) -> None:
            sizes[round(size * tm[0], 1)] += len(text.strip())

        page.extract_text(visitor_text=visit)
    return sizes.most_common(1)[0][0]


@pytest.mark.parametrize(("large_print", "size"), [(False, 14), (True, 18)])
def test_body_text_is_large(library: Any, case: Any, large_print: bool, size: float) -> None:
    assessment, plan, _edits = case
    assert body_size(render_handout_pdf(plan, assessment, context(library), large_print=large_print)) >= size


def test_large_print_has_one_exercise_a_page(library: Any, case: Any) -> None:
    assessment, plan, _edits = case
    pages = pages_of(render_handout_pdf(plan, assessment, context(library), large_print=True))
    counts = [len(re.findall(r"Exercise \d+:", page)) for page in pages]
    assert max(counts) == 1 and sum(counts) == len(plan["exercises"])


def test_the_next_appointment_is_the_clinicians_else_the_next_check_up(library: Any, case: Any) -> None:
    _assessment, plan, edits = case
    today = PRINTED.date()
    # the 2-week review of the first opioid (R12n-02), not the open window
    assert next_date(plan, today) == ("next_checkup", "2026-12-04", None)
    windowed = {  # a check-up ahead, and a window that opened before the visit (3-6 months after onset)
        "sections": [
            {
                "key": "monitoring",
                "items": [
                    {"id": "a", "due_on": "2026-12-18"},
                    {"id": "b", "due_on": "2026-11-20", "due_until": "2027-02-15"},
                ],
            }
        ]
    }
    assert next_date(windowed, today) == ("next_checkup", "2026-12-18", None)  # a date ahead beats an open window
    later = datetime(2027, 1, 10, tzinfo=UTC).date()
    # R12n-17: a check-up whose day has passed is due now; a later window must not read as the next check-up
    assert next_date(windowed, later) == ("checkup_overdue", "2026-12-18", None)
    assert next_date(windowed, datetime(2028, 1, 1, tzinfo=UTC).date()) == ("checkup_overdue", "2026-12-18", None)
    only_window = {"sections": [{"key": "monitoring", "items": [windowed["sections"][0]["items"][1]]}]}
    assert next_date(only_window, later) == ("next_checkup", "2026-11-20", "2027-02-15")  # only the window is open
    chosen = apply_edits(
        generate_plan(load_example("neoplastic-after-radiation"), library), set_next_appointment(edits, "2026-12-09")
    )
    assert next_date(chosen, today) == ("next_appointment", "2026-12-09", None)
    text = squash(
        " ".join(pages_of(render_handout_pdf(chosen, load_example("neoplastic-after-radiation"), context(library))))
    )
    assert squash("Your next appointment: 9 December 2026") in text


def test_a_signed_handout_names_the_signer_as_the_therapist(library: Any, case: Any) -> None:
    assessment, plan, _edits = case
    signature = Signature("Dr. Ana Ruiz", "PT, DPT", PRINTED)
    text = squash(" ".join(pages_of(render_handout_pdf(plan, assessment, context(library, signature)))))
    assert squash("Your therapist: Dr. Ana Ruiz, PT, DPT") in text
    assert squash("Draft, for clinician review") not in text


def test_without_a_phone_the_handout_leaves_a_line_to_write_it(library: Any, case: Any) -> None:
    assessment, plan, _edits = case
    quiet = ExportContext(clinic=ClinicInfo(name="C"), generated_at=PRINTED, figures=library.figures)
    text = squash(" ".join(pages_of(render_handout_pdf(plan, assessment, quiet))))
    assert "Callus" not in text and squash("Phone:") in text


@pytest.mark.parametrize("large_print", [False, True])
def test_long_and_hostile_clinician_text_prints_literally_and_never_fails(
    library: Any, case: Any, large_print: bool
) -> None:
    """A 2,000-character note makes a card taller than a page: it splits instead of failing; markup typed by the
    clinician prints as typed, and CJK letters print in the fallback font."""
    assessment, _plan, edits = case
    hostile = '<b>bold</b> & <img src="http://example.org/x.png"> 王小明 '
    long_note = ("Keep the movement small and slow, and stop at once if it hurts. " * 40)[:2000]
    content = generate_plan(assessment, library)
    changed = set_dosage(edits, "ex-bridge", DosageChange(note=long_note))
    changed = set_patient_text(changed, "clinic-ot-chair", hostile + "Use the tall chair.")
    plan = apply_edits(content, changed)
    text = squash(" ".join(pages_of(render_handout_pdf(plan, assessment, context(library), large_print=large_print))))
    assert squash(hostile + "Use the tall chair.") in text
    assert squash(long_note[:300]) in text and squash(long_note[-200:]) in text


@pytest.mark.parametrize("language", ["en", "es"])
def test_a_palliative_handout_has_no_tick_chart(library: Any, language: str) -> None:
    """In palliative care each exercise is done only as far as it helps (CLINIC, Goals of care): the documents
    switch the tick chart off through the plan's ``handout_tick_chart`` finding, in every language."""
    words = labels(language)
    texts = {}
    for palliative in (False, True):
        raw = load_example("neoplastic-after-radiation")
        raw["history"]["palliative"] = palliative
        assessment = validate_assessment(raw)
        plan = apply_edits(generate_plan(assessment, library, language=language), PlanEdits())
        assert plan["exercises"], "the case keeps exercise cards either way"
        assert plan["findings"]["handout_tick_chart"] is (not palliative)
        texts[palliative] = squash(" ".join(pages_of(render_handout_pdf(plan, assessment, context(library)))))
    for key in ("chart", "chart_help"):
        assert squash(words[key]) in texts[False]
        assert squash(words[key]) not in texts[True]
    assert squash(words["exercises"]) in texts[True]  # the cards themselves stay


def test_a_plan_drafted_before_the_switch_keeps_its_chart(library: Any, case: Any) -> None:
    assessment, plan, _edits = case
    older = {**plan, "findings": {k: v for k, v in plan["findings"].items() if k != "handout_tick_chart"}}
    assert squash("Your exercise chart") in squash(
        " ".join(pages_of(render_handout_pdf(older, assessment, context(library))))
    )


@pytest.fixture
def zone(monkeypatch: pytest.MonkeyPatch) -> Any:
    """Set the machine's time zone for one test (printouts show the clinic's wall-clock time)."""

    def set_zone(name: str) -> None:
        monkeypatch.setenv("TZ", name)
        time.tzset()

    yield set_zone
    monkeypatch.undo()
    time.tzset()


DEC_6 = datetime(2026, 12, 6, 3, 5, tzinfo=UTC)


@pytest.mark.parametrize(
    ("language", "tz", "moment", "printed"),
    [
        ("en", "UTC", DEC_6, "Printed 6 December 2026, 03:05 UTC"),
        ("es", "UTC", DEC_6, "Impreso 6 de diciembre de 2026, 03:05 UTC"),
        ("en", "Europe/Madrid", DEC_6, "Printed 6 December 2026, 04:05 CET"),
        ("es", "America/New_York", DEC_6, "Impreso 5 de diciembre de 2026, 22:05 EST"),  # the clinic's day
        ("es", "UTC", datetime(2026, 9, 30, 23, 5, tzinfo=UTC), "Impreso 30 de septiembre de 2026, 23:05 UTC"),
    ],
)
def test_the_footer_prints_the_time_in_words_of_the_handout_language(
    library: Any, zone: Any, language: str, tz: str, moment: datetime, printed: str
) -> None:
    """Not ISO, and not the machine's locale: the month comes from the handout's labels. The longest date beside
    the draft mark still leaves the library version whole."""
    zone(tz)
    assessment = load_example("neoplastic-after-radiation")
    plan = apply_edits(generate_plan(assessment, library, language=language), PlanEdits())
    context = ExportContext(clinic=CLINIC, generated_at=moment, figures=library.figures)
    pages = pages_of(render_handout_pdf(plan, assessment, context))
    version = f"{labels(language)['library_version']} {plan['library_version']}"
    assert all(squash(printed) in squash(page) and squash(version) in squash(page) for page in pages)
    assert not re.search(r"20\d\d-\d\d-\d\d", "".join(pages))
