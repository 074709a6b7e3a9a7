"""Every user-visible string of the Help menu, its dialogs and the empty-canvas hint.

Kept in one place so the translation issue can wrap each in a translation call. Keys are never
sentence fragments: each value is a whole sentence or label, with ``{named}`` fields for what is
filled in at run time (a shortcut, a menu path), so a translator can move them.

Shortcuts in the guide are fields like ``{train}``: they are filled from the window's actual
QActions (gui.help.shortcuts.key_names), so the guide never names a key the program does not use.
"""

from __future__ import annotations

MENU = {
    "help": "&Help",
    "getting_started": "&Getting Started",
    "getting_started_tip": "A short guide: build, connect, train, inspect",
    "layer_help": "Help on Selected &Layer",
    "layer_help_tip": "What the selected layer computes, its parameters and its formula",
    "shortcuts": "&Keyboard Shortcuts",
    "shortcuts_tip": "Every keyboard shortcut of the program",
    "file_format": "The Network &File Format",
    "file_format_tip": "How a network file is written: layers, weights, dataset, lesson",
    "lessons": "The &Lessons",
    "lessons_tip": "The example lessons and what each one shows",
    "about": "&About NeuroCanvas",
    "about_tip": "Version and licences",
    "about_qt": "About &Qt",
}

TITLES = {
    "browser": "NeuroCanvas Help",
    "getting_started": "Getting started",
    "shortcuts": "Keyboard shortcuts",
    "file_format": "The network file format",
    "lessons": "Lessons",
    "layer": "Layer: {name}",
    "about": "About NeuroCanvas",
}

EMPTY_CANVAS_HINT = ("Drag a layer from the {palette} palette onto the canvas,\n"
                     "or open an example from {examples}.")

MISSING_DOC = ("# Document not found\n\nThis copy of NeuroCanvas does not include `{name}`. "
               "It was looked for in:\n\n{folders}\n")
NO_KEY = "(no shortcut)"
KEY_SEPARATOR = " or "

GETTING_STARTED = """\
# Getting started

NeuroCanvas lets you build a neural network by drawing it, train it, and then look inside it.
The four steps below take a few minutes with the XOR lesson (from {examples}).

## 1. Build

Drag a layer from the **Layers** palette on the left onto the canvas, or double-click it to add
it in the middle of the view. Every network starts with an **Input** and ends with an **Output**.
Select a layer to edit its parameters in **Properties** on the right; press **{layer_help}** to
read what the selected layer computes, its parameters and its formula.

Useful keys on the canvas: rename **{rename}**, duplicate **{duplicate}**, delete **{delete}**,
undo **{undo}**, redo **{redo}**, fit the network into view **{fit}**, tidy the layout
**{auto_layout}**. Drag with the middle mouse button, or hold Space and drag, to pan; the mouse
wheel zooms.

## 2. Connect

Drag from a layer's **output port** (the dot on the right side of its card) to the next
layer's **input port** (the dot on the left side). Each card shows the shape of the tensor it produces
(for example "→ 4"). If something cannot fit, the **Problems** list says which layer and why;
double-click a problem to select its layer. Esc cancels a connection being dragged.

## 3. Train

In the **Training** panel choose the data and the settings, then press **Train ({train})**.
The loss and accuracy curves and the decision boundary update while the network learns.
Pause with **{pause}**, stop with **{stop}**, or go one step at a time: one batch with
**{step_batch}**, one epoch with **{step_epoch}**. Training again continues from the weights
on the canvas; **Reset weights** starts again.

## 4. Inspect

The **Inspector** panel steps through one training step exactly as a textbook does it by hand:
the forward pass, the loss, the backward pass and the weight update, every number shown.
Select a neuron to read its formulas with the real numbers, and try **Check my answer**.

## Saving and sharing

Save with **{save}**, open with **{open}**. File ▸ Export… writes the canvas as a PNG or SVG
picture, the plots as a PNG and the training history as a CSV table.
Help ▸ Keyboard Shortcuts lists every shortcut ({shortcuts}).
"""

SHORTCUTS_INTRO = ("These are the shortcuts of the menus and panels of this window, read from "
                   "the program itself.")
SHORTCUTS_HEADER = "| Action | Keys |"
GESTURES_TITLE = "## On the canvas, with the mouse"
GESTURES = (
    ("Pan the view", "Middle-button drag, or hold Space and drag"),
    ("Zoom about the cursor", "Mouse wheel"),
    ("Connect two layers", "Drag from an output port to an input port"),
    ("Cancel a connection being dragged", "Esc"),
    ("Select several layers", "Drag a rectangle on the empty canvas"),
)

LESSONS_INTRO = ("# Lessons\n\nEach lesson is a network file in the examples folder; open one "
                 "from {examples}. Its lesson text appears in the Properties panel while no layer is "
                 "selected.\n")
LESSON_ENTRY = "## {name}\n\n{description}\n\n{lesson}"
NO_LESSONS = "No lesson files were found in {folder}."

ABOUT = {
    "heading": "NeuroCanvas {version}",
    "tagline": "Build neural networks by drawing them, train them, and watch every number move.",
    "licence": "NeuroCanvas is free software under the {licence} licence.",
    "deps_heading": "Built with",
    "deps_note": ("Licences as each package declares them in its installed metadata. "
                  "Qt and PySide6 are used under the GNU LGPL version 3."),
    "fallback_note": "not in the package's metadata; the project's published licence",
    "not_installed": "not installed",
    "qt_runtime": "Qt {version} (runtime)",
    "columns": ("Package", "Version", "Licence"),
    "python": "Python {version}",
}
GOAL_METRICS = {"train_accuracy": "training accuracy", "val_accuracy": "validation accuracy",
                "train_loss": "training loss", "val_loss": "validation loss"}
GOAL_ACCURACY = "*Promise:* {metric} of at least {value:.0%}."
GOAL_LOSS = "*Promise:* {metric} of at most {value:g}."
