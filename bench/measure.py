"""A figure, the ways one is timed, and the table they are printed in."""

from __future__ import annotations

import statistics
import subprocess
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from typing import Any


@dataclass(frozen=True, slots=True)
class Figure:
    what: str
    value: float
    floor: float | None
    unit: str
    target: str

    @property
    def ratio(self) -> float | None:
        return self.value / self.floor if self.floor else None


def times(function: Callable[[], Any], repeat: int) -> list[float]:
    """Milliseconds of each of ``repeat`` calls, sorted."""
    out = []
    for _ in range(repeat):
        started = time.perf_counter()
        function()
        out.append((time.perf_counter() - started) * 1000)
    return sorted(out)


def median(function: Callable[[], Any], repeat: int) -> float:
    return statistics.median(times(function, repeat))


def alternated(function: Callable[[], Any], floor: Callable[[], Any], repeat: int) -> tuple[float, float]:
    """Medians of ``function`` and its ``floor``, run turn about, so that a busy moment on a shared machine
    weighs on both alike rather than on whichever happened to run then."""
    values: list[float] = []
    floors: list[float] = []
    for _ in range(repeat):
        values += times(function, 1)
        floors += times(floor, 1)
    return statistics.median(values), statistics.median(floors)


def percentile(values: list[float], share: float) -> float:
    """The nearest-rank percentile: the smallest value at least ``share`` of the values do not exceed."""
    ordered = sorted(values)
    return ordered[max(0, min(len(ordered) - 1, int(len(ordered) * share + 0.999999) - 1))]


MARKS = ("painted", "listed", "opened", "warmed")
"""The lines a timed program prints as it reaches each point; the parent stamps each when it reads it."""


def run_timed(args: list[str], env: dict[str, str]) -> dict[str, float]:
    """Wall time from spawning the process to each mark it prints, as the parent's clock sees it (so the
    interpreter's own start and every import count), and the resident memory it reports last."""
    started = time.perf_counter()
    process = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, env=env)
    marks: dict[str, float] = {}
    assert process.stdout is not None
    for line in process.stdout:
        words = line.split()
        if words and words[0] in MARKS:
            marks[words[0]] = (time.perf_counter() - started) * 1000
        elif len(words) == 2 and (words[0].endswith("_ms") or words[0] == "rss_kb"):  # measured by the program
            marks[words[0]] = float(words[1])
    process.wait(timeout=300)
    return marks


def median_of(runs: list[dict[str, float]], key: str) -> float:
    return statistics.median(run[key] for run in runs if key in run)


def table(figures: list[Figure]) -> str:
    rows = ["| what | value | floor | ratio | target |", "| --- | --- | --- | --- | --- |"]
    for f in figures:
        floor = f"{f.floor:.2f} {f.unit}" if f.floor is not None else "-"
        ratio = f"{f.ratio:.2f} x" if f.ratio is not None else "-"
        rows.append(f"| {f.what} | {f.value:.2f} {f.unit} | {floor} | {ratio} | {f.target} |")
    return "\n".join(rows)


def as_json(figures: list[Figure]) -> list[dict[str, Any]]:
    return [{**asdict(f), "ratio": f.ratio} for f in figures]
