"""Patient texts in Spanish: translation files checked like documents, stale and missing texts in English, visibly.

The handouts are rendered from real plans of the shipped library and read back with pypdf.
"""

from __future__ import annotations

import copy
import io
import re
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader

from planner.assessment.validate import validate_assessment
from planner.edits import PlanEdits, apply_edits, set_patient_text
from planner.errors import AssessmentError, DocumentError
from planner.export.clinician import render_clinician_pdf
from planner.export.context import ClinicInfo, ExportContext
from planner.export.handout import render_handout_pdf
from planner.export.handout_labels import LABELS
from planner.library.compiler import compile_library
from planner.library.files import read_shipped_documents
from planner.library.parser import parse_document
from planner.library.translations import (
    TRANSLATED,
    parse_translation,
    raise_problems,
    read_shipped_translations,
    source_texts,
    translation_skeleton,
)
from planner.plan.generate import generate_plan
from tests.conftest import load_example

CONTEXT = ExportContext(
    clinic=ClinicInfo(name="Clínica del Río", phone="555 0142"), generated_at=datetime(2026, 12, 1, 10, tzinfo=UTC)
)
STALE_NOTE = "en inglés: la traducción no está al día"
MISSING_NOTE = "en inglés: falta la traducción"


@pytest.fixture(scope="module")
def documents() -> list[Any]:
    return read_shipped_documents()


@pytest.fixture(scope="module")
def spanish(documents: list[Any]) -> Any:
    """The shipped library with its shipped translations."""
    return compile_library(documents, translations=read_shipped_translations())


def spanish_assessment() -> dict[str, Any]:
    raw = load_example("neoplastic-after-radiation")
    raw["patient"]["language"] = "es"
    return validate_assessment(raw)


def text_of(pdf: bytes) -> str:
    return " ".join(" ".join((page.extract_text() or "").split()) for page in PdfReader(io.BytesIO(pdf)).pages)


def squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


def test_every_shipped_patient_text_has_a_current_spanish_translation(spanish: Any, documents: list[Any]) -> None:
    assert spanish.translations.problems == {}
    assert spanish.translations.stale == {}
    wanted = {block_id for document in documents for block_id in source_texts(document)}
    assert len(wanted) >= 120
    assert set(spanish.translations.texts["es"]) == wanted
    assert all(t.status == TRANSLATED for t in spanish.translations.texts["es"].values())
    raise_problems(spanish.translations)  # nothing to raise


def test_a_spanish_plan_carries_every_patient_text_in_spanish(spanish: Any) -> None:
    plan = generate_plan(spanish_assessment(), spanish)
    assert plan["language"] == "es"
    carried = [
        *(i for s in plan["sections"] for i in s["items"] if i.get("handout")),
        *plan["handout"]["checklist"],
        *plan["handout"]["call"],
        *plan["exercises"],
        *plan["equipment"],
    ]
    assert carried and all(entry["translation"]["status"] == "translated" for entry in carried)
    bridge = next(e for e in plan["exercises"] if e["id"] == "ex-bridge")["translation"]
    assert bridge["name"] == "Puente" and len(bridge["instructions"]) == 3
    walker = next(line for line in plan["handout"]["checklist"] if line["id"] == "clinic-check-walking-aid")
    # Getting up needs help, so the line adds the helper; the finding's value is translated, its test is not.
    assert walker["text"] == "Use your walker every time you walk. Walk only with your helper beside you."
    assert (
        walker["translation"]["text"]
        == "Use su andador cada vez que camine. Camine únicamente con su ayudante a su lado."
    )
    english = generate_plan(load_example("neoplastic-after-radiation"), spanish)
    assert "language" not in english and all("translation" not in entry for entry in english["exercises"])


def test_the_spanish_handout(spanish: Any) -> None:
    assessment = spanish_assessment()
    plan = apply_edits(generate_plan(assessment, spanish), PlanEdits(equipment={"eq-reacher": "issued"}))
    text = text_of(render_handout_pdf(plan, assessment, CONTEXT))
    for words in (
        "El plan de su terapeuta",
        "Cuándo llamarnos",
        "Sus ejercicios",
        "Ejercicio 2: Puente",
        "Cómo hacerlo",
        "2 series de 10",
        "dos veces al día",
        "Mantenga: 3 segundos",
        "Pinza de alcance",
        "Se lo hemos dado",
        "Su registro de ejercicios",
        "Semana",
        "Llámenos al 555 0142",
        "Página 1 de",
        "Use su andador cada vez que camine.",
        "Vaya a urgencias ahora si no puede orinar",
    ):
        assert squash(words) in squash(text), words
    assert STALE_NOTE not in text and MISSING_NOTE not in text
    assert "Your exercises" not in text and "Bridge" not in text


