"""The main window: palette (left), canvas (centre), properties (right), problems (bottom).

It wires the pieces together and owns nothing of the model. Later panels (training, inspector)
dock in with `add_panel_dock` and read everything from ``window.document``.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QByteArray, QPointF, QSettings, Qt, QTimer
from PySide6.QtGui import QAction, QCloseEvent, QDragEnterEvent, QDropEvent
from PySide6.QtWidgets import QDockWidget, QLabel, QMainWindow, QWidget

from core.validation import ValidationReport
from gui import help as app_help
from gui.actions import build_actions, build_menus
from gui.autosave import DEFAULT_INTERVAL_MS, Autosaver
from gui.canvas.scene import NetworkScene
from gui.canvas.view import DROP_OFFSET, CanvasView
from gui.document import Document
from gui.edit_actions import EditActions
from gui.file_actions import EXAMPLES_DIR, FileActions
from gui.palette import LayerPalette
from gui.preload import BackgroundImporter
from gui.presentation import FIT_CHECK_MS, InterfaceScale
from gui.problems import ProblemsPanel
from gui.properties import PropertiesPanel
from gui.screen_fit import apply_fit_rules, fit_window, keep_on_screen
from gui.workspaces import DEFAULT_WORKSPACE, SETTINGS_KEY as WORKSPACE_KEY, Workspaces
from gui.style import ERROR_COLOR, MUTED_STYLE, VALID_COLOR

APP_NAME = "NeuroCanvas"
STATUS_MESSAGE_MS = 6000
TORCH_TEXTS = {"loading": "Loading PyTorch…", "ready": "PyTorch ready", "failed": "PyTorch failed to load"}
LAYOUT_VERSION = 3  # bump when the set of docks changes: an older saved layout is then ignored


class MainWindow(QMainWindow):
    def __init__(self, settings: QSettings | None = None, autosave_dir: str | Path | None = None,
                 autosave_interval_ms: int = DEFAULT_INTERVAL_MS,
                 examples_dir: Path = EXAMPLES_DIR) -> None:
        super().__init__()
        self.settings = settings or QSettings()
        self.interface_scale = InterfaceScale(self)
        self.interface_scale.restore()  # the app font first, so every widget starts at its size
        self.document = Document(parent=self)
        self.scene = NetworkScene(self.document, self)
        self.view = CanvasView(self.scene, self.document)
        self.setCentralWidget(self.view)
        self.autosaver = Autosaver(self.document, autosave_dir, autosave_interval_ms, self)
        self.file_actions = FileActions(self, self.document, self.settings, self.autosaver,
                                        examples_dir)
        self.edit_actions = EditActions(self, self.document, self.scene, self.view)
        self._build_docks()
        self.workspaces = Workspaces(self)
        self.workspaces.workspace_changed.connect(  # another arrangement may not fit the scale
            lambda _: QTimer.singleShot(FIT_CHECK_MS, self.interface_scale.keep_fitting))
        self.action_map = build_actions(self)
        self.edit_actions.actions = self.action_map
        build_menus(self, self.action_map)
        for dock in self.docks.values():
            self.panels_menu.addAction(dock.toggleViewAction())
        self._build_status_bar()
        self._connect()
        self.help = app_help.install(self)  # Help menu (kept last), F1, the empty-canvas hint
        self.setAcceptDrops(True)
        fit_window(self)  # the screen's available area until `fit_to_screen` knows better
        self._update_title()
        self._show_report(self.document.report)

    # ----- construction ------------------------------------------------------------------
    def _build_docks(self) -> None:
        self.docks: dict[str, QDockWidget] = {}
        # side panels run the full height; bottom panels sit under the canvas only
        self.setCorner(Qt.Corner.BottomLeftCorner, Qt.DockWidgetArea.LeftDockWidgetArea)
        self.setCorner(Qt.Corner.BottomRightCorner, Qt.DockWidgetArea.RightDockWidgetArea)
        self.layer_palette = LayerPalette()
        self.properties = PropertiesPanel(self.document)
        self.problems = ProblemsPanel()
        self._dock("Layers", self.layer_palette, Qt.DockWidgetArea.LeftDockWidgetArea)
        self._dock("Properties", self.properties, Qt.DockWidgetArea.RightDockWidgetArea)
        self._dock("Problems", self.problems, Qt.DockWidgetArea.BottomDockWidgetArea)
        self.resizeDocks([self.docks["Layers"], self.docks["Properties"]], [210, 340],
                         Qt.Orientation.Horizontal)
        self.resizeDocks([self.docks["Problems"]], [110], Qt.Orientation.Vertical)

    def _dock(self, title: str, widget: QWidget, area: Qt.DockWidgetArea) -> QDockWidget:
        dock = QDockWidget(title, self)
        dock.setObjectName(f"dock_{title.lower().replace(' ', '_')}")
        dock.setWidget(widget)
        self.addDockWidget(area, dock)
        self.docks[title] = dock
        return dock

    def add_panel_dock(self, title: str, widget: QWidget,
                       area: Qt.DockWidgetArea = Qt.DockWidgetArea.BottomDockWidgetArea,
                       tabify: bool = True) -> QDockWidget:
        """Dock a panel (training, inspector, ...) and list it in View > Panels.

        A bottom panel is tabbed with the bottom panels already there (the Problems list) rather
        than squeezed beside them, and raised; ``tabify=False`` splits the area instead.
        """
        neighbours = [d for d in self.docks.values() if self.dockWidgetArea(d) == area
                      and not d.isFloating()]
        dock = self._dock(title, widget, area)
        if tabify and neighbours and area == Qt.DockWidgetArea.BottomDockWidgetArea:
            self.tabifyDockWidget(neighbours[-1], dock)
            dock.raise_()
        self.panels_menu.addAction(dock.toggleViewAction())
        return dock

    def save_layout(self) -> None:
        """Window size and dock arrangement, restored at the next start (`restore_layout`)."""
        self.settings.setValue("window/geometry", self.saveGeometry())
        self.settings.setValue("window/state", self.saveState(LAYOUT_VERSION))

    def fit_to_screen(self) -> None:
        """The last session's geometry clamped to this screen, else the screen's available area:
        a layout saved on a large monitor never opens larger than a classroom projector."""
        geometry = self.settings.value("window/geometry")
        fit_window(self, geometry if isinstance(geometry, QByteArray) else None)

    def restore_layout(self) -> bool:
        """Put back the last session's docks (once all panels exist), on a window that fits the
        screen, and mark its workspace. False if there is no saved layout (or an older one)."""
        geometry = self.settings.value("window/geometry")
        if isinstance(geometry, QByteArray):
            fit_window(self, geometry)
        state = self.settings.value("window/state")
        if not isinstance(state, QByteArray) or not self.restoreState(state, LAYOUT_VERSION):
            return False
        self.workspaces.restored(str(self.settings.value(WORKSPACE_KEY, DEFAULT_WORKSPACE)))
        return True

    def settle_layout(self) -> None:
        """Once every panel is docked: the last session's layout, else the remembered (or
        default) workspace; then the rules that keep text whole, and the interface scale."""
        apply_fit_rules(self)
        keep_on_screen(self)  # the frame is known now that the window is shown
        if not self.restore_layout():
            self.workspaces.switch(str(self.settings.value(WORKSPACE_KEY, DEFAULT_WORKSPACE)))
        self.interface_scale.restore()  # style sheets and plots of the panels just built

    def shutdown_panels(self) -> None:
        """Stop the panels' worker threads (training, inspector) before the window goes away."""
        for dock in self.docks.values():
            shutdown = getattr(dock.widget(), "shutdown", None)
            if callable(shutdown):
                shutdown()

    def _build_status_bar(self) -> None:
        bar = self.statusBar()
        self.validation_label = QLabel()
        self.validation_label.setObjectName("validation_summary")
        self.torch_label = QLabel("")
        self.torch_label.setObjectName("torch_status")
        self.torch_label.setStyleSheet(MUTED_STYLE + " padding: 0 6px;")
        # As wide as its longest text from the start: while PyTorch loads in its thread the GUI
        # thread gets little time, and the status bar's relayout came seconds late (18 px wide).
        widest = max(self.torch_label.fontMetrics().horizontalAdvance(t) for t in TORCH_TEXTS.values())
        self.torch_label.setMinimumWidth(widest + 14)
        bar.addPermanentWidget(self.validation_label)
        bar.addPermanentWidget(self.torch_label)

    def _connect(self) -> None:
        doc = self.document
        doc.validation_changed.connect(self._show_report)
        doc.modified_changed.connect(lambda _: self._update_title())
        doc.path_changed.connect(lambda _: self._update_title())
        doc.network_changed.connect(lambda _: self._update_title())
        doc.document_replaced.connect(self._on_document_replaced)
        self.layer_palette.layer_requested.connect(self.add_layer_from_palette)
        self.scene.layer_selection_changed.connect(self.properties.show_selection)
        self.scene.label_edit_requested.connect(self.edit_actions.edit_label)
        self.problems.layer_activated.connect(self.select_and_center)
        self.view.context_menu_provider = self.edit_actions.context_menu
        self.view.files_dropped.connect(self.open_dropped_files)
        for source in (self.view, self.file_actions, self.edit_actions, self.autosaver):
            source.message_posted.connect(self.show_message)
        doc.undo_stack.indexChanged.connect(lambda _: self._update_actions())

    # ----- reactions ---------------------------------------------------------------------
    def show_message(self, text: str) -> None:
        self.statusBar().showMessage(text, STATUS_MESSAGE_MS)

    def _show_report(self, report: ValidationReport) -> None:
        color = (VALID_COLOR if report.is_valid else ERROR_COLOR).name()
        mark = "✔" if report.is_valid else "✖"
        self.validation_label.setText(f"<span style='color:{color}'>{mark} {report.summary()}</span>")
        self.validation_label.setToolTip("\n".join(p.message for p in report.problems))
        self.problems.show_report(report)
        self._update_actions()

    def _update_title(self) -> None:
        files = self.file_actions
        name = files.display_name()
        if files.is_template(self.document.path):
            name += " (example)"
        self.setWindowTitle(f"{name}[*] — {APP_NAME}")
        self.setWindowModified(self.document.is_modified)
        self._update_actions()

    def _update_actions(self) -> None:
        if not hasattr(self, "action_map"):
            return
        self.action_map["revert"].setEnabled(bool(self.document.path and self.document.is_modified))

    def _on_document_replaced(self) -> None:
        self._update_title()
        QTimer.singleShot(0, self.view.fit_to_view)

    def add_layer_from_palette(self, layer_type: str) -> str | None:
        """Double-click in the palette: add at the middle of the view, cascading past cards
        already there so repeated double-clicks do not stack layers on top of each other."""
        pos = self.view.visible_center()
        taken = [QPointF(*self.document.graph.position(n)) for n in self.document.graph.layer_ids()]
        while any((p - (pos - DROP_OFFSET)).manhattanLength() < 20 for p in taken):
            pos += QPointF(30, 30)
        return self.view.add_layer_at(layer_type, pos)

    def select_and_center(self, layer_id: str) -> None:
        self.scene.select_layers([layer_id])
        self.view.center_on_layer(layer_id)
        self.view.setFocus()

    def open_dropped_files(self, paths: list[str]) -> None:
        if paths:
            self.file_actions.open_path(paths[0])

    def action(self, name: str) -> QAction:
        return self.action_map[name]

    # ----- startup and shutdown ----------------------------------------------------------
    def open_initial(self, path: str | None) -> None:
        """Open the file given on the command line, else the XOR lesson, else a new network."""
        target = path or str(self.file_actions.examples_dir / "xor.json")
        if (path or Path(target).is_file()) and self.file_actions.open_path(target, ask=False):
            return
        self.view.fit_to_view()

    def start_background_imports(self) -> None:
        """After the first paint: import PyTorch in a thread so training starts quickly later."""
        self.torch_label.setText(TORCH_TEXTS["loading"])
        self._importer = BackgroundImporter("torch", self)
        self._importer.finished.connect(self._on_torch_loaded)
        self._importer.start()

    def _on_torch_loaded(self, error: str) -> None:
        self.torch_label.setText(TORCH_TEXTS["failed" if error else "ready"])
        self.torch_label.setToolTip(error)

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802
        if not self.file_actions.maybe_save():
            event.ignore()
            return
        self.autosaver.shutdown()
        self.save_layout()
        self.shutdown_panels()
        self._detach_model()
        event.accept()

    def _detach_model(self) -> None:
        """Silence the model before Qt destroys the children (QUndoStack's destructor emits
        signals, which would otherwise reach slots of half-destroyed widgets)."""
        for source in (self.document, self.document.undo_stack, self.scene):
            source.blockSignals(True)

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:  # noqa: N802
        if any(u.toLocalFile().lower().endswith(".json") for u in event.mimeData().urls()):
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:  # noqa: N802
        paths = [u.toLocalFile() for u in event.mimeData().urls()
                 if u.toLocalFile().lower().endswith(".json")]
        if paths:
            event.acceptProposedAction()
            self.open_dropped_files(paths)
