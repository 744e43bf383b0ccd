"""Global sensitivity analysis (aiadopt.experiments.sensitivity, ``aiadopt sensitivity``), on tiny
samples."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from aiadopt import cli
from aiadopt.calibration.priors import load_priors
from aiadopt.experiments import sensitivity as sensitivity_module
from aiadopt.experiments.sensitivity import (
    QUANTILES,
    SensitivityError,
    define_problem,
    run_sensitivity,
)

from .synthetic_posterior import write_posterior

pytest.importorskip("SALib")

TINY = {"firms": 300, "until": "2026-12", "workers": 1, "replicates": 1}
PARAMS = ["agentic_hazard[0]", "bass_q"]


FIGURE_CALLS: list[dict[str, str]] = []


def fake_figures(rows: pd.DataFrame, meta: dict[str, str]) -> dict[str, bytes]:
    """A figures hook: one PNG and one SVG per output, naming the output's rows."""
    assert set(rows["output"]) == {meta["output"]}
    FIGURE_CALLS.append(dict(meta))
    return {f"{meta['output']}.png": meta["label"].encode(), f"{meta['output']}.svg": b"<svg/>"}


@pytest.fixture(scope="module")
def morris(tmp_path_factory):
    out = tmp_path_factory.mktemp("morris")
    return run_sensitivity("morris", 4, out=out, parameters=PARAMS, figures=fake_figures, **TINY)


def _index(result, output, parameter, index):
    rows = result.indices
    sel = (rows.output == output) & (rows.parameter == parameter) & (rows["index"] == index)
    return float(rows.loc[sel, "value"].iloc[0])


def test_morris_end_to_end_writes_table_and_plots(morris):
    out = morris.out
    indices = pd.read_csv(out / "indices.csv")
    assert list(indices.columns) == ["output", "parameter", "index", "value", "conf"]
    # the runs stop at 2026-12: the 2027-12 share is left out, with a note
    assert set(indices.output) == {"scaled_end", "productivity_end", "deployed_gap_2025_03"}
    assert any("scaled_2027_12" in n for n in morris.notes)
    # the hook is called once per output; its files are written, the PNG recorded in paths
    assert [c["output"] for c in FIGURE_CALLS] == [o.name for o in morris.outputs]
    assert {c["main"] for c in FIGURE_CALLS} == {"mu_star"} and FIGURE_CALLS[0]["vectors"] == "12"
    for o in morris.outputs:
        assert (out / f"{o.name}.png").read_bytes() == o.label.encode()
        assert (out / f"{o.name}.svg").is_file()
        assert morris.paths[o.name] == out / f"{o.name}.png"
    assert not list(out.glob(".*.tmp"))
    assert len(morris.sample) == 4 * (len(PARAMS) + 1)
    assert len(list((out / "runs").rglob("*.parquet"))) == morris.n_runs
    text = morris.format_top()
    assert "bass_q" in text and f"ranges: {morris.ranges_source}" in text


def test_no_effect_parameter_has_zero_index_and_effective_one_does_not(morris):
    # agentic awareness feeds nothing else: with common random numbers its effect is exactly 0
    for output in ("scaled_end", "productivity_end", "deployed_gap_2025_03"):
        assert _index(morris, output, "agentic_hazard[0]", "mu_star") == pytest.approx(0, abs=1e-9)
    assert _index(morris, "scaled_end", "bass_q", "mu_star") > 1.0  # percentage points
    assert morris.top("scaled_end", 1).parameter.iloc[0] == "bass_q"


def test_rerun_resumes_without_running_and_a_different_problem_is_refused(morris):
    again = run_sensitivity("morris", 4, out=morris.out, parameters=PARAMS, **TINY)
    assert again.n_ran == 0
    pd.testing.assert_frame_equal(again.indices, morris.indices)
    with pytest.raises(SensitivityError, match="differs"):
        run_sensitivity("morris", 5, out=morris.out, parameters=PARAMS, **TINY)


def test_sobol_runs(tmp_path):
    res = run_sensitivity("sobol", 4, out=tmp_path, parameters=PARAMS, **TINY)
    assert set(res.indices["index"]) == {"ST", "S1"}
    assert not list(tmp_path.glob("*.png"))  # no figures hook, no figure
    assert _index(res, "scaled_end", "agentic_hazard[0]", "ST") == pytest.approx(0, abs=1e-9)
    assert _index(res, "scaled_end", "bass_q", "ST") > 0.1


