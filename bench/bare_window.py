"""The floors for launch and memory: a bare PySide6 window, shown and painted, reporting as ``planner --smoke``
does ("painted", "listed", then its resident memory). Run by :mod:`bench.app` as ``python -m bench.bare_window``
(this package's ``__init__`` holds only a docstring).

Given module names (``python -m bench.bare_window sqlalchemy sqlmodel rule_engine``) it imports them first: the
stack floor, what the fixed-choice libraries cost on their own before any code of ours runs, so that the table
can show how much of each ratio is theirs and how much ours. They are imported before PySide6, the cheapest way
(after it, PySide6's import reads and keeps the source of each of their modules), so the floor is one no
program using them can go below.
"""

import importlib
import sys

for name in sys.argv[1:]:
    importlib.import_module(name)

from PySide6.QtWidgets import QApplication, QLabel, QMainWindow  # noqa: E402 - after the stack's libraries

app = QApplication(sys.argv[:1])
window = QMainWindow()
window.setCentralWidget(QLabel("floor"))
window.resize(1280, 820)
window.show()
app.processEvents()
print("painted", flush=True)
print("listed", flush=True)
try:  # resident memory is read from /proc (Linux); elsewhere the memory row is left out
    with open("/proc/self/status") as status:
        print("rss_kb", status.read().split("VmRSS:")[1].split()[0], flush=True)
except OSError:
    pass
