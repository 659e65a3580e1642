"""The package type-checks: mypy over planner/ and bench/ with the settings in pyproject.toml.

Run as a test so that the README's one test command (and CI, which runs it) checks types too. Every
``# type: ignore`` left in the code is one mypy needs: pyproject sets ``warn_unused_ignores``.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.paths import REPO


@pytest.mark.slow
def test_mypy_finds_no_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from mypy import api

    monkeypatch.chdir(REPO)  # the configured files are relative to the project
    out, err, status = api.run(["--config-file", str(REPO / "pyproject.toml"), "--cache-dir", str(tmp_path)])
    assert status == 0, out + err
