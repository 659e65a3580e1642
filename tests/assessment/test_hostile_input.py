"""Hostile or odd assessments: every one is refused with its field named, before it can reach a plan."""

from __future__ import annotations

import io
import json
import os
import threading
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from planner.assessment.validate import (
    MAX_ASSESSMENT_BYTES,
    load_assessment_file,
    load_assessment_stream,
    parse_assessment_text,
    validate_assessment,
    validate_patient,
)
from planner.dates import add_days, parse_date
from planner.engine.schedule import OVERDUE, status_on
from planner.errors import AssessmentError, DocumentError
from planner.library.files import read_document_file
from planner.record.visits import earlier_visits
from tests.conftest import make_assessment

TODAY = date(2026, 11, 21)


def refusal(text: str) -> dict[str, str]:
    with pytest.raises(AssessmentError) as caught:
        parse_assessment_text(text, "x.json", today=TODAY)
    return {issue.field: issue.rule for issue in caught.value.issues}


def with_value(field_json: str) -> str:
    """A valid assessment whose pain block carries ``field_json`` (raw JSON text) after the score."""
    text = json.dumps(make_assessment(pain={"nrs": 4}))
    return text.replace('"nrs": 4', f'"nrs": 4, {field_json}')


@pytest.mark.parametrize("literal", ["NaN", "Infinity", "-Infinity", "1e999", "-1e400"])
def test_non_finite_numbers_are_refused_with_their_field(literal: str) -> None:
    issues = refusal(with_value(f'"pregabalin_mg_day": {literal}'))
    assert list(issues) == ["pain.pregabalin_mg_day"]
    assert "finite" in issues["pain.pregabalin_mg_day"]


def test_nan_in_a_measurement_list_names_its_place() -> None:
    data = make_assessment(
        lymphedema={
            "present": True,
            "side": "left",
            "phase": "reduction",
            "interval_cm": 10,
            "circumferences_cm": {"left": [30, 32], "right": [30, 31]},
        }
    )
    text = json.dumps(data).replace("[30, 32]", "[30, NaN]")
    assert "lymphedema.circumferences_cm.left[1]" in refusal(text)


def test_nan_given_as_a_python_value_is_refused_too() -> None:
    """The app builds assessments as dicts: the rule is the validator's, not only the JSON reader's."""
    for value in (float("nan"), float("inf")):
        data = make_assessment(history={"creatinine_clearance_ml_min": value})
        with pytest.raises(AssessmentError, match=r"history\.creatinine_clearance_ml_min: .*finite"):
            validate_assessment(data, today=TODAY)


@pytest.mark.parametrize(
    "written",
    ["2026-W44-1", "2026-300", "20261101", "2026-11-01T00:00", "2026-11-01\n", "２０２６-１１-０１", "2026-11-1"],
)
def test_only_calendar_dates_are_accepted(written: str) -> None:
    for changes, field in (
        ({"assessed_on": written}, "assessed_on"),
        ({"patient": {"birth_date": written}}, "patient.birth_date"),
        ({"history": {"onset": written}}, "history.onset"),
    ):
        with pytest.raises(AssessmentError) as caught:
            validate_assessment(make_assessment(**changes), today=TODAY)
        assert {issue.field for issue in caught.value.issues} == {field}
        assert "YYYY-MM-DD" in str(caught.value)
    with pytest.raises(AssessmentError, match=r"patient\.birth_date: must be a date written YYYY-MM-DD"):
        validate_patient({"id": "P-1", "name": "A", "birth_date": written})
    with pytest.raises(ValueError):
        parse_date(written)


def test_duplicate_keys_are_named_with_their_path() -> None:
    text = json.dumps(make_assessment(pain={"nrs": 4})).replace('"nrs": 4', '"nrs": 4, "nrs": 0')
    issues = refusal(text)
    assert issues == {"pain.nrs": "is given twice (each field may appear once in an object)"}
    top = json.dumps(make_assessment()).replace('"format"', '"assessed_on": "2026-01-01", "format"', 1)
    assert "assessed_on" in refusal(top)


def test_nesting_is_bounded_before_parsing() -> None:
    deep = '{"format": "lsp-assessment/1", "x": ' + "[" * 200_000 + "]" * 200_000 + "}"
    issues = refusal(deep)
    assert list(issues.values()) == ["nested more than 16 levels deep (line 1, column 52)"]
    # brackets inside strings do not count
    quoted = json.dumps(make_assessment(patient={"name": "[" * 100}))
    assert parse_assessment_text(quoted, today=TODAY)["patient"]["name"] == "[" * 100


def test_huge_integers_are_refused_by_field_not_by_a_crash() -> None:
    issues = refusal(json.dumps(make_assessment()).replace('"nrs": 0', '"nrs": ' + "9" * 5000))
    assert list(issues) == ["pain.nrs"] and "5000 digits" in issues["pain.nrs"]


