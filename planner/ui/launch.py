"""Start the desktop app (imports Qt only here, so the command line never loads it)."""

from __future__ import annotations

import argparse

from planner.errors import UserError


def launch_gui(args: argparse.Namespace) -> int:
    try:
        from planner.ui.app import run_app
    except ImportError as exc:
        raise UserError(f"the desktop app cannot start: {exc}") from None
    from planner.__main__ import STARTED

    return run_app(args, started=STARTED)