def changed_document(documents: list[Any], document_id: str, old: str, new: str) -> list[Any]:
    out = []
    for document in documents:
        if document.id == document_id:
            assert old in document.body
            document = parse_document(document.body.replace(old, new, 1), document.origin_name)
        out.append(document)
    return out


def test_a_stale_translation_prints_the_english_and_says_so(documents: list[Any]) -> None:
    home = next(document for document in documents if document.id == "HOME-EXERCISE")
    purpose = source_texts(home)["ex-bridge"]["purpose"]
    stronger = "purpose: Makes your buttock muscles stronger."
    changed = changed_document(documents, "HOME-EXERCISE", f"purpose: {purpose}", stronger)
    library = compile_library(changed, translations=read_shipped_translations())
    assert library.translations.stale == {"es/HOME-EXERCISE.md": ["ex-bridge"]}
    assessment = spanish_assessment()
    plan = apply_edits(generate_plan(assessment, library), PlanEdits())
    bridge = next(e for e in plan["exercises"] if e["id"] == "ex-bridge")
    assert bridge["translation"] == {"language": "es", "status": "stale"}
    text = text_of(render_handout_pdf(plan, assessment, CONTEXT))
    assert squash(f"Bridge ({STALE_NOTE})") in squash(text)
    assert squash("Makes your buttock muscles stronger") in squash(text)
    assert squash("Algunos textos de este plan están en inglés") in squash(text)  # said once, on page 1
    assert squash("Ejercicio 1: Mover el tobillo con una toalla") in squash(text)  # the others stay Spanish


def test_a_missing_translation_prints_the_english_and_says_so(documents: list[Any]) -> None:
    translations = read_shipped_translations()
    for translation in translations:
        translation.blocks = [block for block in translation.blocks if block.id != "clinic-call-fall"]
    library = compile_library(documents, translations=translations)
    assessment = spanish_assessment()
    plan = apply_edits(generate_plan(assessment, library), PlanEdits())
    line = next(entry for entry in plan["handout"]["call"] if entry["id"] == "clinic-call-fall")
    assert line["translation"] == {"language": "es", "status": "missing"}
    text = text_of(render_handout_pdf(plan, assessment, CONTEXT))
    assert squash(f"You fall, even if you are not hurt. ({MISSING_NOTE})") in squash(text)
    assert squash("Algunos textos de este plan están en inglés") in squash(text)


def test_the_clinicians_wording_wins_over_the_translation(spanish: Any) -> None:
    assessment = spanish_assessment()
    edits = set_patient_text(PlanEdits(), "clinic-aid-walker", "Use el andador rojo, el que le prestamos.")
    plan = apply_edits(generate_plan(assessment, spanish), edits)
    text = text_of(render_handout_pdf(plan, assessment, CONTEXT))
    assert squash("Use el andador rojo, el que le prestamos.") in squash(text)
    assert squash("Manténgalo cerca, delante de usted") not in squash(text)


def test_the_clinician_plan_names_the_handout_language(spanish: Any) -> None:
    assessment = spanish_assessment()
    plan = apply_edits(generate_plan(assessment, spanish), PlanEdits())
    first_page = squash(PdfReader(io.BytesIO(render_clinician_pdf(plan, assessment, CONTEXT))).pages[0].extract_text())
    assert squash("Handout language Spanish") in first_page


def test_patient_language_is_checked_like_every_field() -> None:
    raw = load_example("neoplastic-after-radiation")
    raw["patient"]["language"] = "fr"
    with pytest.raises(AssessmentError) as caught:
        validate_assessment(raw)
    assert "patient.language" in str(caught.value)
    raw["patient"]["language"] = None
    assert validate_assessment(raw)["patient"]["language"] is None


def broken(body: str) -> dict[str, list[str]]:
    """Problems found in a HOME-EXERCISE translation made of ``body``, as 'line N: message'."""
    text = f"---\ndocument: HOME-EXERCISE\nlanguage: es\n---\n\n{body}"
    library = compile_library(read_shipped_documents(), translations=[parse_translation(text, "es/test.md")])
    return {origin: [str(p) for p in problems] for origin, problems in library.translations.problems.items()}


