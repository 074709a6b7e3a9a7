"""The program's version and its dependencies' licences, read from package metadata.

One home for each fact: the version and the dependency list are pyproject.toml's; an installed
copy (``pip install .`` or ``-e .``) carries them in its metadata, which is read first, and a bare
source checkout falls back to reading pyproject.toml itself. Each dependency's licence is what
that package declares in its own installed metadata (``License-Expression``, else ``License``,
else its trove classifiers); `KNOWN_LICENCES` is only a fallback for a package whose metadata
says nothing (a frozen build), and such a row says so.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

DISTRIBUTION = "neurocanvas"
PYPROJECT = Path(__file__).resolve().parent.parent / "pyproject.toml"
MAX_LICENCE_TEXT = 120  # some packages paste their whole licence into the License field
KNOWN_LICENCES = {  # fallback only: what each project publishes, for metadata that lacks it
    "pyside6-essentials": "LGPL-3.0-only OR GPL-2.0-only OR GPL-3.0-only",
    "torch": "BSD-3-Clause",
    "pyqtgraph": "MIT",
    "numpy": "BSD-3-Clause",
    "networkx": "BSD-3-Clause",
    "scikit-learn": "BSD-3-Clause",
}


@dataclass(frozen=True)
class Dependency:
    name: str  # the distribution name as pyproject spells it
    version: str  # installed version, "" when not installed
    licence: str
    from_metadata: bool  # False: the licence comes from KNOWN_LICENCES
    summary: str = ""
    home_page: str = ""


def app_version() -> str:
    try:
        return metadata.version(DISTRIBUTION)
    except metadata.PackageNotFoundError:
        return str(_pyproject().get("version", "unknown"))


def dependency_names() -> list[str]:
    """Runtime requirements (no extras), in pyproject order."""
    try:
        requirements = metadata.requires(DISTRIBUTION) or []
    except metadata.PackageNotFoundError:
        requirements = list(_pyproject().get("dependencies", []))
    return [_requirement_name(r) for r in requirements if "extra ==" not in r]


def dependencies() -> list[Dependency]:
    return [describe(name) for name in dependency_names()]


def describe(name: str) -> Dependency:
    try:
        meta = metadata.metadata(name)
    except metadata.PackageNotFoundError:
        return Dependency(name, "", KNOWN_LICENCES.get(name.lower(), ""), False)
    licence = declared_licence(meta)
    fallback = KNOWN_LICENCES.get(name.lower(), "")
    return Dependency(name, meta.get("Version", ""), licence or fallback, bool(licence),
                      meta.get("Summary", "") or "", _home_page(meta))


def declared_licence(meta) -> str:
    """License-Expression (PEP 639), else a short License field, else the classifiers."""
    expression = (meta.get("License-Expression") or "").strip()
    if expression:
        return expression
    field = (meta.get("License") or "").strip()
    if field and len(field) <= MAX_LICENCE_TEXT and "\n" not in field:
        return field
    classifiers = [c.split("::")[-1].strip() for c in meta.get_all("Classifier") or []
                   if c.startswith("License ::")]
    return ", ".join(classifiers)


def _home_page(meta) -> str:
    for entry in meta.get_all("Project-URL") or []:
        label, _, url = entry.partition(",")
        if label.strip().lower() in ("homepage", "home", "source", "repository"):
            return url.strip()
    return (meta.get("Home-page") or "").strip()


def _requirement_name(requirement: str) -> str:
    return re.split(r"[\s<>=!~;\[(]", requirement.strip(), maxsplit=1)[0]


def _pyproject() -> dict:
    try:
        with open(PYPROJECT, "rb") as handle:
            return tomllib.load(handle).get("project", {})
    except (OSError, tomllib.TOMLDecodeError):
        return {}


# ----- shipped documents ---------------------------------------------------------------------
# The docs live once, in the project's docs/ folder (the README links to them there). A source
# checkout or an editable install reads them in place; a wheel installs them as data files
# (pyproject [tool.setuptools.data-files]) under <prefix>/share/neurocanvas/docs, found through
# the distribution's own file list, so a user or a venv install resolves to its own prefix.
SOURCE_DOCS = PYPROJECT.parent / "docs"
INSTALLED_DOCS = "share/neurocanvas/docs"


def find_doc(name: str) -> Path | None:
    """The path of ``docs/<name>`` (e.g. "file-format.md"), or None if this copy lacks it."""
    for folder in doc_folders():
        candidate = folder / name
        if candidate.is_file():
            return candidate
    return None


def doc_folders() -> list[Path]:
    """Where documents are looked for, in order: the source tree, then the installed copy."""
    folders = [SOURCE_DOCS]
    try:
        files = metadata.distribution(DISTRIBUTION).files or []
    except metadata.PackageNotFoundError:
        files = []
    for entry in files:
        if entry.as_posix().endswith(f"{INSTALLED_DOCS}/{entry.name}"):
            folders.append(Path(entry.locate()).parent.resolve())
            break
    return folders
