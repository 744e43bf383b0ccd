"""Parameters: typed, frozen, validated, TOML round trip, clear errors."""

from __future__ import annotations

import dataclasses
import tomllib
from pathlib import Path

import pytest

from aiadopt.model import params as params_module
from aiadopt.model.params import (
    POSTERIOR_MEDIAN,
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


def test_shipped_params_read_the_file_beside_the_model_or_fall_back(monkeypatch):
    """The shipped file is either a fit or hand-set values, and the source says which."""
    params, source = shipped_params()
    packaged = Path(params_module.__file__).with_name(SHIPPED_FIT)
    if packaged.is_file():
        assert params == Params.from_toml(packaged) and "aiadopt/model/fitted.toml" in source
        meta = tomllib.loads(packaged.read_text(encoding="utf-8")).get("meta", {})
        if meta.get("method") == "hand-set":
            assert source.startswith("hand-set values") and "not fitted" in source
        elif meta.get("method") == POSTERIOR_MEDIAN:
            assert source.startswith("posterior median of ")
        else:
            assert source.startswith("shipped fit")
    monkeypatch.setattr(params_module, "SHIPPED_FIT", "no_such_fit.toml")
    assert shipped_params() == (Params(), "built-in defaults Params()")


def test_a_hand_set_file_is_said_to_be_not_fitted(tmp_path, monkeypatch):
    """Whatever ships today: a file whose [meta] says method = "hand-set" is reported as
    hand-set, any other as a fit."""
    for method, start in (("hand-set", "hand-set values"), ("nelder-mead", "shipped fit")):
        folder = tmp_path / method
        folder.mkdir()
        Params(bass_q=0.07).to_toml(folder / "fit.toml", meta={"method": method})
        monkeypatch.setattr(params_module, "SHIPPED_FIT", "fit.toml")
        monkeypatch.setattr(params_module.resources, "files", lambda _pkg, f=folder: f)
        params, source = shipped_params()
        assert params == Params(bass_q=0.07) and source.startswith(start), source


def test_a_posterior_median_is_said_to_be_one_with_its_sample_and_draws(tmp_path, monkeypatch):
    """Calibration v2 ships the median of its posterior sample, with [meta] method, draws and
    source: ``aiadopt run`` prints it as such (issue 13, point 4)."""
    meta = {"method": POSTERIOR_MEDIAN, "draws": 1200,
            "source": "aiadopt/calibration/posterior.csv"}  # fmt: skip
    Params(bass_q=0.07).to_toml(tmp_path / "fit.toml", meta=meta)
    monkeypatch.setattr(params_module, "SHIPPED_FIT", "fit.toml")
    monkeypatch.setattr(params_module.resources, "files", lambda _pkg: tmp_path)
    params, source = shipped_params()
    assert params == Params(bass_q=0.07)
    assert source.startswith("posterior median of aiadopt/calibration/posterior.csv (1,200 draws)")
    assert "fit.toml" in source


# Removed in model v2 (issue 12): Direction decides by logit rules, collaboration emerges.
REMOVED = (
    "strategy_initial", "tripartite_hazard", "tripartite_balanced_factor", "outsource_initial",
    "outsource_all_initial", "insource_hazard", "manager_shares", "training_initial",
    "training_hazard", "dedicated_initial", "roles_internal_initial", "roles_internal_hazard",
    "experts_initial", "roles_external_initial", "roles_external_hazard",
    "collaboration_initial", "rebalance_hazard", "abandon_planned", "enthusiasm_deployed_slope",
    "enthusiasm_deployed_cap",
)  # fmt: skip


@pytest.mark.parametrize("name", REMOVED)
def test_a_removed_parameter_is_refused_by_name(name, tmp_path):
    """An old parameter file fails with the name of what is no longer a parameter."""
    assert name not in {f.name for f in dataclasses.fields(Params)}
    old = tmp_path / "old.toml"
    old.write_text(f"[params]\n{name} = 0.1\n")
    with pytest.raises(ParameterError) as err:
        Params.from_toml(old)
    assert name in str(err.value) and "unknown parameter" in str(err.value)


# --- every parameter: bad values get a clear error naming it ----------------------------------


def _bad_values(f: dataclasses.Field) -> list[tuple[str, object, str]]:
    """(what, value, fragment of the error) for each way ``f`` can be wrong."""
    meta, default = f.metadata, f.default
    if meta["unit"] == "YYYY-MM":
        return [("malformed", "2025-13", "YYYY-MM"), ("not a month", "soon", "YYYY-MM")]
    if meta["choices"] is not None:
        return [("unknown choice", "nowhere", "allowed")]
    bad: list[tuple[str, object, str]] = []
    low, high = meta["low"], meta["high"]
    span = (high - low) if low is not None and high is not None else 1.0
    outside = []
    if low is not None:
        outside.append(("below its range", low - max(0.1 * span, 1.0)))
    if high is not None:
        outside.append(("above its range", high + max(0.1 * span, 1.0)))
    if isinstance(default, tuple):
        for what, x in outside:
            bad.append((f"one entry {what}", (x, *default[1:]), "out of range"))
        bad.append(("one entry not finite", (float("nan"), *default[1:]), "out of range"))
        bad.append(("too long", (*default, default[0]), f"needs {len(default)} values"))
        bad.append(("too short", default[:-1], f"needs {len(default)} values"))
        bad.append(("not a list", 0.5, "must be a tuple"))
        return bad
    for what, x in outside:
        bad.append((what, int(x) if isinstance(default, int) else x, "out of range"))
    if isinstance(default, float):
        bad.append(("not finite", float("nan"), "out of range"))
        bad.append(("a string", "high", "must be a float"))
    if isinstance(default, int):
        bad.append(("a fraction", 1.5, "must be a int"))
    return bad


CASES = [
    pytest.param(f.name, value, fragment, id=f"{f.name}-{what}")
    for f in dataclasses.fields(Params)
    for what, value, fragment in _bad_values(f)
]


def test_every_parameter_has_a_bad_value_case():
    names = {case.values[0] for case in CASES}
    assert names == {f.name for f in dataclasses.fields(Params)}


@pytest.mark.parametrize(("name", "value", "fragment"), CASES)
def test_every_bad_parameter_value_is_refused_naming_it(name, value, fragment):
    with pytest.raises(ParameterError) as err:
        Params.from_dict({name: value})
    assert repr(name) in str(err.value) and fragment in str(err.value), str(err.value)
    with pytest.raises(ParameterError) as err:
        Params().replace(**{name: value})
    assert repr(name) in str(err.value)


@pytest.mark.parametrize("name", [f.name for f in dataclasses.fields(Params)
                                  if f.metadata["simplex"]])  # fmt: skip
def test_shares_that_do_not_sum_to_one_are_refused_naming_them(name):
    default = getattr(Params(), name)
    with pytest.raises(ParameterError) as err:
        Params.from_dict({name: tuple(0.9 * x for x in default)})
    assert repr(name) in str(err.value) and "sum to 1" in str(err.value)


@pytest.mark.parametrize(("no_collaboration", "balanced"), [(0.6, 0.6), (0.7, 0.6), (1.0, 0.0)])
def test_the_no_collaboration_threshold_must_be_below_the_balanced_one(no_collaboration,
                                                                      balanced):  # fmt: skip
    with pytest.raises(ParameterError) as err:
        Params(no_collaboration_threshold=no_collaboration, balanced_threshold=balanced)
    assert "no_collaboration_threshold" in str(err.value)
    assert "balanced_threshold" in str(err.value)
    Params(no_collaboration_threshold=0.59, balanced_threshold=0.6)  # just below is fine


def test_agentic_start_before_start_is_refused():
    with pytest.raises(ParameterError, match="agentic_start"):
        Params(agentic_start="2022-01")
