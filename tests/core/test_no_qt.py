"""core/ stays free of Qt, and its model layer loads without torch (so the GUI paints first)."""

from __future__ import annotations

import ast
import json
import subprocess
import sys
import textwrap
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CORE = ROOT / "core"
QT_PACKAGES = {"PySide6", "PyQt5", "PyQt6", "shiboken6", "pyqtgraph", "qtpy"}
LIGHT_MODULES = ["core.graph", "core.layers", "core.validation", "core.network", "core.settings",
                 "core.fileformat"]


def imported_roots(tree: ast.AST) -> set[str]:
    """Top-level package of every import statement, and of literal importlib/__import__ calls."""
    roots = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            roots |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            roots.add(node.module.split(".")[0])
        elif isinstance(node, ast.Call) and node.args and isinstance(node.args[0], ast.Constant) \
                and isinstance(node.args[0].value, str):
            func = node.func
            name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
            if name in ("import_module", "__import__"):
                roots.add(node.args[0].value.split(".")[0])
    return roots


def test_the_static_check_sees_every_import_form():
    source = textwrap.dedent("""
        import os, PyQt5.QtCore as qc
        from PySide6 import QtWidgets
        def later():
            from pyqtgraph.Qt import QtGui
            import importlib
            importlib.import_module("shiboken6")
            __import__("qtpy.QtCore")
        from . import sibling
    """)
    assert imported_roots(ast.parse(source)) == {"os", "PyQt5", "PySide6", "pyqtgraph",
                                                 "importlib", "shiboken6", "qtpy"}


def test_no_core_file_imports_qt():
    files = sorted(CORE.rglob("*.py"))
    assert CORE / "graph.py" in files and len(files) > 5
    offenders = {}
    for path in files:
        roots = imported_roots(ast.parse(path.read_text(encoding="utf-8"), filename=str(path)))
        if roots & QT_PACKAGES:
            offenders[str(path.relative_to(ROOT))] = sorted(roots & QT_PACKAGES)
    assert not offenders, offenders


def run_python(code: str) -> dict:
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True,
                            timeout=120)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_importing_all_of_core_loads_no_qt():
    code = textwrap.dedent(f"""
        import importlib, json, pkgutil, sys
        import core
        names = []
        for info in pkgutil.walk_packages(core.__path__, "core."):
            importlib.import_module(info.name)
            names.append(info.name)
        qt = sorted(m for m in sys.modules if m.split(".")[0] in {sorted(QT_PACKAGES)!r})
        print(json.dumps({{"modules": names, "qt": qt, "torch": "torch" in sys.modules}}))
    """)
    result = run_python(code)
    assert {"core.graph", "core.compiler", "core.layers.modules", "core.validation"} \
        <= set(result["modules"])
    assert result["qt"] == []
    # the compiler needs torch: seeing it here shows that the torch-free check below can fail
    assert result["torch"]


def test_model_layer_imports_without_torch():
    present = [m for m in LIGHT_MODULES
               if (CORE / (m.split(".", 1)[1].replace(".", "/") + ".py")).exists()
               or (CORE / m.split(".", 1)[1].replace(".", "/") / "__init__.py").exists()]
    assert present[:5] == LIGHT_MODULES[:5]
    code = textwrap.dedent(f"""
        import importlib, json, sys
        for name in {present!r}:
            importlib.import_module(name)
        # using the light API must not pull torch in either
        from core.graph import NetworkGraph
        from core.validation import validate
        g = NetworkGraph()
        g.add_layer("x", "Input", {{"shape": (1, 4, 4)}})
        g.add_layer("c", "Conv2d", {{"filters": 2}})
        g.add_layer("f", "Flatten")
        g.add_layer("r", "Dense", {{"units": 2}})
        g.add_layer("out", "Output")
        for a, b in [("x", "c"), ("c", "f"), ("f", "r"), ("r", "out")]:
            g.connect(a, b)
        report = validate(g)
        print(json.dumps({{"torch": "torch" in sys.modules, "summary": report.summary()}}))
    """)
    result = run_python(code)
    assert result == {"torch": False, "summary": "Valid — 38 parameters"}