def block(source: str | None = None, **fields: str | list[str]) -> str:
    documents = {d.id: d for d in read_shipped_documents()}
    english = source_texts(documents["HOME-EXERCISE"])["ex-lymph-elevation"]
    from planner.library.translations import source_hash

    lines = ["::: translation ex-lymph-elevation", f"source: {source or source_hash(english)}"]
    one_or_both = "[[{?not lymph_both_legs}a]][[{?lymph_both_legs}b]]"  # the card speaks of one leg or of both
    values = {
        "name": f"Elevar {one_or_both}",
        "purpose": f"Deja salir el líquido {one_or_both}.",
        "step": ["Uno.", f"Dos {one_or_both}.", f"Tres {one_or_both}.[[ {{?not dvt}}Cuatro.]]"],
        "precautions": f"Cómoda {one_or_both}.[[ {{?pregnant}}De lado.]]",
    }
    values.update(fields)
    for key, value in values.items():
        for text in value if isinstance(value, list) else [value]:
            lines.append(f"{key}: {text}")
    return "\n".join([*lines, ":::"]) + "\n"


def test_a_good_block_passes_the_checks() -> None:
    assert broken(block()) == {}


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (block(step=["Uno.", "Dos.", "Tres. Cuatro."]), "line 12: step: inserts nothing where the English inserts"),
        (block(step=["Uno.", "Dos.", "Tres.[[ {?dvt}Y.]]"]), "line 12: step: inserts [[{?dvt}]] where the"),
        (block(precautions="Cómoda.[[ {?elevation_caution}Sí.]]"), "line 13: precautions: inserts"),
        (block(purpose="Deja salir {pain_nrs} el líquido."), "line 9: purpose: inserts {pain_nrs} where the English"),
        (block(purpose="Deja salir {nothing_here}."), "line 9: purpose: unknown finding '{nothing_here}'"),
        (block(step=["Uno.", "Dos."]), "line 6: ex-lymph-elevation: 2 steps, the English has 3"),
        (block(detail="Para el clínico."), "line 14: ex-lymph-elevation: unknown field 'detail'"),
        (
            block().replace("name: Elevar [[{?not lymph_both_legs}a]][[{?lymph_both_legs}b]]\n", ""),
            "field 'name' is not translated",
        ),
        (block(source="12345"), "line 7: ex-lymph-elevation: 'source:' is required"),
        (block().replace("ex-lymph-elevation\n", "ex-nothing\n", 1), "line 6: 'ex-nothing' is not a patient text of"),
        (block() + "\n" + block(), "line 16: 'ex-lymph-elevation' is translated twice"),
        ("::: values nothing_known\na => b\n:::\n", "line 6: values: unknown finding 'nothing_known'"),
        ("::: values pain_nrs\n1 => uno\n:::\n", "line 6: values: 'pain_nrs' is not a text finding"),
        ("::: wrong x\n:::\n", "line 6: a block opens with '::: translation ID' or '::: values FINDING'"),
        (block(purpose="[[Deja {?lymphedema}]] salir."), "line 9: purpose: inserts [[{?lymphedema}]] where"),
    ],
)
def test_a_wrong_translation_is_refused_with_its_line(body: str, message: str) -> None:
    problems = broken(body)
    assert "es/test.md" in problems
    assert any(message in problem for problem in problems["es/test.md"]), problems


def test_a_wrong_header_is_refused() -> None:
    for header, message in (
        ("document: HOME-EXERCISE\nlanguage: fr", "language: one of es"),
        ("document: NO-SUCH-DOC\nlanguage: es", "document: no document 'NO-SUCH-DOC' in the library"),
        ("language: es", "header key 'document' is required"),
    ):
        translation = parse_translation(f"---\n{header}\n---\n", "es/x.md")
        library = compile_library(read_shipped_documents(), translations=[translation])
        with pytest.raises(DocumentError, match=re.escape(message)):
            raise_problems(library.translations)


def test_a_file_with_an_error_is_not_used_and_its_texts_fall_back_to_english(documents: list[Any]) -> None:
    translations = read_shipped_translations()
    home = next(t for t in translations if t.document == "HOME-EXERCISE")
    home.blocks[0].fields["name"] = ("Descansar {no_such_finding}", home.blocks[0].fields["name"][1])
    library = compile_library(documents, translations=translations)
    assert "es/HOME-EXERCISE.md" in library.translations.problems
    plan = generate_plan(spanish_assessment(), library)
    assert {e["translation"]["status"] for e in plan["exercises"]} == {"missing"}
    assert {e["translation"]["status"] for e in plan["equipment"]} == {"translated"}  # other files still used


