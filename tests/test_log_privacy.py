"""No patient text in the log, including inside the messages of ReportLab's and rule-engine's exceptions."""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from reportlab.platypus import Paragraph

from planner import logs
from planner.export.pdf_common import stylesheet

SECRET = "Zoë Secretname"


@pytest.fixture
def log_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    path = tmp_path / "log" / "planner.log"
    monkeypatch.setattr(logs, "log_path", lambda: path)
    monkeypatch.setattr(logs._logger, "handlers", [])
    yield path
    for handler in logs._logger.handlers:
        handler.close()


def logged(error: BaseException, log_file: Path) -> str:
    assert logs.log_exception(error) == log_file
    for handler in logs._logger.handlers:
        handler.flush()
    return log_file.read_text(encoding="utf-8")


def caught(function: Callable[[], object]) -> BaseException:
    try:
        function()
    except BaseException as exc:
        return exc
    raise AssertionError("nothing was raised")


def test_a_reportlab_failure_quoting_a_patient_name_is_logged_without_it(log_file: Path) -> None:
    # ReportLab quotes the paragraph it cannot parse in its message.
    error = caught(lambda: Paragraph(f"<b>{SECRET} <i>unclosed", stylesheet(10)["body"]))
    assert "Secretname" in str(error)
    text = logged(error, log_file)
    assert SECRET not in text and "Secretname" not in text
    assert "ValueError: (message withheld:" in text
    assert "Traceback (most recent call last):" in text and "paragraph.py" in text  # the frames stay


def test_a_rule_engine_failure_and_its_cause_are_logged_without_the_value(log_file: Path) -> None:
    import rule_engine

    # rule-engine's LookupError quotes the container it looked into: here the patient's text.
    error = caught(lambda: rule_engine.Rule("name[100] == 'x'").evaluate({"name": SECRET}))
    assert SECRET in str(error)
    text = logged(error, log_file)
    assert SECRET not in text and "Secretname" not in text
    assert "rule_engine.errors.LookupError: (message withheld:" in text


def test_a_chained_cause_is_redacted_too(log_file: Path) -> None:
    def convert() -> None:
        try:
            float(SECRET)  # its message quotes the text
        except ValueError as exc:
            raise RuntimeError("drafting failed") from exc

    text = logged(caught(convert), log_file)
    assert SECRET not in text and "direct cause" in text and "ValueError: (message withheld:" in text


def test_os_and_sqlite_errors_keep_their_reason_but_not_a_file_name(log_file: Path, tmp_path: Path) -> None:
    error = caught(lambda: (tmp_path / f"{SECRET}.pdf").read_bytes())
    text = logged(error, log_file)
    assert SECRET not in text and "No such file or directory" in text
    sqlite_error = caught(lambda: sqlite3.connect(":memory:").execute("SELECT * FROM no_such_table"))
    assert "no such table: no_such_table" in logged(sqlite_error, log_file)


def test_any_record_with_an_exception_is_redacted(log_file: Path) -> None:
    logs._ensure_handler()
    try:
        raise KeyError(SECRET)
    except KeyError:
        logging.getLogger("planner.somewhere").exception("while drafting")
    for handler in logs._logger.handlers:
        handler.flush()
    text = log_file.read_text(encoding="utf-8")
    assert "while drafting" in text and "KeyError" in text and SECRET not in text
