"""What the reader and the writer share: the format's identity, its size limits, the error type and
the small helpers that turn positions in the JSON tree into paths like ``$.layers[2].params.units``.

The limits exist so that a damaged or hostile file fails fast with a clear message instead of
exhausting memory or the recursion limit; they are far above anything a lesson network needs.
"""

from __future__ import annotations

import difflib
import json
import math
import re
import sys
from typing import Any, Iterable

from core.i18n import _, format_number, ngettext

FORMAT_NAME = "neurocanvas-network"
FORMAT_VERSION = 2  # 2: the "trained" section (epochs trained, run history)

MAX_FILE_BYTES = 50_000_000  # 50 MB
MAX_LAYERS = 10_000
MAX_CONNECTIONS = 100_000
MAX_WEIGHT_DEPTH = 5  # nested lists per weight array (Conv2d needs 4)
MAX_DATASET_DEPTH = 10  # nesting inside "dataset.params" (inline image data needs about 5)

FLOAT_MAX = sys.float_info.max
_PLAIN_KEY = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


class FileFormatError(ValueError):
    """A network file (or text) that cannot be read, with where the problem is and how to fix it.

    ``json_path`` points into the JSON tree (``$.layers[3].type``); ``"$"`` means the file as a whole
    (unreadable, not JSON, not an object). ``source`` names the file. ``message`` is the plain
    sentence without the location, for dialogs that show the location separately.
    """

    def __init__(self, message: str, json_path: str = "$", source: str = "") -> None:
        self.message = message
        self.json_path = json_path
        self.source = source
        super().__init__(self._compose())

    def _compose(self) -> str:
        where = self.source
        if self.json_path and self.json_path != "$":
            where = (_("{file} at {path}").format(file=where, path=self.json_path) if where
                     else self.json_path)
        return _("{where}: {message}").format(where=where, message=self.message) if where \
            else self.message

    def __reduce__(self):  # keep the three fields when pickled (e.g. across a worker process)
        return (type(self), (self.message, self.json_path, self.source))


def too_large_text(size: int) -> str:
    """The message for an oversized network file, with its real size."""
    return _("The file is {size} MB; network files may be at most {limit} MB.").format(
        size=format_number(size / 1e6, ",.0f"), limit=format_number(MAX_FILE_BYTES / 1e6, ".0f"))


def child(path: str, key: str | int) -> str:
    """The JSON path of ``key`` inside ``path``: ``.name`` for plain keys, ``[3]`` for indices and
    ``["odd key"]`` for anything else, so that every path can be read back unambiguously."""
    if isinstance(key, int):
        return f"{path}[{key}]"
    if _PLAIN_KEY.fullmatch(key):
        return f"{path}.{key}"
    return f"{path}[{json.dumps(key, ensure_ascii=False)}]"


def describe(value: Any) -> str:
    """How a JSON value is named in messages ("a string", "a list", ...), for 'expected X, got Y'."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        if len(repr(value)) <= 20:
            return _("the number {value}").format(value=repr(value))
        if isinstance(value, int):
            return _("a {digits}-digit number").format(digits=len(repr(abs(value))))
        return _("a number")
    if isinstance(value, str):
        return _("the text {text}").format(text=quote(value)) if len(value) <= 30 else _("a long text")
    if isinstance(value, list):
        return ngettext("a list of {count} item", "a list of {count} items", len(value)).format(
            count=len(value))
    if isinstance(value, dict):
        return _("an object")
    return type(value).__name__


def did_you_mean(word: Any, options: Iterable[str]) -> str:
    """' Did you mean "Dense"?' for the closest option (ignoring case), or "" when none is close."""
    if not isinstance(word, str):
        return ""
    by_lower = {option.lower(): option for option in options}
    close = difflib.get_close_matches(word.lower(), list(by_lower), n=1, cutoff=0.6)
    return " " + _("Did you mean {option}?").format(option=quote(by_lower[close[0]])) if close else ""


def quote(text: str) -> str:
    """A string as it appears in the JSON file ("hidden_1"), shortened so messages stay readable."""
    quoted = json.dumps(text, ensure_ascii=False)
    return quoted if len(quoted) <= 42 else quoted[:40] + '…"'


def sentence(text: str) -> str:
    """``text`` ending with a full stop, so messages from other modules read like ours."""
    text = text.strip()
    return text if text.endswith((".", "?", "!")) else text + "."


def expected_number(item: Any) -> str:
    """Why ``item`` is not accepted where a number must be (after `is_number` said no)."""
    if type(item) is int:  # a whole number beyond float64: "got a number" would be nonsense
        try:
            digits = len(str(abs(item)))
        except ValueError:  # Python refuses to print ints beyond 4,300 digits
            digits = int(item.bit_length() * math.log10(2)) + 1
        return _("This number has {digits} digits: far too large to store (numbers here may be "
                 "at most about 1.8e308).").format(digits=digits)
    return _("Expected a number, got {value}.").format(value=describe(item))


def is_number(value: Any) -> bool:
    """A finite JSON number (booleans are not numbers here, and ints must fit a float64)."""
    if type(value) is float:
        return math.isfinite(value)
    return type(value) is int and -FLOAT_MAX <= value <= FLOAT_MAX


def expect_object(value: Any, path: str, what: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise FileFormatError(_("Expected {what}; got {value}.").format(what=what,
                                                                        value=describe(value)), path)
    return value


def expect_list(value: Any, path: str, what: str) -> list[Any]:
    if not isinstance(value, list):
        raise FileFormatError(_("Expected {what}; got {value}.").format(what=what,
                                                                        value=describe(value)), path)
    return list(value)
