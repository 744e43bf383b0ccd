"""Parameters: typed, frozen, validated, TOML round trip, clear errors."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from aiadopt.model import params as params_module
from aiadopt.model.params import (
    SHIPPED_FIT,
    ParameterError,
    Params,
    describe_parameters,
    shipped_params,
)


def test_defaults_are_valid_and_frozen():
    p = Params()
    with pytest.raises(dataclasses.FrozenInstanceError):
        p.bass_p = 0.1  # type: ignore[misc]


def test_every_parameter_documents_unit_and_source():
    for row in describe_parameters():
        assert row["unit"], row["name"]
        assert row["source"], row["name"]
        src = row["source"].lower()
        assert "figure" in src or "text p." in src or "assumption" in src or "chatgpt" in src, (
            f"{row['name']}: source must cite a figure or say 'assumption': {row['source']!r}"
        )


def test_unknown_key_names_key_and_allowed():
    with pytest.raises(ParameterError) as err:
        Params.from_dict({"bass_pp": 0.1})
    assert "bass_pp" in str(err.value) and "bass_p" in str(err.value)


@pytest.mark.parametrize(
    ("key", "value", "fragment"),
    [
        ("bass_p", -0.1, "out of range"),
        ("size_shares", (0.5, 0.5, 0.5), "sum to 1"),
        ("difficulty", (1.0, 2.0), "needs 6 values"),
        ("peer_pool", "everyone", "allowed"),
        ("horizon", "2030-13", "YYYY-MM"),
        ("n_firms", 1.5, "must be a int"),
    ],
)
def test_bad_values_name_the_key(key, value, fragment):
    with pytest.raises(ParameterError) as err:
        Params.from_dict({key: value})
    assert key in str(err.value)
    assert fragment in str(err.value)


def test_horizon_before_start_rejected():
    with pytest.raises(ParameterError, match="horizon"):
        Params(horizon="2021-01")


def test_toml_round_trip(tmp_path):
    p = Params().replace(bass_q=0.08, difficulty=(1, 2, 3, 4, 5, 6), peer_pool="population")
    path = tmp_path / "p.toml"
    p.to_toml(path, meta={"note": "test"})
    assert Params.from_toml(path) == p
    assert not list(tmp_path.glob("*.tmp"))


def test_toml_errors_name_the_file(tmp_path):
    bad = tmp_path / "bad.toml"
    bad.write_text("bass_q = 0.1\nnot_a_param = 3\n")
    with pytest.raises(ParameterError) as err:
        Params.from_toml(bad)
    assert str(bad) in str(err.value) and "not_a_param" in str(err.value)
    broken = tmp_path / "broken.toml"
    broken.write_text("bass_q = = 1")
    with pytest.raises(ParameterError, match="not valid TOML"):
        Params.from_toml(broken)
    with pytest.raises(ParameterError, match="no such parameter file"):
        Params.from_toml(tmp_path / "missing.toml")
    out_of_range = tmp_path / "range.toml"
    out_of_range.write_text("[params]\nbass_q = 7.0\n")
    with pytest.raises(ParameterError) as err:
        Params.from_toml(out_of_range)
    assert str(out_of_range) in str(err.value) and "bass_q" in str(err.value)


def test_the_parameter_hash_is_12_hex_digits_stable_and_sensitive():
    h = Params().hash()
    assert len(h) == 12 and int(h, 16) >= 0
    assert Params().hash() == h
    assert Params().replace(bass_q=0.08).hash() != h
    assert Params().replace(experience_floor=-1.0).hash() != h


def test_shipped_params_read_the_fit_beside_the_model_or_fall_back(monkeypatch):
    params, source = shipped_params()
    packaged = Path(params_module.__file__).with_name(SHIPPED_FIT)
    if packaged.is_file():
        assert params == Params.from_toml(packaged) and "aiadopt/model/fitted.toml" in source
    monkeypatch.setattr(params_module, "SHIPPED_FIT", "no_such_fit.toml")
    assert shipped_params() == (Params(), "built-in defaults Params()")


def test_new_behaviour_parameters_default_to_the_former_constants():
    """The numbers that were written in the rules, now parameters: same defaults."""
    p = Params()
    assert (p.enthusiasm_deployed_base, p.enthusiasm_deployed_slope, p.enthusiasm_deployed_cap,
            p.enthusiasm_engaged_target, p.enthusiasm_outsider_base,
            p.enthusiasm_peer_slope) == (0.3, 0.6, 1.2, 0.5, 0.3, 0.4)  # fmt: skip
    assert (p.experience_floor, p.tripartite_balanced_factor, p.expected_gain_enthusiasm) == (
        -2.0, 2.0, 0.5,
    )  # fmt: skip
