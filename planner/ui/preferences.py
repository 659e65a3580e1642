"""QSettings keys shared by several windows (kept apart so reading one does not import a dialog)."""

DATABASE_SETTING = "database/path"
"""The database chosen in Settings; used at the next start unless --db or PLANNER_DB is given."""
