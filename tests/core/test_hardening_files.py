"""Issue 9, files: saving and opening network files that are not where or what they seem.

Every refused save is one line naming the path and the reason, the old file stays as it was, and
nothing non-regular (folder, FIFO, device) is read or replaced. Runs as root in CI, where
permissions do not bind: read-only folders are also simulated with a monkeypatched EACCES.
"""

from __future__ import annotations

import errno
import io
import os
import stat
import time
from pathlib import Path

import pytest

from core.cli import run_cli
from core.fileformat import (FileFormatError, SaveError, clean_stale_temp_files, load_network,
                             save_network)
from core.fileformat import _files

ROOT = Path(__file__).resolve().parents[2]
XOR = ROOT / "assets" / "examples" / "xor.json"
LINEAR = ROOT / "assets" / "examples" / "linear_regression.json"
has_fifo = pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs named pipes (POSIX)")


def run(*args):
    out, err = io.StringIO(), io.StringIO()
    code = run_cli([str(a) for a in args], out, err)
    return code, out.getvalue(), err.getvalue()


def train_save(target, *extra):
    return run("train", LINEAR, "--epochs", "1", "--save", target, *extra)


def one_error_line(err: str) -> str:
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: ") and "Traceback" not in err, err
    return lines[0]


# ----- item 1: --save errors --------------------------------------------------------------
def test_save_into_a_missing_folder_names_the_folder(tmp_path):
    target = tmp_path / "nowhere" / "out.json"
    code, _, err = train_save(target)
    line = one_error_line(err)
    assert code == 1 and str(target) in line and "does not exist" in line


def test_save_onto_a_directory_is_refused(tmp_path):
    code, _, err = train_save(tmp_path)
    line = one_error_line(err)
    assert code == 1 and str(tmp_path) in line and "is a folder" in line
    assert tmp_path.is_dir()


def test_save_with_an_empty_name_is_refused_not_ignored():
    code, _, err = train_save("")
    assert code == 2 and "--save needs a file name" in one_error_line(err)


@pytest.mark.skipif(os.name != "posix", reason="POSIX paths")
def test_save_to_dev_stdout_is_refused_even_when_redirected_to_a_file():
    code, _, err = train_save("/dev/stdout")  # pytest redirects it to a regular temp file
    line = one_error_line(err)
    assert code == 1 and "/dev/stdout" in line and "regular files" in line


def test_read_only_folder_keeps_the_old_file_and_says_why(tmp_path, monkeypatch):
    target = tmp_path / "old.json"
    target.write_bytes(b"old contents")
    real_open = os.open

    def refuse_temp(path, flags, *args):  # what a read-only folder does to the temp file
        if str(path).endswith(".tmp"):
            raise PermissionError(errno.EACCES, "Permission denied", path)
        return real_open(path, flags, *args)

    monkeypatch.setattr(_files.os, "open", refuse_temp)
    code, _, err = train_save(target)
    line = one_error_line(err)
    assert code == 1 and str(target) in line and "not writable" in line
    assert "the folder itself must be writable" in line  # the only-target-writable case too
    assert target.read_bytes() == b"old contents"
    assert [p.name for p in tmp_path.iterdir()] == ["old.json"]


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0,
                    reason="root ignores permissions (covered by the EACCES test above)")
def test_read_only_folder_for_real(tmp_path):
    folder = tmp_path / "ro"
    folder.mkdir()
    target = folder / "old.json"
    target.write_bytes(b"old")
    folder.chmod(0o555)
    try:
        code, _, err = train_save(target)
    finally:
        folder.chmod(0o755)
    assert code == 1 and "not writable" in one_error_line(err) and target.read_bytes() == b"old"


def test_full_disk_leaves_the_old_file_and_no_temp(tmp_path, monkeypatch):
    target = tmp_path / "old.json"
    target.write_bytes(b"old contents")

    def full(fd):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(_files.os, "fsync", full)
    code, _, err = train_save(target)
    line = one_error_line(err)
    assert code == 1 and str(target) in line and "the disk is full" in line
    assert target.read_bytes() == b"old contents"
    assert [p.name for p in tmp_path.iterdir()] == ["old.json"]


def test_save_error_is_an_oserror_with_one_sentence(tmp_path):
    with pytest.raises(OSError) as caught:
        save_network(load_network(XOR), tmp_path / "missing" / "x.json")
    assert isinstance(caught.value, SaveError)
    assert str(caught.value) == (f"Cannot save {tmp_path / 'missing' / 'x.json'}: the folder "
                                 f"{tmp_path / 'missing'} does not exist.")


# ----- item 2: FIFO / device targets --------------------------------------------------------
@has_fifo
def test_save_onto_a_fifo_is_refused_and_the_fifo_stays(tmp_path):
    fifo = tmp_path / "pipe.json"
    os.mkfifo(fifo)
    with pytest.raises(SaveError, match="named pipe"):
        save_network(load_network(XOR), fifo)
    code, _, err = train_save(fifo)
    assert code == 1 and "named pipe (FIFO)" in one_error_line(err)
    assert stat.S_ISFIFO(os.stat(fifo).st_mode)


def test_save_onto_a_device_is_refused():
    if not os.path.exists("/dev/null"):
        pytest.skip("no /dev/null")
    with pytest.raises(SaveError, match="device"):
        save_network(load_network(XOR), "/dev/null")
    assert stat.S_ISCHR(os.stat("/dev/null").st_mode)


