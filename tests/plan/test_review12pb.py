"""Reviews 12p and 12n, follow-up visits and pattern analysis (/work/team/reports/review12p.md, review12n.md):
R12p-01 (the progress item names the groups at the largest gain or loss, with their side, and no others),
R12p-02 (at a follow-up the root-or-plexus pattern is judged over every group weak at any visit, and the nerve
studies inside the 3-6 month window read as the repeat an earlier visit planned), R12p-08 (one weak group fits a
root, one nerve or the plexus alike), R12n-17 (an overdue check-up is the handout's next date, never a later
window) and R12n-16 (no finding's code name in the evidence a clinician reads). Each rule on both sides of its
threshold, written from clinical-spec.md ("One plan a clinician reads", the anatomy of weakness distribution);
the faults that generalise are invariants of the plan lint (tests/plan/test_plan_lint.py,
``round12pb_invariants``)."""

from __future__ import annotations

import io
import json
import re
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader

from planner.assessment.validate import validate_assessment
from planner.engine.findings import all_findings
from planner.export.context import ClinicInfo, ExportContext
from planner.export.handout import next_date, render_handout_pdf
from planner.library.files import read_shipped_documents
from planner.library.parser import inline_code_names, parse_document
from planner.plan.generate import generate_plan
from tests.conftest import example_paths, load_example, make_assessment
from tests.paths import FIXTURES, REPO
from tests.plan.test_plan_lint import evidence_texts, round12pb_invariants
from tests.plan.views import checked_plan as plan_of
from tests.plan.views import offered_entries as entries

P_DIR = FIXTURES / "review12p"
SINGLE_ROOT, ONE_GROUP, EARLIER = (
    "guide-med-single-root-pattern",
    "guide-med-one-group-pattern",
    "guide-med-earlier-plexus-pattern",
)
MULTI_NERVE, EDX, SUMMARY = (
    "guide-med-multi-nerve-pattern",
    "guide-med-electrodiagnostic",
    "clinic-mon-progress-summary",
)


def fixture(path: Path) -> dict[str, Any]:
    return validate_assessment(json.loads(path.read_text(encoding="utf-8")))


def visit(on: str, strength: dict[str, dict[str, int]], **changes: Any) -> dict[str, Any]:
    """An idiopathic plexopathy of the right leg (onset 20 July 2026) graded on ``on``."""
    history = {"etiology": "idiopathic", "affected_side": "right", "onset": "2026-07-20"}
    return validate_assessment(
        make_assessment(assessed_on=on, history=history, strength=strength, pain={"nrs": 3}, **changes)
    )


def right(**grades: int) -> dict[str, dict[str, int]]:
    return {group: {"left": 5, "right": grade} for group, grade in grades.items()}


# --- R12p-01: the largest gain and loss name their own groups, with the side -------------------------------------


def test_the_largest_gain_names_only_the_groups_that_gained_that_much_with_their_side(library: Any) -> None:
    plan = plan_of(
        library,
        fixture(P_DIR / "p06b-idiopathic-followup-visit2.json"),
        [fixture(P_DIR / "p06a-idiopathic-followup-visit1.json")],
    )
    summary = entries(plan)[SUMMARY]["detail"]
    assert "Largest gain: 2 grades, in right hip flexion, right knee extension." in summary
    assert "adduction" not in summary and "abduction" not in summary  # they gained 1 grade, not 2


@pytest.mark.parametrize(
    ("knee", "named"), [(3, ["right knee extension"]), (4, ["right knee extension", "right hip flexion"])]
)
def test_the_largest_loss_names_each_group_that_lost_that_much(library: Any, knee: int, named: list[str]) -> None:
    first = visit("2026-08-10", right(hip_flexion=4, knee_extension=5, ankle_dorsiflexion=4))
    second = visit("2026-09-10", right(hip_flexion=3, knee_extension=knee, ankle_dorsiflexion=5))
    findings = all_findings(second, library, [first])
    assert sorted(findings["max_drop_groups"]) == sorted(named)
    assert findings["max_gain_groups"] == ("right ankle dorsiflexion",)
    summary = entries(generate_plan(second, library, [first]))[SUMMARY]["detail"]
    assert f"Largest loss of strength: {findings['mrc_drop_max']} grade" in summary
    assert all(name in summary for name in named) and "in right ankle dorsiflexion." in summary


def test_on_a_first_visit_and_without_change_no_group_is_named(library: Any) -> None:
    only = visit("2026-08-10", right(hip_flexion=4))
    assert all_findings(only, library)["max_gain_groups"] == () == all_findings(only, library)["max_drop_groups"]
    same = all_findings(visit("2026-09-10", right(hip_flexion=4)), library, [only])
    assert same["max_gain_groups"] == () == same["max_drop_groups"]


# --- R12p-02: the pattern over every visit, and the planned repeat study -----------------------------------------


