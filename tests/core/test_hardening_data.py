"""Issue 9, data: non-regular data paths, the one size limit, gzip bombs, memory estimates, data
outside the network file's folder, and messages that quote at most a short escaped excerpt."""

from __future__ import annotations

import copy
import gzip
import io
import json
import os
import struct
import warnings
from pathlib import Path

import numpy as np
import pytest

from core.cli import run_cli
from core.datasets import DatasetError, load_raw, outside_paths, read_idx
from core.datasets import base as data_base
from core.datasets.base import excerpt
from core.fileformat import loads_network
from core.run_setup import MemoryEstimate, RunError, check_memory, estimate_memory, prepare_run
from core.settings import DatasetSpec

ROOT = Path(__file__).resolve().parents[2]
XOR = json.loads((ROOT / "assets" / "examples" / "xor.json").read_text())
has_fifo = pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs named pipes (POSIX)")


def run(*args):
    out, err = io.StringIO(), io.StringIO()
    code = run_cli([str(a) for a in args], out, err)
    return code, out.getvalue(), err.getvalue()


def csv_spec(path, **params) -> DatasetSpec:
    return DatasetSpec(source="csv", name="data", params={"path": str(path), **params})


def load_csv_text(tmp_path, text: str, **params):
    path = tmp_path / "data.csv"
    path.write_text(text)
    return load_raw(csv_spec("data.csv", **params), tmp_path)


def idx_header(shape, type_code=0x08) -> bytes:
    return bytes([0, 0, type_code, len(shape)]) + b"".join(struct.pack(">I", d) for d in shape)


def xor_with_csv(path: str) -> dict:
    data = copy.deepcopy(XOR)
    data["dataset"] = {"source": "csv", "name": "data", "params": {"path": path}}
    return data


# ----- item 3: non-regular data paths ----------------------------------------------------------
@has_fifo
def test_a_fifo_as_csv_path_is_named_and_does_not_hang(tmp_path):
    os.mkfifo(tmp_path / "data.csv")
    with pytest.raises(DatasetError, match=r"is a named pipe \(FIFO\), not a regular file"):
        load_raw(csv_spec("data.csv"), tmp_path)


@has_fifo
def test_a_fifo_as_idx_path_in_the_cli_is_one_line(tmp_path):
    os.mkfifo(tmp_path / "images.idx")
    (tmp_path / "labels.idx").write_bytes(idx_header((2,)) + b"\0\1")
    data = copy.deepcopy(XOR)
    data["dataset"] = {"source": "idx", "name": "d",
                       "params": {"images": "images.idx", "labels": "labels.idx"}}
    net = tmp_path / "net.json"
    net.write_text(json.dumps(data))
    code, _, err = run("train", net)
    assert code == 1 and "named pipe" in err and "Cannot find" not in err


def test_a_folder_as_data_path_is_named_as_a_folder(tmp_path):
    (tmp_path / "data.csv").mkdir()
    with pytest.raises(DatasetError, match="is a folder, not a regular file"):
        load_raw(csv_spec("data.csv"), tmp_path)


# ----- item 6: one limit on what a dataset may occupy -------------------------------------------
def test_a_huge_sparse_csv_is_refused_before_reading(tmp_path):
    path = tmp_path / "data.csv"
    with open(path, "wb") as handle:  # 8 GB on paper, nothing on disk
        handle.truncate(8_000_000_000)
    with pytest.raises(DatasetError) as caught:
        load_raw(csv_spec("data.csv"), tmp_path)
    assert "data.csv is 8,000 MB; a dataset may take at most 1,000 MB" in str(caught.value)


def test_csv_rows_times_features_are_capped_while_reading(tmp_path, monkeypatch):
    monkeypatch.setattr(data_base, "MAX_DATA_BYTES", 600_000)
    rows = "\n".join(f"{i % 10},{i % 7},{i % 3},{i % 2}" for i in range(20_000))  # 160 KB
    with pytest.raises(DatasetError) as caught:
        load_csv_text(tmp_path, "a,b,c,y\n" + rows + "\n")
    assert str(caught.value) == ("data.csv has 8,192 rows of 3 features so far, about 623 KB; a "
                                 "dataset may take at most 600 KB: use a smaller file (or fewer "
                                 "rows).")


