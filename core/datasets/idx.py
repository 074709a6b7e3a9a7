"""IDX files, the format MNIST and Fashion-MNIST are distributed in (plain or gzipped).

Parsed by hand with numpy so no download helper or extra package is needed: the user points at the
four files they downloaded. Layout: two zero bytes, a type code, the number of dimensions, then one
big-endian uint32 per dimension, then the values in big-endian C order.
"""

from __future__ import annotations

import gzip
import math
import zlib
from pathlib import Path
from typing import Any, BinaryIO

import numpy as np

from core.datasets.base import (DatasetError, RawData, check_data_size, check_no_unknown,
                                resolve_path)
from core.regular_files import open_regular, size_of

_TYPES = {0x08: ">u1", 0x09: ">i1", 0x0B: ">i2", 0x0C: ">i4", 0x0D: ">f4", 0x0E: ">f8"}
_KEYS = {"images", "labels", "limit", "flatten"}


MAX_CLASSES = 10_000  # a hostile labels file must not make us build millions of class names


def read_idx(path: Path) -> np.ndarray:
    """The array stored in an IDX file, checked against its header (magic, size). Gzipped files
    are streamed: only the bytes the header promises are ever unpacked, within the dataset limit,
    so a small gzip that would unpack to gigabytes is refused before it is read."""
    with open_regular(path) as handle:
        gzipped = handle.read(2) == b"\x1f\x8b"
        handle.seek(0)
        if not gzipped:
            check_data_size(path.name, size_of(handle))
            return _read_stream(handle, path.name)
        try:
            with gzip.GzipFile(fileobj=handle) as stream:
                return _read_stream(stream, path.name)
        except (OSError, EOFError, zlib.error) as exc:
            raise DatasetError(f"{path.name} is a damaged or truncated gzip file ({exc}).") from None


def _read_stream(stream: BinaryIO, name: str) -> np.ndarray:
    """Header, then exactly the promised data (one byte more reveals extra bytes at the end)."""
    head = stream.read(4)
    if len(head) < 4 or head[0] != 0 or head[1] != 0 or head[2] not in _TYPES or head[3] == 0:
        raise DatasetError(f"{name} is not an IDX file (its first bytes are not an IDX header).")
    ndim, dtype = head[3], np.dtype(_TYPES[head[2]])
    dims = stream.read(4 * ndim)
    if len(dims) < 4 * ndim:
        raise DatasetError(f"{name} is truncated: its header is incomplete.")
    shape = tuple(int(d) for d in np.frombuffer(dims, ">u4", count=ndim))
    count = math.prod(shape)  # Python ints: a corrupt header cannot overflow
    expected = count * dtype.itemsize
    check_data_size(name, expected, f"promises {' x '.join(map(str, shape))} values,")
    check_data_size(name, count * 4, "would take, as 32-bit floats,")
    data = stream.read(expected + 1)
    if len(data) != expected:
        problem = "is truncated" if len(data) < expected else "has extra bytes at the end"
        held = f"holds {len(data)}" if len(data) < expected else "holds more"
        raise DatasetError(f"{name} {problem}: the header promises {expected} bytes of data "
                           f"({' x '.join(map(str, shape))} values) but the file {held}.")
    return np.frombuffer(data, dtype).reshape(shape)


def load_idx(params: dict[str, Any], base_dir: Path | None) -> RawData:
    """Images and labels files -> a classification dataset of (1, H, W) images or flat vectors."""
    check_no_unknown(params, _KEYS, "IDX data")
    images_path = resolve_path(params.get("images"), base_dir, "images")
    labels_path = resolve_path(params.get("labels"), base_dir, "labels")
    limit, flatten = _options(params)
    images, labels = read_idx(images_path), read_idx(labels_path)
    _check_pair(images, labels, images_path.name, labels_path.name)
    # Classes come from the whole labels file, so a small `limit` does not shrink the output layer.
    n_classes = max(int(labels.max()) + 1, 2)
    if n_classes > MAX_CLASSES or int(labels.min()) < 0:
        raise DatasetError(f"{labels_path.name} holds labels from {int(labels.min())} to "
                           f"{int(labels.max())}: expected class numbers 0 to {MAX_CLASSES - 1} "
                           "(is it really a labels file?)")
    if limit:
        images, labels = images[:limit], labels[:limit]
    x = _to_float(images)
    x = x.reshape(len(x), -1) if flatten else _channels_first(x)
    return RawData(images_path.name.split(".")[0], x, labels.astype(np.int64), "classification",
                   tuple(str(i) for i in range(n_classes)))


def _options(params: dict[str, Any]) -> tuple[int, bool]:
    limit, flatten = params.get("limit", 0), params.get("flatten", False)
    if isinstance(limit, bool) or not isinstance(limit, int) or limit < 0:
        raise DatasetError(f"IDX data: limit must be a whole number, 0 for all (got {limit!r}).")
    if not isinstance(flatten, bool):
        raise DatasetError(f"IDX data: flatten must be true or false (got {flatten!r}).")
    return limit, flatten


def _check_pair(images: np.ndarray, labels: np.ndarray, images_name: str, labels_name: str) -> None:
    """Labels must be one whole number >= 0 per image."""
    if images.ndim not in (2, 3):
        raise DatasetError(f"{images_name} holds {images.ndim}-D data; expected images "
                           f"(count x height x width) or vectors (count x length).")
    if labels.ndim != 1 or labels.dtype.kind not in "iu":
        raise DatasetError(f"{labels_name} does not hold labels (a list of whole numbers).")
    if len(images) != len(labels):
        raise DatasetError(f"{images_name} has {len(images)} images but {labels_name} has "
                           f"{len(labels)} labels; choose files from the same set.")
    if len(labels) == 0:
        raise DatasetError(f"{images_name} holds no images.")
    if labels.min() < 0:
        raise DatasetError(f"{labels_name} contains a negative label.")


def _to_float(images: np.ndarray) -> np.ndarray:
    """Bytes 0..255 become 0..1 (the usual MNIST input range); other types keep their values."""
    if images.dtype == np.uint8:
        return images.astype(np.float32) / np.float32(255.0)
    return images.astype(np.float32)


def _channels_first(x: np.ndarray) -> np.ndarray:
    """(N, H, W) -> (N, 1, H, W) for convolution layers; vector files stay (N, L)."""
    return x[:, None, :, :] if x.ndim == 3 else x
