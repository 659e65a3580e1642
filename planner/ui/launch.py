"""Start the desktop app (imports Qt only here, so the command line never loads it).

Before Qt: the system libraries its window needs are checked (see :mod:`planner.ui.system_libraries`), so a
missing one is named with the package that installs it, instead of Qt aborting with a plugin message.
"""

from __future__ import annotations

import argparse

from planner.errors import UserError


def launch_gui(args: argparse.Namespace, started: float | None = None) -> int:
    from planner.ui.system_libraries import check_display_libraries, library_of_import_error

    try:
        advice = check_display_libraries()
        from planner.ui.app import run_app
    except ImportError as exc:
        raise UserError(library_of_import_error(str(exc))) from None
    if advice is not None:
        raise UserError(advice)
    return run_app(args, started=started)
