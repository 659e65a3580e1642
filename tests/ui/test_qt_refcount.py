"""Guard against a Qt binding that leaks references to None.

PySide6 6.12 under Python 3.11 drops one reference to None on every void call, and the app aborts after a
few thousand of them ("Fatal Python error: none_dealloc"). pyproject.toml pins a release without the bug;
this test fails loudly if a bad one is ever installed.
"""

from __future__ import annotations

import sys
from typing import Any

import pytest


@pytest.mark.skipif(
    sys.version_info >= (3, 12),
    reason="Python 3.12 makes None immortal (PEP 683): its reference count cannot fall, so this test cannot fail",
)
def test_void_qt_calls_keep_none_references(qtbot: Any) -> None:
    from PySide6.QtWidgets import QLabel

    label = QLabel("x")
    qtbot.addWidget(label)
    before = sys.getrefcount(None)
    for _ in range(2000):
        label.setText("y")
        label.resize(100, 20)
    assert sys.getrefcount(None) - before > -100
