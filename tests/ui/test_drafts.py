"""Autosaved drafts of two patients never share a file, and a file is read as the draft its content names."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from planner.ui.autosave import DraftStore, _legacy_key
from tests.conftest import make_assessment

LONG = "X" * 80


@pytest.mark.parametrize(
    ("one", "other"),
    [
        ("A/B", "A?B"),  # differ only in characters a file name cannot hold
        ("MRN:7", "MRN*7"),
        ("José", "Jose\u0301"),  # the same letters, composed and not
        (LONG + "-1", LONG + "-2"),  # differ only after the first 80 characters
        ("..", "__"),
    ],
)
def test_two_patients_drafts_never_collide(tmp_path: Path, one: str, other: str) -> None:
    store = DraftStore(tmp_path / "drafts")
    for patient, nrs in ((one, 1), (other, 2)):
        store.write(patient, 3, make_assessment(patient={"id": patient, "name": patient}, pain={"nrs": nrs}), {})
    drafts = {d.patient_id: d for d in store.drafts()}
    assert set(drafts) == {one, other}
    assert drafts[one].assessment["pain"]["nrs"] == 1 and drafts[other].assessment["pain"]["nrs"] == 2
    assert all(d.path.parent == tmp_path / "drafts" for d in drafts.values())
    store.remove(one, 3)
    assert [d.patient_id for d in store.drafts()] == [other]


def test_a_new_and_a_stored_assessment_of_one_patient_are_apart(tmp_path: Path) -> None:
    store = DraftStore(tmp_path)
    store.write("P", None, make_assessment(pain={"nrs": 1}), {})
    store.write("P", 4, make_assessment(pain={"nrs": 2}), {}, opened=(7, 3))
    drafts = {d.assessment_id: d for d in store.drafts()}
    assert drafts[None].opened is None and drafts[4].opened == (7, 3)


def test_a_file_not_named_for_its_content_is_not_taken_for_a_draft(tmp_path: Path) -> None:
    store = DraftStore(tmp_path)
    written = store.write("P-1", 1, make_assessment(), {})
    moved = written.with_name(store.key("P-2", 1) + ".json")  # P-1's content under P-2's name
    written.rename(moved)
    assert store.drafts() == []
    assert moved.exists()  # left for a person to look at, never deleted


def test_a_draft_written_before_the_names_carried_a_hash_is_still_recovered(tmp_path: Path) -> None:
    store = DraftStore(tmp_path)
    payload = {"patient_id": "A/B", "assessment_id": 2, "assessment": make_assessment(), "edits": {}}
    legacy = tmp_path / f"{_legacy_key('A/B', 2)}.json"
    legacy.write_text(json.dumps(payload), encoding="utf-8")
    assert [d.patient_id for d in store.drafts()] == ["A/B"]
    store.remove("A?B", 2)  # the other patient whose old name was the same: not theirs to remove
    assert legacy.exists()
    store.remove("A/B", 2)
    assert not legacy.exists()


def test_two_windows_drafts_of_one_assessment_are_apart(tmp_path: Path) -> None:
    store = DraftStore(tmp_path)
    store.write("P", 4, make_assessment(pain={"nrs": 1}), {}, writer="window-a")
    store.write("P", 4, make_assessment(pain={"nrs": 2}), {}, writer="window-b")
    assert sorted(d.assessment["pain"]["nrs"] for d in store.drafts()) == [1, 2]
    store.remove("P", 4, "window-b")  # the second window saved: its draft goes, the first's stays
    assert [(d.writer, d.assessment["pain"]["nrs"]) for d in store.drafts()] == [("window-a", 1)]
