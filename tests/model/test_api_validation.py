"""The Python API refuses what the command line refuses, naming the argument and what is
allowed (issue 15, item 6): no silent conversion, no bare numpy or attribute error."""

from __future__ import annotations

from pathlib import Path

import pytest

from aiadopt.model import AdoptionModel, ParameterError, Params
from aiadopt.model.clock import LAST_MONTH
from aiadopt.model.interventions import Intervention


@pytest.mark.parametrize(
    ("seed", "error"),
    [(1.5, TypeError), ("1", TypeError), (True, TypeError), (-1, ValueError)],
)
def test_a_seed_that_is_not_a_non_negative_integer_is_refused(seed, error) -> None:
    with pytest.raises(error, match=rf"seed must be an integer >= 0.*got {seed!r}"):
        AdoptionModel(Params(n_firms=20), seed=seed)


def test_an_integer_seed_is_kept() -> None:
    assert AdoptionModel(Params(n_firms=20), seed=7).seed == 7


def test_params_as_a_dict_is_refused_with_the_way_to_make_them() -> None:
    with pytest.raises(TypeError, match=r"params must be a Params.*Params.from_dict.*got dict"):
        AdoptionModel({"bass_p": 0.01}, seed=1)


@pytest.mark.parametrize(
    ("until", "error", "named"),
    [
        ("garbage", ValueError, "'garbage'"),
        (5, TypeError, "got 5"),
        ("2025-13", ValueError, "'2025-13'"),
        ("9999-12", ValueError, "9999-12 is after 2100-12"),
    ],
)
def test_run_until_must_be_a_month_up_to_the_last(until, error, named) -> None:
    model = AdoptionModel(Params(n_firms=20), seed=1)
    with pytest.raises(error, match=rf"until must be a month YYYY-MM up to {LAST_MONTH}"):
        model.run(until=until)
    with pytest.raises(error, match=named):
        model.run(until=until)
    assert model.steps == 0


def test_an_intervention_before_the_start_is_refused() -> None:
    early = Intervention(kind="training", start="2020-01")
    with pytest.raises(ValueError, match=r"starts 2020-01, before the model starts"):
        AdoptionModel(Params(n_firms=20), seed=1, interventions=[early])


@pytest.mark.parametrize("value", ["0.1", True, b"0.1"])
def test_replace_refuses_a_number_as_text_or_bool_as_toml_does(value, tmp_path: Path) -> None:
    with pytest.raises(ParameterError, match=r"parameter 'bass_p' must be a float"):
        Params().replace(bass_p=value)
    if isinstance(value, str):  # the same words from a file
        path = tmp_path / "p.toml"
        path.write_text(f'bass_p = "{value}"\n', encoding="utf-8")
        with pytest.raises(ParameterError, match=r"parameter 'bass_p' must be a float"):
            Params.from_toml(path)


def test_to_toml_leaves_no_temporary_file_when_the_write_fails(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import os

    target = tmp_path / "p.toml"

    def fail(*args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "fsync", fail)
    with pytest.raises(OSError, match="No space"):
        Params().to_toml(target)
    assert list(tmp_path.iterdir()) == []
