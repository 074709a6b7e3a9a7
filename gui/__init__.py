"""The PySide6 desktop editor. Only this package (and tests/gui) may import Qt."""