def test_a_follow_up_keeps_the_first_visits_plexus_pattern(library: Any) -> None:
    """Visit 1: femoral, obturator and superior gluteal groups weak (several roots); visit 2: hip abduction has
    recovered and what remains could come from L2-L3. Recovery does not narrow the lesion."""
    earlier = fixture(P_DIR / "p06a-idiopathic-followup-visit1.json")
    plan = plan_of(library, fixture(P_DIR / "p06b-idiopathic-followup-visit2.json"), [earlier])
    offered = entries(plan)
    assert SINGLE_ROOT not in offered and EARLIER in offered
    assert "superior gluteal" in offered[EARLIER]["detail"] and "plexus" in offered[EARLIER]["detail"]
    assert "fits a single root" not in offered[EDX]["detail"]


def test_without_the_history_the_same_grades_fit_one_root(library: Any) -> None:
    offered = entries(plan_of(library, fixture(P_DIR / "p06b-idiopathic-followup-visit2.json")))
    assert SINGLE_ROOT in offered and EARLIER not in offered
    assert "fits a single root" in offered[EDX]["detail"]


def test_a_follow_up_whose_every_visit_fits_one_root_still_gets_the_single_root_item(library: Any) -> None:
    first = visit("2026-08-10", right(hip_flexion=3, knee_extension=3, hip_adduction=4))
    second = visit("2026-11-10", right(hip_flexion=4, knee_extension=5, hip_adduction=5))
    offered = entries(plan_of(library, second, [first]))
    assert SINGLE_ROOT in offered and not {EARLIER, ONE_GROUP} & set(offered)  # one group left, three at visit 1
    assert "shared roots: L2, L3" in offered[SINGLE_ROOT]["detail"]
    recovered = visit("2026-11-10", right(hip_flexion=5, knee_extension=5, hip_adduction=5))
    assert not {SINGLE_ROOT, EARLIER, ONE_GROUP} & set(entries(plan_of(library, recovered, [first])))


def test_a_single_root_at_visit_one_stays_one_root_when_more_groups_weaken(library: Any) -> None:
    """The other way round: today's pattern spans several trunks and roots; the multi-nerve item stands."""
    first = visit("2026-08-10", right(hip_flexion=4, knee_extension=4))
    second = visit("2026-09-10", right(hip_flexion=4, knee_extension=4, hip_abduction=3, ankle_plantarflexion=3))
    offered = entries(plan_of(library, second, [first]))
    assert MULTI_NERVE in offered and not {SINGLE_ROOT, EARLIER} & set(offered)


@pytest.mark.parametrize(("first_on", "planned"), [("2026-09-01", True), ("2026-10-25", False)])
def test_the_study_inside_the_window_is_the_planned_repeat_when_an_earlier_visit_planned_it(
    library: Any, first_on: str, planned: bool
) -> None:
    """Onset 20 July: a first visit at 6 weeks plans the first study and a repeat at 3-6 months; a first visit
    already inside the window (3.2 months) asked for one study that also looks for reinnervation."""
    first = visit(first_on, right(hip_flexion=2, knee_extension=2))
    second = visit("2026-12-01", right(hip_flexion=3, knee_extension=3))
    detail = entries(plan_of(library, second, [first]))[EDX]["detail"]
    assert ("repeat studies an earlier visit planned" in detail) is planned
    assert ("no separate repeat is needed" in detail) is not planned


def test_a_first_visit_without_weakness_planned_no_repeat(library: Any) -> None:
    first = visit("2026-09-01", {}, symptoms={"numbness": True})
    second = visit("2026-12-01", right(hip_flexion=3, knee_extension=3))
    detail = entries(plan_of(library, second, [first]))[EDX]["detail"]
    assert "no separate repeat is needed" in detail and "earlier visit planned" not in detail


# --- R12p-08: one weak group ----------------------------------------------------------------------------------------


def test_one_weak_group_fits_root_nerve_or_plexus_alike(library: Any) -> None:
    offered = entries(plan_of(library, fixture(P_DIR / "p04-idiopathic-hip-abductor-only-falls.json")))
    assert SINGLE_ROOT not in offered and ONE_GROUP in offered
    detail = offered[ONE_GROUP]["detail"]
    assert "shared roots" not in detail and "electrodiagnostic studies decide" in detail
    # said once (R12q-04): the studies item points to the one-group item rather than repeating it
    assert "see the item on the one weak group" in offered[EDX]["detail"]
    assert "one nerve or the plexus" not in offered[EDX]["detail"]


@pytest.mark.parametrize(
    ("strength", "item"), [(right(hip_abduction=4), ONE_GROUP), (right(hip_abduction=4, hip_extension=4), SINGLE_ROOT)]
)
def test_two_weak_groups_sharing_a_root_still_fit_a_single_root(library: Any, strength: Any, item: str) -> None:
    offered = entries(plan_of(library, visit("2026-09-10", strength)))
    assert item in offered and not ({SINGLE_ROOT, ONE_GROUP} - {item}) & set(offered)


