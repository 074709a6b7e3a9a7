"""A layer is named to users by its display name, with its id alongside (core.display_names).

Validation messages, the inspector's stage titles and the CLI's text outputs say "Couche cachée"
where the learner named a layer so; ids stay in the machine outputs (JSON, `Problem.node`, the
CLI's ``[id]`` prefixes), and a network without labels reads exactly as before.
"""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from core.cli import run_cli
from core.display_names import labels_of, layer_name, name_from
from core.fileformat import dumps_network, load_network
from core.inspection.stages import build_stages
from core.inspection.tracing import TraceRequest, compute_trace
from core.validation import connection_problem, validate
from tests.core.builders import build_graph

EXAMPLES = Path(__file__).resolve().parents[2] / "assets" / "examples"
LABEL = "Couche cachée"


@pytest.mark.parametrize("label, style, expected", [
    ("", {}, "hidden"),
    ("", {"quoted": True}, "'hidden'"),
    (LABEL, {}, "Couche cachée (hidden)"),
    (LABEL, {"quoted": True}, "'Couche cachée' (hidden)"),
    (LABEL, {"with_id": False}, "Couche cachée"),
    (LABEL, {"quoted": True, "with_id": False}, "'Couche cachée'"),
    ("hidden", {}, "hidden"),  # a label equal to the id says nothing more
    ("   ", {"quoted": True}, "'hidden'"),
])
def test_layer_name_says_the_display_name_with_the_id_alongside(label, style, expected):
    assert layer_name("hidden", label, **style) == expected
    assert name_from({"hidden": label}, "hidden", **style) == expected


def labelled_xor_path(tmp_path, **changes) -> Path:
    network = load_network(EXAMPLES / "xor.json")
    network.graph.set_label("hidden", LABEL)
    data = json.loads(dumps_network(network))
    for key, value in changes.items():
        data["layers"][0]["params"][key] = value
    path = tmp_path / "labelled.json"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return path


def test_validation_messages_name_a_labelled_layer_by_its_label_and_id():
    graph = build_graph([("x", "Input", {"shape": [1, 28, 28]}), ("hidden", "Dense", {"units": 2}),
                         ("out", "Output", {})])
    before = [p.message for p in validate(graph).problems]
    assert any("Dense 'hidden' receives" in m for m in before)
    graph.set_label("hidden", LABEL)
    report = validate(graph)
    messages = [p.message for p in report.problems]
    assert any("Dense 'Couche cachée' (hidden) receives 1×28×28 images" in m for m in messages)
    assert [p.node for p in report.problems] == ["hidden"]  # the id, for the canvas and scripts
    assert report.labels == {"hidden": LABEL} == labels_of(graph)


def test_connection_and_cycle_messages_name_labelled_layers():
    graph = build_graph([("x", "Input", {"shape": [2]}), ("a", "Dense", {"units": 2}),
                         ("b", "Dense", {"units": 2}), ("out", "Output", {})],
                        [("x", "a"), ("a", "out")])
    graph.set_label("a", "Première")
    graph.set_label("out", "Sortie")
    assert connection_problem(graph, "b", "out") == (
        "Output 'Sortie' (out) takes only one input and already receives 'Première' (a): delete "
        "that connection first, or join both with an Add or Concatenate layer.")
    cyclic = build_graph([("x", "Input", {"shape": [2]}), ("a", "Dense", {}), ("b", "Dense", {})])
    cyclic.nx.add_edge("b", "a", slot=99)  # connect() refuses cycles; a file could hold one
    cyclic.set_label("b", "Boucle")
    whole = [p.message for p in validate(cyclic).problems if p.node is None]
    assert any("(a → Boucle (b))" in m or "(Boucle (b) → a)" in m for m in whole), whole


def test_a_reserved_id_is_named_as_the_id_even_with_a_label():
    graph = build_graph([("x", "Input", {"shape": [2]}), ("train", "Dense", {"units": 2}),
                         ("out", "Output", {})])
    assert "The name 'train' is reserved by PyTorch" in validate(graph).problems[0].message
    graph.set_label("train", "Entraîne")
    message = validate(graph).problems[0].message
    assert message.startswith("The id 'train' of 'Entraîne' is reserved by PyTorch")


def test_stage_titles_name_the_layer_by_its_label():
    network = load_network(EXAMPLES / "xor.json")
    result = compute_trace(TraceRequest(0, network, EXAMPLES, 0))
    plain = [s.title for s in build_stages(result)]
    assert "Forward 2/4 · hidden — Dense (4 units, tanh)" in plain
    titles = [s.title for s in build_stages(result, {"hidden": LABEL})]
    assert "Forward 2/4 · Couche cachée (hidden) — Dense (4 units, tanh)" in titles
    assert [t.replace("Couche cachée (hidden)", "hidden") for t in titles] == plain


def run(*args):
    out, err = io.StringIO(), io.StringIO()
    code = run_cli(list(args), out, err)
    return code, out.getvalue(), err.getvalue()


def test_cli_validate_names_the_label_in_messages_and_keeps_the_id_prefix(tmp_path):
    code, out, _ = run("validate", str(labelled_xor_path(tmp_path, shape=[1, 28, 28])))
    assert code == 1
    assert ("error: [hidden] Dense 'Couche cachée' (hidden) receives 1×28×28 images: add a "
            "Flatten before it") in out
    header, hidden_row = out.splitlines()[0], next(r for r in out.splitlines()
                                                   if r.startswith("hidden "))
    assert header.split() == ["layer", "type", "output", "params", "name"]
    assert hidden_row.split()[:2] == ["hidden", "Dense"] and hidden_row.endswith(LABEL)


def test_cli_validate_of_a_file_without_labels_is_unchanged():
    code, out, _ = run("validate", str(EXAMPLES / "xor.json"))
    assert code == 0 and out.splitlines()[0].split() == ["layer", "type", "output", "params"]


def test_cli_inspect_titles_name_the_label_and_its_json_keeps_ids(tmp_path):
    path = labelled_xor_path(tmp_path)
    code, out, _ = run("inspect", str(path), "--sample", "0")
    assert code == 0 and "== forward Couche cachée (hidden)" in out
    code, out, _ = run("inspect", str(path), "--sample", "0", "--json")
    nodes = {step.get("node") for step in json.loads(out)["steps"]}
    assert code == 0 and "hidden" in nodes and LABEL not in out
