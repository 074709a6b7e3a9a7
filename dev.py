"""One-command developer entry points: `python3 dev.py run` and `python3 dev.py test`.

Why a script and not a Makefile: it works the same on Linux, macOS and Windows with nothing but
Python 3.11+. Each command creates `.venv` on first use, installs the project with its test extra
(again only when `pyproject.toml` changes), then launches the app or runs the whole test suite.

`test` first checks the architecture, failing fast with the checker's own report: the import
contracts (import-linter: core never imports Qt, gui's packages never import upward) and the linter
(ruff), both configured in pyproject.toml; then it runs pytest.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import time
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
STAMP = VENV / ".neurocanvas-installed"


STATIC_CHECKS = (
    ("import contracts", ["lint-imports", "--no-cache"]),
    ("lint", ["ruff", "check", "--no-cache", "--output-format", "concise", "."]),
)


def venv_script(name: str) -> Path:
    """Path of a program installed inside the project's virtual environment."""
    scripts = "Scripts" if os.name == "nt" else "bin"
    return VENV / scripts / (f"{name}.exe" if os.name == "nt" else name)


def venv_python() -> Path:
    """Path of the interpreter inside the project's virtual environment."""
    return venv_script("python")


def ensure_environment() -> Path:
    """Create the venv and install the project unless it is already up to date."""
    if sys.version_info < (3, 11):
        sys.exit(f"NeuroCanvas needs Python 3.11 or newer; this is {sys.version.split()[0]}.")
    if not venv_python().exists():
        print("Creating the virtual environment in .venv ...", flush=True)
        venv.EnvBuilder(with_pip=True).create(VENV)
    wanted = hashlib.sha256((ROOT / "pyproject.toml").read_bytes()).hexdigest()
    if not STAMP.exists() or STAMP.read_text() != wanted:
        print("Installing NeuroCanvas and its dependencies into .venv (the first time this "
              "downloads PyTorch and Qt and takes a few minutes; pip's progress follows) ...",
              flush=True)
        started = time.monotonic()
        subprocess.check_call(install_command(sys.stdout.isatty()))
        print(f"Installed in {time.monotonic() - started:.0f} s.", flush=True)
        STAMP.write_text(wanted)
    return venv_python()


def install_command(interactive: bool) -> list[str]:
    """pip install of the project with its test extra, its output shown as it goes (a silent
    minute looks like a hang). In a terminal pip draws its progress bars; elsewhere (CI, a log
    file) it writes one line per package, without the bars' carriage-return redraws."""
    command = [str(venv_python()), "-m", "pip", "install", "--disable-pip-version-check"]
    if not interactive:
        command += ["--progress-bar", "off"]
    return command + ["-e", f"{ROOT}[test]"]


def main(argv: list[str]) -> int:
    if not argv or argv[0] not in {"run", "test"}:
        print("usage: python3 dev.py run [FILE]   |   python3 dev.py test [pytest args]")
        return 2
    python = str(ensure_environment())
    os.chdir(ROOT)
    if argv[0] == "run":
        target = argv[1:] or [str(ROOT / "assets" / "examples" / "xor.json")]
        return subprocess.call([python, str(ROOT / "main.py"), *target])
    failed = run_static_checks()
    if failed:
        return failed
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    return subprocess.call([python, "-m", "pytest", *argv[1:]], env=env)


def run_static_checks() -> int:
    """Each check in turn; the first failure stops the test command with its exit code."""
    for title, (program, *args) in STATIC_CHECKS:
        print(f"== {title}: {program} {' '.join(args)}", flush=True)
        code = subprocess.call([str(venv_script(program)), *args], cwd=ROOT)
        if code:
            print(f"== {title} failed (exit {code}): fix the report above; pytest did not run.",
                  flush=True)
            return code
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
