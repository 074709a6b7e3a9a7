"""core.datasets: built-ins, inline, CSV and IDX sources, target encoding, split and scaling."""

from __future__ import annotations

import gzip
import struct
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

from core.datasets import BUILTIN, BuiltinInfo, Dataset, DatasetError, builtin_raw, load_dataset
from core.datasets.base import split_indices
from core.layers.base import ParamSpec
from core.settings import DatasetSpec

ROOT = Path(__file__).resolve().parents[2]
RANDOM = ("circles", "moons", "spiral", "blobs", "linear", "sum")
EXPECTED = {  # name: (task, input_shape, n_classes, rows)
    "xor": ("classification", (2,), 2, 4), "and": ("classification", (2,), 2, 4),
    "or": ("classification", (2,), 2, 4), "nand": ("classification", (2,), 2, 4),
    "circles": ("classification", (2,), 2, 200), "moons": ("classification", (2,), 2, 200),
    "spiral": ("classification", (2,), 2, 200), "blobs": ("classification", (2,), 3, 200),
    "linear": ("regression", (1,), 0, 50), "sum": ("regression", (2,), 0, 200),
    "iris": ("classification", (4,), 3, 150), "digits": ("classification", (64,), 10, 1797),
    "digits_images": ("classification", (1, 8, 8), 10, 1797),
    "diabetes": ("regression", (10,), 0, 442),
}


def builtin(name: str, **kw) -> DatasetSpec:
    params = kw.pop("params", {})
    return DatasetSpec(source="builtin", name=name, params=params, **kw)


def load(spec: DatasetSpec, loss: str = "cross_entropy", base_dir: Path | None = None) -> Dataset:
    return load_dataset(spec, loss, base_dir)


# ---------------------------------------------------------------- built-ins and encoding

def test_builtin_registry_lists_every_dataset_with_param_specs():
    assert list(BUILTIN) == list(EXPECTED)
    for name, info in BUILTIN.items():
        assert isinstance(info, BuiltinInfo) and info.name == name and info.title and info.description
        assert info.task == EXPECTED[name][0]
        assert all(isinstance(p, ParamSpec) and p.coerce(p.default) == p.default for p in info.params)
    assert [p.name for p in BUILTIN["blobs"].params] == ["samples", "noise", "classes", "seed"]
    assert {p.name for p in BUILTIN["sum"].params} == {"samples", "max_value", "seed"}


@pytest.mark.parametrize("loss", ["cross_entropy", "bce", "mse", "mae"])
@pytest.mark.parametrize("name", list(EXPECTED))
def test_every_builtin_loads_with_every_relevant_loss(name, loss):
    task, shape, n_classes, rows = EXPECTED[name]
    if task == "regression" and loss == "cross_entropy":
        with pytest.raises(DatasetError, match="needs classes"):
            load(builtin(name), loss)
        return
    d = load(builtin(name), loss)
    assert (d.task, d.input_shape, d.n_classes) == (task, shape, n_classes)
    assert d.x_train.dtype == np.float32 and d.x_train.shape == (rows, *shape)
    assert d.x_val.shape == (0, *shape) and len(d.y_val) == 0
    assert len(d.class_names) == n_classes
    if task == "regression":
        assert d.y_train.dtype == np.float32 and d.y_train.shape == (rows, 1) and d.output_size == 1
        assert len(d.target_names) == 1
    elif loss == "cross_entropy":
        assert d.y_train.dtype == np.int64 and d.y_train.shape == (rows,)
        assert d.output_size == n_classes and set(np.unique(d.y_train)) <= set(range(n_classes))
    else:
        width = 1 if n_classes == 2 else n_classes
        assert d.y_train.dtype == np.float32 and d.y_train.shape == (rows, width)
        assert d.output_size == width and set(np.unique(d.y_train)) <= {0.0, 1.0}
        if width > 1:
            np.testing.assert_array_equal(d.y_train.sum(axis=1), 1.0)


@pytest.mark.parametrize("name, targets", [("xor", [0, 1, 1, 0]), ("and", [0, 0, 0, 1]),
                                           ("or", [0, 1, 1, 1]), ("nand", [1, 1, 1, 0])])
