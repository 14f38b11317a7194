"""The one Jinja environment of the product's HTML outputs (briefing, press map).

Autoescaping is always on for ``.j2``/``.html`` templates, so public text reaches a
page escaped unless a template marks a value safe on purpose (our own inlined script
and JSON blocks). The centre's own templates (``<data dir>/templates``) win over the
bundled ones where a caller allows it (the briefing does; the press map does not, its
Content-Security-Policy is part of the template).
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from jinja2 import ChoiceLoader, Environment, FileSystemLoader, select_autoescape

from app.common import ru
from app.common.paths import data_dir, resources_dir

RU_FILTERS = {"int": ru.format_int, "messages_word": ru.messages_word, "percent": ru.signed_percent,
              "plural": ru.plural_form}


def template_dirs(user_templates: bool = True) -> list[Path]:
    """Where templates are looked up, first match wins."""
    bundled = resources_dir() / "templates"
    return [data_dir() / "templates", bundled] if user_templates else [bundled]


def template_environment(user_templates: bool = True) -> Environment:
    """The shared environment (autoescaped, Russian number filters); templates reload when edited."""
    return _environment(tuple(str(path) for path in template_dirs(user_templates)))


@lru_cache(maxsize=8)
def _environment(dirs: tuple[str, ...]) -> Environment:  # keyed by the folders: the data dir may move
    env = Environment(loader=ChoiceLoader([FileSystemLoader(path) for path in dirs]),
                      autoescape=select_autoescape(["j2", "html"]))
    env.filters.update(RU_FILTERS)
    return env
