"""The planner's benchmarks: each figure a user feels, beside a floor measured in the same run where one exists.

Not part of the installed app (the package build takes ``planner`` only): run it from a source checkout as
``python -m bench`` in the project folder, or as ``planner bench`` wherever this folder is importable. The
options are those of ``planner bench --help``. Nothing here asserts: the test suite runs it once, tiny.

- :mod:`bench.measure`: the figure, the timing helpers and the table.
- :mod:`bench.core`: plan generation, its scaling, the clinician PDF, full-text search, the daily backup.
- :mod:`bench.app`: the desktop app: launch, first patient opened, a keystroke, print preview, memory.
- :mod:`bench.bare_window` and :mod:`bench.first_patient`: the programs those start, timed from outside.
"""