def test_logic_gates_are_exact_truth_tables(name, targets):
    d = load(builtin(name), "bce")
    np.testing.assert_array_equal(d.x_train, [[0, 0], [0, 1], [1, 0], [1, 1]])
    np.testing.assert_array_equal(d.y_train[:, 0], targets)


def test_one_hot_matches_class_indices():
    ce, bce = load(builtin("iris"), "cross_entropy"), load(builtin("iris"), "bce")
    np.testing.assert_array_equal(bce.y_train.argmax(axis=1), ce.y_train)
    assert ce.class_names == ("setosa", "versicolor", "virginica")


def test_real_datasets_have_expected_ranges():
    digits = load(builtin("digits"))
    assert digits.x_train.min() == 0.0 and digits.x_train.max() == 1.0
    images = load(builtin("digits_images"))
    np.testing.assert_array_equal(images.x_train.reshape(len(images.x_train), -1), digits.x_train)
    assert load(builtin("diabetes"), "mse").target_names == ("progression",)


def test_generator_params_are_used():
    x, y = builtin_raw("sum", {"samples": 30, "max_value": 5, "seed": 1})
    assert x.shape == (30, 2) and y.shape == (30, 1) and x.min() >= 0 and x.max() <= 5
    np.testing.assert_array_equal(y[:, 0], x.sum(axis=1))
    x, y = builtin_raw("linear", {"samples": 20, "slope": -3, "intercept": 0.5, "noise": 0})
    np.testing.assert_allclose(y[:, 0], -3 * x[:, 0] + 0.5, rtol=1e-5, atol=1e-6)
    x, y = builtin_raw("spiral", {"samples": 31, "classes": 3, "noise": 0.0})
    assert x.shape == (31, 2) and y.dtype == np.int64 and np.bincount(y).tolist() == [11, 10, 10]
    assert np.abs(x).max() <= 1.0
    x, y = builtin_raw("blobs", {"classes": 5, "samples": 50})
    assert set(y.tolist()) == set(range(5))


@pytest.mark.parametrize("name", RANDOM)
def test_generators_are_deterministic_per_seed(name):
    a1, b1 = builtin_raw(name, {"seed": 3})
    a2, b2 = builtin_raw(name, {"seed": 3})
    a3, _ = builtin_raw(name, {"seed": 4})
    np.testing.assert_array_equal(a1, a2)
    np.testing.assert_array_equal(b1, b2)
    assert not np.array_equal(a1, a3)


def test_params_seed_overrides_spec_seed_which_is_the_default():
    by_spec = load(builtin("moons", seed=7)).x_train
    by_param = load(builtin("moons", seed=0, params={"seed": 7})).x_train
    np.testing.assert_array_equal(by_spec, by_param)
    assert not np.array_equal(by_spec, load(builtin("moons", seed=8)).x_train)


@pytest.mark.parametrize("name, params, message", [
    ("nope", {}, "no built-in dataset named 'nope'"),
    ("circles", {"sample": 10}, "no parameter named 'sample'"),
    ("circles", {"samples": 1}, "at least 4"),
    ("blobs", {"classes": 2.5}, "whole number"),
    ("spiral", {"noise": True}, "Noise: expected a number"),
])
def test_builtin_errors_are_plain(name, params, message):
    with pytest.raises(DatasetError, match=message):
        load(builtin(name, params=params))


def test_unknown_loss_is_rejected():
    with pytest.raises(DatasetError, match="Unknown loss 'hinge'"):
        load(builtin("xor"), "hinge")


# ---------------------------------------------------------------- split and scaling

@pytest.mark.parametrize("n, fraction, n_val", [(200, 0.2, 40), (150, 0.1, 15), (4, 0.1, 1),
                                                (2, 0.9, 1), (1, 0.5, 0), (10, 0.0, 0), (3, 0.9, 2)])
def test_split_sizes(n, fraction, n_val):
    train, val = split_indices(n, fraction, seed=0)
    assert len(val) == n_val and len(train) == n - n_val