def test_a_gzip_bomb_idx_is_refused_from_its_header(tmp_path, monkeypatch):
    monkeypatch.setattr(data_base, "MAX_DATA_BYTES", 1_000_000)
    path = tmp_path / "images.idx.gz"
    with gzip.open(path, "wb") as handle:  # promises 4 MB, and really holds it (40 KB packed)
        handle.write(idx_header((4000, 1000)))
        handle.write(bytes(4_000_000))
    with pytest.raises(DatasetError) as caught:
        read_idx(path)
    assert "promises 4000 x 1000 values, 4.0 MB; a dataset may take at most 1.0 MB" \
        in str(caught.value)


def test_gzip_idx_is_read_only_as_far_as_the_header_promises(tmp_path):
    path = tmp_path / "images.idx.gz"
    with gzip.open(path, "wb") as handle:
        handle.write(idx_header((2, 2)) + bytes([1, 2, 3, 4]) + bytes(10_000_000))
    with pytest.raises(DatasetError, match="has extra bytes at the end"):
        read_idx(path)


def test_idx_whose_float_values_exceed_the_limit_is_refused(tmp_path, monkeypatch):
    monkeypatch.setattr(data_base, "MAX_DATA_BYTES", 1_000)
    path = tmp_path / "images.idx"
    path.write_bytes(idx_header((10, 50)) + bytes(500))  # 500 bytes, but 2,000 as float32
    with pytest.raises(DatasetError, match="would take, as 32-bit floats,"):
        read_idx(path)


def test_memory_estimate_refuses_with_the_figure_and_the_fix():
    spiral = json.loads((ROOT / "assets" / "examples" / "spiral.json").read_text())
    spiral["dataset"]["params"]["samples"] = 20_000
    for layer in spiral["layers"]:
        if layer["id"] in ("hidden_1", "hidden_2"):
            layer["params"]["units"] = 1024
    spiral.pop("weights", None)
    network = loads_network(json.dumps(spiral))
    run_ = prepare_run(network)
    estimate = estimate_memory(run_.report, run_.dataset, 16)
    assert estimate.evaluation == 16_000 * 1024 * 4 * 3  # all samples through the widest layer
    with pytest.raises(RunError) as caught:
        check_memory(estimate, available=50_000_000)
    message = str(caught.value)
    assert "needs about 213 MB of memory" in message and "only 50 MB are available" in message
    assert "computed on all 16,000 samples at once" in message and "use fewer samples" in message


def test_memory_estimate_blames_the_batch_when_it_is_the_batch():
    estimate = MemoryEstimate(training=8_000_000_000, evaluation=1, parameters=0, batch=80_000,
                              samples=80_000)
    with pytest.raises(RunError, match="one batch of 80,000 samples.*lower the batch size"):
        check_memory(estimate, available=2_000_000_000)
    check_memory(estimate, available=9_000_000_000)  # enough: no error


def test_prepare_run_checks_memory(monkeypatch):
    import core.run_setup as run_setup
    monkeypatch.setattr(run_setup, "available_memory", lambda: 100)
    with pytest.raises(RunError, match="only 0 KB are available"):
        prepare_run(loads_network(json.dumps(XOR)))


# ----- item 9 (window's core half): data outside the network file's folder ----------------------
def test_outside_paths_catch_absolute_parent_home_proc_and_symlinks(tmp_path):
    folder = tmp_path / "lesson"
    (folder / "data").mkdir(parents=True)
    (folder / "data" / "ok.csv").write_text("a,b\n1,2\n")
    (folder / "out").symlink_to(tmp_path)
    inside = ["ok.csv", "data/ok.csv", str(folder / "data" / "ok.csv"), "data/../data/ok.csv"]
    outside = ["/etc/passwd", "../secret.csv", "~/.ssh/id_rsa", "/proc/self/environ",
               "out/secret.csv", "data/../../secret.csv"]
    for value in inside:
        assert outside_paths(csv_spec(value), folder) == [], value
    for value in outside:
        assert len(outside_paths(csv_spec(value), folder)) == 1, value
    assert len(outside_paths(csv_spec("ok.csv"), None)) == 1  # no folder: nothing is inside
    idx = DatasetSpec(source="idx", name="d", params={"images": "/etc/a", "labels": "l.idx"})
    assert outside_paths(idx, folder) == [Path("/etc/a")]


