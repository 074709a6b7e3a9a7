"""The network canvas: a QGraphicsScene that mirrors the graph model, and the view that edits it."""