@settings(max_examples=40, deadline=None)
@given(st.integers(1, 300), st.floats(0.0, 0.9), st.integers(0, 2**32 - 1))
def test_split_is_a_partition_in_row_order(n, fraction, seed):
    train, val = split_indices(n, fraction, seed)
    assert len(train) >= 1
    assert sorted(np.concatenate([train, val]).tolist()) == list(range(n))
    assert list(train) == sorted(train) and list(val) == sorted(val)


def test_split_depends_on_spec_seed_and_is_reproducible():
    a = load(builtin("iris", validation_split=0.2, seed=1)).x_val
    b = load(builtin("iris", validation_split=0.2, seed=1)).x_val
    c = load(builtin("iris", validation_split=0.2, seed=2)).x_val
    np.testing.assert_array_equal(a, b)
    assert not np.array_equal(a, c)


def test_standard_scaling_uses_training_rows_only():
    spec = builtin("iris", validation_split=0.3, scaling="standard", seed=5)
    d = load(spec)
    np.testing.assert_allclose(d.x_train.mean(axis=0), 0.0, atol=1e-5)
    np.testing.assert_allclose(d.x_train.std(axis=0), 1.0, atol=1e-5)
    raw = load(builtin("iris", validation_split=0.3, seed=5))
    np.testing.assert_allclose(d.scale_offset, raw.x_train.mean(axis=0), rtol=1e-5)
    np.testing.assert_allclose(d.x_val, d.scale(raw.x_val), atol=1e-6)
    assert not np.allclose(d.x_val.mean(axis=0), 0.0, atol=1e-3)


def test_minmax_scaling_uses_training_rows_only_and_guards_constant_features():
    d = load(builtin("digits", validation_split=0.25, scaling="minmax"))
    assert d.scale_offset.shape == d.scale_factor.shape == (64,)
    varying = d.x_train.max(axis=0) > d.x_train.min(axis=0)
    np.testing.assert_allclose(d.x_train.min(axis=0), 0.0, atol=1e-6)
    np.testing.assert_allclose(d.x_train.max(axis=0)[varying], 1.0, atol=1e-6)
    assert np.all(np.isfinite(d.x_val)) and np.all(d.scale_factor[~varying] == 1.0)


def test_no_scaling_is_identity_and_scaling_never_touches_targets():
    d = load(builtin("linear", scaling="none"), "mse")
    np.testing.assert_array_equal(d.scale_offset, [0.0])
    np.testing.assert_array_equal(d.scale_factor, [1.0])
    scaled = load(builtin("linear", scaling="standard"), "mse")
    np.testing.assert_array_equal(scaled.y_train, d.y_train)
    images = load(builtin("digits_images", scaling="standard"))
    assert images.scale_offset.shape == (1, 8, 8) and images.x_train.dtype == np.float32


def test_dataset_built_by_hand_defaults_to_identity_scaling():
    d = Dataset("t", np.zeros((2, 3), np.float32), np.zeros(2, np.int64), np.zeros((0, 3), np.float32),
                np.zeros(0, np.int64), "classification", (3,), 2, ("a", "b"), (), ())
    assert d.scale_offset.shape == (3,) and d.output_size == 2
    np.testing.assert_array_equal(d.scale(np.ones((1, 3))), [[1, 1, 1]])


# ---------------------------------------------------------------- inline

def inline(**params) -> DatasetSpec:
    return DatasetSpec(source="inline", name="lesson", params=params)


def test_inline_classification_and_regression():
    d = load(inline(x=[[0, 0], [0, 1], [1, 0], [1, 1]], y=[0, 1, 1, 0]), "bce")
    assert d.task == "classification" and d.y_train.shape == (4, 1) and d.name == "lesson"
    assert d.feature_names == ("x1", "x2")
    line = load(inline(x=[0, 1, 2, 3, 4], y=[1, 3, 5, 7, 9]), "mse")  # whole numbers, but a line
    assert line.task == "regression" and line.x_train.shape == (5, 1) and line.y_train.shape == (5, 1)
    floats = load(inline(x=[[1], [2]], y=[0.5, 1.5]), "mae")
    assert floats.task == "regression" and floats.target_names == ("y",)
    multi = load(inline(x=[[1], [2]], y=[[1, 2], [3, 4]]), "mse")
    assert multi.output_size == 2 and multi.target_names == ("y1", "y2")


