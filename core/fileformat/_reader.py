"""Reading network files: parse, check everything into typed records, and only then build.

Loading is a contract, like Orange's workflow reader: a file is either turned into a complete,
consistent `Network` or rejected with one `FileFormatError` that names the JSON path of the first
problem and says how to fix it. The three stages keep that promise:

1. `parse` turns text into JSON values (no NaN/Infinity, no numbers that overflow, no duplicate keys);
2. `check_document` validates every field into frozen records, never touching a graph;
3. `build_network` creates the graph from records that are already known to be consistent.

Nothing named in a file is ever imported, evaluated or unpickled: layer types are looked up in the
layer registry, settings go through the typed records in core.settings, weights are plain numbers.
"""

from __future__ import annotations

import json
import math
from typing import Any

import networkx as nx

from core.fileformat import _common as common
from core.fileformat._checks import Document, check_document
from core.fileformat._common import FileFormatError, quote
from core.graph import NetworkGraph
from core.i18n import N_, _
from core.network import Network

# The json module's own words (JSONDecodeError.msg), for the catalogue: messages translate them
JSON_MESSAGES = (N_("Expecting value"), N_("Expecting ',' delimiter"), N_("Expecting ':' delimiter"),
                 N_("Expecting property name enclosed in double quotes"), N_("Extra data"),
                 N_("Unterminated string starting at"), N_("Invalid control character at"),
                 N_("Invalid \\escape"), N_("Invalid \\uXXXX escape"))


def loads_network(text: str | bytes, source: str = "<memory>") -> Network:
    """Read a network from the text of a file; raise FileFormatError (and nothing else) if it is bad."""
    try:
        return build_network(check_document(parse(text)))
    except FileFormatError as exc:
        raise FileFormatError(exc.message, exc.json_path, source) from None
    except Exception as exc:  # a bug in a checker, not a bad file: still a clean, reportable error
        raise FileFormatError(
            _("Could not be read because of an internal error ({error}). Please report this file "
              "to the NeuroCanvas developers.").format(error=f"{type(exc).__name__}: {exc}"),
            "$", source) from exc


# ----- stage 1: text -> JSON values --------------------------------------------------------------
def parse(text: str | bytes) -> Any:
    """JSON values from text, turning every way the text can be malformed into a located message."""
    text = _decode(text)
    try:
        return json.loads(text, parse_constant=_reject_constant, parse_float=_finite_float,
                          object_pairs_hook=_unique_keys)
    except json.JSONDecodeError as exc:
        raise FileFormatError(
            _("This is not valid JSON: {problem} (line {line}, column {column}). Look for a "
              "missing comma, quote or bracket there; JSON allows no comments or trailing "
              "commas.").format(problem=_(exc.msg), line=exc.lineno, column=exc.colno)) from None
    except RecursionError:
        raise FileFormatError(_("The file is nested too deeply to be a network file.")) from None
    except FileFormatError:
        raise
    except ValueError:  # Python refuses integers with thousands of digits
        raise FileFormatError(_("The file contains a number with thousands of digits: "
                                "write a normal number instead.")) from None


def _decode(text: str | bytes) -> str:
    if isinstance(text, (bytes, bytearray, memoryview)):
        _check_size(len(text))
        if _looks_binary(bytes(text)):
            raise FileFormatError(_("This is not a NeuroCanvas network file: it holds binary data, "
                                    "not text. Network files are JSON text (the shipped examples "
                                    "show what they look like)."))
        try:
            text = bytes(text).decode("utf-8")
        except UnicodeDecodeError as exc:
            raise FileFormatError(_("The file is not UTF-8 text (byte {position} cannot be "
                                    "decoded): save it as UTF-8.").format(position=exc.start)) from None
    elif isinstance(text, str):
        _check_size(len(text))
    else:
        raise FileFormatError(_("Expected the text of a network file, got {type}.").format(
            type=type(text).__name__))
    return text.removeprefix("\ufeff")  # editors on Windows like to add a byte-order mark


def _looks_binary(data: bytes) -> bool:
    """An image, an archive, a model checkpoint: NUL bytes, many control bytes, or bytes that are
    not UTF-8 where a JSON object should begin. A text file in another encoding (Latin-1 JSON)
    is not binary: it gets the "save it as UTF-8" message instead."""
    head = data[:8192]
    if b"\x00" in head:
        return True
    controls = sum(1 for b in head if b < 32 and b not in b"\t\n\r\f")
    if controls > len(head) // 20:
        return True
    start = head.lstrip(b" \t\r\n\xef\xbb\xbf")[:1]
    try:
        head.decode("utf-8")
    except UnicodeDecodeError as exc:
        return exc.start < len(head) - 3 and start not in (b"{", b"[")
    return False


def _check_size(size: int) -> None:
    if size > common.MAX_FILE_BYTES:
        raise FileFormatError(common.too_large_text(size))


def _reject_constant(name: str) -> float:
    raise FileFormatError(_("The file contains {name}, which is not a number JSON allows: "
                            "write a finite number instead.").format(name=name))


def _finite_float(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise FileFormatError(_("The number {number} is too large to store: write a smaller "
                                "number.").format(number=text[:30]))
    return value


def _unique_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    """Reject repeated keys: json would silently keep the last one and hide a hand-editing slip."""
    result = dict(pairs)
    if len(result) != len(pairs):
        seen: set[str] = set()
        for key, _value in pairs:
            if key in seen:
                raise FileFormatError(_("The key {key} appears twice in the same object: keep only "
                                        "one of them.").format(key=quote(key)))
            seen.add(key)
    return result


# ----- stage 3: records -> Network ---------------------------------------------------------------
def build_network(document: Document) -> Network:
    graph = NetworkGraph()
    for layer in document.layers:
        graph.add_layer(layer.id, layer.type, layer.params, layer.position,
                        document.weights.get(layer.id), label=layer.label)
    for slot in _connection_order(document.connections):
        graph.connect(*document.connections[slot], slot=slot)
    return Network(graph=graph, dataset=document.dataset, training=document.training,
                   name=document.name, description=document.description, lesson=document.lesson,
                   trained=document.trained)


def _connection_order(edges: tuple[tuple[str, str], ...]) -> list[int]:
    """Edge indices with sources in topological order: each target then has no outgoing edges yet,
    so NetworkGraph.connect's cycle check returns at once and loading stays linear in the size of
    the graph. The slots (= file order) are passed explicitly, so the connection order is kept."""
    rank = {node: i for i, node in enumerate(nx.topological_sort(nx.DiGraph(list(edges))))}
    return sorted(range(len(edges)), key=lambda index: rank[edges[index][0]])
