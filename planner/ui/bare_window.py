"""The benchmark floor: a bare PySide6 window, shown and painted, reporting as ``planner --smoke`` does."""

import sys
import time

started = time.perf_counter()

from PySide6.QtWidgets import QApplication, QLabel, QMainWindow  # noqa: E402 - the clock starts first

app = QApplication(sys.argv[:1])
window = QMainWindow()
window.setCentralWidget(QLabel("floor"))
window.resize(1280, 820)
window.show()
app.processEvents()
print(f"painted {(time.perf_counter() - started) * 1000:.1f}", flush=True)
print(f"listed {(time.perf_counter() - started) * 1000:.1f}", flush=True)
try:  # resident memory is read from /proc (Linux); elsewhere the memory row is left out
    with open("/proc/self/status") as status:
        print("rss_kb", status.read().split("VmRSS:")[1].split()[0], flush=True)
except OSError:
    pass
