"""How a layer is named to a person: the one place that words a layer's name for users.

A layer has an id (``hidden``: the file, the CLI, PyTorch's module names and the graph use it) and
an optional display name, its label ("Couche cachée": what the card shows). A learner who named a
layer looks for that name everywhere, so every message, title and list that names a layer says
it, with the id alongside where the id matters (a message may be read next to the file, the CLI
or a PyTorch error, which know only the id): ``Couche cachée (hidden)``. An unlabelled layer is
named by its id, exactly as before labels existed.

Validation messages (`core.validation_rules.describe`), the inspector's stage titles
(`core.inspection.stages`), the CLI's ``validate`` and ``inspect`` and the GUI's Problems list,
Properties panel, inspector and rename dialog all call `layer_name`; nothing else formats a name.
Machine outputs (JSON, the CLI's ``[id]`` prefixes, `Problem.node`) keep the bare id: contracts.
"""

from __future__ import annotations

from collections.abc import Mapping


def layer_name(layer_id: str, label: str = "", *, quoted: bool = False, with_id: bool = True) -> str:
    """The name of layer ``layer_id`` (whose display name is ``label``, "" for none) for users.

    ``hidden`` / ``Couche cachée (hidden)``; ``quoted`` quotes the name as messages quote it:
    ``'hidden'`` / ``'Couche cachée' (hidden)``; ``with_id=False`` leaves the id out where the
    context already gives it (``Couche cachée``). A label equal to the id, or blank, is no label.
    """
    label = label.strip()
    if not label or label == layer_id:
        return f"'{layer_id}'" if quoted else layer_id
    name = f"'{label}'" if quoted else label
    return f"{name} ({layer_id})" if with_id else name


def labels_of(graph) -> dict[str, str]:
    """Every labelled layer's display name, {id: label}, for code that names layers of a snapshot
    (a trace) while the live graph may have moved on. ``graph`` is a `core.graph.NetworkGraph`."""
    return {n: graph.label(n) for n in graph.layer_ids() if graph.label(n)}


def name_from(labels: Mapping[str, str], layer_id: str, **style: bool) -> str:
    """`layer_name` with the label looked up in ``labels`` ({id: label}, from `labels_of`)."""
    return layer_name(layer_id, labels.get(layer_id, ""), **style)
