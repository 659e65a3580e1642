"""How easy a patient text is to read: the Flesch reading ease score, computed here.

Why our own: the usual package (textstat) counts syllables with a pronouncing dictionary that it downloads
the first time it runs, which an offline clinic machine (and CI) cannot do. Flesch's formula is public and
short; what needs care is counting syllables, done here by the usual rules for English spelling (vowel groups,
a silent final e, -ed and -es endings), which agree with a dictionary for the plain words patient texts use.

Score = 206.835 - 1.015 x (words per sentence) - 84.6 x (syllables per word). 60 to 70 reads as plain English
(school grade 8 to 9), 70 to 80 as fairly easy (grade 7), 80 and above as easy.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from planner.library.parser import ParsedDocument

_WORD = re.compile(r"[A-Za-z]+(?:'[A-Za-z]+)?|\d+(?:[.,]\d+)?")
_SENTENCE_END = re.compile(r"[.!?]+(?:\s|$)")
_VOWEL_GROUP = re.compile(r"[aeiouy]+")
_EXCEPTIONS = {
    "every": 2,
    "area": 3,
    "idea": 3,
    "create": 2,
    "being": 2,
    "doing": 2,
    "going": 2,
    "quiet": 2,
    "sometimes": 2,
    "someone": 2,
    "anyone": 3,
    "everyone": 3,
    "something": 2,
    "people": 2,
    "towards": 2,
    "toward": 2,
    "clothes": 1,
    "shoes": 1,
    "doctor": 2,
    "fluid": 2,
    "ankles": 2,
    "ankle": 2,
}


def syllables(word: str) -> int:
    """Syllables in one English word (at least one)."""
    word = word.lower().strip("'")
    if word.isdigit():
        return _number_syllables(int(word))
    if word in _EXCEPTIONS:
        return _EXCEPTIONS[word]
    if word.endswith("'s"):
        word = word[:-2]
    count = len(_VOWEL_GROUP.findall(word))
    if len(word) > 2 and word.endswith("e") and not word.endswith(("le", "ee", "ye")) and count > 1:
        count -= 1  # a silent final e: "stride", "more"
    elif len(word) > 3 and word.endswith("le") and word[-3] not in "aeiouy":
        pass  # "table", "ankle": the e sounds in "-ble", "-kle"
    if len(word) > 3 and word.endswith("ed") and word[-3] not in "td" and count > 1:
        count -= 1  # "walked", "lowered"; but "lifted", "needed"
    if len(word) > 3 and word.endswith("es") and word[-3] not in "sxzhgc" and count > 1:
        count -= 1  # "strokes", "takes"; but "pushes", "changes"
    return max(count, 1)


_UNITS = (2, 1, 1, 1, 1, 1, 1, 2, 1, 1)  # zero, one ... seven, eight, nine
_TEENS = (1, 3, 1, 2, 2, 2, 2, 3, 2, 2)  # ten, eleven, twelve, thirteen ... nineteen


def _number_syllables(number: int) -> int:
    """Syllables of a number read aloud ("30" is "thirty"): numbers in doses are read as words."""
    if number < 10:
        return _UNITS[number]
    if number < 20:
        return _TEENS[number - 10]
    if number < 100:
        tens = 3 if number // 10 == 7 else 2
        return tens + (_UNITS[number % 10] if number % 10 else 0)
    return 3


@dataclass(frozen=True, slots=True)
class Readability:
    sentences: int
    words: int
    syllables: int

    @property
    def reading_ease(self) -> float:
        if not self.words:
            return 100.0
        return 206.835 - 1.015 * (self.words / self.sentences) - 84.6 * (self.syllables / self.words)


def measure(text: str) -> Readability:
    words = _WORD.findall(text)
    sentences = max(len(_SENTENCE_END.findall(text.strip() + " ")), 1)
    return Readability(sentences, len(words), sum(syllables(w) for w in words))


def reading_ease(text: str) -> float:
    """Flesch reading ease of ``text`` (higher is easier; an empty text counts as easy)."""
    return measure(text).reading_ease


def combined_reading_ease(texts: Iterable[str]) -> float:
    """The score of several texts read as one (sentences, words and syllables added up)."""
    parts = [measure(text) for text in texts]
    total = Readability(sum(p.sentences for p in parts), sum(p.words for p in parts), sum(p.syllables for p in parts))
    return total.reading_ease


_GUARD = re.compile(r"\{\?[^{}]*\}")
_PLACEHOLDER = re.compile(r"\{[^{}]*\}")


def as_read(template: str) -> str:
    """A template as the patient reads it at its longest: every optional segment ``[[ ... ]]`` printed, its
    ``{?name}`` tests silent, and each inserted finding ``{name}`` read as one short word."""
    text = _GUARD.sub("", template).replace("[[", "").replace("]]", "")
    return re.sub(r" {2,}", " ", _PLACEHOLDER.sub("it", text)).strip()


def patient_texts(documents: Iterable[ParsedDocument]) -> list[tuple[str, str]]:
    """Every text the documents write for patients, labelled ``ITEM-ID: field``: recommendations' ``handout``
    lines, the handout's checklist and call lines, and each exercise's or equipment item's card (purpose,
    steps and precautions, read together as the patient reads them), each as read by ``as_read``."""
    from planner.library.parser import HANDOUT_TARGETS

    texts: list[tuple[str, str]] = []
    for document in documents:
        for rec in document.recommendations:
            if rec.handout:
                texts.append((f"{rec.id}: handout", rec.handout))
            if rec.target in HANDOUT_TARGETS:
                texts.append((f"{rec.id}: {rec.target} line", rec.title))
        for entry in document.entries:
            card = [entry.texts["purpose"][0], *(text for text, _line in entry.steps)]
            if "precautions" in entry.texts:
                card.append(entry.texts["precautions"][0])
            texts.append((f"{entry.id}: card", " ".join(card)))
    return [(label, as_read(text)) for label, text in texts]