def test_the_skeleton_keeps_what_is_translated_and_lists_what_is_not(documents: list[Any], tmp_path: Path) -> None:
    by_id = {d.id: d for d in documents}
    shipped = next(t for t in read_shipped_translations() if t.document == "CLINIC")
    again = translation_skeleton(by_id["CLINIC"], "es", shipped)
    reparsed = parse_translation(again, "es/CLINIC.md")
    library = compile_library(documents, translations=[reparsed])
    assert library.translations.problems == {}
    assert len(library.translations.texts["es"]) == len(source_texts(by_id["CLINIC"]))
    assert "walker => andador" in again
    fresh = translation_skeleton(by_id["RED-FLAGS"], "es")
    assert "Call the clinic now or go to emergency if your legs get weaker" in fresh


def test_every_language_has_every_label() -> None:
    english = set(LABELS["en"])
    for language, table in LABELS.items():
        assert set(table) == english, language


def test_an_unknown_language_prints_english(spanish: Any) -> None:
    raw = copy.deepcopy(load_example("neoplastic-after-radiation"))
    plan = apply_edits(generate_plan(raw, spanish, language="en"), PlanEdits())
    assert plan["language"] == "en"
    text = text_of(render_handout_pdf(plan, raw, CONTEXT))
    assert "Your plan from your therapist" in text and "Sus ejercicios" not in text


def c21_like() -> dict[str, Any]:
    """Review 12b's case c21: a Spanish-speaking walker with a helper, lymphedema of the right leg and a clot in
    the left leg."""
    raw = load_example("neoplastic-after-radiation")
    raw["patient"]["language"] = "es"
    raw["history"].update({"dvt": True, "dvt_side": "left"})
    raw["function"].update({"ambulation": "device", "sit_to_stand": "needs_help", "standing_transfer": "needs_help"})
    return validate_assessment(raw)


def spanish_texts(plan: dict[str, Any]) -> dict[str, list[str]]:
    """Every carried patient text's Spanish, by id (steps and fields joined in order)."""
    out: dict[str, list[str]] = {}
    entries = [
        *(i for s in plan["sections"] for i in s["items"] if i.get("handout")),
        *plan["handout"]["checklist"],
        *plan["handout"]["call"],
        *plan["exercises"],
        *plan["equipment"],
    ]
    for entry in entries:
        translation = entry.get("translation") or {}
        texts = [translation.get(k) for k in ("handout", "text", "name", "purpose", "precautions")]
        texts += translation.get("instructions") or []
        out[entry["id"]] = [text for text in texts if text]
    return out


def test_translated_values_print_but_the_segments_test_the_real_finding(spanish: Any) -> None:
    """A ``values`` block changes how a finding prints, never what a segment tests: ``{?dvt_side in ['left',
    'right']}`` and ``{?walking_aid in ['cane', 'walker']}`` hold for a Spanish handout as for an English one."""
    plan = generate_plan(c21_like(), spanish)
    texts = spanish_texts(plan)
    clot = " ".join(texts["safety-check-dvt"])
    assert (
        "Tiene un coágulo de sangre en la pierna izquierda. No frote, apriete, caliente ni enfríe esa pierna." in clot
    )
    assert "ninguna de las dos" not in clot  # the side is recorded: the unknown-side sentence is not printed
    walks = generate_plan(spanish_assessment(), spanish)  # the same patient without the clot walks at home
    walking = next(e for e in walks["exercises"] if e["id"] == "ex-walking")
    assert walking["instructions"][0].startswith("Walk with your walker")
    assert walking["translation"]["instructions"][0].startswith("Camine con su andador por un camino llano")
    assert "Camine únicamente con su ayudante a su lado." in walking["translation"]["instructions"][0]


