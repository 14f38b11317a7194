"""Every module of app/, maps/ and widgets/ is reachable from main.py (no orphans).

Reachable means: imported (at any depth, also lazily inside functions) starting from
main.py, or named as a command handler ("package.module:function") or a parser
extension by a reachable module. Only the setup-time builders (run by the Makefile)
and the Alembic migrations (loaded by path) are outside this rule.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("app", "maps", "widgets")
NOT_FROM_MAIN = ("app.gazetteer.build", "app.region.build", "app.store.migrations")
_DOTTED = re.compile(r"^((?:app|maps|widgets)(?:\.\w+)+)(?::\w+)?$")


def _all_modules() -> dict[str, Path]:
    modules = {}
    for package in PACKAGES:
        for path in (ROOT / package).rglob("*.py"):
            parts = path.relative_to(ROOT).with_suffix("").parts
            name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
            modules[name] = path
    return modules


def _references(path: Path, modules: dict[str, Path]) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
            found |= {f"{node.module}.{alias.name}" for alias in node.names}
        elif isinstance(node, ast.Constant) and isinstance(node.value, str):
            match = _DOTTED.match(node.value)
            if match:
                found.add(match.group(1))
    return {name for name in found if name in modules}


def _with_parents(name: str) -> set[str]:
    parts = name.split(".")
    return {".".join(parts[:i]) for i in range(1, len(parts) + 1)}


def reachable() -> set[str]:
    modules = _all_modules()
    seen: set[str] = set()
    todo = list(_references(ROOT / "main.py", modules))
    while todo:
        name = todo.pop()
        for module in _with_parents(name) & modules.keys():
            if module not in seen:
                seen.add(module)
                todo.extend(_references(modules[module], modules))
    return seen


def test_no_module_is_unreachable_from_main():
    modules = set(_all_modules())
    exempt = {m for m in modules if m.startswith(NOT_FROM_MAIN)}
    orphans = sorted(modules - exempt - reachable())
    assert orphans == [], f"modules nothing reaches from main.py: {orphans}"


def test_the_rule_notices_an_orphan(tmp_path, monkeypatch):
    """The check itself can fail: a module nobody imports is reported."""
    orphan = ROOT / "app" / "common" / "_orphan_probe.py"
    orphan.write_text('"""probe"""\n', encoding="utf-8")
    try:
        assert "app.common._orphan_probe" not in reachable()
        assert "app.common._orphan_probe" in _all_modules()
    finally:
        orphan.unlink()
