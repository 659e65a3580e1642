"""Review cases (tests/fixtures/cases): one per cause and each edge of issue 12 (01-20), then every case of the
independent clinical review of issue 12 that exposed a fault (21-48, the reviewer's n01-n33), one added for
the DVT side (49), then the 27 cases of the re-review (50-76, review12b c01-c27), with what clinical-spec.md
and the reviews say the plan must and must not contain. Every case also passes the plan lint and the clinical
invariants that hold for every patient (tests/plan/test_plan_lint.py)."""

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
from tests.paths import FIXTURES
from tests.plan.test_plan_lint import clinical_invariants

CASES_DIR = FIXTURES / "cases"


@dataclass(frozen=True)
class Expect:
    offered: set[str] = field(default_factory=set)
    not_offered: set[str] = field(default_factory=set)
    held: dict[str, str] = field(default_factory=dict)  # id -> words of the reason
    texts: dict[str, str] = field(default_factory=dict)  # id -> words its text must contain
    not_texts: dict[str, str] = field(default_factory=dict)  # id -> words its text must not contain
    ladder: str | None = None  # the one ladder item, if any
    lines: set[str] = field(default_factory=set)  # handout checklist and call lines offered
    no_lines: set[str] = field(default_factory=set)
    evidence: dict[str, str] = field(default_factory=dict)  # id -> "DOC: Section" it must cite
    no_evidence: dict[str, str] = field(default_factory=dict)  # id -> "DOC: Section" it must not cite
    line_texts: dict[str, str] = field(default_factory=dict)  # handout line id -> words it must contain
    max_exercises: int | None = None  # a short home programme (palliative care)


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
        # heat waits for blood and swelling to settle, as the imaging does (issue 12 review, A10)
        held={"mgmt-analgesia-heat": "the injury was less than a month ago"},
        texts={"guide-med-electrodiagnostic": "not sooner", "safety-alert-surgical-precautions": "weight-bearing"},
        lines={"safety-check-precautions"},
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
        texts={
            "clinic-afo-positioning": "positioning splint",
            "mgmt-analgesia-heat": "radiotherapy field",  # issue 12 review, A6
            "nlsp-pt-contracture-prevention": "or have them stretched for you",  # F35: grades 0-1 (R12f-05)
        },
        not_texts={"nlsp-pt-mobilize-dvt-watch": "non ambulatory"},  # F31: no raw values in sentences
    ),
    # Clearance 20 on the top step with tumour pain: renal cautions in place, ablation for the pain service
    "11-neoplastic-renal-20-top-step": Expect(
        offered={"pgb-alert-out-of-band", "nlsp-analgesia-rhizotomy", "nlsp-analgesia-pain-service"},
        texts={
            "who-step-3": "morphine is a poor choice",
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
    # Severe weakness in both legs without cancer: urgent; a non-walker whose standing was not assessed gets no
    # standing instruction and no chair to stand up from (issue 12 review, A2)
    "14-unknown-severe-both-legs": Expect(
        offered={
            "red-alert-both-legs-severe",
            "clinic-pt-passive",
            "clinic-pt-non-ambulatory",
            "clinic-ot-transfer-board",
            "eq-transfer-board",
        },
        not_offered={
            "red-alert-both-legs",
            "mgmt-pt-gait-training",
            "clinic-ot-chair",
            "eq-armchair",
            "eq-toilet-frame",
        },
        texts={"eq-raised-toilet-seat": "transfer board"},
        not_texts={"clinic-ot-toilet-seat": "stand"},
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
    # Lymphedema with arterial insufficiency: compression, heat, cold and leg raising held; the handout asks the
    # doctor before raising the leg (issue 12 review, A11) and the reason is said once (C21)
    "16-lymphedema-arterial-insufficiency": Expect(
        not_offered={"clinic-lymph-screen"},
        held={
            "nlsp-lymph-reduction-wrap-massage": "arterial insufficiency",
            "mgmt-analgesia-heat": "the painful leg is the swollen one; arterial insufficiency is recorded",
            "mgmt-analgesia-cold": "arterial insufficiency",
            "ex-lymph-routine": "arterial insufficiency",
            "ex-lymph-elevation": "arterial insufficiency",
            "eq-leg-wedge": "arterial insufficiency",
        },
        offered={"clinic-alert-compression-hold", "clinic-lymph-hold-compression", "ex-lymph-self-massage"},
        texts={
            "nlsp-lymph-reduction-elevation-education": "Ask your doctor before you raise your leg",
            "clinic-alert-compression-hold": "refer for medical review",
        },
        not_texts={
            "nlsp-lymph-reduction-elevation-education": "Raise your swollen leg",
            "clinic-lymph-hold-compression": "arterial",
            "clinic-alert-compression-hold": "arterial",
        },
        evidence={"nlsp-lymph-reduction-elevation-education": "CLINIC: Compression safety"},  # D22
        lines={"clinic-check-skin"},
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
        texts={"red-alert-cauda-equina": "both legs", "acr-med-mri-plexus-malignancy": "spine imaging"},
        # loading exercise and walking practice wait for the same-day review (issue 12 review, A3)
        held={
            "nlsp-pt-arom-progression": "same-day review",
            "mgmt-pt-gait-training": "same-day review",
            "ex-walking": "same-day review",
            "ex-seated-march": "same-day review",
        },
        # only the hip flexors are weak: no sit-to-stand card (review12b finding 28); the patient is told of the
        # urgent check (review12b finding 20)
        not_offered={
            "red-alert-cancer-both-legs",
            "red-alert-both-legs",
            "red-alert-both-legs-severe",
            "ex-sit-to-stand",
        },
        lines={"red-check-spine-review"},
        no_lines={"clinic-check-exercises"},
    ),
    # Acute infection: injections, TENS and heat held; the piriformis stretch waits for the abscess work-up (R12n-01)
    "20-entrapment-infection": Expect(
        offered={"entrap-pt-nerve-mobilization", "mgmt-analgesia-cold", "ex-sciatic-glide"},
        held={
            "ex-piriformis-stretch": "gluteal abscess",
            "entrap-analgesia-steroid-injection": "infection",
            "entrap-analgesia-botulinum-piriformis": "infection",
            "nlsp-analgesia-tens-anodyne": "infection",
            "mgmt-analgesia-heat": "infection",
        },
    ),
    # --- The independent clinical review of issue 12 (review12, cases n01-n33) ---------------------------------
    # n01: DVT whose side is not recorded, lymphedema of the other leg: the safe reading holds the garment and
    # says why (C26), TENS waits too (C27), every exertion of the leg is held (A1), the handout names the clot
    "21-dvt-side-unknown-lymphedema-other-leg": Expect(
        offered={"clinic-alert-compression-dvt", "clinic-lymph-hold-compression", "ex-lymph-elevation"},
        held={
            "nlsp-lymph-maintenance-garment": "an acute DVT is recorded",
            "nlsp-analgesia-tens-anodyne": "DVT",
            "mgmt-analgesia-heat": "an acute DVT is recorded",  # R12f-09: the lymphedema is on the other leg
            "ex-calf-stretch": "DVT",
            "ex-ankle-lifts": "DVT",
            "nlsp-pt-arom-progression": "DVT",
        },
        texts={
            "clinic-alert-compression-dvt": "side of the clot is not recorded",
            "clinic-lymph-hold-compression": "once a doctor confirms it is in the other leg",
            "vol-remeasure": "No circumferences are recorded yet",  # F38
            "clinic-afo": "the foot that drops (right)",  # F34
        },
        not_texts={"ex-lymph-elevation": "ankle pumps"},
        lines={"safety-check-dvt"},
        no_lines={"clinic-check-exercises"},
    ),
    # n03: an implanted neurostimulator: MR safety is checked, a second stimulator is not offered blind (A5);
    # ablation carries the life-expectancy note outside palliative care (F41); severe pain is named (F36)
    "22-neoplastic-neurostimulator-top-step": Expect(
        offered={"nlsp-analgesia-rhizotomy", "mgmt-analgesia-scs-itb"},
        held={"nlsp-analgesia-tens-anodyne": "device team"},
        texts={
            "acr-med-mri-plexus-malignancy": "MR-conditional",
            "mgmt-analgesia-scs-itb": "neurostimulator is already implanted",
            "nlsp-analgesia-rhizotomy": "life expectancy is limited",
            "nlsp-pt-arom-progression": "within pain tolerance",
        },
        evidence={"acr-med-mri-plexus-malignancy": "SAFETY: Implanted devices and MRI"},
        ladder="who-step-3",
    ),
    # n05: clearance 29 with a cancer: every drug named carries its kidney caution, and cites it (A4, D22)
    "23-neoplastic-clearance-29": Expect(
        texts={
            "who-step-3": "morphine is a poor choice",
            "mgmt-analgesia-neuropathic-adjuvants": "duloxetine is avoided",
            "guide-analgesia-pregabalin": "25 to 150",
        },
        evidence={
            "who-step-3": "SAFETY: Drugs and kidney function",
            "acr-med-mri-plexus-malignancy": "SAFETY: Contrast and kidney function",
        },
        ladder="who-step-3",
    ),
    # n06: another entrapment site: no piriformis wording (F40); the NSAID caution said once, by the ladder (C20)
    "24-entrapment-clearance-29-other-site": Expect(
        offered={"entrap-pt-nerve-mobilization", "entrap-analgesia-conservative-drugs"},
        not_offered={"entrap-analgesia-botulinum-piriformis"},
        texts={"who-step-1": "NSAIDs are avoided", "entrap-analgesia-conservative-drugs": "ladder item names"},
        not_texts={
            "entrap-pt-nerve-mobilization": "piriformis",
            "entrap-analgesia-conservative-drugs": "NSAIDs are avoided",
        },
        ladder="who-step-1",
    ),
    # n10: diabetic, does not walk: heat names the diabetic foot (A6); no raw values in sentences (F31)
    "25-diabetic-non-walker-grade-4": Expect(
        offered={"mgmt-analgesia-heat", "clinic-pt-non-ambulatory", "clinic-afo-positioning"},
        texts={
            "mgmt-analgesia-heat": "never apply heat to the feet",
            "nlsp-pt-mobilize-dvt-watch": "does not walk",
        },
        not_texts={
            "mgmt-analgesia-heat": "no numbness or allodynia.",
            "nlsp-pt-mobilize-dvt-watch": "Get up and move",
            "clinic-aid-wheelchair": "non ambulatory",
        },
    ),
    # n11: six months after an injury, weakness all in the sciatic territory: one request for the studies, no
    # "repeat" before it (C18); a sciatic lesion fits as well as the plexus (B16); the walker's real reasons (F33)
    "26-traumatic-distal-grade-0-walks-with-device": Expect(
        offered={"guide-med-electrodiagnostic", "guide-med-sciatic-pattern", "clinic-aid-walker"},
        not_offered={"entrap-mon-repeat-edx", "guide-med-multi-nerve-pattern"},
        texts={"guide-med-electrodiagnostic": "reinnervation", "clinic-aid-walker": "Joint position sense is absent"},
        not_texts={"clinic-aid-walker": "Falls in the last 3 months: 0"},
    ),
    # n12: refractory non-cancer pain on no step: one step at a time, from a weak opioid (A12)
    "27-entrapment-refractory-opioid-naive": Expect(
        texts={"mgmt-analgesia-neuropathic-adjuvants": "second adjuvant class", "who-step-2": "refractory"},
        ladder="who-step-2",
    ),
    # n13: tumour pain on the top step, not palliative: the pain service leads, each option listed once (C19)
    "28-neoplastic-top-step-not-palliative": Expect(
        offered={"nlsp-analgesia-pain-service", "nlsp-analgesia-interventional", "nlsp-analgesia-rhizotomy"},
        not_offered={"entrap-mon-repeat-edx"},
        texts={
            "nlsp-analgesia-interventional": "for the pain service to weigh",
            "nlsp-analgesia-rhizotomy": "life expectancy is limited",
        },
        not_texts={
            "nlsp-analgesia-pain-service": "rhizotomy",
            "clinic-alert-pain-top-step": "pain service and interventions",
            "nlsp-analgesia-interventional": "neurostimulation;",
        },
        ladder="who-step-3",
    ),
    # n14: the same in palliative care: burdensome studies dropped, exercise to the agreed goals (E25, D24)
    "29-neoplastic-top-step-palliative": Expect(
        offered={
            "clinic-analgesia-palliative-pain-service",
            "nlsp-analgesia-rhizotomy",
            "clinic-pt-palliative-comfort",
        },
        not_offered={"guide-med-electrodiagnostic", "acr-med-second-line-studies", "nlsp-analgesia-pain-service"},
        texts={"nlsp-pt-arom-progression": "goals agreed", "acr-med-mri-result-pathway": "only if its result"},
        not_texts={"nlsp-analgesia-rhizotomy": "life expectancy is limited"},
        evidence={"clinic-pt-palliative-comfort": "CLINIC: Goals of care"},
        no_evidence={"clinic-pt-palliative-comfort": "NLSP-TM: Pain in neoplastic plexopathy"},
    ),
    # n15: radiation plexopathy on the top step: no neuroablation (G); neurolysis named once (C19)
    "30-radiation-top-step": Expect(
        offered={"nlsp-analgesia-interventional", "mgmt-analgesia-post-radiation-multimodal"},
        not_offered={"nlsp-analgesia-rhizotomy"},
        held={"mgmt-analgesia-heat": "sensation"},
        not_texts={"nlsp-analgesia-interventional": "neurolysis"},
        ladder="who-step-3",
    ),
    # n16: ten days after a penetrating injury: no heat on a fresh wound (A10), the surgeons' limits (A9), acute
    # pain after an injury follows the bands (E29), no stretching through acute pain (F35)
    "31-traumatic-penetrating-ten-days": Expect(
        offered={"safety-alert-surgical-precautions", "guide-med-trauma-imaging-delay", "nlsp-pt-acute-positioning"},
        held={"mgmt-analgesia-heat": "the injury was less than a month ago"},
        not_texts={"nlsp-pt-contracture-prevention": "even when they feel stiff"},
        lines={"safety-check-precautions"},
        ladder="who-step-2",
    ),
    # n17: thirty days after an injury: heat is open again; the time since onset reads in weeks (F32)
    "32-traumatic-thirty-days": Expect(
        offered={"mgmt-analgesia-heat", "guide-med-mri-plexus", "safety-alert-surgical-precautions"},
        texts={"entrap-mon-repeat-edx": "Onset 4 weeks ago"},
        not_texts={"entrap-mon-repeat-edx": "months ago"},
    ),
    # n18: five days after surgery with an infection: image promptly for an abscess (A8), every reason for
    # holding heat (F37), the surgeons' limits (A9)
    "33-postsurgical-day-five-infection": Expect(
        offered={"acr-alert-postsurgical-abscess", "acr-med-postsurgical-imaging", "safety-alert-surgical-precautions"},
        not_offered={"acr-alert-postsurgical-collection"},
        held={
            "mgmt-analgesia-heat": "an acute infection is recorded; the operation was less than a month ago",
            "nlsp-analgesia-tens-anodyne": "infection",
        },
        texts={"entrap-mon-repeat-edx": "Onset 4 days ago"},
        lines={"safety-check-precautions"},
    ),
    # n19: sensory symptoms only: no exercise line without exercises (F39)
    "34-idiopathic-sensory-only": Expect(
        offered={"guide-med-electrodiagnostic"},
        held={"mgmt-analgesia-heat": "sensation"},
        no_lines={"clinic-check-exercises"},
    ),
    # n20: clearance 25, an SNRI tried, refractory: tramadol's kidney and serotonin cautions, duloxetine (A4)
    # review 12j R12j-04: the dose above its band is corrected, and the pain reviewed, before an opioid step opens
    "35-diabetic-pregabalin-700-clearance-25": Expect(
        offered={"pgb-alert-out-of-band", "pgb-alert-renal-reduce", "clinic-mon-pain-review"},
        texts={
            "who-step-1": "stay on this step",
            "mgmt-analgesia-neuropathic-adjuvants": "duloxetine is avoided",
            "mgmt-analgesia-heat": "never apply heat to the feet",
        },
        ladder="who-step-1",
    ),
    # n21: a garment held for a poor arterial supply: the reason said once, in the held list (C21)
    "36-lymphedema-maintenance-arterial-insufficiency": Expect(
        offered={"clinic-alert-compression-hold", "clinic-lymph-hold-compression"},
        held={
            "nlsp-lymph-maintenance-garment": "arterial insufficiency",
            "nlsp-lymph-custom-garment": "arterial insufficiency",
            "mgmt-analgesia-heat": "the painful leg is the swollen one; arterial insufficiency is recorded",
            "ex-lymph-elevation": "arterial insufficiency",
            "eq-leg-wedge": "arterial insufficiency",
        },
        not_texts={"clinic-lymph-hold-compression": "arterial", "clinic-alert-compression-hold": "arterial"},
    ),
    # n22: palliative, does not walk, needs help to stand: no chair to stand up from (A2); lighter compression for
    # comfort (E25); a non-walker's handout asks for changes of position, not to get up (F31), and says it once:
    # in the pressure-care line, not again in the mobilization line (issue 12, fix 4)
    "37-neoplastic-palliative-lymphedema-non-walker": Expect(
        offered={"clinic-ot-transfer-board", "clinic-pt-non-ambulatory", "clinic-pt-palliative-comfort"},
        not_offered={"clinic-ot-chair", "eq-armchair", "guide-med-electrodiagnostic", "acr-med-second-line-studies"},
        texts={
            "nlsp-lymph-reduction-wrap-massage": "lighter compression",
            "nlsp-pt-pressure-protection": "Change your position often",
            "clinic-pt-active-assisted": "Move your weak joints with help, on the days it helps you",  # R12f-05
        },
        not_texts={"nlsp-pt-mobilize-dvt-watch": "Get up and move"},
    ),
    # n23: no onset recorded: the plan asks for it (E28) and does not date what it cannot
    "38-entrapment-onset-not-recorded": Expect(
        offered={"clinic-alert-record-onset", "entrap-mon-repeat-edx"},
        texts={"entrap-mon-repeat-edx": "cannot be dated"},
    ),
    "39-idiopathic-onset-and-function-not-recorded": Expect(
        offered={"clinic-alert-record-onset", "clinic-aid-record-ambulation"},
        not_texts={"guide-mon-idiopathic-recovery": "Onset"},
    ),
    # n25: radiotherapy with no cancer named: the cancer pathways agree, for imaging and for pain (B13)
    "40-unknown-radiotherapy-severe-pain": Expect(
        offered={"acr-med-mri-plexus-malignancy", "acr-alert-tumor-infiltration-pain"},
        texts={
            "mgmt-analgesia-neuropathic-adjuvants": "related to cancer",
            "mgmt-analgesia-heat": "radiotherapy field",
        },
        not_texts={"mgmt-analgesia-neuropathic-adjuvants": "only if the pain proves refractory"},
        lines={"red-call-cancer-weakness"},
        no_lines={"clinic-call-weakness"},
        ladder="who-step-3",
    ),
    # n26: DVT and lymphedema of the same leg: one reason, worded once, for every hold (C21); TENS waits (C27)
    "41-radiation-dvt-lymphedema-same-leg": Expect(
        offered={"clinic-alert-compression-dvt", "nlsp-lymph-reduction-elevation-education"},
        held={
            "nlsp-lymph-reduction-wrap-massage": "an acute DVT is recorded",
            "ex-lymph-routine": "an acute DVT is recorded",
            "ex-lymph-self-massage": "an acute DVT is recorded",
        },
        # review12e R12e-25: 3/10 pain not recorded as neuropathic after radiotherapy gets no TENS item to hold
        not_offered={"nlsp-analgesia-tens-anodyne"},
        not_texts={"nlsp-lymph-reduction-elevation-education": "exercises you were taught"},
        lines={"safety-check-dvt"},
        no_lines={"clinic-check-exercises"},
    ),
    # n27: walks alone with the knee at grade 2: no "slide without standing" board, the wheelchair for distances,
    # the long brace only talked about (B14, B15)
    "42-idiopathic-knee-grade-2-walks-alone": Expect(
        offered={"clinic-aid-wheelchair", "clinic-kafo", "mgmt-pt-gait-training"},
        not_offered={"clinic-ot-transfer-board", "eq-transfer-board", "ex-transfer-board"},
        texts={"clinic-aid-wheelchair": "longer distances", "clinic-kafo": "may talk to you"},
        not_texts={"clinic-kafo": "lock the knee"},
    ),
    # n28: walks with help but cannot rise alone: every instruction to stand names the helper (A2)
    # review12o R12o-05: walking with help recorded beside rising unable even with help: the record is checked,
    # and until then the plan reads the patient as not walking (no chair for standing up; transfers by board)
    "43-idiopathic-walks-with-help-cannot-rise": Expect(
        offered={"clinic-alert-walking-rising-mismatch", "clinic-ot-toilet-seat", "eq-raised-toilet-seat"},
        not_offered={"clinic-ot-chair", "eq-armchair", "mgmt-pt-gait-training"},
        texts={"clinic-ot-toilet-seat": "helper"},
    ),
    # n29: clearance 20 on step 1: tramadol's caution (A4), cited (D22)
    "44-neoplastic-clearance-20-step-1": Expect(
        offered={"pgb-alert-renal-reduce"},
        texts={"who-step-2": "tramadol needs a longer interval"},
        evidence={"who-step-2": "SAFETY: Drugs and kidney function"},
        ladder="who-step-2",
    ),
    # n30: unknown cause with a cancer, palliative, severe pain on the top step: neuroablation for the pain
    # service to weigh, since tumour has not been excluded (G)
    "45-unknown-cancer-palliative-top-step": Expect(
        offered={"nlsp-analgesia-rhizotomy", "clinic-analgesia-palliative-pain-service"},
        texts={"nlsp-analgesia-rhizotomy": "tumour has not been excluded"},
        ladder="who-step-3",
    ),
    # n31: DVT with entrapment, falls and acute pain: glides, stretches, balance, helped movement and injections
    # all wait (A1)
    "46-entrapment-dvt-acute-pain-falls": Expect(
        offered={"clinic-alert-compression-dvt", "nlsp-pt-acute-positioning", "ex-position-back"},
        held={
            "clinic-pt-falls": "DVT",
            "entrap-pt-nerve-mobilization": "DVT",
            "clinic-pt-active-assisted": "DVT",
            "ex-sciatic-glide": "DVT",
            "ex-gentle-movement": "DVT",  # acute pain: gentle range within comfort (review12b finding 12)
            "entrap-analgesia-steroid-injection": "DVT",
        },
        not_texts={"nlsp-pt-acute-positioning": "Move your leg gently"},
        lines={"safety-check-dvt"},
    ),
    # n32: 100 mg/day at clearance 45 is inside the reduced band: one alert, which says so (B17)
    "47-idiopathic-pregabalin-100-clearance-45": Expect(
        offered={"pgb-alert-renal-reduce"},
        not_offered={"pgb-alert-out-of-band"},
        texts={
            "pgb-alert-renal-reduce": "within that range",
            "guide-analgesia-pregabalin": "recorded 100 mg/day",
        },
        not_texts={"pgb-alert-renal-reduce": "must be reduced", "guide-analgesia-pregabalin": "if prescribed"},
    ),
    # n33: an injury without its date: the onset stands in, heat waits, the plan asks for the date (A7)
    "48-traumatic-injury-date-not-recorded": Expect(
        offered={
            "safety-alert-record-event-date",
            "guide-med-trauma-imaging-delay",
            "safety-alert-surgical-precautions",
        },
        not_offered={"guide-med-mri-plexus"},
        held={"mgmt-analgesia-heat": "the injury was less than a month ago"},
        texts={"guide-med-electrodiagnostic": "not sooner", "guide-med-trauma-imaging-delay": "stands in for it"},
    ),
    # The DVT side recorded (history.dvt_side): the clot in the right leg holds heat and TENS there, while the
    # garment of the swollen left leg goes on (C26)
    "49-dvt-side-recorded-lymphedema-other-leg": Expect(
        offered={"nlsp-lymph-maintenance-garment", "clinic-lymph-screen", "clinic-alert-compression-dvt"},
        not_offered={"clinic-lymph-hold-compression"},
        held={"mgmt-analgesia-heat": "an acute DVT is recorded", "nlsp-analgesia-tens-anodyne": "DVT"},
        texts={
            "clinic-lymph-screen": "compression of this leg may continue",
            "clinic-alert-compression-dvt": "the right leg",
        },
        lines={"safety-check-dvt"},
    ),
    # --- Review 12b (c01-c27): the home programme, equipment and handout pass the same screens ----------------
    # c01: the leg recorded as swollen is the smaller one: no "mild" band for a negative excess; the clot leg is
    # named for the patient (12b-16, 12b-8)
    "50-neo-dvt-left-plexus-left-lymph-right": Expect(
        offered={"clinic-alert-lymph-smaller-leg"},
        not_offered={"clinic-lymph-severity"},
        texts={"clinic-alert-lymph-smaller-leg": "acute DVT is recorded in the left leg"},
        line_texts={"safety-check-dvt": "your left leg"},
    ),
    # c02: clot in the other leg: heat and TENS may go on, and their handouts keep them off the clot leg (12b-8)
    "51-radiation-dvt-other-leg-heat-tens": Expect(
        offered={"nlsp-analgesia-tens-anodyne"},
        # review12e R12e-06: prostate cancer with buttock pain: heat may go over the tumour (the warmth line for
        # the other leg is tested with calf pain alone in tests/plan/test_review12e.py)
        held={"mgmt-analgesia-heat": "may lie over the tumour"},
        texts={
            "nlsp-analgesia-tens-anodyne": "Keep the pads off your left leg",
        },
        line_texts={"safety-check-dvt": "your left leg"},
    ),
    # c03: walks only with another person's help: every standing, balance, walking and rising card names the
    # helper (12b-2, 12b-3)
    "52-idiopathic-pacemaker-numb-assisted": Expect(
        held={"nlsp-analgesia-tens-anodyne": "device team"},
        texts={
            "ex-balance-feet-together": "only with your helper",
            "ex-walking": "only with your helper",
            "ex-sit-to-stand": "lower yourself slowly, with your helper beside you",
            "clinic-aid-walker": "Walk only with your helper",
        },
        # said once, by the walker line, not again by the gait-training line (issue 12, fix 4)
        not_texts={"mgmt-pt-gait-training": "Walk only with your helper"},
    ),
    # c04: clearance 29, both first-line classes tried: one step-2 caution naming its own drugs, and the new
    # opioid step reviewed within 2 weeks (12b-23, 12b-27, 12b-18); pregabalin 200 mg/day is above the 25-150 band
    # of this clearance, so the dose is corrected before a combination is weighed (review 12g, R12g-07)
    "53-diabetic-crcl29-pgb200-tca-refractory": Expect(
        offered={"clinic-mon-pain-review"},
        texts={
            "mgmt-analgesia-neuropathic-adjuvants": "correct it first",
            # review 12j R12j-04: no opioid step opens beside a dose above its band
            "clinic-mon-pain-review": "of the dose correction",
        },
        not_texts={"mgmt-analgesia-neuropathic-adjuvants": "Both first-line classes"},
        ladder="who-step-1",
    ),
    # c05: clearance 30 is not below 30: the anti-inflammatory may be suggested for the entrapment
    "54-entrap-femoral-crcl30-pgb300": Expect(
        offered={"ex-femoral-glide"},
        texts={"entrap-analgesia-conservative-drugs": "anti-inflammatory drug"},
        not_offered={"ex-piriformis-stretch"},
    ),
    # c06: clearance 14: no anti-inflammatory suggested for the nerve (12b-9)
    "55-entrap-piriformis-crcl14-gabapentin-tried": Expect(
        texts={"entrap-analgesia-conservative-drugs": "no anti-inflammatory is suggested"},
        not_texts={"entrap-analgesia-conservative-drugs": "anti-inflammatory drug"},
        not_offered={"ex-hamstring-stretch"},  # held neural tension beside the sciatic glide (12b-5)
    ),
    # c07: a non-walker: purposes without walking, the hamstring stretch sitting back in the wheelchair (12b-24,
    # 12b-5)
    "56-unknown-bilateral-nonwalker-mrc3": Expect(
        not_texts={"ex-ankle-lifts": "walk", "ex-knee-straighten-seated": "walk"},
        texts={"ex-hamstring-stretch": "Sit well back"},
        not_offered={"ex-walking", "ex-balance-feet-together", "ex-hip-back-band"},
    ),
    # c08: cancer and both legs weak: the patient is told of the urgent spine check; no "do the ones kept" when
    # none is kept (12b-20, 12b-29)
    "57-neo-bilateral-mrc4-no-redflag": Expect(
        lines={"red-check-spine-review"},
        texts={"guide-pt-rehabilitation": "wait, as the urgent note at the top"},
        not_texts={"guide-pt-rehabilitation": "Keep doing them"},
    ),
    # c09: ruptured nerve, cannot stand: no seated hamstring stretch, balance trained sitting with a helper
    # (12b-5, 12b-13)
    "58-trauma-rupture-60d-nonwalker-mrc01": Expect(
        offered={"ex-sitting-balance", "clinic-pt-falls", "ex-transfer-board"},
        not_offered={"ex-hamstring-stretch", "ex-balance-feet-together", "ex-sit-to-stand"},
        texts={
            "clinic-pt-falls": "sitting down",
            # review12c A-2: the carer's knee bend never ends as a straight-leg raise on a ruptured nerve
            "ex-prom-knee": "lowers your thigh back to the bed as your knee straightens",
            "ex-ankle-pumps": "your helper moves it for you",  # review12c F-3: ankle graded 0
        },
        not_texts={"ex-prom-knee": "straightens your knee all the way"},
    ),
    # c10: palliative non-walker who cannot stand to transfer: a short comfort programme, sliding transfers
    # only, the helper lifts the legs into the bath (12b-14, 12b-3, 12b-21)
    "59-palliative-lymph-severe-nonwalker": Expect(
        offered={"ex-gentle-movement", "ex-transfer-board", "eq-tub-bench"},
        not_offered={
            "ex-heel-slides",
            "ex-sidelying-knee",
            "ex-hamstring-stretch",
            "ex-prone-lying",
            "clinic-ot-chair",
            "eq-armchair",
            "eq-toilet-frame",
        },
        texts={
            "eq-tub-bench": "helper lift your legs",
            "eq-raised-toilet-seat": "transfer board",
            "clinic-ot-toilet-seat": "Slide on and off",
        },
        not_texts={"eq-raised-toilet-seat": "Stand with the backs", "eq-commode": "stand or slide"},
        # in palliative care the one exercise line of the handout (the checklist's) asks for what helps (R12g-08)
        line_texts={"clinic-check-exercises": "Do the exercises that help you, as much as you feel able"},
        max_exercises=9,
    ),
    # c11: infection in a swollen leg with cancer: cellulitis until shown otherwise, same-day treatment, no
    # exercise of the leg, and the abscess check whatever the cause (12b-10)
    "60-palliative-lymph-maintenance-infection": Expect(
        offered={"safety-alert-infected-swollen-leg", "safety-med-infection-abscess"},
        not_offered={"ex-knee-lift-press", "ex-ankle-band-up", "ex-walking"},
        held={
            "ex-gentle-movement": "infection",
            # review12c A-3: no epidural, intrathecal or implanted procedure with an acute infection
            "nlsp-analgesia-interventional": "no epidural, intrathecal or implanted procedure",
            "mgmt-analgesia-scs-itb": "no epidural, intrathecal or implanted procedure",
        },
        lines={"safety-check-infected-leg"},
    ),
    # c12: day 10 after surgery with acute pain: gentle range only, no prone lying (12b-7, 12b-12)
    "61-postsurgical-day10-infection-assisted": Expect(
        offered={"ex-gentle-movement"},
        not_offered={"ex-prone-lying", "ex-seated-march", "ex-side-leg-lift", "ex-bridge", "ex-sit-to-stand"},
    ),
    # c13: acute pain on day 40: no strengthening with holds (12b-12)
    "62-postsurgical-day40-acute-pain": Expect(
        offered={"ex-gentle-movement"},
        not_offered={"ex-inner-leg-lift", "ex-knee-lift-press", "ex-balance-feet-together"},
    ),
    # c14: open injury, day 29: heat waits; gentle range while pain is acute (12b-12)
    "63-trauma-open-day29": Expect(
        offered={"ex-gentle-movement"},
        held={"mgmt-analgesia-heat": "less than a month ago"},
        not_offered={"ex-prone-knee-bend", "ex-ankle-lifts", "ex-calf-stretch"},
    ),
    # c15: blunt injury, day 31: heat may be offered
    "64-trauma-blunt-day31": Expect(offered={"mgmt-analgesia-heat", "ex-gentle-movement"}),
    # c16: allodynia: the TENS caution says where the pads go; the prognosis speaks of sensation (12b-15, 12b-30)
    "65-entrap-sensory-only-allodynia": Expect(
        texts={
            "nlsp-analgesia-tens-anodyne": "Allodynia is recorded",
            "entrap-mon-prognosis": "sensation",
        },
        not_texts={"nlsp-analgesia-tens-anodyne": "not recorded", "entrap-mon-prognosis": "MRC"},
        offered={"ex-sciatic-glide"},
    ),
    # c17: sensory only: no strengthening card
    "66-diabetic-sensory-only-numb": Expect(not_offered={"ex-walking", "ex-gentle-movement", "ex-seated-march"}),
    # c18: sciatic entrapment, site "other": the glide, never a held knee-straight stretch beside it (12b-5)
    "67-entrap-site-other-sciatic-pattern": Expect(
        offered={"ex-sciatic-glide", "ex-calf-stretch"},
        not_offered={"ex-hamstring-stretch", "ex-piriformis-stretch"},
        texts={"ex-calf-stretch": "rolled towel under your knee"},  # no knee-straight held stretch on the nerve
    ),
    # c19: the femoral glide is a slider: the head moves against the leg, no knee held to the chest (12b-26)
    "68-entrap-no-site-femoral-and-sciatic": Expect(
        offered={"ex-femoral-glide"},
        texts={"ex-femoral-glide": "look up"},
        not_texts={"ex-femoral-glide": "bottom knee up towards your chest"},
    ),
    # c20: 9/10 refractory to an SNRI on step 1: step 2, reviewed within 2 weeks (12b-18)
    "69-idiopathic-snri-tried-9-step1": Expect(
        offered={"clinic-mon-pain-review"},
        texts={"clinic-mon-pain-review": "pain service"},
        ladder="who-step-2",
    ),
    # c21: clot in the other leg: bandaging of the swollen leg goes on, its massage waits (12b-11)
    "70-es-neo-lymph-dvt-otherleg-helper": Expect(
        offered={"nlsp-lymph-reduction-wrap-massage"},
        held={"nlsp-lymph-reduction-massage": "DVT"},
        texts={"nlsp-lymph-reduction-wrap-massage": "right leg"},
        not_texts={"nlsp-lymph-reduction-wrap-massage": "massage"},
        lines={"clinic-check-bandage"},
        line_texts={"safety-check-dvt": "your left leg"},
    ),
    # c22: quadriceps MRC 2 in both legs, rising not recorded: stand up only with a helper (12b-4)
    "71-unknown-bilateral-mrc2-walker": Expect(
        texts={"clinic-ot-chair": "with your helper beside you", "clinic-ot-toilet-seat": "only with your helper"},
        not_texts={"clinic-ot-chair": "push up from the armrests", "clinic-ot-toilet-seat": "Push up"},
    ),
    # c23: clearance 20, severe cancer pain on step 2: step 3, one caution naming the step-3 drugs (12b-23)
    "72-neo-pacemaker-ct-crcl20": Expect(
        texts={"who-step-3": "morphine is a poor choice"},
        not_texts={"who-step-3": "codeine"},
        held={"nlsp-analgesia-tens-anodyne": "device team"},
        ladder="who-step-3",
    ),
    # c24: pain 2/10 on step 3 after radiotherapy: no sympathetic blocks or neurolysis listed (12b-17)
    "73-radiation-step3-pain2": Expect(
        offered={"mgmt-analgesia-post-radiation-multimodal"},
        not_texts={"mgmt-analgesia-post-radiation-multimodal": "neurolysis"},
    ),
    # c25: the knee may give way: no standing heel raises or standing band work; the lying alternatives (12b-6)
    "74-idiopathic-knee2-plantar4-device": Expect(
        offered={"ex-foot-push-band", "ex-bridge"},
        not_offered={"ex-heel-raises-standing", "ex-hip-back-band", "ex-balance-feet-together"},
        not_texts={"ex-walking": "walking aid of this plan: wheelchair"},
    ),
    # c26: penetrating injury with no date: no stretch along the nerve until the surgeon agrees (12b-5)
    "75-trauma-no-dates": Expect(
        held={"ex-hamstring-stretch": "penetrating"},
        offered={"safety-alert-record-event-date"},
    ),
    # c27: cancer, both legs weak, urgent spine review: no prone lying (12b-7)
    "76-unknown-cancer-bilateral-footdrop-nonwalker": Expect(
        held={"ex-prone-lying": "same-day review"},
        lines={"red-check-spine-review"},
    ),
    # review12c A-1 (d04): piriformis entrapment 26 days after an operation: no end-range stretch, glide or
    # resisted standing card before the surgical team's limits; the cards kept carry those limits
    "77-entrap-piriformis-after-surgery-day26": Expect(
        held={
            "ex-piriformis-stretch": "less than 6 weeks",
            "ex-sciatic-glide": "less than 6 weeks",
            "ex-hip-back-band": "less than 6 weeks",
            "ex-heel-raises-standing": "less than 6 weeks",
        },
        texts={
            "ex-walking": "limits your surgeon or doctor gave you",
            "ex-sit-to-stand": "limits your surgeon or doctor gave you",
            "safety-alert-surgical-precautions": "no stretches, nerve glides, or exercises against",
            # review12c B-2: injections around the nerve wait for the imaging that excludes a collection
            "entrap-analgesia-steroid-injection": "excluded a haematoma or collection",
            "entrap-analgesia-botulinum-piriformis": "excluded a haematoma or collection",
        },
    ),
    # review12c A-1 (x16): 20 days after an operation, MRC 4 hip and knee: resisted and standing-load cards wait
    "78-postsurgical-day20-walker": Expect(
        held={
            "ex-knees-apart-band": "less than 6 weeks",
            "ex-hip-back-band": "less than 6 weeks",
            "ex-knee-straighten-weight": "less than 6 weeks",
            "ex-heel-raises-standing": "less than 6 weeks",
        },
        texts={"ex-walking": "limits your surgeon or doctor gave you"},
    ),
    # review12c A-3 (d08): 7/10 twelve days after an infected open injury is acute pain for the ladder, not
    # refractory pain for epidurals, stimulators or neurolysis
    "79-trauma-open-day12-infection": Expect(
        # review12c C-1: an infected open injury is an urgent alert with a line for the patient
        offered={"safety-alert-infected-open-injury"},
        lines={"safety-check-infected-wound"},
        not_offered={"nlsp-analgesia-interventional", "mgmt-analgesia-scs-itb", "nlsp-analgesia-rhizotomy"},
        ladder="who-step-3",
        texts={
            # review12c A-2: an open injury: the thigh stays low while the knee is straightened
            "ex-prom-knee": "Never straighten your knee while your thigh is lifted",
            # review12c B-1: the abscess is looked for now; only the plexus study waits for the month
            "guide-med-trauma-imaging-delay": "only the dedicated plexus study waits",
            "safety-med-infection-abscess": "not deferred by the month's wait",
        },
    ),
    # review12c A-3 (d13): three days after an operation, with an acute DVT: the ladder first, no procedure
    "80-postsurgical-day3-dvt-arterial-lymph": Expect(
        not_offered={"nlsp-analgesia-interventional", "mgmt-analgesia-scs-itb"},
        ladder="who-step-3",
    ),
    # review12c A-3 (d14): red flags for spinal compression: nothing into the spine before the urgent imaging
    "81-neo-palliative-red-flags": Expect(
        offered={"red-alert-cauda-equina"},
        held={
            "nlsp-analgesia-interventional": "same-day review",
            "mgmt-analgesia-scs-itb": "same-day review",
        },
    ),
    # review12c A-3 (d15): a defibrillator holds TENS, and the stimulator item asks the cardiac device team
    "82-unknown-crcl10-defibrillator-refractory": Expect(
        held={"nlsp-analgesia-tens-anodyne": "device team"},
        texts={
            "mgmt-analgesia-scs-itb": "pacemaker or defibrillator is implanted",
            # review12c F-1, review 12j R12j-04: on step 2 with pregabalin above its band: stays until corrected
            "mgmt-analgesia-neuropathic-adjuvants": "no opioid step opens",
        },
    ),
    # review12c A-3: refractory pain on the top step with an acute DVT: the anticoagulant timing comes first
    "83-idiopathic-dvt-refractory-top-step": Expect(
        texts={
            "nlsp-analgesia-interventional": "anticoagulant timing",
            "mgmt-analgesia-scs-itb": "anticoagulant timing",
        },
    ),
    # review12c B-5 (d02): 6/10 on step 2 after radiotherapy: the procedures wait for refractory pain in every item
    "84-neo-wheelchair-lymph-dvt-same-leg": Expect(
        texts={
            # review 12s-A06: the blocks for refractory pain are the pain-service item's, pointed to here
            "mgmt-analgesia-post-radiation-multimodal": "procedures: see the pain-service item",
            "nlsp-analgesia-pain-service": "if the pain becomes refractory",
            # review12c B-4: the carer's ankle stretch on the clot leg is not held at the end
            "ex-prom-ankle": "without holding it",
        },
        not_texts={"mgmt-analgesia-post-radiation-multimodal": "while the pain is not controlled"},
    ),
    # review12c A-4 (d10): aged 97 with two falls and no clearance: tricyclic and NSAID cautions where they are named
    "85-entrap-femoral-aged-97-falls": Expect(
        texts={
            "mgmt-analgesia-neuropathic-adjuvants": "a tricyclic is a poor first choice",
            "who-step-1": "record one before an NSAID is chosen",
        },
        # review12d N-3: the entrapment item points to the ladder item and does not repeat its caution
        not_texts={"entrap-analgesia-conservative-drugs": "record one before an NSAID is chosen"},
    ),
    # review12c A-4 (d11): a 9-year-old: every drug item held for a paediatric specialist, one alert
    "86-trauma-blunt-child-aged-9": Expect(
        offered={"safety-alert-paediatric"},
        held={
            "who-step-2": "paediatric specialist",
            "guide-analgesia-pregabalin": "paediatric specialist",
            "mgmt-analgesia-neuropathic-adjuvants": "paediatric specialist",
        },
        texts={"safety-alert-paediatric": "Codeine and tramadol are not used under 12"},
        not_offered={"pgb-alert-record-clearance"},
    ),
    # review12c B-6 (d06): rising needs help, so walking is with the helper in the card, the aid item and the list
    "87-diabetic-crcl25-rises-with-help-device": Expect(
        texts={
            "ex-walking": "Walk only with your helper beside you",
            "clinic-aid-walker": "Walk only with your helper beside you",
        },
        line_texts={"clinic-check-walking-aid": "Walk only with your helper beside you"},
    ),
    # review12c B-3 (d07): palliative care: the therapy handout lines follow comfort, as the cards do
    "88-neo-palliative-step3-crcl40-assisted": Expect(
        texts={
            "nlsp-pt-arom-progression": "on the days it helps you",
            "mgmt-pt-gait-training": "If walking matters to you",
            "nlsp-analgesia-tens-anodyne": "numb in places and over-sensitive in others",  # review12c F-2
            "mgmt-analgesia-neuropathic-adjuvants": "related to cancer or its treatment",  # review12c F-4
            "eq-walker": "Walk only with your helper beside you",  # review12c F-8
        },
        not_texts={
            "nlsp-pt-arom-progression": "light resistance",
            "mgmt-pt-strength-flexibility-gait": "strength and stretch",
            "nlsp-pt-contracture-prevention": "even when they feel stiff",
            "nlsp-pt-mobilize-dvt-watch": "often during the day",
        },
    ),
    # review12c C-2 (d12): recorded as walking alone with the quadriceps graded 0: the clinician is asked to check
    "89-idiopathic-walks-alone-knee-grade-0": Expect(
        offered={"clinic-alert-function-grade-mismatch"},
        texts={"clinic-alert-function-grade-mismatch": "walks without another person's help"},
    ),
    # review12c E-1 (d09): one towel card for an ankle graded 2, its last repetition held as the calf stretch
    "90-idiopathic-cannot-stand-ankle-grade-2": Expect(
        offered={"ex-ankle-assisted"},
        not_offered={"ex-calf-stretch"},
        texts={"ex-ankle-assisted": "slow count of 30 to stretch your calf"},
    ),
}


def case_paths() -> list[Path]:
    return sorted(CASES_DIR.glob("*.json"))


def test_every_case_has_expectations_and_every_cause_a_case() -> None:
    paths = case_paths()
    assert [p.stem for p in paths] == sorted(EXPECTATIONS)
    causes = {json.loads(p.read_text(encoding="utf-8"))["history"]["etiology"] for p in paths}
    from planner.assessment.schema import ETIOLOGIES

    assert len(paths) == 90 and causes == set(ETIOLOGIES)


TEXT_KEYS = ("title", "text", "detail", "handout", "precautions", "name", "purpose")


def entry_text(entry: dict[str, Any]) -> str:
    return " ".join([*(str(entry.get(k) or "") for k in TEXT_KEYS), *entry.get("instructions", ())])


@pytest.mark.parametrize("path", case_paths(), ids=lambda p: p.stem)
def test_case(library: Any, path: Path) -> None:
    check_case(library, path, EXPECTATIONS[path.stem])


def expected_cases(folder: Path, expectations: dict[str, Expect]) -> list[Any]:
    """pytest parameters (path, expectation) for a reviewer's case folder: every expectation names a case file
    there (a folder may hold cases that only the lint reads, tests/plan/test_plan_lint.py)."""
    return [pytest.param(folder / f"{stem}.json", expect, id=stem) for stem, expect in sorted(expectations.items())]


def check_case(library: Any, path: Path, expect: Expect) -> None:
    """The plan of the case at ``path`` has what ``expect`` says, and passes the lint and the clinical invariants."""
    assessment = validate_assessment(json.loads(path.read_text(encoding="utf-8")))
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
        assert words in entry_text(entries[item_id]), item_id
    for item_id, words in expect.not_texts.items():
        assert item_id not in entries or words not in entry_text(entries[item_id]), item_id
    lines = {line["id"] for lines_ in plan["handout"].values() for line in lines_}
    assert expect.lines <= lines, f"missing lines {expect.lines - lines}"
    assert not expect.no_lines & lines, f"unexpected lines {expect.no_lines & lines}"
    for item_id, place in expect.evidence.items():
        assert place in [f"{e['document_id']}: {e['section']}" for e in entries[item_id]["evidence"]], item_id
    for item_id, place in expect.no_evidence.items():
        assert place not in [f"{e['document_id']}: {e['section']}" for e in entries[item_id]["evidence"]], item_id
    texts_of_lines = {line["id"]: line["text"] for lines_ in plan["handout"].values() for line in lines_}
    for line_id, words in expect.line_texts.items():
        assert words in texts_of_lines[line_id], line_id
    if expect.max_exercises is not None:
        assert len(plan["exercises"]) <= expect.max_exercises, [e["id"] for e in plan["exercises"]]
    if expect.ladder is not None:
        assert [i for i in entries if i.startswith("who-step-")] == [expect.ladder]
    assert lint_plan(plan, library, findings) == []
    assert clinical_invariants(assessment, plan, findings) == []
