"""Word-level changes inside a plan item: what the comparison of two versions shows."""

from __future__ import annotations

from planner.plan.compare import DELETED, INSERTED, SAME, change_summary, change_text, word_changes

PARAGRAPH = (
    "Lowest grade of the hip extensors, hip abductors and quadriceps: MRC {grade}; joint position sense left "
    "normal, right impaired; falls in the last 3 months: {falls}. A grade of 3, any loss of joint position sense "
    "or a recent fall each point to a walker rather than a cane."
)


def test_one_changed_word_in_a_paragraph() -> None:
    runs = word_changes(PARAGRAPH.format(grade=3, falls=1), PARAGRAPH.format(grade=4, falls=1))
    assert [kind for kind, _ in runs] == [SAME, DELETED, INSERTED, SAME]
    assert runs[1:3] == [(DELETED, "3"), (INSERTED, "4")]
    assert change_text(change_summary(runs)) == "… abductors and quadriceps: MRC 3 → 4; joint position sense left …"


def test_numbers_and_dates_change_whole() -> None:
    assert change_text(word_changes("Excess 25.8 % volume", "Excess 12.5 % volume")) == "Excess 25.8 → 12.5 % volume"
    assert change_text(word_changes("2026-12-01", "2027-01-05")) == "2026-12-01 → 2027-01-05"


def test_added_and_removed_words_keep_their_spacing() -> None:
    assert change_text(word_changes("Use a cane and a brace", "Use a cane")) == "Use a cane [removed: and a brace]"
    assert change_text(word_changes("Cane for walking", "Cane for walking outdoors")) == (
        "Cane for walking [added: outdoors]"
    )
    assert change_text(word_changes("foot drop (right)", "foot drop (left and right)")) == (
        "foot drop ([added: left and] right)"
    )


def test_neighbouring_changes_read_as_one() -> None:
    assert word_changes("a big red box", "a small blue box") == [
        (SAME, "a "),
        (DELETED, "big red"),
        (INSERTED, "small blue"),
        (SAME, " box"),
    ]


def test_a_rewritten_text_is_shown_whole() -> None:
    runs = word_changes("Begin active range-of-motion exercises.", "Ten of each.")
    assert runs == [(DELETED, "Begin active range-of-motion exercises."), (INSERTED, "Ten of each.")]
    assert word_changes("same", "same") == [(SAME, "same")]
    assert word_changes("", "new") == [(INSERTED, "new")]
