"""pytest-qt is configured by tests/gui alone (the project-wide config must work without Qt)."""

from __future__ import annotations

import tomllib
from pathlib import Path

from pytestqt.qt_compat import qt_api

ROOT = Path(__file__).resolve().parents[2]


def test_pytest_qt_uses_pyside6():
    assert qt_api.pytest_qt_api == "pyside6"
    assert qt_api.QtCore.__name__ == "PySide6.QtCore"


def test_the_project_wide_pytest_config_names_no_qt_setting():
    options = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["pytest"]["ini_options"]
    assert not [key for key in options if key.startswith("qt_")]
    assert options["filterwarnings"][0] == "error"
