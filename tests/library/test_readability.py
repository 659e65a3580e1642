"""Plain language, measured: every text the shipped documents write for patients reads easily.

The score is Flesch reading ease, computed by planner.library.readability (textstat needs a pronouncing
dictionary downloaded at run time, which an offline machine cannot fetch). Thresholds, and why:

* each text of ten words or more: 60 or more, the lower edge of "plain English" (about school grade 8), the
  usual ceiling for patient material;
* a shorter line: 50 or more; in a line of seven words one unavoidable word ("therapist") moves the score by
  ten points, so the formula says little about it;
* all texts read together: 80 or more, "easy" (about grade 6), the level health-literacy guidance asks for.
"""

from __future__ import annotations

import pytest

from planner.library.files import read_shipped_documents
from planner.library.readability import (
    as_read,
    combined_reading_ease,
    measure,
    patient_texts,
    reading_ease,
    syllables,
)

EACH = 60.0
SHORT = 50.0
SHORT_WORDS = 10
ALL = 80.0


@pytest.mark.parametrize(
    ("word", "count"),
    [
        ("leg", 1),
        ("knee", 1),
        ("walked", 1),
        ("lifted", 2),
        ("pushes", 2),
        ("strokes", 1),
        ("gently", 2),
        ("table", 2),
        ("ankle", 2),
        ("slowly", 2),
        ("straighten", 2),
        ("therapist", 3),
        ("exercise", 3),
        ("position", 3),
        ("lymphedema", 4),
        ("comfortable", 4),
        ("every", 2),
        ("10", 1),
        ("30", 2),
    ],
)
def test_syllables_of_words_patient_texts_use(word: str, count: int) -> None:
    assert syllables(word) == count


def test_flesch_formula() -> None:
    # 6 words, 6 syllables, 1 sentence: 206.835 - 1.015 * 6 - 84.6 * 1
    assert reading_ease("The cat sat on the mat.") == pytest.approx(116.145)
    two = measure("Lift your leg. Lower it slowly.")
    assert (two.sentences, two.words, two.syllables) == (2, 6, 8)
    assert reading_ease("") == 100.0


def test_the_check_bites_on_clinical_prose() -> None:
    jargon = (
        "Progressive resistive exercise of the quadriceps femoris is contraindicated in acute "
        "neuropathic exacerbation pending multidisciplinary reassessment."
    )
    assert reading_ease(jargon) < 0
    plain = "Do not lift weights while your pain is bad. Your therapist will tell you when to start."
    assert reading_ease(plain) >= EACH


def test_templates_are_read_as_printed_at_their_longest() -> None:
    """Optional segments print, their tests stay silent, an inserted finding reads as one short word."""
    text = "Use it gently.[[ {?known_malignancy}Never put warmth over {heat_site}.]][[ Side: {side}.]]"
    assert as_read(text) == "Use it gently. Never put warmth over it. Side: it."
    assert "[" not in as_read("[[{?a}{?b}Stop.]]") and as_read("[[{?a}{?b}Stop.]]") == "Stop."


# Handout lines issue 12 added or rewrote: held to the same plain-language floor as every other.
ISSUE_12_LINES = {
    "clinic-pt-passive",
    "clinic-pt-active-assisted",
    "clinic-pt-non-ambulatory",
    "clinic-afo-positioning",
    "mgmt-analgesia-heat",
    "mgmt-analgesia-cold",
    "nlsp-analgesia-tens-anodyne",
    "clinic-ot-chair",
    "clinic-ot-toilet-seat",
}


def test_every_patient_text_in_the_shipped_library_is_plain() -> None:
    texts = patient_texts(read_shipped_documents())
    labels = {label.split(":")[0] for label, _ in texts}
    assert len(texts) >= 100
    assert {"ex-bridge", "eq-reacher", "clinic-call-fall", "nlsp-pt-acute-positioning"} <= labels
    assert labels >= ISSUE_12_LINES
    assert not [text for _, text in texts if "[[" in text or "]]" in text or "{" in text]
    failures = []
    for label, text in texts:
        score = reading_ease(text)
        floor = EACH if measure(text).words >= SHORT_WORDS else SHORT
        if score < floor:
            failures.append(f"{label}: {score:.0f} < {floor:.0f}: {text}")
    assert not failures, "texts that are not plain enough:\n" + "\n".join(failures)
    assert combined_reading_ease(text for _, text in texts) >= ALL


def test_the_handouts_own_sentences_are_plain_too() -> None:
    """The English labels of the handout that are sentences (the chart's instruction, the dosage mark) are held
    to the same floor as the documents' texts; headings and one-word labels are not sentences."""
    from planner.export.handout_labels import LABELS

    sentences = [text for text in LABELS["en"].values() if text.endswith(".") and len(text.split()) >= 4]
    assert sentences
    for text in sentences:
        floor = EACH if measure(text).words >= SHORT_WORDS else SHORT
        assert reading_ease(text) >= floor, text
