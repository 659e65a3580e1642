"""Age in the safety screen (review12c A-4), on both sides of each threshold.

The library's drugs, bands and procedures are written for adults: under 18 they are held back for a
paediatric specialist, with one alert. From 65 (the age at which lists of medicines to avoid in older people
start) a tricyclic carries its anticholinergic and falls caution, and an NSAID asks for a creatinine clearance
when none is recorded. VISIT is BASE_ASSESSMENT's assessed_on (2026-11-01)."""

from __future__ import annotations

from typing import Any

import pytest

from tests.plan.test_clinical_safety import offered, plan_for

NEUROPATHIC_SEVERE = {"nrs": 7, "neuropathic": True, "current_ladder_step": 0}
DRUG_ITEMS = {"who-step-1", "mgmt-analgesia-neuropathic-adjuvants", "guide-analgesia-pregabalin"}


def born(age: int, *, birthday_passed: bool = True) -> dict[str, str]:
    """A birth date that makes the patient exactly ``age`` on 2026-11-01 (or one day short of it)."""
    return {"birth_date": f"{2026 - age}-{'10-31' if birthday_passed else '11-02'}"}


def held(plan: dict[str, Any]) -> dict[str, str]:
    return {h["id"]: h["reason"] for h in plan["held"]}


@pytest.mark.parametrize(("age", "birthday_passed", "child"), [(17, True, True), (18, False, True), (18, True, False)])
def test_under_18_every_drug_item_is_held_for_a_paediatric_specialist(
    library: Any, age: int, birthday_passed: bool, child: bool
) -> None:
    plan = plan_for(
        library,
        patient={"id": "T-1", "name": "Test Patient", **born(age, birthday_passed=birthday_passed)},
        history={"etiology": "idiopathic", "affected_side": "right"},
        pain=NEUROPATHIC_SEVERE,
    )
    items, reasons = offered(plan), held(plan)
    if child:
        assert "safety-alert-paediatric" in items
        assert reasons.keys() >= DRUG_ITEMS and not DRUG_ITEMS & items.keys()
        assert all("paediatric specialist" in reasons[i] for i in DRUG_ITEMS)
        assert "pgb-alert-record-clearance" not in items  # the adult band is not the question
    else:
        assert "safety-alert-paediatric" not in items
        assert items.keys() >= DRUG_ITEMS


def test_under_12_the_alert_names_codeine_and_tramadol(library: Any) -> None:
    plan = plan_for(
        library, patient={"id": "T-1", "name": "Test Patient", **born(9)}, pain={"nrs": 5, "current_ladder_step": 1}
    )
    assert "Codeine and tramadol are not used under 12" in offered(plan)["safety-alert-paediatric"]["detail"]
    assert "who-step-2" in held(plan)


@pytest.mark.parametrize(("age", "older"), [(64, False), (65, True)])
def test_from_65_tricyclic_and_nsaid_cautions(library: Any, age: int, older: bool) -> None:
    plan = plan_for(
        library,
        patient={"id": "T-1", "name": "Test Patient", **born(age)},
        history={"etiology": "idiopathic", "affected_side": "right"},
        pain={"nrs": 3, "neuropathic": True, "current_ladder_step": 0},
    )
    items = offered(plan)
    tca = "a tricyclic is a poor first choice" in items["mgmt-analgesia-neuropathic-adjuvants"]["detail"]
    nsaid = "record one before an NSAID is chosen" in items["who-step-1"]["detail"]
    assert tca is older and nsaid is older


def test_from_65_with_a_clearance_the_nsaid_caution_does_not_ask_for_one(library: Any) -> None:
    plan = plan_for(
        library,
        patient={"id": "T-1", "name": "Test Patient", **born(80)},
        history={"etiology": "idiopathic", "affected_side": "right", "creatinine_clearance_ml_min": 50},
        pain={"nrs": 3, "current_ladder_step": 0},
    )
    detail = offered(plan)["who-step-1"]["detail"]
    assert "lowest dose for the shortest time" in detail and "record one" not in detail
