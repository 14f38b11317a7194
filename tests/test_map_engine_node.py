"""The map engine's arithmetic (supercluster indexes, time buckets, filters, prune, compaction) in Node.

tests/js/engine_check.js loads the page's own scripts and compares every frame with brute-force
counts of the same random messages; this runs it and names the checks that failed.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def test_engine_counts_match_brute_force_in_node():
    node = shutil.which("node")
    if node is None:
        pytest.skip("node is not installed (it is only needed for this check, never at run time)")
    if not (ROOT / "resources/web/node_modules/supercluster/dist/supercluster.min.js").is_file():
        pytest.skip("npm packages not installed (make setup)")
    done = subprocess.run([node, str(ROOT / "tests/js/engine_check.js"), str(ROOT)], capture_output=True, text=True,
                          timeout=300)
    checks = json.loads(done.stdout.strip().splitlines()[-1])
    assert "error" not in checks, checks.get("error")
    failed = [name for name, ok in checks.items() if ok is not True and not (isinstance(ok, list) and all(ok))]
    assert failed == [], checks
    assert len(checks) == 14
