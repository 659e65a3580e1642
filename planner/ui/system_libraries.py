"""The system libraries Qt's window needs on Linux, checked before Qt starts.

When a library of Qt's X11 platform plugin (xcb) is missing, Qt prints that it "could not load the Qt platform
plugin xcb" (in 6.5 and later it names xcb-cursor0 whatever is missing) and aborts the process, so nothing
after it can explain. This module reads which libraries the plugin needs (the ``DT_NEEDED`` entries of its
ELF files, so a newer PySide6 is followed), tries to load each, and names the Debian/Ubuntu package of any
that is missing, in one line the command line prints before Qt would abort.

The libraries tried are the ones the plugin loads anyway a moment later, so the check costs a few milliseconds
and no memory. No Qt is imported here.
"""

from __future__ import annotations

import os
import re
import struct
import sys
from pathlib import Path

PACKAGES = {
    "libGL.so.1": "libgl1",
    "libEGL.so.1": "libegl1",
    "libOpenGL.so.0": "libopengl0",
    "libfontconfig.so.1": "libfontconfig1",
    "libfreetype.so.6": "libfreetype6",
    "libglib-2.0.so.0": "libglib2.0-0",
    "libgthread-2.0.so.0": "libglib2.0-0",
    "libdbus-1.so.3": "libdbus-1-3",
    "libxkbcommon.so.0": "libxkbcommon0",
    "libxkbcommon-x11.so.0": "libxkbcommon-x11-0",
    "libX11.so.6": "libx11-6",
    "libX11-xcb.so.1": "libx11-xcb1",
    "libxcb.so.1": "libxcb1",
    "libxcb-cursor.so.0": "libxcb-cursor0",
    "libxcb-icccm.so.4": "libxcb-icccm4",
    "libxcb-image.so.0": "libxcb-image0",
    "libxcb-keysyms.so.1": "libxcb-keysyms1",
    "libxcb-randr.so.0": "libxcb-randr0",
    "libxcb-render.so.0": "libxcb-render0",
    "libxcb-render-util.so.0": "libxcb-render-util0",
    "libxcb-shape.so.0": "libxcb-shape0",
    "libxcb-shm.so.0": "libxcb-shm0",
    "libxcb-sync.so.1": "libxcb-sync1",
    "libxcb-util.so.1": "libxcb-util1",
    "libxcb-xfixes.so.0": "libxcb-xfixes0",
    "libxcb-xinerama.so.0": "libxcb-xinerama0",
    "libxcb-xinput.so.0": "libxcb-xinput0",
    "libxcb-xkb.so.1": "libxcb-xkb1",
}
"""Library file -> the Debian/Ubuntu package that installs it (the README lists the same packages)."""

_BUNDLED = re.compile(r"^lib(Qt6|icu|pyside6|shiboken6)")
"""Libraries PySide6 ships beside the plugin (found through its own search path, not the system's)."""

PLUGIN_FILES = ("Qt/plugins/platforms/libqxcb.so", "Qt/lib/libQt6XcbQpa.so.6")
"""The xcb platform plugin and the Qt library it is built on, relative to the PySide6 package."""


def needed_libraries(path: Path) -> list[str]:
    """The ``DT_NEEDED`` entries of a 64-bit little-endian ELF file (what the dynamic loader must find)."""
    data = path.read_bytes()
    if data[:4] != b"\x7fELF" or data[4] != 2 or data[5] != 1:
        return []
    (section_offset,) = struct.unpack_from("<Q", data, 0x28)
    entry_size, count = struct.unpack_from("<HH", data, 0x3A)
    sections = [struct.unpack_from("<IIQQQQII", data, section_offset + i * entry_size) for i in range(count)]
    names: list[str] = []
    for _name, kind, _flags, _address, offset, size, link, _info in sections:
        if kind != 6:  # SHT_DYNAMIC
            continue
        strings = sections[link][4]
        for position in range(offset, offset + size, 16):
            tag, value = struct.unpack_from("<qQ", data, position)
            if tag == 0:
                break
            if tag == 1:  # DT_NEEDED
                end = data.index(b"\0", strings + value)
                names.append(data[strings + value : end].decode())
    return names


def missing_libraries(pyside_dir: Path) -> list[str]:
    """System libraries the xcb plugin needs that the dynamic loader cannot find, in the order it needs them."""
    import ctypes  # only where the check runs: an offscreen or Wayland start does not need it

    missing: list[str] = []
    for relative in PLUGIN_FILES:
        path = pyside_dir / relative
        if not path.is_file():
            continue
        for name in needed_libraries(path):
            if _BUNDLED.match(name) or name in missing:
                continue
            try:
                ctypes.CDLL(name)
            except OSError:
                missing.append(name)
    return missing


def uses_xcb(environ: dict[str, str] | os._Environ[str]) -> bool:
    """Whether Qt is going to open an X11 (xcb) window: on Linux, unless another platform is asked for or the
    session is Wayland (where Qt prefers its Wayland plugin)."""
    if not sys.platform.startswith("linux"):
        return False
    platform = environ.get("QT_QPA_PLATFORM", "")
    if platform:
        return platform.split(";")[0].split(":")[0] == "xcb"
    return environ.get("XDG_SESSION_TYPE", "") != "wayland"


def install_advice(missing: list[str]) -> str:
    """What to tell a user missing ``missing``: the libraries and the command that installs them."""
    packages = list(dict.fromkeys(PACKAGES.get(name, "") for name in missing if PACKAGES.get(name)))
    unknown = [name for name in missing if name not in PACKAGES]
    text = (
        "the desktop app cannot open its window: Qt's X11 platform plugin (xcb) needs system libraries that are "
        f"not installed: {', '.join(missing)}."
    )
    if packages:
        text += f"\nOn Debian or Ubuntu, install them with:\n    sudo apt-get install {' '.join(packages)}"
    if unknown:
        text += f"\nInstall the package that provides {', '.join(unknown)} (e.g. apt-file search {unknown[0]})."
    return text


def library_of_import_error(message: str) -> str:
    """For an ImportError of PySide6 ("libEGL.so.1: cannot open shared object file"), the advice naming the
    package; the message itself when it names no library."""
    found = re.search(r"(lib[\w.+-]+\.so(?:\.\d+)*): cannot open shared object file", message)
    if not found:
        return f"the desktop app cannot start: {message}"
    name = found[1]
    package = PACKAGES.get(name)
    text = f"the desktop app cannot start: the system library {name} is not installed."
    if package:
        text += f"\nOn Debian or Ubuntu, install it with:\n    sudo apt-get install {package}"
    return text


def check_display_libraries(environ: dict[str, str] | os._Environ[str] | None = None) -> str | None:
    """None when Qt can open its window as far as libraries go; else the advice to print instead of letting
    Qt abort."""
    environ = os.environ if environ is None else environ
    if not uses_xcb(environ):
        return None
    import PySide6

    missing = missing_libraries(Path(PySide6.__file__).parent)
    return install_advice(missing) if missing else None