def test_lone_surrogates_are_refused() -> None:
    text = json.dumps(make_assessment(patient={"name": "Ann"})).replace('"Ann"', '"A\\ud800nn"')
    assert "unpaired surrogate" in refusal(text)["patient.name"]
    paired = json.dumps(make_assessment(patient={"name": "Ann"})).replace('"Ann"', '"A\\ud83d\\ude00nn"')
    assert parse_assessment_text(paired, today=TODAY)["patient"]["name"] == "A\U0001f600nn"


def test_file_size_is_bounded_for_files_pipes_and_streams(tmp_path: Path) -> None:
    big = tmp_path / "big.json"
    big.write_bytes(b" " * (MAX_ASSESSMENT_BYTES + 1))
    with pytest.raises(AssessmentError, match="larger than 1 MiB"):
        load_assessment_file(big)

    class Endless(io.RawIOBase):
        """A stdin flood: ``yes | planner plan -``."""

        read_bytes = 0

        def readable(self) -> bool:
            return True

        def readinto(self, buffer: Any) -> int:
            buffer[:] = b"y" * len(buffer)
            self.read_bytes += len(buffer)
            return len(buffer)

    flood = Endless()
    with pytest.raises(AssessmentError, match="<stdin>: is larger than 1 MiB"):
        load_assessment_stream(flood, "<stdin>")  # type: ignore[arg-type]
    assert flood.read_bytes <= MAX_ASSESSMENT_BYTES + (1 << 16)

    fifo = tmp_path / "fifo.json"
    os.mkfifo(fifo)

    def feed() -> None:
        try:
            with fifo.open("wb") as writer:
                for _ in range(40):
                    writer.write(b" " * 65536)
        except BrokenPipeError:
            pass  # the reader stopped at the bound

    writer = threading.Thread(target=feed)
    writer.start()
    with pytest.raises(AssessmentError, match="larger than 1 MiB"):
        load_assessment_file(fifo)
    writer.join(timeout=10)

    good = json.dumps(make_assessment()).encode()
    fed = threading.Thread(target=lambda: fifo.write_bytes(good))
    fed.start()
    assert load_assessment_file(fifo, today=TODAY)["patient"]["id"] == "T-1"  # a pipe is read to its end
    fed.join(timeout=10)


@pytest.mark.parametrize("path", ["/dev/zero", "/dev/null", "/dev/urandom"])
def test_devices_are_refused_before_reading(path: str) -> None:
    if not Path(path).exists():
        pytest.skip(f"{path} does not exist here")
    with pytest.raises(AssessmentError, match="is a device or socket, not a file"):
        load_assessment_file(Path(path))
    with pytest.raises(DocumentError, match="is a device or socket, not a file"):
        read_document_file(Path(path))


def test_a_folder_is_refused(tmp_path: Path) -> None:
    with pytest.raises(AssessmentError, match="is a folder, not a file"):
        load_assessment_file(tmp_path)


def test_dates_are_compared_as_dates_not_strings() -> None:
    """A week date stored before input was strict (2026-W44-1 is Monday 26 October 2026) sorts on its day;
    as text it would sort after every 2026-1x-xx date."""
    legacy = make_assessment(assessed_on="2026-W44-1")
    later = make_assessment(assessed_on="2026-10-30")
    visits = [(2, later), (1, legacy)]
    assert earlier_visits(visits, "2026-11-01") == [legacy, later]
    assert earlier_visits(visits, "2026-10-28") == [legacy]
    assert status_on(date(2026, 11, 1), "2026-W44-1", None) == OVERDUE


def test_date_arithmetic_stops_at_the_end_of_the_calendar() -> None:
    assert add_days(date(9999, 12, 31), 14) == date.max
    assert add_days(date(2026, 1, 1), 10**12) == date.max
    assert add_days(date(2026, 1, 1), -(10**12)) == date.min


def test_a_patients_assessments_are_listed_by_date_not_by_text(db: Any, db_path: Path) -> None:
    """An assessment stored with a week date before input was strict still takes its place by its day."""
    import sqlite3

    from planner.record.assessments import store_assessment
    from planner.record.patient_history import plan_for_patient
    from planner.record.visits import assessments_for

    first = store_assessment(db, make_assessment(assessed_on="2026-10-30"))
    second = store_assessment(db, make_assessment(assessed_on="2026-11-01"))
    legacy = store_assessment(db, make_assessment(assessed_on="2026-10-20"))
    with sqlite3.connect(db_path) as connection:  # as an older version would have stored it
        document = json.dumps(make_assessment(assessed_on="2026-W43-1"))  # Monday 19 October 2026
        connection.execute(
            "UPDATE assessment SET assessed_on = '2026-W43-1', document = ? WHERE id = ?",
            (document, legacy.assessment_id),
        )
    connection.close()
    order = [summary.id for summary in assessments_for(db, "T-1")]
    assert order == [second.assessment_id, first.assessment_id, legacy.assessment_id]
    latest, _plan = plan_for_patient(db, "T-1")
    assert latest["assessed_on"] == "2026-11-01"
