"""Settings in the database: the default assessor kept as name and credentials, the older single text split."""

from __future__ import annotations

from typing import Any

import pytest

from planner.storage.clinic_settings import (
    ASSESSOR_CREDENTIALS,
    ASSESSOR_NAME,
    LEGACY_ASSESSOR,
    assessor_settings,
    assessor_text,
    default_assessor,
    get_settings,
    set_settings,
    split_assessor,
)


@pytest.mark.parametrize(
    ("text", "name", "credentials"),
    [
        ("J. Rivera, PT", "J. Rivera", "PT"),
        ("J. Rivera, PT, DPT", "J. Rivera", "PT, DPT"),
        ("Ana Sousa, OTR/L", "Ana Sousa", "OTR/L"),
        ("Ana Sousa, MSc PT", "Ana Sousa", "MSc PT"),
        ("Rivera, Jane", "Rivera, Jane", ""),
        ("Rivera, Jane, PT", "Rivera, Jane", "PT"),
        ("Jane Rivera PT", "Jane Rivera PT", ""),
        ("PT", "PT", ""),
        ("", "", ""),
        ("  J. Rivera ,  PT  ", "J. Rivera", "PT"),
    ],
)
def test_older_single_text_is_split_sensibly(text: str, name: str, credentials: str) -> None:
    assert split_assessor(text) == (name, credentials)


def test_default_assessor_reads_the_older_setting_until_saved_apart(db: Any) -> None:
    set_settings(db, {LEGACY_ASSESSOR: "J. Rivera, PT"})
    assert default_assessor(db) == ("J. Rivera", "PT")
    set_settings(db, assessor_settings("Jo Rivera", "PT, DPT"))
    values = get_settings(db)
    assert LEGACY_ASSESSOR not in values
    assert (values[ASSESSOR_NAME], values[ASSESSOR_CREDENTIALS]) == ("Jo Rivera", "PT, DPT")
    assert default_assessor(db) == ("Jo Rivera", "PT, DPT")
    assert assessor_text(*default_assessor(db)) == "Jo Rivera, PT, DPT"
    set_settings(db, assessor_settings("Jo Rivera", ""))
    assert default_assessor(db) == ("Jo Rivera", "")
    assert assessor_text("Jo Rivera", "") == "Jo Rivera"
