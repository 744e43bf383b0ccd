"""The one atomic writer (aiadopt.files): whole files or none, staged commits, provenance."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from aiadopt import __version__
from aiadopt.files import (
    PROVENANCE_KEYS,
    provenance,
    staged,
    write_atomic,
)
from aiadopt.model import Params


def test_write_atomic_writes_bytes_text_and_callables(tmp_path: Path) -> None:
    assert write_atomic(tmp_path / "a.bin", b"\x00\x01") == tmp_path / "a.bin"
    write_atomic(tmp_path / "b.txt", "é\n")
    write_atomic(tmp_path / "c.txt", lambda path: path.write_text("from a callable"))
    assert (tmp_path / "a.bin").read_bytes() == b"\x00\x01"
    assert (tmp_path / "b.txt").read_bytes() == "é\n".encode()
    assert (tmp_path / "c.txt").read_text() == "from a callable"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.bin", "b.txt", "c.txt"]


def test_a_failed_write_keeps_the_old_file_and_leaves_no_temporary(tmp_path: Path) -> None:
    target = tmp_path / "table.csv"
    write_atomic(target, "old")

    def half_then_fail(path: Path) -> None:
        path.write_text("half")
        raise RuntimeError("disk full")

    with pytest.raises(RuntimeError, match="disk full"):
        write_atomic(target, half_then_fail)
    assert target.read_text() == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["table.csv"]


def test_staged_renames_every_file_only_when_the_block_succeeds(tmp_path: Path) -> None:
    folder = tmp_path / "out"
    with staged(folder) as stage:
        final = stage.write("a.csv", "x")
        stage.write("b.png", b"png")
        stage.write("c.csv", "y")
        assert final == folder / "a.csv" and not final.exists()  # not before the end
    assert sorted(p.name for p in folder.iterdir()) == ["a.csv", "b.png", "c.csv"]
    assert stage.by_kind() == {"csv": folder / "a.csv", "png": folder / "b.png",
                               "c.csv": folder / "c.csv"}  # fmt: skip
    with pytest.raises(KeyError), staged(folder) as stage:
        stage.write("a.csv", "new")
        raise KeyError("figure failed")
    assert (folder / "a.csv").read_text() == "x"
    assert sorted(p.name for p in folder.iterdir()) == ["a.csv", "b.png", "c.csv"]


def test_provenance_is_the_one_stamp() -> None:
    params = Params()
    stamp = provenance(params, 7, "built-in defaults")
    assert stamp == {
        "version": __version__,
        "param_hash": params.hash(),
        "seed": "7",
        "params_source": "built-in defaults",
    }
    assert tuple(stamp) == PROVENANCE_KEYS and len(stamp["param_hash"]) == 12
    assert provenance(params, [0, 1, 2], "x")["seed"] == "0 1 2"


def test_staged_removes_marked_files_only_when_the_block_succeeds(tmp_path: Path) -> None:
    write_atomic(tmp_path / "stale.csv", "old fit")
    with pytest.raises(RuntimeError), staged(tmp_path) as stage:
        stage.write("new.csv", "x")
        stage.remove("stale.csv")
        raise RuntimeError("failed")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["stale.csv"]  # untouched
    with staged(tmp_path) as stage:
        stage.write("new.csv", "x")
        stage.remove("stale.csv")
        stage.remove("never-there.csv")  # nothing to remove: no error
    assert sorted(p.name for p in tmp_path.iterdir()) == ["new.csv"]


# --- locks and input files (issue 15) --------------------------------------------------------
def test_a_lock_made_folder_is_removed_if_left_empty(tmp_path) -> None:
    from aiadopt.files import LOCK_NAME, locked

    folder = tmp_path / "a" / "b"
    with locked(folder):
        assert (folder / LOCK_NAME).read_text().strip() == str(os.getpid())
    assert not (tmp_path / "a").exists()  # a command refused after the lock leaves nothing
    with locked(folder):
        (folder / "result.txt").write_text("x")
    assert sorted(p.name for p in folder.iterdir()) == ["result.txt"]


def test_a_second_lock_is_refused_unless_it_joins(tmp_path) -> None:
    from aiadopt.files import FolderLocked, locked, staged

    with locked(tmp_path):
        with pytest.raises(FolderLocked, match=rf"locked.*PID {os.getpid()}"), locked(tmp_path):
            pass
        with staged(tmp_path) as stage:  # joins: files written by the lock's holder
            stage.write("x.txt", "x")
    assert (tmp_path / "x.txt").read_text() == "x"


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda p: None, "no such parameter file"),
        (lambda p: p.mkdir(), "is a folder, not a parameter file"),
        (lambda p: p.write_bytes(b"a = 1 # \xe9\n"), "not UTF-8 text"),
    ],
)
def test_an_unreadable_input_file_is_named(tmp_path, make, message) -> None:
    from aiadopt.files import InputError, check_input_file

    path = tmp_path / "p.toml"
    make(path)
    with pytest.raises(InputError, match=message) as info:
        check_input_file(path, "parameter file")
    assert str(path) in str(info.value)