def test_the_analysis_covers_every_uncertain_scalar_prior() -> None:
    priors = load_priors()
    problem = define_problem()
    want = [p.name for p in priors.uncertain if p.family != "dirichlet"]
    assert problem.salib["names"] == want and len(want) > 200
    assert {"strategy_effect[3]", "training_effect", "bass_p"} <= set(want)  # levers included
    left_out = {p.name for p in priors.uncertain} - set(want)
    assert left_out == {p.name for p in priors.uncertain if p.family == "dirichlet"}
    assert "central 90% of each prior" in problem.ranges_source


def test_prior_ranges_are_the_central_90_percent_sampled_in_probability() -> None:
    priors = load_priors()
    problem = define_problem([*PARAMS, "strategy_effect[3]"])
    for p in problem.parameters:
        assert (p.low, p.high) == pytest.approx(priors.priors[p.name].interval(0.9))
        assert p.source == "prior"
    assert problem.salib["bounds"] == [list(QUANTILES)] * 3
    # the median of the probability scale is the prior's median (log scale for a log-normal)
    bass_q = problem.parameters[1]
    assert float(bass_q.quantile(np.array([0.5]))[0]) == pytest.approx(
        priors.priors["bass_q"].args["median"], rel=1e-3
    )


def test_posterior_ranges_are_the_sample_quantiles(tmp_path, monkeypatch) -> None:
    csv = write_posterior(tmp_path / "posterior.csv", n=30)
    frame = pd.read_csv(csv)
    problem = define_problem(PARAMS, ranges="posterior", posterior=csv)
    for p in problem.parameters:
        assert (p.low, p.high) == pytest.approx(tuple(np.quantile(frame[p.name], QUANTILES)))
        assert p.source == "posterior"
    assert f"posterior sample {csv} (30 draws)" in problem.ranges_source
    assert problem.base.bass_q == pytest.approx(frame["bass_q"].median())  # its median
    monkeypatch.setattr(sensitivity_module, "packaged_posterior", lambda: tmp_path / "no.csv")
    with pytest.raises(SensitivityError, match="no posterior sample shipped"):
        define_problem(PARAMS, ranges="posterior")
    bad = tmp_path / "bad.csv"
    frame.drop(columns="draw").to_csv(bad, index=False)
    with pytest.raises(SensitivityError, match="no 'draw' column") as err:
        define_problem(PARAMS, ranges="posterior", posterior=bad)
    assert str(bad) in str(err.value) and "\n" not in str(err.value)


def test_the_thresholds_stay_in_order(tmp_path) -> None:
    pair = ["no_collaboration_threshold", "balanced_threshold"]
    res = run_sensitivity("morris", 4, out=tmp_path, parameters=pair, **TINY)
    sample = pd.read_csv(tmp_path / "sample.csv")
    assert (sample[pair[0]] < sample[pair[1]]).all()
    assert any("lowered" in n for n in res.notes)  # the 90% ranges overlap: some rows conflict


def test_bad_arguments(tmp_path):
    with pytest.raises(SensitivityError, match="unknown method"):
        run_sensitivity("fast", 4, out=tmp_path)
    with pytest.raises(SensitivityError, match="not an uncertain scalar parameter"):
        run_sensitivity("morris", 4, out=tmp_path, parameters=["nope"], **TINY)
    with pytest.raises(SensitivityError, match="at least 2"):
        run_sensitivity("morris", 1, out=tmp_path, parameters=PARAMS, **TINY)
    with pytest.raises(SensitivityError, match="power of 2"):
        run_sensitivity("sobol", 3, out=tmp_path, parameters=PARAMS, **TINY)


def test_cli_errors_exit_2(tmp_path, capsys):
    with pytest.raises(SystemExit) as exc:
        cli.main(["sensitivity", "--method", "fast", "--out", str(tmp_path)])
    assert exc.value.code == 2
    code = cli.main(
        ["sensitivity", "--parameters", "nope", "--firms", "300", "--out", str(tmp_path)]
    )
    assert code == 2
    assert "aiadopt: error: not an uncertain scalar parameter" in capsys.readouterr().err


def test_cli_runs(tmp_path, capsys):
    args = ["sensitivity", "--method", "morris", "--samples", "2", "--firms", "300"]
    args += ["--until", "2025-06", "--workers", "1", "--replicates", "1", "--quiet"]
    args += ["--parameters", ",".join(PARAMS), "--out", str(tmp_path)]
    assert cli.main(args) == 0
    printed = capsys.readouterr().out
    assert "Top 5 by mu_star" in printed and "bass_q" in printed
    assert (tmp_path / "indices.csv").is_file()
