"""Before Qt starts, a missing system library of its X11 plugin is named with the package that installs it."""

from __future__ import annotations

import ctypes
from pathlib import Path
from typing import Any

import PySide6
import pytest

from planner.ui import system_libraries
from planner.ui.system_libraries import (
    PACKAGES,
    PLUGIN_FILES,
    check_display_libraries,
    library_of_import_error,
    needed_libraries,
    uses_xcb,
)

PYSIDE = Path(PySide6.__file__).parent


def test_every_system_library_the_xcb_plugin_needs_has_its_package() -> None:
    """Read from the installed plugin's ELF files, so a PySide6 upgrade that needs a new library fails here
    until the table (and the README) name its package."""
    needed = {name for relative in PLUGIN_FILES for name in needed_libraries(PYSIDE / relative)}
    assert {"libxcb.so.1", "libxcb-cursor.so.0", "libxcb-icccm.so.4", "libxkbcommon-x11.so.0"} <= needed
    system = {n for n in needed if not system_libraries._BUNDLED.match(n)}
    basics = {"libc.so.6", "libm.so.6", "libstdc++.so.6", "libgcc_s.so.1"}
    assert sorted(system - basics - PACKAGES.keys()) == []


def test_readme_lists_the_packages() -> None:
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
    needed = {name for relative in PLUGIN_FILES for name in needed_libraries(PYSIDE / relative)}
    for name in needed:
        if name in PACKAGES:
            assert PACKAGES[name] in readme, name


def test_missing_libraries_are_named_with_their_packages(monkeypatch: pytest.MonkeyPatch) -> None:
    real = ctypes.CDLL

    def load(name: str, *args: Any, **kwargs: Any) -> Any:
        if name in ("libxcb-icccm.so.4", "libxcb-keysyms.so.1"):
            raise OSError(f"{name}: cannot open shared object file: No such file or directory")
        return real(name, *args, **kwargs)

    monkeypatch.setattr(ctypes, "CDLL", load)
    advice = check_display_libraries({"QT_QPA_PLATFORM": "xcb"})
    assert advice is not None
    assert "libxcb-icccm.so.4, libxcb-keysyms.so.1" in advice
    assert "sudo apt-get install libxcb-icccm4 libxcb-keysyms1" in advice
    assert check_display_libraries({"QT_QPA_PLATFORM": "offscreen"}) is None


def test_which_platform_is_checked() -> None:
    assert uses_xcb({}) is True
    assert uses_xcb({"QT_QPA_PLATFORM": "xcb"}) is True
    assert uses_xcb({"QT_QPA_PLATFORM": "offscreen"}) is False
    assert uses_xcb({"XDG_SESSION_TYPE": "wayland"}) is False


def test_a_library_missing_for_qt_itself_names_its_package() -> None:
    text = library_of_import_error("libEGL.so.1: cannot open shared object file: No such file or directory")
    assert "libEGL.so.1" in text and "sudo apt-get install libegl1" in text
    assert (
        library_of_import_error("No module named 'PySide6'")
        == "the desktop app cannot start: No module named 'PySide6'"
    )