def test_inline_labels_task_override_and_names():
    d = load(inline(x=[[1], [2], [3]], y=["cat", "dog", "cat"]))
    assert d.class_names == ("cat", "dog") and d.y_train.tolist() == [0, 1, 0]
    d = load(inline(x=[[1], [2], [3], [4]], y=[-1, 1, 1, -1]), "bce")
    assert d.class_names == ("-1", "1") and d.y_train[:, 0].tolist() == [0, 1, 1, 0]
    d = load(inline(x=[[1], [2]], y=[0, 2], task="regression", feature_names=["hours"]), "mse")
    assert d.task == "regression" and d.feature_names == ("hours",)
    d = load(inline(x=[[1], [2], [3]], y=[0, 1, 2], task="classification",
                    class_names=["low", "mid", "high"]))
    assert d.n_classes == 3 and d.class_names == ("low", "mid", "high")


def test_inline_sequences_keep_their_shape():
    x = np.arange(24).reshape(4, 3, 2).tolist()
    d = load(inline(x=x, y=[0.5, 1.0, 1.5, 2.0]), "mse")
    assert d.input_shape == (3, 2) and d.x_train.shape == (4, 3, 2) and d.feature_names == ()


@pytest.mark.parametrize("params, message", [
    ({"x": [[1, 2], [3]], "y": [0, 1]}, "same length"),
    ({"x": [[1, 2], [3, "a"]], "y": [0, 1]}, "only numbers"),
    ({"x": [[1], [2]], "y": [0]}, "one target per row"),
    ({"x": [[1], [float("nan")]], "y": [0, 1]}, "not a finite number"),
    ({"x": [], "y": []}, "non-empty"),
    ({"x": [[1], [2]], "y": ["a", "b"], "task": "regression"}, "must be numbers"),
    ({"x": [[1], [2]], "y": [0.5, 1], "task": "classification"}, "whole numbers"),
    ({"x": [[1], [2]], "y": [0, 1], "task": "sorting"}, "task must be"),
    ({"x": [[1], [2]], "y": [0, 1], "z": 1}, "no parameter named 'z'"),
    ({"x": [[1], [2]], "y": [0, 1], "feature_names": ["a", "b"]}, "2 names but 1"),
])
def test_inline_errors(params, message):
    with pytest.raises(DatasetError, match=message):
        load(DatasetSpec(source="inline", params=params))


# ---------------------------------------------------------------- CSV

def csv_spec(path: Path | str, **params) -> DatasetSpec:
    return DatasetSpec(source="csv", params={"path": str(path), **params})


def write(tmp_path: Path, text: str, name: str = "data.csv") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_csv_with_header_and_string_labels(tmp_path):
    path = write(tmp_path, "age,height,kind\n30,1.8,b\n\n25,1.6,a\n40,1.7,b\n")
    d = load(csv_spec(path))
    assert d.feature_names == ("age", "height") and d.class_names == ("a", "b")
    assert d.task == "classification" and d.name == "data"
    np.testing.assert_allclose(d.x_train, [[30, 1.8], [25, 1.6], [40, 1.7]], rtol=1e-6)
    assert d.y_train.tolist() == [1, 0, 1]


def test_csv_without_header_and_numeric_target(tmp_path):
    rows = "\n".join(f"{i},{i * 0.5},{2 * i + 1.5}" for i in range(10))
    d = load(csv_spec(write(tmp_path, rows)), "mse")
    assert d.feature_names == ("column 1", "column 2") and d.target_names == ("column 3",)
    assert d.task == "regression" and d.x_train.shape == (10, 2) and d.y_train[3, 0] == 7.5


def test_csv_string_labels_without_header_are_not_mistaken_for_one(tmp_path):
    d = load(csv_spec(write(tmp_path, "1,2,cat\n3,4,dog\n5,6,cat\n")))
    assert len(d.x_train) == 3 and d.class_names == ("cat", "dog")
    assert d.feature_names == ("column 1", "column 2")


