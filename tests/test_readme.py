"""The README's promises walk through the real commands: every command line it shows exists, with its keys."""

from __future__ import annotations

import argparse
import re
from pathlib import Path

import pytest

from app.cli import build_parser

README = Path(__file__).resolve().parents[1] / "README.md"
COMMAND = re.compile(r"^(?:opershtab|python main\.py)\b(.*)$")


def _readme_command_lines() -> list[str]:
    lines, inside = [], False
    for line in README.read_text(encoding="utf-8").splitlines():
        if line.startswith("```"):
            inside = not inside
            continue
        match = COMMAND.match(line.strip()) if inside else None
        if match:
            lines.append(match.group(1).split("#", 1)[0].rstrip(" \\"))
    return lines


def _subparsers(parser: argparse.ArgumentParser) -> dict[str, argparse.ArgumentParser]:
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            return dict(action.choices)
    return {}


def _parser_for(words: list[str]) -> tuple[argparse.ArgumentParser, list[str]]:
    """The deepest parser the words name (alternatives 'a|b' take the first), and the path taken."""
    parser, path = build_parser(), []
    for word in words:
        choices = _subparsers(parser)
        name = word.split("|")[0]
        if name not in choices:
            break
        parser, path = choices[name], [*path, name]
    return parser, path


LINES = _readme_command_lines()


def test_the_readme_shows_the_commands() -> None:
    assert len(LINES) >= 12, LINES


def _alternatives(line: str) -> str:
    """'list | get ИМЯ | set ИМЯ ЗНАЧЕНИЕ' → 'list|get|set ...': alternatives of a command as one word."""
    return re.sub(r"\s*\|\s*([a-z-]+)(\s+[А-ЯЁ]+)*", r"|\1", line)


@pytest.mark.parametrize("line", LINES)
def test_every_command_and_key_in_the_readme_exists(line: str) -> None:
    tokens = _alternatives(line).replace("[", " ").replace("]", " ").split()
    commands = _subparsers(build_parser())
    words = [t for t in tokens if re.fullmatch(r"[a-z][a-z-]*(\|[a-z-]+)*", t)]
    parser, path = _parser_for(words)
    if tokens and not tokens[0].startswith("-"):
        assert tokens[0].split("|")[0] in commands and path, f"the README names an unknown command: {line}"
        parent, _ = _parser_for(path[:-1])
        for alternative in words[len(path) - 1].split("|"):
            assert alternative in _subparsers(parent), f"{alternative!r} of «{line}» is not a command"
    known = {o for action in parser._actions for o in action.option_strings}
    for key in (t for t in tokens if t.startswith("--")):
        assert key.split("=")[0] in known, f"{key} is not a key of «{' '.join(path) or 'opershtab'}» ({line})"
