"""The wording remainders the reviews of issue 12 left open (reports review12l and review12m, "Left" of the stop-20
note): the parent or carer line on the handout's first page (R12m-07), the ankle-pumps stop line for a calf that is
already swollen (the R12l-07 class), the pain review that says what opens next for a patient already on step 2,
board transfers under the same-day spinal hold, and an orthosis prompt that says which threshold is not met. Each
rule on both sides of its threshold, written from clinical-spec.md; the handout read back from a real PDF."""

from __future__ import annotations

import io
from datetime import UTC, datetime
from typing import Any

import pytest
from pypdf import PdfReader

from planner.assessment.validate import validate_assessment
from planner.export.context import ClinicInfo, ExportContext
from planner.export.handout import render_handout_pdf
from tests.conftest import make_assessment
from tests.plan.views import checked_plan
from tests.plan.views import offered_entries as entries


def made(library: Any, **changes: Any) -> tuple[dict[str, Any], dict[str, Any]]:
    assessment = validate_assessment(make_assessment(**changes))
    return assessment, checked_plan(library, assessment)


# --- R12m-07: the parent or carer line on page 1 --------------------------------------------------------------------


@pytest.mark.parametrize(("birth_date", "child"), [("2008-11-01", False), ("2008-11-02", True)])
def test_the_parent_or_carer_line_is_a_first_page_note(library: Any, birth_date: str, child: bool) -> None:
    """Assessed on 2026-11-01: born 2008-11-01 is 18 that day. The line is a ``preface`` of the handout, never a tick
    box of the checklist, and prints on page 1 of the PDF, above the advice it is about."""
    assessment, plan = made(
        library,
        patient={"birth_date": birth_date},
        pain={"nrs": 5, "neuropathic": True},
        strength={"knee_extension": {"right": 3}, "ankle_dorsiflexion": {"right": 3}},
        function={"ambulation": "device"},
    )
    preface = [line["id"] for line in plan["handout"]["preface"]]
    assert preface == (["safety-check-carer"] if child else [])
    assert "safety-check-carer" not in [line["id"] for line in plan["handout"]["checklist"]]
    context = ExportContext(
        clinic=ClinicInfo(name="Clinic", phone="555 0100"),
        generated_at=datetime(2026, 11, 1, 10, tzinfo=UTC),
        figures=library.figures,
    )
    pages = [
        page.extract_text() or "" for page in PdfReader(io.BytesIO(render_handout_pdf(plan, assessment, context))).pages
    ]
    first, rest = " ".join(pages[0].split()), " ".join(" ".join(pages[1:]).split())
    assert ("For your parent or carer" in first) is child
    assert "For your parent or carer" not in rest


# --- R12l-07 class: the ankle-pumps stop line -----------------------------------------------------------------------

PUMPS = {"function": {"ambulation": "assisted"}, "strength": {"knee_extension": {"right": 3}}}


@pytest.mark.parametrize(
    ("changes", "words", "not_words"),
    [
        ({}, "if your calf becomes swollen", "than usual"),
        (
            {"lymphedema": {"present": True, "side": "right", "phase": "reduction"}},
            "more swollen than usual",
            "your calf becomes swollen",
        ),
    ],
)
def test_ankle_pumps_stop_line_fits_a_leg_already_swollen(
    library: Any, changes: dict[str, Any], words: str, not_words: str
) -> None:
    _, plan = made(library, **{**PUMPS, **changes})
    precautions = entries(plan)["ex-ankle-pumps"]["precautions"]
    assert words in precautions and not_words not in precautions


# --- the adjuvant-first review on step 2 ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("step", "words"),
    [(0, "the opioid steps open then"), (1, "the opioid steps open then"), (2, "the next ladder step is weighed then")],
)
def test_the_adjuvant_first_review_says_what_opens_next(library: Any, step: int, words: str) -> None:
    _, plan = made(
        library,
        history={"etiology": "idiopathic"},
        pain={"nrs": 8, "neuropathic": True, "current_ladder_step": step},
        strength={"hip_flexion": {"right": 4}},
    )
    detail = entries(plan)["clinic-mon-pain-review"]["detail"]
    assert words in detail
    assert ("opioid steps open" in detail) is (step < 2)