def test_cli_reads_outside_data_but_says_so(tmp_path):
    data_dir = tmp_path / "data"
    data_dir.mkdir()
    (data_dir / "xor.csv").write_text("a,b,y\n0,0,0\n0,1,1\n1,0,1\n1,1,0\n")
    lesson = tmp_path / "lesson"
    lesson.mkdir()
    net = lesson / "net.json"
    net.write_text(json.dumps(xor_with_csv("../data/xor.csv")))
    code, _, err = run("train", net, "--epochs", "1")
    assert code == 0
    assert f"note: reading data from outside the network file's folder: '{data_dir / 'xor.csv'}'" \
        in err


# ----- messages: cells quoted briefly and escaped ---------------------------------------------------
def test_a_cell_is_quoted_as_a_short_escaped_excerpt(tmp_path):
    secret = "root:x:0:0:root:/root:/bin/bash\x1b[2J" + "y" * 500
    with pytest.raises(DatasetError) as caught:
        load_csv_text(tmp_path, f"a,b\n1,0\n{secret},1\n")
    message = str(caught.value)
    assert "row 3, column 'a'" in message and "\x1b" not in message and "\\x1b" in message
    assert len(message) < 150 and "y" * 20 not in message


def test_excerpt_escapes_control_characters_and_keeps_accents():
    assert excerpt("größe") == "'größe'"
    assert excerpt("a\nb") == "'a\\nb'"
    assert excerpt("x" * 50, 10) == "'xxxxxxxxxx'…"


def test_float32_overflow_in_a_cell_names_the_cell_without_a_warning(tmp_path):
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # numpy's "overflow encountered in cast" would raise here
        with pytest.raises(DatasetError) as caught:
            load_csv_text(tmp_path, "a,b,y\n1,2,0\n3,1e39,1\n")
    assert str(caught.value) == ("data.csv row 3, column 'b': '1e39' is too large: features are "
                                 "32-bit floats, at most about 3.4e38.")


def test_float32_overflow_in_a_regression_target_names_the_cell(tmp_path):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with pytest.raises(DatasetError, match=r"row 3, column 'y': '1e39' is not a number a 32-bit"):
            load_csv_text(tmp_path, "a,y\n1,2.5\n3,1e39\n", task="regression")


def test_an_unterminated_quote_is_reported_as_one(tmp_path):
    with pytest.raises(DatasetError) as caught:
        load_csv_text(tmp_path, '"a,1\n2,3\n4,5\n')
    message = str(caught.value)
    assert "row 1" in message and "never closed" in message and "not a number" not in message


def test_a_quote_opened_on_a_later_row_is_placed_there(tmp_path):
    with pytest.raises(DatasetError, match="row 3: a quote"):
        load_csv_text(tmp_path, 'a,y\n1,0\n"2,1\n3,0\n')


def test_latin1_csv_still_loads_when_streamed(tmp_path):
    path = tmp_path / "data.csv"
    path.write_bytes("größe,y\n1,0\n2,1\n3,0\n4,1\n".encode("latin-1"))
    raw = load_raw(csv_spec("data.csv"), tmp_path)
    assert raw.feature_names == ("größe",) and raw.x.shape == (4, 1)


def test_csv_larger_than_one_block_loads_in_order(tmp_path):
    rows = "\n".join(f"{i},{i % 2}" for i in range(10_000))
    raw = load_csv_text(tmp_path, "x,y\n" + rows + "\n")
    np.testing.assert_array_equal(raw.x[:, 0], np.arange(10_000, dtype=np.float32))
