"""A child process measured by the operating system: its peak resident memory (VmHWM) and its wall time."""

from __future__ import annotations

import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
_REPORT = """
import atexit, sys
def _peak():
    try:
        for line in open('/proc/self/status'):
            if line.startswith('VmHWM:'):
                sys.stderr.write('PEAK_KB ' + line.split()[1] + '\\n')
    except OSError:
        import resource
        sys.stderr.write('PEAK_KB %d\\n' % resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
atexit.register(_peak)
"""
_MAIN = "import runpy; sys.argv = sys.argv[1:]; runpy.run_path(sys.argv[0], run_name='__main__')"


@dataclass(frozen=True)
class Measured:
    peak_mb: float
    seconds: float
    stdout: str
    stderr: str
    returncode: int


def run_measured(code: str | None, args: list[str], timeout: float = 900.0) -> Measured:
    """Run Python ``code`` (or, with None, ``main.py``) with ``args`` in a child; its peak memory and time."""
    script = _REPORT + (code if code is not None else _MAIN)
    argv = args if code is not None else [str(ROOT / "main.py"), *args]
    started = time.monotonic()
    done = subprocess.run([sys.executable, "-c", script, *argv], cwd=ROOT, capture_output=True, text=True,
                          timeout=timeout, check=False, env=_env())
    seconds = time.monotonic() - started
    peaks = [int(line.split()[1]) for line in done.stderr.splitlines() if line.startswith("PEAK_KB ")]
    return Measured((peaks[-1] if peaks else 0) / 1024, seconds, done.stdout, done.stderr, done.returncode)


def _env() -> dict[str, str]:
    import os

    return {**os.environ, "PYTHONPATH": str(ROOT)}