def test_the_lint_catches_a_single_root_item_for_one_weak_group(library: Any) -> None:
    assessment = visit("2026-09-10", right(hip_abduction=4))
    plan = generate_plan(assessment, library)
    section = next(s for s in plan["sections"] if s["key"] == "medical")
    section["items"] = [i for i in section["items"] if i["id"] != ONE_GROUP] + [{"id": SINGLE_ROOT}]
    faults = round12pb_invariants(assessment, plan, {})
    assert any("single-root item" in f for f in faults) and any("one weak group" in f for f in faults)


# --- R12n-17: the handout's next date ------------------------------------------------------------------------------

CLINIC = ClinicInfo(name="Riverside Rehabilitation", phone="555 0142")


def handout_text(plan: dict[str, Any], assessment: dict[str, Any], printed: date, library: Any) -> str:
    context = ExportContext(
        clinic=CLINIC,
        generated_at=datetime(printed.year, printed.month, printed.day, 10, tzinfo=UTC),
        figures=library.figures,
    )
    pdf = render_handout_pdf(plan, assessment, context)
    return re.sub(r"\s+", " ", " ".join(p.extract_text() or "" for p in PdfReader(io.BytesIO(pdf)).pages))


def test_a_reprint_after_a_missed_review_asks_the_patient_to_book_not_for_the_nerve_study_window(
    library: Any,
) -> None:
    assessment = load_example("idiopathic-proximal")
    plan = generate_plan(assessment, library)
    key, day, end = next_date(plan, date(2026, 12, 6))  # type: ignore[misc]
    assert key == "checkup_overdue" and end is None and day < "2026-12-06"
    text = handout_text(plan, assessment, date(2026, 12, 6), library)
    assert "please call us to book it" in text and "and 10 March 2027" not in text
    on_the_day = next_date(plan, date(2026, 10, 2))
    assert on_the_day is not None and on_the_day[0] == "next_checkup" and on_the_day[1] > "2026-10-02"
    assert "please call us to book it" not in handout_text(plan, assessment, date(2026, 10, 2), library)


def test_the_overdue_check_up_is_the_earliest_and_the_next_day_ahead_still_wins_before_it() -> None:
    plan = {
        "sections": [
            {
                "key": "monitoring",
                "items": [
                    {"id": "review", "due_on": "2026-10-16"},
                    {"id": "reassess", "due_on": "2026-10-30"},
                    {"id": "edx", "due_on": "2026-12-10", "due_until": "2027-03-10"},
                ],
            }
        ]
    }
    assert next_date(plan, date(2026, 10, 16)) == ("next_checkup", "2026-10-16", None)  # its day: not overdue
    assert next_date(plan, date(2026, 10, 17)) == ("checkup_overdue", "2026-10-16", None)
    assert next_date(plan, date(2026, 12, 6)) == ("checkup_overdue", "2026-10-16", None)


# --- R12n-16: no code names in the evidence --------------------------------------------------------------------------


def every_case() -> list[Path]:
    return [*example_paths(), *sorted(FIXTURES.glob("review*/*.json"))]


@pytest.mark.parametrize("path", every_case(), ids=lambda p: f"{p.parent.name}-{p.stem}")
def test_no_evidence_text_shows_a_backtick(library: Any, path: Path) -> None:
    plan = generate_plan(fixture(path), library)
    texts = evidence_texts(plan)
    assert texts and not [t for t in texts if "`" in t]


def test_the_authors_bracketed_finding_names_are_dropped_from_the_passage() -> None:
    passages = {(d.id, p.heading): p.text for d in read_shipped_documents() for p in d.passages}
    assert not [key for key, text in passages.items() if "`" in text]
    safety = next(t for (doc, _h), t in passages.items() if doc == "SAFETY" and "under 18" in t.lower())
    assert "under_18" not in safety


def test_a_finding_name_inside_a_sentence_is_kept_in_words_and_still_loads() -> None:
    """A stored document written before the rule must still load (a refusal would leave the clinic without a
    library): the name is printed in words. The shipped documents have none (the prose check below)."""
    head = "---\nid: T-DOC\ntitle: T\nsource: T\nversion: 1\nkind: convention\n---\n\n# T\n\n## Part\n\n"
    fine = parse_document(head + "Children are dosed by weight (`under_18`).\n", "t.md")
    assert fine.passages[-1].text == "Children are dosed by weight."
    inline = parse_document(head + "Children (`under_18` holds them) are dosed by weight.\n", "t.md")
    assert inline.passages[-1].text == "Children (under 18 holds them) are dosed by weight."


def strip_blocks(text: str) -> str:
    """The prose of a document: its ``:::`` blocks left out."""
    return re.sub(r"^:::.*?^:::[ \t]*$", "", text, flags=re.M | re.S)


def test_the_shipped_prose_names_no_finding_inside_a_sentence() -> None:
    found = [
        f"{path.name}: {name}"
        for path in sorted((REPO / "resources" / "documents").glob("*.md"))
        for name in inline_code_names(strip_blocks(path.read_text(encoding="utf-8")))
    ]
    assert found == []
