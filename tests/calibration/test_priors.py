"""Priors for every parameter (issue 13, point 1): coverage, sampling, density, bad input."""

from __future__ import annotations

import dataclasses
import math

import numpy as np
import pytest
from scipy import stats

from aiadopt.calibration.priors import (
    PriorError,
    generic_prior,
    load_priors,
    parameter_elements,
)
from aiadopt.model import Params
from aiadopt.model.params import shipped_params


@pytest.fixture(scope="module")
def priors():
    return load_priors()


def test_every_parameter_element_has_a_prior_with_a_source(priors) -> None:
    assert set(priors.priors) == set(parameter_elements())
    assert all(p.source.strip() for p in priors.priors.values())
    fixed = {p.name for p in priors.priors.values() if p.fixed}
    # only the settings of a run are fixed, never a behavioural parameter
    assert fixed == {"n_firms", "start", "horizon", "peer_pool", "agentic_start", "stall_months"}


def test_a_stated_prior_overrides_the_generic_one(priors) -> None:
    bass_p = priors.priors["bass_p"]
    assert bass_p.family == "lognormal" and "Sultan" in bass_p.source
    assert "generic" in priors.priors["overrun_hazard"].source
    assert generic_prior("bass_p").source != bass_p.source


def test_draws_are_valid_within_range_and_repeat_with_the_seed(priors) -> None:
    a = priors.sample(np.random.default_rng(7), 30)
    b = priors.sample(np.random.default_rng(7), 30)
    assert [p.hash() for p in a] == [p.hash() for p in b]
    assert len({p.hash() for p in a}) == 30
    for params in a:
        assert isinstance(params, Params)
        for f in dataclasses.fields(Params):
            low, high = f.metadata["low"], f.metadata["high"]
            value = getattr(params, f.name)
            for x in value if isinstance(value, tuple) else (value,):
                if isinstance(x, float):
                    assert (low is None or x >= low) and (high is None or x <= high), f.name


def test_truncated_draws_follow_the_truncated_density(priors) -> None:
    prior = priors.priors["bass_p"]
    x = prior.sample(np.random.default_rng(3), 4000)
    lo, hi = prior._cdf_bounds()
    dist = prior.frozen()
    result = stats.kstest(x, lambda v: (dist.cdf(v) - lo) / (hi - lo))
    assert result.pvalue > 1e-3
    grid = np.linspace(prior.low, prior.high, 20001)
    mass = np.trapezoid(np.exp([prior.logpdf(v) for v in grid]), grid)
    assert mass == pytest.approx(1.0, rel=0.05)


def test_density_is_finite_at_the_defaults_and_the_shipped_values(priors) -> None:
    assert math.isfinite(priors.logpdf(Params()))
    assert math.isfinite(priors.logpdf(shipped_params()[0]))
    assert priors.priors["bass_p"].logpdf(-1.0) == -math.inf


def test_a_wider_prior_has_a_lower_peak(priors) -> None:
    narrow = priors.priors["complementarity"]
    wide = dataclasses.replace(narrow, args={"mean": 0.0, "sd": 0.5})
    assert wide.logpdf(0.0) < narrow.logpdf(0.0)


@pytest.mark.parametrize(
    ("body", "key"),
    [
        ('[[prior]]\nname = "no_such"\nfamily = "normal"\nmean = 0\nsd = 1\nsource = "x"', "name"),
        ('[[prior]]\nname = "bass_p"\nfamily = "gamma"\nsource = "x"', "family"),
        ('[[prior]]\nname = "bass_p"\nfamily = "normal"\nmean = 0\nsd = 1', "source"),
        ('[[prior]]\nname = "bass_p"\nfamily = "normal"\nmean = 0\nsd = -1\nsource = "x"', "sd"),
        ('[[prior]]\nname = "bass_p"\nfamily = "normal"\nmean = "a"\nsd = 1\nsource = "x"', "mean"),
        ('[[prior]]\nname = "bass_p"\nfamily = "beta"\nmean = 1.5\nconcentration = 2\n'
         'source = "x"', "mean"),
        ('[[prior]]\nname = "bass_p"\nfamily = "dirichlet"\nconcentration = 2\nsource = "x"',
         "family"),
        ('[[prior]]\nname = "size_shares"\nfamily = "normal"\nmean = 0\nsd = 1\nsource = "x"',
         "family"),
        ('[[prior]]\nname = "bass_p"\nfamily = "normal"\nmean = 0\nsd = 1\nmedian = 2\n'
         'source = "x"', "median"),
        ('[[prior]]\nname = "bass_p"\nfamily = "uniform"\nlow = 1\nhigh = 0\nsource = "x"', "low"),
        ('[[prior]]\nname = "difficulty"\nfamily = "normal"\nmean = 0\nsd = 1\nsource = "x"',
         "name"),
        ('[[prior]]\nname = "bass_p"\nfamily = "normal"\nmean = 0\nsd = 1\nsource = "x"\n'
         '[[prior]]\nname = "bass_p"\nfamily = "normal"\nmean = 0\nsd = 1\nsource = "x"', "name"),
    ],
)
def test_a_malformed_prior_is_refused_naming_the_file_and_the_key(tmp_path, body, key) -> None:
    path = tmp_path / "priors.toml"
    path.write_text(body, encoding="utf-8")
    with pytest.raises(PriorError) as info:
        load_priors(path)
    message = str(info.value)
    assert str(path) in message and f"key {key!r}" in message and "\n" not in message


@pytest.mark.parametrize("body", ["not toml [", "other = 1", "prior = 3"])
def test_a_file_that_is_not_a_priors_file_is_refused(tmp_path, body) -> None:
    path = tmp_path / "priors.toml"
    path.write_text(body, encoding="utf-8")
    with pytest.raises(PriorError, match=str(path)):
        load_priors(path)


def test_no_prior_is_centred_on_a_target_of_the_figure_its_parameter_cites(priors) -> None:
    """A prior copied from the data it is fitted to would count that evidence twice: no
    prior centre may equal (within half a point) a target value of a figure that the
    parameter's declared source cites."""
    import re

    from aiadopt.calibration import targets as tg
    from aiadopt.calibration.free import split_name

    fields = {f.name: f for f in dataclasses.fields(Params)}
    targets = [t for t in tg.load_targets() if t.value is not None]
    copied = []
    for prior in priors.uncertain:
        centre = prior.args.get("mean", prior.args.get("median"))
        if centre is None:
            continue
        source = fields[split_name(prior.name)[0]].metadata["source"]
        cited = set(re.findall(r"Figures? (\d+)", source))
        for t in targets:
            if cited & set(re.findall(r"\d+", t.figure)) and abs(t.value - centre) <= 0.005:
                copied.append((prior.name, centre, t.id))
    assert not copied
