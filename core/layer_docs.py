"""A layer's help page (F1 on a card), generated from its LayerSpec so it can never drift.

Everything on the page comes from the layer registry: what the layer computes (its description),
how many inputs it takes, and one row per ParamSpec (label, allowed values, default, help text),
the same schema the properties form is generated from. Markdown, so the GUI renders it with
QTextBrowser.setMarkdown and a test (or the CLI) can read it as text.

Formulas: `formula_text` is the one hook. Today a layer's formula is the one its description
states (Dense: "y = activation(x·W + b)"); when the activation / loss / optimizer registries carry
formula text, `formula_text` reads them and every page shows it.
"""

from __future__ import annotations

from typing import Any

from core.layers import LayerSpec, ParamSpec, shape_text

# Every sentence of the page, in one place (to be wrapped in a translation call later).
TEXT = {
    "title": "# {name}",
    "category": "*{category} layer* · type `{type}`",
    "computes": "## What it computes",
    "formula": "## Formula",
    "inputs_none": "It takes no input: data enters the network here.",
    "inputs_one": "It takes one input.",
    "inputs_many": "It takes {minimum} or more inputs.",
    "params": "## Parameters",
    "no_params": "This layer has no parameters to set.",
    "param_heading": "### {label} (`{name}`)",
    "param_facts": "Allowed values: {allowed}. Default: **{default}**.",
    "any": "any",
    "at_least": "at least {low}",
    "at_most": "at most {high}",
    "between": "{low} to {high}",
    "on_off": "on or off",
    "choice": "one of the {count} below",
    "greater_than": "greater than {low}",
    "above_up_to": "above {low}, up to {high}",
    "shape": "1 to 3 sizes, each {range}, e.g. 2 or 1×8×8",
    "loss_formula": "{title}: {value}; {grad}",
    "edit_hint": "Change the parameters in the Properties panel; the card shows the result at once.",
}
MEAN_SUM, MEAN_PER = "(1/N)·Σ ", " / N"  # the losses average over the N values of a batch
KIND_NAMES = {"int": "whole number", "float": "number", "bool": "switch", "choice": "choice",
              "shape": "shape"}


def layer_help_markdown(spec: LayerSpec) -> str:
    """The whole page for ``spec``: title, what it computes, formula, inputs, parameters."""
    parts = [TEXT["title"].format(name=spec.display_name),
             TEXT["category"].format(category=spec.category, type=spec.type_name),
             TEXT["computes"], spec.description, _inputs_sentence(spec)]
    formula = formula_text(spec)
    if formula:
        parts += [TEXT["formula"], formula]
    parts += [TEXT["params"], *_params_section(spec)]
    return "\n\n".join(parts) + "\n"


def formula_text(spec: LayerSpec) -> str:
    """The layer's own formula when the registry has one beyond its description, else "".

    The hook for formula text: a LayerSpec attribute ``formula`` is shown as the Formula section
    (today the catalogue states formulas in the descriptions, e.g. Dense's y = activation(x·W + b),
    which the page shows under "What it computes"). Activation formulas come from
    core.activations and loss formulas from core.losses, per choice (`choice_details`).
    """
    return str(getattr(spec, "formula", "") or "")


def choice_details(param: ParamSpec) -> list[tuple[str, str]]:
    """(choice, what it means) for a choice parameter: an activation's formula from the
    activation registry, else the ParamSpec's own choice titles, else nothing to add."""
    titles = tuple(getattr(param, "choice_titles", ()) or ())
    described = {}
    if param.name == "activation":
        described = _activation_descriptions()
    elif param.name == "loss":
        described = _loss_formulas()
    rows = []
    for index, choice in enumerate(param.choices):
        text = described.get(choice) or (titles[index] if index < len(titles) else "")
        rows.append((choice, text))
    return rows


def _loss_formulas() -> dict[str, str]:
    """{name: "Title: L = (1/N)·Σ (ŷ − y)²; ∂L/∂ŷ = …"} from core.losses (a mean over N terms)."""
    try:
        from core.losses import LOSSES
    except ImportError:
        return {}
    rows = {}
    for entry in LOSSES:
        value = entry.value_rule.format(sum=MEAN_SUM, per=MEAN_PER)
        grad = entry.grad_rule.format(sum=MEAN_SUM, per=MEAN_PER)
        rows[entry.name] = TEXT["loss_formula"].format(title=entry.title, value=value, grad=grad)
    return rows


def _activation_descriptions() -> dict[str, str]:
    """{name: description with its formula} from core.activations, if that registry exists."""
    try:
        from core.activations import ACTIVATIONS
    except ImportError:
        return {}
    return {entry.name: entry.description for entry in ACTIVATIONS}


def _inputs_sentence(spec: LayerSpec) -> str:
    if spec.max_inputs == 0:
        return TEXT["inputs_none"]
    if spec.max_inputs is None:
        return TEXT["inputs_many"].format(minimum=spec.min_inputs)
    return TEXT["inputs_one"]


def _params_section(spec: LayerSpec) -> list[str]:
    """One entry per ParamSpec. A list, not a table: a table's columns squeeze to a word each
    in a narrow help window or at 150% scaling, while a list wraps like the rest of the page."""
    if not spec.params:
        return [TEXT["no_params"]]
    section = []
    for param in spec.params:
        section.append(_param_entry(param))
        if param.kind == "choice":
            section.append(_choices_list(param))
    return section + [TEXT["edit_hint"]]


def _choices_list(param: ParamSpec) -> str:
    return "\n".join(f"- `{choice}`" + (f": {text}" if text and text != choice else "")
                     for choice, text in choice_details(param))


def _param_entry(param: ParamSpec) -> str:
    meaning = param.help.rstrip(".") + "." if param.help else ""
    heading = TEXT["param_heading"].format(label=param.label, name=param.name)
    facts = TEXT["param_facts"].format(allowed=allowed_values(param),
                                       default=format_value(param.default))
    return f"{heading}\n\n{meaning} {facts}".rstrip()


def allowed_values(param: ParamSpec) -> str:
    """The range as a learner reads it: "1 to 4096", "at least 0", "one of …", "on or off"."""
    if param.kind == "bool":
        return TEXT["on_off"]
    if param.kind == "choice":
        return TEXT["choice"].format(count=len(param.choices))
    numbers = _range(param)
    kind = KIND_NAMES.get(param.kind, param.kind)
    if param.kind == "shape":
        return TEXT["shape"].format(range=numbers)
    return f"{kind}, {numbers}"


def _range(param: ParamSpec) -> str:
    low, high = param.minimum, param.maximum
    if getattr(param, "open_minimum", False) and low is not None:
        key = "above_up_to" if high is not None else "greater_than"
        return TEXT[key].format(low=f"{low:g}", high=f"{high:g}" if high is not None else "")
    if low is not None and high is not None:
        return TEXT["between"].format(low=f"{low:g}", high=f"{high:g}")
    if low is not None:
        return TEXT["at_least"].format(low=f"{low:g}")
    if high is not None:
        return TEXT["at_most"].format(high=f"{high:g}")
    return TEXT["any"]


def format_value(value: Any) -> str:
    if isinstance(value, bool):
        return "on" if value else "off"
    if isinstance(value, (tuple, list)):
        return shape_text(tuple(value))
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)
