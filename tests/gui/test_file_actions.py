"""Files: save/reload, bad files, examples as templates, recent files, prompts, autosave, recovery."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
from PySide6.QtCore import QMimeData, QPointF, QUrl
from PySide6.QtWidgets import QFileDialog, QMessageBox

from core.fileformat import save_network
from gui import dialogs
from gui.file_actions import EXAMPLES_DIR, list_examples
from gui_helpers import load, send_drop, xor_network

Buttons = QMessageBox.StandardButton


def answer_save_dialog(monkeypatch, path):
    monkeypatch.setattr(QFileDialog, "getSaveFileName",
                        staticmethod(lambda *a, **k: (str(path), "")))


def answer_question(monkeypatch, button, log=None):
    def question(parent, title, text, *args):
        if log is not None:
            log.append(text)
        return button
    monkeypatch.setattr(QMessageBox, "question", staticmethod(question))


def snapshot(graph):
    return ({n: (graph.layer_type(n), graph.params(n), graph.position(n)) for n in graph.layer_ids()},
            graph.connections(),
            {n: {k: v.tolist() for k, v in graph.weights(n).items()} for n in graph.layer_ids()})


def test_save_and_reload_round_trip(window, monkeypatch, tmp_path):
    net = xor_network()
    net.graph.set_weights("h", {"weight": np.array([[1.0, -2.0], [0.5, 3.25]]),
                                "bias": np.array([0.1, -0.1])})
    load(window, net)
    window.document.move_layers({"y": (470, 35)})
    expected = snapshot(window.document.graph)
    target = tmp_path / "mine.json"
    answer_save_dialog(monkeypatch, tmp_path / "mine")  # the .json suffix is added
    window.action("save").trigger()
    assert target.is_file() and not window.document.is_modified
    assert window.windowTitle() == "mine.json[*] — NeuroCanvas"
    assert window.file_actions.recent_files()[0] == str(target.resolve())
    window.action("new").trigger()
    assert set(window.document.graph.layer_ids()) == {"input_1", "output_1"}
    assert window.file_actions.open_path(str(target))
    assert snapshot(window.document.graph) == expected
    assert window.document.network.name == "XOR"


def test_corrupted_file_shows_error_and_keeps_document(window, monkeypatch, tmp_path):
    load(window, xor_network(), path=None)
    window.document.set_param("h", "units", 3)
    before, undo_count = snapshot(window.document.graph), window.document.undo_stack.count()
    data = json.loads((EXAMPLES_DIR / "xor.json").read_text())
    data["layers"][1]["params"]["units"] = "many"
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(data))
    shown = []
    monkeypatch.setattr(QMessageBox, "critical",
                        staticmethod(lambda parent, title, text, *a: shown.append(text)))
    assert not window.file_actions.open_path(str(bad), ask=False)
    assert len(shown) == 1 and "$.layers[1].params.units" in shown[0] and "bad.json" in shown[0]
    assert snapshot(window.document.graph) == before
    assert window.document.undo_stack.count() == undo_count and window.document.is_modified


def test_not_json_at_all(window, monkeypatch, tmp_path):
    bad = tmp_path / "noise.json"
    bad.write_text("{not json")
    shown = []
    monkeypatch.setattr(QMessageBox, "critical",
                        staticmethod(lambda parent, title, text, *a: shown.append(text)))
    assert not window.file_actions.open_path(str(bad))
    assert shown and "noise.json" in shown[0]


def test_examples_menu_and_save_on_example_becomes_save_as(window, monkeypatch, tmp_path):
    examples = list_examples()
    assert [e.path.stem for e in examples][:3] == ["perceptron_and", "perceptron_or", "xor"]
    menu_actions = [a for a in window.examples_menu.actions() if a.data()]
    assert len(menu_actions) == len(examples) >= 6
    xor_action = next(a for a in menu_actions if Path(a.data()).stem == "xor")
    assert xor_action.text() == "XOR" and "XOR" in xor_action.statusTip()
    xor_action.trigger()
    original = (EXAMPLES_DIR / "xor.json").read_bytes()
    assert window.document.path == str((EXAMPLES_DIR / "xor.json").resolve())
    assert "(example)" in window.windowTitle()
    window.document.set_param("hidden", "units", 6)
    answer_save_dialog(monkeypatch, tmp_path / "my_xor.json")
    window.action("save").trigger()
    assert (EXAMPLES_DIR / "xor.json").read_bytes() == original
    assert window.document.path == str((tmp_path / "my_xor.json").resolve())


def test_recent_files_drop_missing_entries(window, tmp_path):
    paths = []
    for name in ("a.json", "b.json"):
        save_network(xor_network(), tmp_path / name)
        paths.append(str((tmp_path / name).resolve()))
        assert window.file_actions.open_path(paths[-1])
    assert window.file_actions.recent_files() == paths[::-1]
    Path(paths[1]).unlink()
    assert window.file_actions.recent_files() == [paths[0]]


def test_close_prompt_cancel_keeps_window_discard_closes(window, monkeypatch):
    load(window, xor_network())
    window.document.set_param("h", "units", 3)
    asked = []
    answer_question(monkeypatch, Buttons.Cancel, asked)
    assert not window.close()
    assert window.isVisible() and asked and "not saved" in asked[0]
    answer_question(monkeypatch, Buttons.Discard)
    assert window.close()


def test_close_prompt_save_writes_the_file(window, monkeypatch, tmp_path):
    path = tmp_path / "net.json"
    save_network(xor_network(), path)
    window.file_actions.open_path(str(path))
    window.document.set_param("h", "units", 9)
    answer_question(monkeypatch, Buttons.Save)
    assert window.close()
    assert '"units": 9' in path.read_text()


def test_new_and_open_ask_first(window, monkeypatch):
    load(window, xor_network())
    window.document.set_param("h", "units", 3)
    answer_question(monkeypatch, Buttons.Cancel)
    window.action("new").trigger()
    assert window.document.graph.has_layer("h")
    answer_question(monkeypatch, Buttons.Discard)
    window.action("new").trigger()
    assert not window.document.graph.has_layer("h") and not window.document.is_modified


def test_revert_reloads_from_disk(window, monkeypatch, tmp_path):
    path = tmp_path / "net.json"
    save_network(xor_network(), path)
    window.file_actions.open_path(str(path))
    window.document.set_param("h", "units", 3)
    assert window.action("revert").isEnabled()
    answer_question(monkeypatch, Buttons.Discard)
    window.action("revert").trigger()
    assert window.document.graph.params("h")["units"] == 2 and not window.document.is_modified


def test_dropping_a_network_file_on_the_canvas_opens_it(window, tmp_path):
    path = tmp_path / "dropped.json"
    save_network(xor_network(), path)
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(path))])
    assert send_drop(window.view.viewport(), mime, QPointF(50, 50))
    assert window.document.path == str(path.resolve())


def test_autosave_after_interval_then_recovery(make_window, monkeypatch, qtbot, tmp_path):
    first = make_window(autosave_interval_ms=50)
    path = tmp_path / "work.json"
    save_network(xor_network(), path)
    first.file_actions.open_path(str(path))
    first.document.set_param("h", "units", 11)
    saver = first.autosaver
    qtbot.waitUntil(saver.json_path.exists, timeout=3000)
    meta = json.loads(saver.meta_path.read_text())
    assert meta["original_path"] == str(path.resolve())
    # simulate a crash: the process dies holding nothing, its files stay behind
    saver.timer.stop()
    saver._lock.unlock()
    second = make_window()
    offered = []

    def ask_recover(parent, name, original, saved_at):
        offered.append((name, original))
        return True
    monkeypatch.setattr(dialogs, "ask_recover", ask_recover)
    assert second.file_actions.offer_recovery()
    assert offered == [("XOR", str(path.resolve()))]
    doc = second.document
    assert doc.graph.params("h")["units"] == 11 and doc.is_modified
    assert doc.path == str(path.resolve()) and second.isWindowModified()
    assert not saver.json_path.exists()  # recovered files are consumed
    assert not second.file_actions.offer_recovery()


def test_recovery_discard_deletes_files(make_window, monkeypatch, qtbot):
    first = make_window(autosave_interval_ms=30)
    load(first, xor_network())
    first.document.set_param("h", "units", 4)
    qtbot.waitUntil(first.autosaver.json_path.exists, timeout=3000)
    first.autosaver.timer.stop()
    first.autosaver._lock.unlock()
    second = make_window()
    monkeypatch.setattr(dialogs, "ask_recover", lambda *a: False)
    assert not second.file_actions.offer_recovery()
    assert not first.autosaver.json_path.exists()
    assert not second.document.graph.has_layer("h")


def test_autosave_is_removed_after_save_and_skipped_when_clean(window, monkeypatch, tmp_path):
    load(window, xor_network())
    assert not window.autosaver.autosave_now()  # nothing to protect
    window.document.set_param("h", "units", 5)
    assert window.autosaver.autosave_now()
    assert not window.autosaver.autosave_now()  # unchanged since the last autosave
    answer_save_dialog(monkeypatch, tmp_path / "saved.json")
    window.action("save").trigger()
    assert not window.autosaver.json_path.exists()


def test_live_session_autosaves_are_not_offered(make_window, qtbot):
    first = make_window(autosave_interval_ms=30)
    load(first, xor_network())
    first.document.set_param("h", "units", 4)
    qtbot.waitUntil(first.autosaver.json_path.exists, timeout=3000)
    second = make_window()
    assert second.autosaver.recoverable() == []  # first is still running: its lock is held
