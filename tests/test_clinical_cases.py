"""Twenty review cases (tests/fixtures/cases): one per cause and each edge of issue 12, with what
clinical-spec.md says the plan must and must not contain. Every case also passes the plan lint and the
clinical invariants that hold for every patient (tests/test_plan_lint.py)."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from planner.assessment.validate import validate_assessment
from planner.engine.findings import all_findings
from planner.plan.generate import generate_plan
from planner.plan.lint import lint_plan
from tests.test_plan_lint import clinical_invariants

CASES_DIR = Path(__file__).resolve().parent / "fixtures" / "cases"


@dataclass(frozen=True)
class Expect:
    offered: set[str] = field(default_factory=set)
    not_offered: set[str] = field(default_factory=set)
    held: dict[str, str] = field(default_factory=dict)  # id -> words of the reason
    texts: dict[str, str] = field(default_factory=dict)  # id -> words its text must contain
    ladder: str | None = None  # the one ladder item, if any


ADJUVANT_FIRST = "adjuvant first"
EXPECTATIONS: dict[str, Expect] = {
    # Safety screen: an acute DVT alone alerts and holds resisted work, gait and heat
    "01-neoplastic-dvt-without-lymphedema": Expect(
        offered={"clinic-alert-compression-dvt", "acr-med-mri-plexus-malignancy"},
        held={
            "nlsp-pt-arom-progression": "DVT",
            "mgmt-pt-strength-flexibility-gait": "DVT",
            "mgmt-pt-gait-training": "DVT",
            "mgmt-analgesia-heat": "DVT",
            # the home programme passes the same screen: resisted work and walking practice are held, not dropped
            "ex-hip-back-band": "DVT",
            "ex-knee-straighten-weight": "DVT",
            "ex-walking": "DVT",
        },
        not_offered={"ex-bridge", "ex-knee-straighten-seated"},
        ladder="who-step-2",
    ),
    # TENS asks about the device; radiotherapy alone opens the known-malignancy pathway (CT: MRI ruled out)
    "02-radiation-pacemaker-no-cancer-text": Expect(
        offered={"acr-med-ct-malignancy", "acr-med-sacral-fracture-mimic"},
        not_offered={"entrap-med-ct-alternative", "guide-med-mri-plexus", "nlsp-analgesia-rhizotomy"},
        held={"nlsp-analgesia-tens-anodyne": "device team"},
        texts={"acr-med-ct-malignancy": "pacemaker"},
        ladder="who-step-2",
    ),
    # Opioid-naive non-cancer neuropathic pain: adjuvant first, never step 3 morphine
    "03-idiopathic-opioid-naive-severe-neuropathic": Expect(
        offered={
            "mgmt-analgesia-neuropathic-adjuvants",
            "guide-med-idiopathic-first-line",
            "nlsp-pt-acute-positioning",
        },
        not_offered={"who-step-3", "clinic-alert-pain-step-up", "nlsp-pt-arom-progression"},
        texts={"who-step-1": ADJUVANT_FIRST, "mgmt-analgesia-neuropathic-adjuvants": "opioid steps wait"},
        ladder="who-step-1",
    ),
    # Diabetic, both legs, adjuvants recorded as tried: refractory, central cause considered, renal band
    "04-diabetic-both-legs-refractory": Expect(
        offered={
            "red-alert-both-legs",
            "dlrpn-med-glycaemic-review",
            "dlrpn-med-immunotherapy-evidence",
            "dlrpn-mon-slow-recovery",
            "pgb-alert-renal-reduce",
        },
        not_offered={"guide-med-single-root-pattern", "guide-med-multi-nerve-pattern"},
        texts={"guide-analgesia-pregabalin": "75 to 300", "mgmt-analgesia-neuropathic-adjuvants": "refractory"},
        ladder="who-step-2",
    ),
    # Femoral entrapment: no piriformis item
    "05-entrapment-femoral-pattern": Expect(
        offered={"entrap-pt-nerve-mobilization", "entrap-analgesia-conservative-drugs"},
        not_offered={"entrap-analgesia-botulinum-piriformis"},
        texts={"who-step-1": ADJUVANT_FIRST},
        ladder="who-step-1",
    ),
    # Piriformis, nine months: botulinum, the release named, EDX repeated though past six months
    "06-entrapment-piriformis-nine-months": Expect(
        offered={
            "entrap-analgesia-botulinum-piriformis",
            "entrap-med-decompression-after-conservative",
            "entrap-mon-repeat-edx-surgery",
        },
        not_offered={"entrap-mon-repeat-edx"},
        texts={"entrap-med-decompression-after-conservative": "piriformis release"},
    ),
    # Five days after a blunt injury: imaging and EDX dated, heat held for the first days
    "07-traumatic-five-days": Expect(
        offered={"guide-med-trauma-imaging-delay", "guide-med-trauma-blunt", "clinic-pt-active-assisted"},
        not_offered={"guide-med-mri-plexus", "nlsp-pt-arom-progression"},
        held={"mgmt-analgesia-heat": "injury or operation"},
        texts={"guide-med-electrodiagnostic": "not sooner"},
    ),
    # Twelve days after surgery: imaging targets named, no delay, EDX from three weeks
    "08-postsurgical-twelve-days": Expect(
        offered={"acr-med-postsurgical-imaging", "guide-med-mri-plexus", "guide-med-postoperative-ivig"},
        not_offered={"guide-med-trauma-imaging-delay"},
        texts={"acr-med-postsurgical-imaging": "hematoma", "guide-med-electrodiagnostic": "three weeks"},
    ),
    # Sensory only: EDX still offered; heat held on numb skin
    "09-unknown-sensory-only": Expect(
        offered={"guide-med-electrodiagnostic"},
        not_offered={"nlsp-pt-arom-progression", "mgmt-pt-gait-training"},
        held={"mgmt-analgesia-heat": "sensation"},
        texts={"guide-med-electrodiagnostic": "no weakness"},
    ),
    # A non-walker at MRC 0-1: passive work, wheelchair programme, AFO as a positioning splint
    "10-radiation-non-walker-grades-0-1": Expect(
        offered={
            "clinic-pt-passive",
            "clinic-pt-active-assisted",
            "clinic-pt-non-ambulatory",
            "clinic-aid-wheelchair",
            "clinic-afo-positioning",
            "clinic-ot-transfer-board",
            # the same tiers in the home programme and the equipment list
            "ex-prom-hip",
            "ex-prom-knee",
            "ex-prom-ankle",
            "ex-sidelying-hip-back",
            "ex-transfer-board",
            "eq-resting-splint",
            "eq-transfer-board",
            "eq-wheelchair",
        },
        not_offered={
            "mgmt-pt-gait-training",
            "clinic-afo",
            "nlsp-pt-arom-progression",
            "clinic-kafo",
            "ex-walking",
            "ex-sit-to-stand",
            "eq-afo",
            "eq-kafo",
        },
        texts={"clinic-afo-positioning": "positioning splint", "mgmt-analgesia-heat": "known tumour site"},
    ),
    # Clearance 20 on the top step with tumour pain: renal cautions in place, ablation for the pain service
    "11-neoplastic-renal-20-top-step": Expect(
        offered={"pgb-alert-out-of-band", "nlsp-analgesia-rhizotomy", "nlsp-analgesia-pain-service"},
        texts={
            "who-step-3": "morphine and codeine are poor choices",
            "acr-med-mri-plexus-malignancy": "radiologist chooses the contrast agent",
            "guide-analgesia-pregabalin": "25 to 150",
        },
        ladder="who-step-3",
    ),
    # Refractory entrapment pain on the top step: interventions, never neuroablation
    "12-entrapment-refractory-top-step": Expect(
        offered={"nlsp-analgesia-interventional", "mgmt-analgesia-scs-itb"},
        not_offered={"nlsp-analgesia-rhizotomy"},
        ladder="who-step-3",
    ),
    # Bilateral L5: no single root, a central cause considered
    "13-unknown-bilateral-l5": Expect(
        offered={"red-alert-both-legs", "clinic-afo"},
        not_offered={"guide-med-single-root-pattern", "red-alert-both-legs-severe"},
        texts={"clinic-afo": "both sides"},
    ),
    # Severe weakness in both legs without cancer: urgent
    "14-unknown-severe-both-legs": Expect(
        offered={"red-alert-both-legs-severe", "clinic-pt-passive", "clinic-pt-non-ambulatory"},
        not_offered={"red-alert-both-legs", "mgmt-pt-gait-training"},
    ),
    # Palliative: the pain service leads, burdensome follow-up replaced
    "15-neoplastic-palliative": Expect(
        offered={
            "clinic-pt-palliative-comfort",
            "clinic-analgesia-palliative-pain-service",
            "clinic-mon-palliative-review",
        },
        not_offered={"nlsp-analgesia-pain-service", "clinic-reassess", "entrap-mon-repeat-edx"},
        ladder="who-step-3",
    ),
    # Lymphedema with arterial insufficiency: compression, heat and cold held; elevation with a caution
    "16-lymphedema-arterial-insufficiency": Expect(
        not_offered={"clinic-lymph-screen"},
        held={
            "nlsp-lymph-reduction-wrap-massage": "arterial insufficiency",
            "mgmt-analgesia-heat": "lymphedema",
            "mgmt-analgesia-cold": "arterial insufficiency",
            "ex-lymph-routine": "arterial insufficiency",
        },
        offered={
            "clinic-alert-compression-hold",
            "clinic-lymph-hold-compression",
            "ex-lymph-elevation",
            "eq-leg-wedge",
            "ex-lymph-self-massage",
        },
        texts={
            "nlsp-lymph-reduction-elevation-education": "raising the leg can reduce its blood supply",
            "ex-lymph-elevation": "raising the leg can reduce its blood supply",
            "eq-leg-wedge": "raising the leg can reduce its blood supply",
        },
    ),
    # Walking only with help: a walker, never a cane
    "17-unknown-assisted-walker": Expect(
        offered={"clinic-aid-walker", "mgmt-pt-gait-training", "eq-walker", "ex-walking"},
        not_offered={"clinic-aid-cane", "eq-cane"},
    ),
    # Radiotherapy without a cancer text: the ACR pathway
    "18-unknown-radiotherapy-only": Expect(
        offered={
            "acr-med-mri-plexus-malignancy",
            "acr-med-mri-result-pathway",
            "acr-alert-radiation-plexopathy-pattern",
        },
        not_offered={"guide-med-mri-plexus"},
    ),
    # Known cancer, both legs and a bladder change: one urgent alert, which names both legs
    "19-neoplastic-both-legs-red-flags": Expect(
        offered={"red-alert-cauda-equina"},
        not_offered={"red-alert-cancer-both-legs", "red-alert-both-legs", "red-alert-both-legs-severe"},
        texts={"red-alert-cauda-equina": "both legs"},
    ),
    # Acute infection: injections, TENS and heat held
    "20-entrapment-infection": Expect(
        offered={"entrap-pt-nerve-mobilization", "mgmt-analgesia-cold", "ex-sciatic-glide", "ex-piriformis-stretch"},
        held={
            "entrap-analgesia-steroid-injection": "infection",
            "entrap-analgesia-botulinum-piriformis": "infection",
            "nlsp-analgesia-tens-anodyne": "infected skin",
            "mgmt-analgesia-heat": "infection",
        },
    ),
}


def case_paths() -> list[Path]:
    return sorted(CASES_DIR.glob("*.json"))


def test_there_are_twenty_cases_one_per_cause_at_least() -> None:
    paths = case_paths()
    assert [p.stem for p in paths] == sorted(EXPECTATIONS)
    causes = {json.loads(p.read_text(encoding="utf-8"))["history"]["etiology"] for p in paths}
    from planner.assessment.schema import ETIOLOGIES

    assert len(paths) == 20 and causes == set(ETIOLOGIES)


@pytest.mark.parametrize("path", case_paths(), ids=lambda p: p.stem)
def test_case(library: Any, path: Path) -> None:
    assessment = validate_assessment(json.loads(path.read_text(encoding="utf-8")))
    expect = EXPECTATIONS[path.stem]
    plan = generate_plan(assessment, library)
    findings = all_findings(assessment, library)
    entries = {a["id"]: a for a in plan["alerts"]} | {i["id"]: i for s in plan["sections"] for i in s["items"]}
    entries |= {e["id"]: e for e in (*plan["exercises"], *plan["equipment"])}
    held = {e["id"]: e for e in plan["held"]}
    assert expect.offered <= entries.keys(), f"missing {expect.offered - entries.keys()}"
    assert not expect.not_offered & entries.keys(), f"unexpected {expect.not_offered & entries.keys()}"
    for item_id, words in expect.held.items():
        assert item_id in held and words in held[item_id]["reason"], item_id
        assert item_id not in entries
    for item_id, words in expect.texts.items():
        entry = entries[item_id]
        assert words in " ".join(str(entry.get(k, "")) for k in ("title", "text", "detail", "precautions")), item_id
    if expect.ladder is not None:
        assert [i for i in entries if i.startswith("who-step-")] == [expect.ladder]
    assert lint_plan(plan, library, findings) == []
    assert clinical_invariants(assessment, plan, findings) == []
