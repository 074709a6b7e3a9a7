"""Architecture that is checked, not hoped for (CONVENTIONS.md rule 15).

Colours and fonts live in gui/style.py only; the import contracts and the linter are configured in
pyproject.toml and run by the README's test command (dev.py test) before pytest.
"""

from __future__ import annotations

import ast
import re
import textwrap
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
GUI = ROOT / "gui"
STYLE = GUI / "style.py"
HEX_COLOR = re.compile(r"#(?:[0-9a-fA-F]{3}){1,2}(?:[0-9a-fA-F]{2})?\b")
FONT_CSS = re.compile(r"font-(?:size|weight|family)\s*:")
COLOR_CALLS = {"QColor", "mkColor", "mkPen", "mkBrush", "fromRgb", "fromRgbF"}
FONT_CALLS = {"QFont", "setPointSize", "setPointSizeF", "setPixelSize", "setBold", "setFamily",
              "setFamilies", "setWeight"}
COLOR_NAMES = {"white", "black", "red", "green", "blue", "gray", "grey", "w", "k", "r", "g", "b",
               "yellow", "orange", "transparent"}


def _name(func: ast.expr) -> str:
    return func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")


def _is_literal(node: ast.expr) -> bool:
    if isinstance(node, ast.Tuple):
        return all(_is_literal(e) for e in node.elts)
    return isinstance(node, ast.Constant) and (
        isinstance(node.value, (int, float)) and not isinstance(node.value, bool)
        or isinstance(node.value, str) and node.value.lower() in COLOR_NAMES)


def style_literals(source: str) -> list[tuple[int, str]]:
    """(line, what) for every colour or font written in ``source`` instead of named in style."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            for pattern in (HEX_COLOR, FONT_CSS):
                found += [(node.lineno, m.group(0)) for m in pattern.finditer(node.value)]
        elif isinstance(node, ast.Call):
            name = _name(node.func)
            if name in FONT_CALLS:
                found.append((node.lineno, f"{name}(...)"))
            elif name in COLOR_CALLS and any(_is_literal(a) for a in node.args):
                found.append((node.lineno, f"{name}(literal)"))
    return found


def test_the_scan_sees_each_way_of_writing_a_colour_or_a_font():
    source = textwrap.dedent("""
        a = "color: #d32f2f;"
        b = QColor(255, 255, 255, 225)
        c = pg.mkPen("w", width=1)
        d = pg.mkBrush((120, 144, 156, 80))
        e = "<span style='font-size:14pt'>x</span>"
        f = QFont()
        g.setPointSizeF(7.0)
        h = QColor(ERROR_COLOR)  # a named colour: fine
        i = "issue #12 and #define"  # not colours
    """)
    assert [line for line, _ in style_literals(source)] == [2, 3, 4, 5, 6, 7, 8]


def test_colours_and_fonts_are_written_only_in_gui_style():
    offenders = {}
    for path in sorted(GUI.rglob("*.py")):
        if path == STYLE:
            continue
        found = style_literals(path.read_text(encoding="utf-8"))
        if found:
            offenders[str(path.relative_to(ROOT))] = found
    assert not offenders, offenders


def test_import_contracts_and_the_linter_are_configured_and_run():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())
    contracts = project["tool"]["importlinter"]["contracts"]
    forbidden = [c for c in contracts if c["type"] == "forbidden"]
    assert any(c["source_modules"] == ["core"] and {"PySide6", "shiboken6", "pyqtgraph"}
               <= set(c["forbidden_modules"]) for c in forbidden)
    assert any(c["type"] == "layers" and c["containers"] == ["gui"] for c in contracts)
    assert {"import-linter", "ruff"} <= {re.split(r"[<>=!~ ]", d)[0]
                                          for d in project["project"]["optional-dependencies"]["test"]}
    dev = (ROOT / "dev.py").read_text()
    assert "lint-imports" in dev and '"ruff", "check"' in dev