def test_save_onto_a_device_node_outside_dev_is_refused(tmp_path):
    node = tmp_path / "null.json"
    try:
        os.mknod(node, stat.S_IFCHR | 0o600, os.makedev(1, 3))
    except (AttributeError, PermissionError, OSError):
        pytest.skip("cannot create a device node here")
    with pytest.raises(SaveError, match="it is a device; NeuroCanvas saves only to regular files"):
        save_network(load_network(XOR), node)
    assert stat.S_ISCHR(os.stat(node).st_mode)


def test_save_through_a_symlink_to_a_fifo_is_refused(tmp_path):
    if not hasattr(os, "mkfifo"):
        pytest.skip("needs named pipes")
    os.mkfifo(tmp_path / "pipe")
    (tmp_path / "link.json").symlink_to(tmp_path / "pipe")
    with pytest.raises(SaveError, match="named pipe"):
        save_network(load_network(XOR), tmp_path / "link.json")


# ----- item 3: non-regular network files ------------------------------------------------------
@has_fifo
@pytest.mark.parametrize("command", ["validate", "train", "inspect"])
def test_a_fifo_as_network_file_is_named_and_does_not_hang(tmp_path, command):
    fifo = tmp_path / "net.json"
    os.mkfifo(fifo)  # no writer: a plain open() would block forever
    code, _, err = run(command, fifo)
    line = one_error_line(err)
    assert code == 1 and "named pipe (FIFO)" in line and "Cannot find" not in line


def test_a_folder_as_network_file_is_named_as_a_folder(tmp_path):
    with pytest.raises(FileFormatError, match="it is a folder"):
        load_network(tmp_path)


def test_a_device_as_network_file_is_refused_before_reading():
    if not os.path.exists("/dev/zero"):
        pytest.skip("no /dev/zero")
    with pytest.raises(FileFormatError, match="it is a device"):
        load_network("/dev/zero")


# ----- messages: the real size of an oversized file ---------------------------------------------
def test_an_oversized_file_is_refused_with_its_real_size(tmp_path):
    path = tmp_path / "big.json"
    with open(path, "wb") as handle:  # sparse: 200 MB on paper, nothing on disk
        handle.truncate(200_000_000)
    with pytest.raises(FileFormatError) as caught:
        load_network(path)
    assert "The file is 200 MB; network files may be at most 50 MB." in str(caught.value)


# ----- item 12 (file half): stale temp files of a killed save -------------------------------------
def stale(path: Path, age: float = 3600.0) -> Path:
    path.write_bytes(b"half a save")
    old = time.time() - age
    os.utime(path, (old, old))
    return path


def test_stale_temp_files_are_removed_and_fresh_or_foreign_ones_kept(tmp_path):
    old = stale(tmp_path / ".net.json.0123abcd.tmp")
    fresh = tmp_path / ".net.json.89abcdef.tmp"
    fresh.write_bytes(b"a save in progress in another window")
    foreign = stale(tmp_path / ".net.json.notours.tmp")
    keep = stale(tmp_path / "notes.tmp")
    removed = clean_stale_temp_files(tmp_path)
    assert removed == [str(old)]
    assert fresh.exists() and foreign.exists() and keep.exists() and not old.exists()


def test_the_next_save_cleans_what_a_killed_save_left(tmp_path):
    left = stale(tmp_path / ".out.json.deadbeef.tmp")
    other = stale(tmp_path / ".other.json.deadbeef.tmp")
    save_network(load_network(XOR), tmp_path / "out.json")
    assert not left.exists() and other.exists()  # only this file's leftovers


def test_cleaning_a_missing_folder_is_quiet(tmp_path):
    assert clean_stale_temp_files(tmp_path / "gone") == []


# ----- docs/file-format.md "Limits" states the numbers the code checks -----------------------------
def test_the_documented_limits_are_the_codes_numbers():
    from core import lessons
    from core.datasets import MAX_DATA_BYTES
    from core.datasets.tabular import MAX_CLASSES
    from core.fileformat import MAX_CONNECTIONS, MAX_FILE_BYTES, MAX_LAYERS
    from core.validation_rules import MAX_PARAMETERS, MAX_VALUES_PER_SAMPLE

    docs = (ROOT / "docs" / "file-format.md").read_text(encoding="utf-8")
    limits = docs[docs.index("## Limits"):]
    rows = {line.split("|")[1].strip(" *"): line for line in limits.splitlines()
            if line.startswith("| ")}
    expected = {
        "a network file": [f"{MAX_FILE_BYTES // 1_000_000} MB ({MAX_FILE_BYTES:,} bytes)"],
        "layers, connections": [f"{MAX_LAYERS:,} layers", f"{MAX_CONNECTIONS:,} connections"],
        "a network's size": [f"{MAX_PARAMETERS:,} parameters",
                             f"{MAX_VALUES_PER_SAMPLE:,} output values per sample"],
        "a dataset": [f"{MAX_DATA_BYTES // 1_000_000:,} MB"],
        "classes": [f"{MAX_CLASSES:,} different labels"],
        "lesson text": [f"first {lessons.MAX_TEXT_CHARS:,} visible characters",
                        f"longer than {lessons.LONG_WORD} letters",
                        f"cut at {lessons.MAX_TITLE_CHARS} characters"],
        "lesson images": [f"{lessons.MAX_IMAGE_BYTES // 1_000_000} MB "
                          f"({lessons.MAX_IMAGE_BYTES:,} bytes)",
                          f"{lessons.MAX_EMBEDDED_CHARS:,} characters in all"],
    }
    for row, numbers in expected.items():
        assert row in rows, f"no '{row}' row in the Limits table"
        for number in numbers:
            assert number in rows[row], (row, number)
    assert _files.STALE_AFTER_SECONDS == 60 and "older than a minute" in " ".join(limits.split())
