"""core/ stays free of Qt, and its model layer loads without torch (so the GUI paints first)."""

from __future__ import annotations

import ast
import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

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


# ----- the core tests with Qt uninstalled -------------------------------------------------------
QT_DISTRIBUTION_ROOTS = {"PySide6", "shiboken6", "pyqtgraph", "pytestqt"}


def site_packages_without_qt(target: Path) -> Path:
    """A copy of this interpreter's site-packages made of symlinks, minus every distribution that
    installs Qt, its bindings or pytest-qt (their modules and their metadata): what an interpreter
    sees where Qt was never installed. Run it with ``python -S`` and ``PYTHONPATH=target``."""
    import importlib.metadata
    import site

    hidden = set()
    for dist in importlib.metadata.distributions():
        roots = {Path(str(f)).parts[0] for f in (dist.files or ())}
        if roots & QT_DISTRIBUTION_ROOTS:
            hidden |= roots
    target.mkdir()
    for folder in map(Path, site.getsitepackages()):
        for entry in folder.iterdir():
            if entry.name not in hidden and not (target / entry.name).exists():
                (target / entry.name).symlink_to(entry)
    return target


def run_without_qt(site_dir: Path, *args: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTEST", "PYTHON"))}
    env["PYTHONPATH"] = str(site_dir)
    return subprocess.run([sys.executable, "-S", *args], cwd=ROOT, env=env, capture_output=True,
                          text=True, timeout=600)


@pytest.fixture(scope="module")
def qtless_site(tmp_path_factory):
    return site_packages_without_qt(tmp_path_factory.mktemp("qtless") / "site-packages")


def test_qtless_interpreter_really_has_no_qt(qtless_site):
    probe = ("import importlib.metadata as m, importlib.util as u, json, torch, pytest\n"
             "names = ['PySide6', 'shiboken6', 'pyqtgraph', 'pytestqt']\n"
             "dists = {d.metadata['Name'].lower() for d in m.distributions()}\n"
             "print(json.dumps({'modules': [n for n in names if u.find_spec(n)],\n"
             "                  'pytest_qt': 'pytest-qt' in dists}))")
    result = run_without_qt(qtless_site, "-c", probe)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == {"modules": [], "pytest_qt": False}


def test_qtless_pytest_would_stop_on_a_project_wide_qt_api(qtless_site, tmp_path):
    """The check below can fail: with pytest-qt's setting in the shared config (as it once was),
    pytest refuses to start where Qt is absent."""
    config = tmp_path / "pytest.ini"
    config.write_text("[pytest]\nqt_api = pyside6\nfilterwarnings = error\n")
    result = run_without_qt(qtless_site, "-m", "pytest", "-c", str(config), "--rootdir", str(ROOT),
                            "-p", "no:cacheprovider", "--collect-only", "-q",
                            "tests/core/test_graph.py")
    assert result.returncode != 0
    assert "qt_api" in result.stdout + result.stderr


def test_qtless_core_tests_pass(qtless_site):
    """napari's rule: the core test suite runs where PySide6, pyqtgraph and pytest-qt are not
    installed, with the project's own pytest config (filterwarnings = error included)."""
    result = run_without_qt(qtless_site, "-m", "pytest", "tests/core", "-q", "-p",
                            "no:cacheprovider", "-k", "not qtless")  # not these tests again
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    assert " passed" in result.stdout and "INTERNALERROR" not in result.stdout
