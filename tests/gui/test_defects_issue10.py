"""Issue 10, "Defects found in use": each test reproduces one defect as the user met it."""

from __future__ import annotations

import numpy as np
from PySide6.QtGui import QImage

from tests.gui.test_inspector import go, open_panel


def ink_rows(image: QImage) -> list[int]:
    """Rows of the picture where something darker than the background is drawn."""
    image = image.convertToFormat(QImage.Format.Format_RGB32)
    width, height = image.width(), image.height()
    pixels = np.frombuffer(image.constBits(), dtype=np.uint8).reshape(height, width, 4)
    gray = pixels[..., :3].mean(axis=2)
    background = np.median(gray)
    return [int(r) for r in np.nonzero((background - gray > 60).any(axis=1))[0]]


def line_bands(rows: list[int], gap: int = 3) -> list[tuple[int, int]]:
    """Runs of inked rows; a hat a pixel or two above its letter belongs to the letter's run."""
    bands: list[list[int]] = []
    for r in rows:
        if bands and r - bands[-1][1] <= gap:
            bands[-1][1] = r
        else:
            bands.append([r, r])
    return [tuple(b) for b in bands]


# ----- defect 8: "m̂ = g and v̂ = g²" with the hats on the line above -------------------------
def test_adam_update_text_draws_its_hats_on_their_letters(qtbot):
    """The labels that show the Adam text draw "m̂" as an m with its hat just above it: one band
    of ink, taller than the m alone. A hat lifted a line up is clipped away or floats apart."""
    panel = open_panel(qtbot, "xor.json")
    try:
        go(panel, "update", "hidden")
        assert "m̂" in panel.explanation.text()
        for label in (panel.explanation, panel.formula):
            label.setText("m")
            label.setFixedSize(label.sizeHint())
            plain = ink_rows(label.grab().toImage())
            label.setText("m̂")
            hatted = ink_rows(label.grab().toImage())
            assert len(line_bands(hatted)) == 1, (label.objectName(), line_bands(hatted))
            assert set(plain) < set(hatted) and min(hatted) < min(plain), label.objectName()
    finally:
        panel.shutdown()
