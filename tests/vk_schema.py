"""VK's official JSON schema (VKCOM/vk-api-schema, MIT) for the VK test server's answers.

``tests/data/vk_api_schema.json`` holds the few definitions the VK connector's methods need,
extracted from the repository (source paths and licence inside the file). Re-extract with
``python -m tests.vk_schema GIT_DIR`` from a clone of github.com/VKCOM/vk-api-schema.
The schema is draft-03 style (``"required": true`` inside each property); ``validator``
turns that into draft-04 ``required`` lists and validates with ``Draft4Validator``.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

DATA = Path(__file__).resolve().parent / "data" / "vk_api_schema.json"
ROOTS = {"wall.get": ("wall/responses.json", "wall_get_extended_response"),
         "wall.getComments": ("wall/responses.json", "wall_getComments_extended_response"),
         "newsfeed.search": ("newsfeed/responses.json", "newsfeed_search_extended_response"),
         "error": ("base/objects.json", "base_error")}
# Definitions replaced by a smaller one (what the connector reads) or left open (attachments are not read).
PRUNED = {"users_user_full": ("users/objects.json", "users_user_min"),
          "groups_group_full": ("groups/objects.json", "groups_group"),
          "wall_wallpost_attachment": None, "base_link": None, "newsfeed_item_wallpost_feedback": None}
LICENCE = ("MIT License, Copyright (c) 2016 VK.com — https://github.com/VKCOM/vk-api-schema/blob/master/LICENSE")


def _refs(node: Any) -> list[str]:
    if isinstance(node, dict):
        return [node["$ref"]] if "$ref" in node else [r for v in node.values() for r in _refs(v)]
    if isinstance(node, list):
        return [r for v in node for r in _refs(v)]
    return []


def _target(ref: str, base: str) -> tuple[str, str]:
    path, _, fragment = ref.partition("#")
    return (path.replace("../", "") if path else base), fragment.rsplit("/", 1)[-1]


def _local(node: Any, base: str) -> Any:
    if isinstance(node, dict):
        if "$ref" in node:
            name = _target(node["$ref"], base)[1]
            if name in PRUNED and PRUNED[name] is None:
                return {k: v for k, v in node.items() if k != "$ref"}
            name = PRUNED[name][1] if name in PRUNED else name  # type: ignore[index]
            return {**{k: v for k, v in node.items() if k != "$ref"}, "$ref": f"#/definitions/{name}"}
        return {k: _local(v, base) for k, v in node.items()}
    if isinstance(node, list):
        return [_local(v, base) for v in node]
    return node


def extract(git_dir: str) -> dict[str, Any]:
    """The closure of ``ROOTS`` in the repository at ``git_dir`` (its HEAD), refs made local."""
    files: dict[str, Any] = {}

    def load(path: str) -> Any:
        if path not in files:
            files[path] = json.loads(subprocess.check_output(["git", "-C", git_dir, "show", f"HEAD:{path}"]))
        return files[path]

    commit = subprocess.check_output(["git", "-C", git_dir, "rev-parse", "HEAD"], text=True).strip()
    found: dict[str, Any] = {}
    sources: dict[str, str] = {}
    stack = list(ROOTS.values())
    while stack:
        path, name = stack.pop()
        if name in found:
            continue
        if name in PRUNED:
            if PRUNED[name] is None:
                continue
            path, name = PRUNED[name]  # type: ignore[misc]
        node = load(path)["definitions"][name]
        found[name], sources[name] = _local(node, path), path
        stack += [_target(ref, path) for ref in _refs(node)]
    return {"source": f"github.com/VKCOM/vk-api-schema @ {commit}", "licence": LICENCE,
            "pruned": {k: (v[1] if v else "open (not checked)") for k, v in PRUNED.items()},
            "roots": {method: name for method, (_, name) in ROOTS.items()},
            "paths": dict(sorted(sources.items())), "definitions": dict(sorted(found.items()))}


def draft4(node: Any) -> Any:
    """Draft-03 ``"required": true`` inside properties → draft-04 ``required`` lists."""
    if isinstance(node, list):
        return [draft4(v) for v in node]
    if not isinstance(node, dict):
        return node
    out = {k: draft4(v) for k, v in node.items() if not (k == "required" and isinstance(v, bool))}
    properties = node.get("properties")
    if isinstance(properties, dict):
        required = [name for name, prop in properties.items()
                    if isinstance(prop, dict) and prop.get("required") is True]
        if required:
            out["required"] = required
    return out


def validator(method: str) -> Any:
    """A ``Draft4Validator`` of the answer of ``method`` (``error``: the ``error`` object)."""
    from jsonschema import Draft4Validator

    document = json.loads(DATA.read_text(encoding="utf-8"))
    definitions = draft4(document["definitions"])
    schema = {"$ref": f"#/definitions/{document['roots'][method]}", "definitions": definitions}
    return Draft4Validator(schema)


if __name__ == "__main__":
    DATA.write_text(json.dumps(extract(sys.argv[1]), ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    print(f"written {DATA} ({DATA.stat().st_size} bytes)")
