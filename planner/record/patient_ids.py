"""Patient ids that people cannot tell apart must not become two patients.

An id is data typed or exported by other systems, so the same id can arrive as different strings: ``José``
composed (one code point for é) or decomposed (e and a combining accent), with a stray space, in
full-width digits (``ＭＲＮ-１``), with a zero-width space pasted in. So:

* every id that enters (an imported assessment, the patient dialog, a ``--patient`` or ``history`` lookup)
  is **normalised**: Unicode NFC, surrounding whitespace removed (:func:`normalize_id`). Canonically
  equivalent spellings become one string, and only that string is stored;
* a new id that equals a stored one after the looser :func:`id_key` (compatibility forms, case, runs of
  whitespace, invisible format characters) is refused: it would look like the stored patient on screen and
  on paper while being another record;
* a new patient with another patient's name and birth date is reported (it may be the same person under
  two ids, or two people; a person decides).

Ids stored before normalisation keep working: a lookup finds a stored id whose NFC form equals the one asked
for, and ``planner db check`` lists stored ids that are not normalised, without rewriting them (an id is
referred to from signed plans and from the audit trail).
"""

from __future__ import annotations

import unicodedata


def normalize_id(text: str) -> str:
    """The form an id is stored and compared in: NFC, no surrounding whitespace."""
    return unicodedata.normalize("NFC", text).strip()


def id_key(text: str) -> str:
    """What an id looks like to a person: compatibility forms folded (full-width letters, ligatures), case
    folded, invisible format characters (zero-width spaces, joiners, direction marks) dropped, runs of
    whitespace as one space."""
    if text.isascii():  # most ids: NFKC leaves ASCII alone, case folding is lower-casing, no format characters
        return " ".join(text.lower().split())
    folded = unicodedata.normalize("NFKC", unicodedata.normalize("NFKC", text).casefold())
    visible = "".join(character for character in folded if unicodedata.category(character) != "Cf")
    return " ".join(visible.split())


def name_key(name: str) -> str:
    """A person's name compared as a person reads it (same folding as :func:`id_key`)."""
    return id_key(name)


def is_normalized_id(text: str) -> bool:
    return normalize_id(text) == text
