"""Shared helpers of the benchmarks: timing statistics, machine info, JSON hand-off, Markdown tables.

Every benchmark script stays runnable on its own; with ``--json`` it also prints one line
``BENCH_JSON {...}`` holding its raw per-run values, which bench/run_all.py parses.
"""

from __future__ import annotations

import json
import os
import platform
import statistics
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

JSON_PREFIX = "BENCH_JSON "


@dataclass(frozen=True)
class Stat:
    """Median with min–max of a list of measurements."""

    median: float
    low: float
    high: float
    n: int

    @classmethod
    def of(cls, values: Sequence[float]) -> Stat:
        values = [float(v) for v in values]
        if not values:
            raise ValueError("no measurements")
        return cls(statistics.median(values), min(values), max(values), len(values))

    def text(self, fmt: str = "{:,.0f}", unit: str = "") -> str:
        """``1,234 msg/s (1,100–1,300, n=5)``; a single run shows no range."""
        unit = f" {unit}" if unit else ""
        if self.n == 1:
            return f"{fmt.format(self.median)}{unit} (n=1)"
        return f"{fmt.format(self.median)}{unit} ({fmt.format(self.low)}–{fmt.format(self.high)}, n={self.n})"


def time_runs(fn: Callable[[], object], runs: int, warmup: int = 1) -> list[float]:
    """Seconds of ``runs`` calls of ``fn`` after ``warmup`` untimed calls."""
    for _ in range(warmup):
        fn()
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        fn()
        times.append(time.perf_counter() - started)
    return times


def emit(payload: dict) -> None:
    """Hand the raw results to the harness (one parseable line on stdout)."""
    print(JSON_PREFIX + json.dumps(payload, ensure_ascii=False, default=float), flush=True)


def parse_emitted(stdout: str) -> dict | None:
    """The last ``BENCH_JSON`` payload in a script's output, or None."""
    found = None
    for line in stdout.splitlines():
        if line.startswith(JSON_PREFIX):
            found = json.loads(line[len(JSON_PREFIX):])
    return found


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def _ram_gb() -> str:
    try:
        kb = int(Path("/proc/meminfo").read_text().split()[1])
        return f"{kb / 1024 / 1024:.1f} GB"
    except (OSError, ValueError, IndexError):
        return "?"


def _os_name() -> str:
    try:
        fields = dict(line.split("=", 1) for line in Path("/etc/os-release").read_text().splitlines() if "=" in line)
        return f"{fields.get('PRETTY_NAME', '').strip(chr(34))} (kernel {platform.release()})"
    except OSError:
        return platform.platform()


def _qt_versions() -> str:
    try:
        import PySide6
        from PySide6 import QtCore
    except ImportError:
        return "PySide6 absent"
    return f"PySide6 {PySide6.__version__}, Qt {QtCore.qVersion()}"


def machine_info() -> dict[str, str]:
    """CPU model, cores, RAM, OS, Python and Qt versions of this machine."""
    return {"CPU": _cpu_model(), "cores": str(os.cpu_count()), "RAM": _ram_gb(), "OS": _os_name(),
            "Python": platform.python_version(), "Qt": _qt_versions()}


def markdown_table(headers: Sequence[str], rows: Iterable[Sequence[object]]) -> str:
    """A GitHub Markdown table; pipes inside cells are escaped."""
    def cell(value: object) -> str:
        return str(value).replace("|", "\\|").replace("\n", " ")

    lines = ["| " + " | ".join(headers) + " |", "|" + "|".join("---" for _ in headers) + "|"]
    lines += ["| " + " | ".join(cell(v) for v in row) + " |" for row in rows]
    return "\n".join(lines)


def proc_cpu_seconds(pid: int | str = "self") -> float:
    """User + system CPU seconds of a process, from /proc/<pid>/stat."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def proc_rss_mb(pid: int | str = "self") -> float:
    """Resident set size of a process in MB, from /proc/<pid>/status."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def _children_map() -> dict[int, list[int]]:
    children: dict[int, list[int]] = {}
    for name in filter(str.isdigit, os.listdir("/proc")):
        try:
            ppid = int(Path(f"/proc/{name}/stat").read_text().rsplit(")", 1)[1].split()[1])
        except (OSError, IndexError, ValueError):
            continue
        children.setdefault(ppid, []).append(int(name))
    return children


def process_tree(root: int | None = None) -> list[int]:
    """``root`` (default: this process) and all its descendants (QtWebEngine renderers, GPU process)."""
    root = root or os.getpid()
    children, found, todo = _children_map(), [], [root]
    while todo:
        pid = todo.pop()
        found.append(pid)
        todo.extend(children.get(pid, []))
    return found


def tree_rss_mb(root: int | None = None) -> float:
    """Resident memory of a process and its descendants, MB (shared pages counted per process)."""
    total = 0.0
    for pid in process_tree(root):
        try:
            total += proc_rss_mb(pid)
        except OSError:
            continue
    return total
