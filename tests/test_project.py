"""Project contracts: the README's two commands, CI calling the second verbatim, packaging."""

import re
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def readme_commands() -> list[str]:
    text = (ROOT / "README.md").read_text()
    quick_start = text.split("## Quick start", 1)[1].split("\n## ", 1)[0].split("\n### ", 1)[0]
    return [block.strip() for block in re.findall(r"```\n(.*?)```", quick_start, re.S)]


def test_readme_gives_exactly_two_commands_run_and_test():
    commands = readme_commands()
    assert len(commands) == 2
    assert commands[0].endswith("dev.py run") and commands[1].endswith("dev.py test")


def test_ci_calls_the_readme_test_command_verbatim():
    ci_lines = (ROOT / ".ci" / "run").read_text().splitlines()
    assert readme_commands()[1] in ci_lines


def test_torch_is_pinned_and_every_core_package_is_installed():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    assert "torch==2.13.0" in project["dependencies"]
    include = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]
    assert include["packages"]["find"]["include"] == ["core*", "gui*"]
