"""The floors for launch and memory: a bare PySide6 window, shown and painted, reporting as ``planner --smoke``
does ("painted", "listed", then its resident memory). Run by :mod:`bench.app` as ``python -m bench.bare_window``
(this package's ``__init__`` holds only a docstring).

Given module names (``python -m bench.bare_window sqlalchemy sqlmodel rule_engine``) it imports them before the
window is made, as the app imports its libraries: the stack floor, what the fixed-choice libraries cost on their own
before any code of ours runs, so that the table can show how much of each ratio is theirs and how much ours.
"""

import importlib
import sys

from PySide6.QtWidgets import QApplication, QLabel, QMainWindow

for name in sys.argv[1:]:
    importlib.import_module(name)

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
