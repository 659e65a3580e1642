"""QSettings keys shared by several windows (kept apart so reading one does not import a dialog)."""

from __future__ import annotations

from PySide6.QtCore import QLocale, QSettings

DATABASE_SETTING = "database/path"
"""The database chosen in Settings; used at the next start unless --db or PLANNER_DB is given."""

DAY_FIRST_SETTING = "dates/dayFirst"
"""How a date typed with numbers only is read: 3/4/1958 as 3 April (day first) or as 4 March."""


def day_first(settings: QSettings | None = None) -> bool:
    """The day/month order of typed dates: the setting, or until it is chosen, the system locale's short date
    format (day before month in most of the world, month first in the United States)."""
    store = settings if settings is not None else QSettings()
    chosen = store.value(DAY_FIRST_SETTING)
    if chosen is not None:
        return str(chosen).lower() in ("true", "1")
    pattern = QLocale().dateFormat(QLocale.FormatType.ShortFormat).lower()
    return not (0 <= pattern.find("m") < pattern.find("d"))
