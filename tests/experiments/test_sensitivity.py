"""Global sensitivity analysis (aiadopt.experiments.sensitivity, ``aiadopt sensitivity``), on tiny
samples."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from aiadopt import cli
from aiadopt.calibration import plausible
from aiadopt.calibration.spec import load_spec
from aiadopt.experiments.sensitivity import SensitivityError, define_problem, run_sensitivity

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


def test_ranges_from_the_plausible_set_else_the_spec_bounds(tmp_path, monkeypatch):
    csv = tmp_path / "fitted_set.csv"
    csv.write_text("loss,bass_q,agentic_hazard[0]\n1.0,0.02,0.05\n2.0,0.08,0.05\n")
    free, problem, source = define_problem(parameters=PARAMS, plausible_set=csv)
    assert "plausible set" in source
    spec = {p.name: p for p in load_spec().free}
    hazard = spec["agentic_hazard[0]"]
    by_name = {p.name: p for p in free}
    assert (by_name["bass_q"].low, by_name["bass_q"].high) == (0.02, 0.08)
    low, high = by_name["agentic_hazard[0]"].low, by_name["agentic_hazard[0]"].high
    assert max(hazard.low, 0.05 - 0.05 * (hazard.high - hazard.low)) == pytest.approx(low)
    assert low < 0.05 < high  # a degenerate range is widened
    # log parameters are sampled on the log scale
    assert problem["bounds"][1] == pytest.approx([np.log(0.02), np.log(0.08)])
    monkeypatch.setattr(plausible, "packaged_set", lambda: tmp_path / "absent.csv")
    free, problem, source = define_problem(parameters=PARAMS)
    assert "search bounds" in source
    assert [(p.low, p.high) for p in free] == [(hazard.low, hazard.high), (0.005, 0.6)]


def test_bad_arguments(tmp_path):
    with pytest.raises(SensitivityError, match="unknown method"):
        run_sensitivity("fast", 4, out=tmp_path)
    with pytest.raises(SensitivityError, match="not a free parameter"):
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
    assert "aiadopt: error: not a free parameter" in capsys.readouterr().err


def test_cli_runs(tmp_path, capsys):
    args = ["sensitivity", "--method", "morris", "--samples", "2", "--firms", "300"]
    args += ["--until", "2025-06", "--workers", "1", "--replicates", "1", "--quiet"]
    args += ["--parameters", ",".join(PARAMS), "--out", str(tmp_path)]
    assert cli.main(args) == 0
    printed = capsys.readouterr().out
    assert "Top 5 by mu_star" in printed and "bass_q" in printed
    assert (tmp_path / "indices.csv").is_file()