def test_csv_header_forced_off_and_on(tmp_path):
    path = write(tmp_path, "1,2,3\n4,5,6\n7,8,9\n")
    assert len(load(csv_spec(path, task="regression"), "mse").x_train) == 3
    d = load(csv_spec(path, header=True, task="regression"), "mse")
    assert len(d.x_train) == 2 and d.feature_names == ("1", "2")


def test_csv_columns_by_name_and_index(tmp_path):
    path = write(tmp_path, "a,b,c,label\n1,2,3,0\n4,5,6,1\n7,8,9,0\n1,1,1,1\n")
    by_name = load(csv_spec(path, features=["c", "a"], target="label"))
    assert by_name.feature_names == ("c", "a") and by_name.x_train[1].tolist() == [6, 4]
    by_index = load(csv_spec(path, features=[2, 0], target=3))
    np.testing.assert_array_equal(by_index.x_train, by_name.x_train)
    target_a = load(csv_spec(path, target="a", task="regression"), "mse")
    assert target_a.feature_names == ("b", "c", "label") and target_a.target_names == ("a",)


def test_csv_relative_path_semicolons_and_decimal_commas(tmp_path):
    write(tmp_path, "x;y\n1,5;0\n2,5;1\n3,5;0\n4,5;1\n", name="eu.csv")
    d = load(csv_spec("eu.csv"), base_dir=tmp_path)
    np.testing.assert_allclose(d.x_train[:, 0], [1.5, 2.5, 3.5, 4.5])
    assert d.class_names == ("0", "1")


def test_csv_bad_cell_names_row_and_column(tmp_path):
    path = write(tmp_path, "age,height,kind\n30,1.8,a\n\n25,1.6,b\n\n\nabc,1.7,a\n")
    with pytest.raises(DatasetError) as info:
        load(csv_spec(path))
    assert str(info.value) == "data.csv row 7, column 'age': 'abc' is not a number."
    no_header = write(tmp_path, "1,2,0\n3,,1\n", name="nh.csv")
    with pytest.raises(DatasetError, match=r"nh.csv row 2, column 2: the cell is empty"):
        load(csv_spec(no_header))


@pytest.mark.parametrize("text, params, message", [
    ("a,b\n1,2\n3,4,5\n", {}, "row 3 has 3 values, but the first row has 2"),
    ("", {}, "data.csv is empty"),
    ("\n\n", {}, "data.csv is empty"),
    ("a,b\n", {}, "header row but no data rows"),
    ("a,b\n1,2\n3,4\n", {"target": "c"}, "no column named 'c'; columns: a, b"),
    ("a,b\n1,2\n3,4\n", {"target": 5}, "no column number 5"),
    ("a,b\n1,2\n3,4\n", {"features": ["a"], "target": "a"}, "both a feature and the target"),
    ("1,2\n3,4\n", {"target": "b"}, "no header row, so choose columns by number"),
    ("a,b\n1,x\n2,3\n", {"task": "regression"}, "row 2, column 'b': 'x' is not a number"),
    ("a,b\n1,\n2,3\n", {}, "row 2, column 'b': the target cell is empty"),
    ("a,b\n1,2\n3,4\n", {"header": "maybe"}, "header must be"),
])
def test_csv_errors(tmp_path, text, params, message):
    with pytest.raises(DatasetError, match=message):
        load(csv_spec(write(tmp_path, text), **params))


def test_csv_missing_file(tmp_path):
    with pytest.raises(DatasetError, match="Cannot find the CSV file"):
        load(csv_spec("missing.csv"), base_dir=tmp_path)


# ---------------------------------------------------------------- IDX

def idx_bytes(array: np.ndarray, code: int = 0x08) -> bytes:
    header = bytes([0, 0, code, array.ndim]) + struct.pack(f">{array.ndim}I", *array.shape)
    return header + array.astype(array.dtype.newbyteorder(">")).tobytes()


