"""The floor for launch and memory: a bare PySide6 window, shown and painted, reporting as ``planner --smoke``
does ("painted", "listed", then its resident memory). Run by :mod:`bench.app` as ``python -m bench.bare_window``
(this package's ``__init__`` holds only a docstring)."""

import sys

from PySide6.QtWidgets import QApplication, QLabel, QMainWindow

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
