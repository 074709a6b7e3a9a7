"""dev.py shows pip's progress while it installs (issue 10, defect 15)."""

from __future__ import annotations

import importlib.util
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def load_dev():
    spec = importlib.util.spec_from_file_location("dev_script", ROOT / "dev.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_install_is_not_quiet_in_a_terminal_and_has_no_bars_in_ci():
    dev = load_dev()
    terminal = dev.install_command(interactive=True)
    ci = dev.install_command(interactive=False)
    for command in (terminal, ci):
        assert "--quiet" not in command and "-q" not in command
        assert command[-2:] == ["-e", f"{ROOT}[test]"]
    assert "--progress-bar" not in terminal
    assert ci[ci.index("--progress-bar") + 1] == "off"


def test_the_install_streams_pips_output_and_says_how_long_it_took(monkeypatch, tmp_path, capsys):
    dev = load_dev()
    monkeypatch.setattr(dev, "VENV", tmp_path)
    monkeypatch.setattr(dev, "STAMP", tmp_path / "stamp")
    (tmp_path / "bin").mkdir()
    (tmp_path / "bin" / "python").write_text("")
    calls = []
    monkeypatch.setattr(dev.subprocess, "check_call", lambda command: calls.append(command) or 0)
    dev.ensure_environment()
    out = capsys.readouterr().out
    assert "pip's progress follows" in out and "Installed in" in out
    assert calls and "--quiet" not in calls[0]  # pip writes straight to this terminal
    assert (tmp_path / "stamp").exists()