IMAGES = np.arange(45, dtype=np.uint8).reshape(5, 3, 3) * 5
LABELS = np.array([3, 0, 1, 3, 2], dtype=np.uint8)


def idx_files(tmp_path: Path, gz: bool, images=IMAGES, labels=LABELS, suffix=None) -> dict:
    out = {}
    for key, array in (("images", images), ("labels", labels)):
        data = idx_bytes(array) if isinstance(array, np.ndarray) else array
        name = f"{key}-idx{array.ndim if isinstance(array, np.ndarray) else 1}-ubyte"
        name += suffix if suffix is not None else (".gz" if gz else "")
        (tmp_path / name).write_bytes(gzip.compress(data) if gz else data)
        out[key] = name
    return out


@pytest.mark.parametrize("gz", [False, True])
def test_idx_images_and_labels(tmp_path, gz):
    spec = DatasetSpec(source="idx", params=idx_files(tmp_path, gz))
    d = load(spec, base_dir=tmp_path)
    assert d.x_train.shape == (5, 1, 3, 3) and d.input_shape == (1, 3, 3)
    np.testing.assert_allclose(d.x_train[:, 0], IMAGES / 255.0, rtol=1e-6)
    assert d.y_train.tolist() == LABELS.tolist() and d.n_classes == 4
    assert d.class_names == ("0", "1", "2", "3")


def test_idx_flatten_limit_and_gzip_detected_by_content(tmp_path):
    params = idx_files(tmp_path, gz=True, suffix=".bin") | {"flatten": True, "limit": 2}
    d = load(DatasetSpec(source="idx", params=params), "bce", base_dir=tmp_path)
    assert d.x_train.shape == (2, 9) and d.n_classes == 4  # classes from the whole labels file
    assert d.y_train.shape == (2, 4)


def test_idx_other_types_are_read_big_endian(tmp_path):
    from core.datasets import read_idx
    values = np.array([[1.5, -2.0], [3.25, 4.0]], dtype=np.float32)
    (tmp_path / "f.idx").write_bytes(idx_bytes(values, 0x0D))
    np.testing.assert_array_equal(read_idx(tmp_path / "f.idx"), values)
    shorts = np.array([-300, 2, 70], dtype=np.int16)
    (tmp_path / "s.idx").write_bytes(idx_bytes(shorts, 0x0B))
    np.testing.assert_array_equal(read_idx(tmp_path / "s.idx"), shorts)


@pytest.mark.parametrize("gz", [False, True])
def test_idx_truncated_file(tmp_path, gz):
    truncated = idx_bytes(IMAGES)[:-7]
    params = idx_files(tmp_path, gz, images=truncated)
    with pytest.raises(DatasetError, match="truncated"):
        load(DatasetSpec(source="idx", params=params), base_dir=tmp_path)


def test_idx_truncated_gzip_stream(tmp_path):
    files = idx_files(tmp_path, gz=True)
    path = tmp_path / files["images"]
    path.write_bytes(path.read_bytes()[:-10])
    with pytest.raises(DatasetError, match="damaged or truncated gzip"):
        load(DatasetSpec(source="idx", params=files), base_dir=tmp_path)


def test_idx_wrong_magic_and_count_mismatch(tmp_path):
    params = idx_files(tmp_path, False, images=b"P5 not an idx file")
    with pytest.raises(DatasetError, match="not an IDX file"):
        load(DatasetSpec(source="idx", params=params), base_dir=tmp_path)
    params = idx_files(tmp_path, False, labels=LABELS[:4])
    with pytest.raises(DatasetError, match="has 5 images but .* has 4 labels"):
        load(DatasetSpec(source="idx", params=params), base_dir=tmp_path)


# ---------------------------------------------------------------- boundaries

def test_core_datasets_imports_neither_torch_nor_qt():
    code = ("import sys; from core.datasets import load_dataset; from core.settings import DatasetSpec;"
            "load_dataset(DatasetSpec(), 'bce');"
            "print('torch' in sys.modules, any(m.startswith('PySide6') for m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True,
                         check=True).stdout.split()
    assert out == ["False", "False"]
