"""The document library window and the Qt item models behind it."""

from planner.ui.library.window import LibraryWindow

__all__ = ["LibraryWindow"]
