"""Start the desktop app (imports Qt only here, so the command line never loads it).

Before Qt: the core the first screen reads through is imported (:func:`load_core_before_qt`), and the system
libraries its window needs are checked (see :mod:`planner.ui.system_libraries`), so a missing one is named with
the package that installs it, instead of Qt aborting with a plugin message.
"""

from __future__ import annotations

import argparse

from planner.errors import UserError


def load_core_before_qt() -> None:
    """Import the core the first screen reads through (the storage, the patient list, SQLAlchemy Core) before
    anything imports PySide6.

    Importing PySide6 replaces Python's import with its own, for its ``from __feature__`` options (which the
    planner does not use), and that import reads the source text of the modules it meets. Loading these modules
    before it measured 5 to 8 MiB less resident memory at start-up and with a patient open (10,000 patients,
    ``python -m bench``, alternated runs); the launch time did not change beyond the noise. What loads after the
    first paint loads after Qt, as it must.
    """
    import planner.opening
    import planner.record.patients  # noqa: F401 - imported for the order, used by the first screen


def launch_gui(args: argparse.Namespace, started: float | None = None) -> int:
    load_core_before_qt()
    from planner.ui.system_libraries import check_display_libraries, library_of_import_error

    try:
        advice = check_display_libraries()
        from planner.ui.app import run_app
    except ImportError as exc:
        raise UserError(library_of_import_error(str(exc))) from None
    if advice is not None:
        raise UserError(advice)
    return run_app(args, started=started)
