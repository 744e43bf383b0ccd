"""The calibration spec file (aiadopt.calibration.spec): strict checking, the packaged spec."""

from __future__ import annotations

from pathlib import Path

import pytest

from aiadopt.calibration.errors import SpecError
from aiadopt.calibration.free import guess_vector, to_params
from aiadopt.calibration.spec import load_spec, write_spec

from .conftest import TINY_SPEC
from .conftest import write_file as _write

_BAD_SPECS = [
    ("[surprise]\nx = 1\n", "top level, key 'surprise'", "allowed: free, run"),
    ("[optimizer]\nspeed = 3\n", "[optimizer], key 'speed'", "allowed: method, maxiter"),
    ("[optimizer]\nmaxiter = '10'\n", "[optimizer], key 'maxiter'", "integer >= 0"),
    ("[optimizer]\nmethod = 'nelder_mead'\n", "key 'method'", "differential_evolution"),
    ("[run]\nseeds = []\n", "[run], key 'seeds'", "non-empty list"),
    ("[likelihood]\ndeff = 0.5\n", "[likelihood], key 'deff'", ">= 1"),
    ("[targets.weights]\nnope = 1\n", "[targets.weights], key 'nope'", "allowed: engaged_share"),
    (
        "[targets.weights]\ndeployed_view_technique = 1\n",
        "key 'deployed_view_technique'",
        "validation target",
    ),
    ("[targets.weights]\nengaged_share = -1\n", "key 'engaged_share'", ">= 0"),
]


@pytest.mark.parametrize(("extra", "where", "allowed"), _BAD_SPECS)
def test_spec_errors_name_file_key_and_allowed(
    tmp_path: Path, extra: str, where: str, allowed: str
) -> None:
    path = _write(tmp_path, TINY_SPEC.split("[run]")[0] + extra)
    with pytest.raises(SpecError) as info:
        load_spec(path)
    message = str(info.value)
    assert message.startswith(f"{path}: "), message
    assert where in message and allowed in message, message


@pytest.mark.parametrize(
    ("entry", "key", "fragment"),
    [
        (
            '{ name = "bass_p", low = 0.001, high = 0.05, guess = 0.006, step = 1 }',
            "step",
            "allowed: name, low",
        ),
        (
            '{ name = "bass_pp", low = 0.001, high = 0.05, guess = 0.006 }',
            "name",
            "unknown parameter 'bass_pp'",
        ),
        (
            '{ name = "bass_p", low = 0.05, high = 0.001, guess = 0.006 }',
            "low",
            "must be below high",
        ),
        (
            '{ name = "bass_p", low = 0.001, high = 0.05, guess = 0.3 }',
            "guess",
            "outside the bounds",
        ),
        ('{ name = "size_shares", low = 0.1, high = 0.9, guess = 0.6 }', "name", "size_shares[i]"),
        ('{ name = "difficulty[9]", low = 1.0, high = 5.0, guess = 2.0 }', "name", "out of range"),
        (
            '{ name = "bass_p", low = 0.001, high = 0.05, guess = 0.006, log = 1 }',
            "log",
            "true or false",
        ),
        ('{ name = "bass_p", high = 0.05, guess = 0.006 }', "low", "missing"),
    ],
)
def test_free_entry_errors(tmp_path: Path, entry: str, key: str, fragment: str) -> None:
    path = _write(tmp_path, f"free = [\n  {entry},\n]\n")
    with pytest.raises(SpecError) as info:
        load_spec(path)
    message = str(info.value)
    assert message.startswith(f"{path}: [[free]] entry 0"), message
    assert f"key {key!r}" in message and fragment in message, message


def test_spec_not_toml_and_missing(tmp_path: Path) -> None:
    with pytest.raises(SpecError, match="not valid TOML"):
        load_spec(_write(tmp_path, "free = [\n"))
    with pytest.raises(SpecError, match="no such spec file"):
        load_spec(tmp_path / "absent.toml")
    with pytest.raises(SpecError, match="at least one"):
        load_spec(_write(tmp_path, "[run]\nn_firms = 10\n"))


def test_packaged_spec_loads_and_frees_what_matters() -> None:
    spec = load_spec()
    assert 15 <= len(spec.free) <= 30
    assert spec.method == "differential_evolution" and spec.n_firms == 10_000
    assert {"bass_p", "bass_q", "complete_development", "start_development"} <= set(spec.names)
    # every guess maps onto valid parameters
    to_params(guess_vector(spec.free), spec.free, spec.base)
    # the loss only needs the calibration targets and what their orderings name
    assert {t.use for t in spec.objective().targets} <= {"calibration", "validation"}
    assert all(t.use == "calibration" for t in spec.objective().targets if t.kind != "proportion")


def test_write_spec_refuses_to_overwrite(tmp_path: Path) -> None:
    path = write_spec(tmp_path / "copy.toml")
    assert load_spec(path).names == load_spec().names
    with pytest.raises(FileExistsError, match="--force"):
        write_spec(path)
    write_spec(path, force=True)