# --- board transfers under the same-day spinal hold -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("standing_transfer", "words", "not_words"),
    [("unable", "board transfers only", "rising only"), ("needs_help", "rising only as daily care", "board")],
)
def test_a_board_slider_under_the_spinal_hold_is_not_told_about_rising(
    library: Any, standing_transfer: str, words: str, not_words: str
) -> None:
    """A known cancer with weakness of both legs is a same-day spinal review. A patient who cannot do a standing
    transfer slides on a board, so the transfer item speaks of board transfers, not rising; one who stands with
    help (grade 3, so standing is not unsafe) is told about rising."""
    _, plan = made(
        library,
        history={"etiology": "neoplastic", "malignancy": "prostate cancer", "affected_side": "bilateral"},
        strength={"hip_extension": {"right": 3, "left": 3}, "knee_extension": {"right": 3, "left": 3}},
        function={"ambulation": "assisted", "standing_transfer": standing_transfer, "sit_to_stand": "needs_help"},
    )
    assert any(alert["level"] == "urgent" for alert in plan["alerts"])
    detail = entries(plan)["nlsp-ot-sit-to-stand"]["detail"]
    assert words in detail and not_words not in detail


# --- the orthosis prompt when no threshold is met -------------------------------------------------------------------


@pytest.mark.parametrize(("dorsiflexion", "prompt"), [(4, True), (3, False)])
def test_the_orthosis_prompt_names_the_threshold_not_met(library: Any, dorsiflexion: int, prompt: bool) -> None:
    _, plan = made(
        library,
        strength={"ankle_dorsiflexion": {"right": dorsiflexion}, "hip_extension": {"right": 4}},
        function={"ambulation": "device"},
    )
    found = entries(plan)
    assert ("mgmt-orthosis-ambulation" in found) is prompt
    if prompt:
        detail = found["mgmt-orthosis-ambulation"]["detail"]
        assert "orthosis threshold (foot drop) is not met (ankle dorsiflexion MRC 4)" in detail


# --- the exercise line of the checklist follows the cards the plan gives ---------------------------------------------


@pytest.mark.parametrize(
    ("changes", "line"),
    [
        ({"history": {"etiology": "entrapment", "surgery_on": "2026-11-01"}}, False),  # its only cards are held
        ({"history": {"etiology": "neoplastic"}, "function": {"ambulation": "device"}}, True),  # a balance card
        ({"strength": {"knee_extension": {"right": 3}}}, True),
        ({}, False),
    ],
)
def test_the_exercise_checklist_line_comes_with_exercise_cards(
    library: Any, changes: dict[str, Any], line: bool
) -> None:
    """Generated cases found the line without a card (an entrapment whose glides wait after an operation) and a
    card without the line (balance training for a walker with a device): the line now counts the cards offered."""
    _, plan = made(library, **changes)
    assert ("clinic-check-exercises" in [x["id"] for x in plan["handout"]["checklist"]]) is line
    assert bool(plan["exercises"]) is line


def test_a_derived_finding_may_not_use_a_count_made_after_the_findings() -> None:
    from planner.errors import DocumentError
    from planner.library.compiler import compile_library
    from planner.library.files import read_shipped_documents
    from planner.library.parser import parse_document

    head = "---\nid: T-DOC\ntitle: T\nsource: T\nversion: 1\nkind: convention\n---\n\n# T\n\n## Part\n\nText.\n\n"
    body = "::: finding t_has_cards\nexercise_cards > 0 => true\notherwise => false\n:::\n"
    documents = [*read_shipped_documents(), parse_document(head + body, "t.md")]
    with pytest.raises(DocumentError) as caught:
        compile_library(documents)
    assert "'exercise_cards' is known only after the findings" in str(caught.value)