def test_the_spanish_keeps_the_helper_and_clot_guards_of_the_english(spanish: Any) -> None:
    """Findings 1 and 22 of review 12b: the standing, clot and meaning fixes reach the Spanish handout."""
    plan = generate_plan(c21_like(), spanish)
    texts = {key: " ".join(value) for key, value in spanish_texts(plan).items()}
    every = " ".join(texts.values())
    if "clinic-ot-chair" in texts:
        # the clot holds rising practice: no taught method, the helper kept (review 12s-A03)
        assert "levántese de ella solo cuando lo necesite, con su ayudante a su lado" in texts["clinic-ot-chair"]
        assert "le enseñó su terapeuta" not in texts["clinic-ot-chair"]
    if "clinic-ot-toilet-seat" in texts:
        assert "levántese de él únicamente con su ayudante a su lado" in texts["clinic-ot-toilet-seat"]
    if "nlsp-analgesia-tens-anodyne" in texts:
        assert "piel con heridas o irritada" in texts["nlsp-analgesia-tens-anodyne"]
        assert (
            "No ponga los parches en la pierna izquierda, donde está el coágulo."
            in texts["nlsp-analgesia-tens-anodyne"]
        )
    assert "dolorida" not in texts.get("nlsp-analgesia-tens-anodyne", "")
    assert "Nunca vende la pierna que tiene el coágulo." in texts["nlsp-lymph-reduction-wrap-massage"]
    assert "Deje los vendajes de la pierna derecha" in texts["nlsp-lymph-reduction-wrap-massage"]
    assert "Siga haciéndolos como se planeó" not in every  # exercise is held while the clot is recorded


def test_the_meaning_fixes_of_review_12b_finding_22(spanish: Any) -> None:
    texts = {
        block.id: {**{k: v for k, (v, _line) in block.fields.items()}, "step": [v for v, _line in block.steps]}
        for translation in read_shipped_translations()
        for block in translation.blocks
    }
    assert "piel con heridas o irritada" in texts["nlsp-analgesia-tens-anodyne"]["handout"]
    assert texts["ex-wheelchair-pressure-relief"]["step"][2].startswith("Si no puede levantar las nalgas del asiento")
    for joint in ("hip", "knee", "ankle"):
        assert texts[f"ex-prom-{joint}"]["name"].endswith("que le hace su ayudante")
    assert "no se quede detrás de él" in texts["clinic-aid-walker"]["handout"]
    assert all("de pie" not in step and "levante\u0020" not in step for step in texts["eq-wheelchair"]["step"][:2])


def test_docs_check_lists_the_blocks_with_no_translation(documents: list[Any]) -> None:
    from planner.library.translations import untranslated

    translations = read_shipped_translations()
    for translation in translations:
        translation.blocks = [block for block in translation.blocks if block.id != "ex-sitting-balance"]
    library = compile_library(documents, translations=translations)
    assert untranslated(library.translations, documents, "es") == {"HOME-EXERCISE": ["ex-sitting-balance"]}
    shipped = compile_library(documents, translations=read_shipped_translations())
    assert untranslated(shipped.translations, documents, "es") == {}


def test_the_spanish_handout_has_no_english_header_or_footer(spanish: Any) -> None:
    assessment = spanish_assessment()
    plan = apply_edits(generate_plan(assessment, spanish), PlanEdits())
    plan["library_version"] = "shipped-1"
    text = text_of(render_handout_pdf(plan, assessment, CONTEXT))
    assert "Draft, for clinician review" not in text and "Library version" not in text
    assert squash("Borrador, pendiente de revisión") in squash(text)
    assert squash("Versión de las guías shipped-1") in squash(text)


def test_every_hour_reads_without_a_one() -> None:
    from planner.export.handout_labels import dosage_rows

    assert dosage_rows({"every_minutes": 60}, "es") == [("Con qué frecuencia", "cada hora")]
    assert dosage_rows({"every_minutes": 60}, "en") == [("How often", "every hour")]
    assert dosage_rows({"every_minutes": 30}, "es") == [("Con qué frecuencia", "cada 30 minutos")]


def test_the_clinician_is_told_how_many_texts_print_in_english(documents: list[Any]) -> None:
    from planner.export.service import render_document

    home = next(document for document in documents if document.id == "HOME-EXERCISE")
    purpose = source_texts(home)["ex-bridge"]["purpose"]
    changed = changed_document(documents, "HOME-EXERCISE", f"purpose: {purpose}", "purpose: Makes you stronger.")
    library = compile_library(changed, translations=read_shipped_translations())
    assessment = spanish_assessment()
    plan = apply_edits(generate_plan(assessment, library), PlanEdits())
    rendered = render_document(plan, assessment, CONTEXT, handout=True)
    assert rendered.english_texts == 1  # the bridge's card (its name, purpose, steps and precautions)
    assert rendered.warning is not None
    assert rendered.warning.startswith("1 patient text prints in English on this Spanish handout")
    shipped = compile_library(documents, translations=read_shipped_translations())
    current = apply_edits(generate_plan(assessment, shipped), PlanEdits())
    assert render_document(current, assessment, CONTEXT, handout=True).warning is None
    assert render_document(plan, assessment, CONTEXT, handout=False).warning is None  # the clinician plan
