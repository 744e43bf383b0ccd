"""The calibration driver (aiadopt.calibration.fit.calibrate): a tiny fit, its files, the
evaluation log and resume, the plausible set it writes, and ``aiadopt calibrate``."""

from __future__ import annotations

import contextlib
import csv
import io
import math
import tomllib
from pathlib import Path

import numpy as np
import pytest

from aiadopt.calibration import fit
from aiadopt.calibration import targets as tg
from aiadopt.calibration.fit import CalibrationError, calibrate, guess_vector, load_spec
from aiadopt.cli import main
from aiadopt.model import Params

from .conftest import SHIPPED_FIT, TINY_PLAN, TINY_SPEC
from .conftest import write_file as _write


@pytest.fixture(scope="module")
def tiny(tmp_path_factory: pytest.TempPathFactory):
    """One tiny calibration (300 firms, 2 free parameters, 4 generations of 8), shared."""
    root = tmp_path_factory.mktemp("fit")
    spec = load_spec(_write(root, TINY_SPEC))
    result = calibrate(spec, root / "out", progress=False)
    return spec, result


# --- the fit --------------------------------------------------------------------------------------


def test_tiny_calibration_improves_over_the_guess(tiny) -> None:
    spec, result = tiny
    guess_loss = spec.objective()(guess_vector(spec.free))
    assert result.loss < guess_loss - 1.0
    assert result.n_generations == spec.maxiter + 1
    assert result.n_evaluations == (spec.maxiter + 1) * spec.popsize * len(spec.free)
    # the reported loss is the loss of the reported parameters
    assert spec.objective()(result.x) == pytest.approx(result.loss, rel=1e-12)


def test_fitted_toml_loads_back_with_its_meta(tiny) -> None:
    spec, result = tiny
    path = result.files["fitted"]
    assert Params.from_toml(path) == result.params
    meta = tomllib.loads(path.read_text(encoding="utf-8"))["meta"]
    assert meta["loss"] == result.loss
    assert meta["seeds"] == list(spec.seeds) and meta["n_firms"] == spec.n_firms
    assert meta["free"] == spec.names
    assert meta["spec_sha256"] == spec.sha256
    assert meta["targets_version"] == tg.load_meta().version
    assert {"date", "n_evaluations", "version", "param_hash", "params_source"} <= set(meta)
    assert meta["param_hash"] == result.params.hash() and meta["seed"] == "1 2"
    assert not list(result.out_dir.glob("*.tmp"))


def test_evaluation_log_holds_every_evaluation(tiny) -> None:
    spec, result = tiny
    with result.files["evaluations"].open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    assert len(rows) == result.n_new_evaluations
    row = rows[0]
    per_seed = [float(row[f"loss_seed_{s}"]) for s in spec.seeds]
    assert float(row["loss"]) == pytest.approx(np.mean(per_seed))
    assert float(row["bass_p"]) == pytest.approx(math.exp(float(row["x0"])))


def test_plausible_set_is_within_the_threshold_of_the_best(tiny) -> None:
    _spec, result = tiny
    assert result.threshold == pytest.approx(5.991, abs=1e-3)  # chi2.ppf(0.95, df=2)
    losses = [row["loss"] for row in result.plausible]
    assert losses and min(losses) == pytest.approx(result.loss)
    assert all(loss <= result.loss + result.threshold for loss in losses)
    members = fit.load_plausible_set(result.files["plausible_set"])
    assert len(members) == len(losses)
    assert members[0] == result.params
    rng = np.random.default_rng(3)
    drawn = fit.draw_plausible(rng, 5, result.files["plausible_set"])
    assert len(drawn) == 5 and all(isinstance(p, Params) for p in drawn)
    again = fit.draw_plausible(np.random.default_rng(3), 5, result.files["plausible_set"])
    assert drawn == again


class _Stop(Exception):
    pass


def test_resume_after_interruption_gives_the_uninterrupted_result(tiny, tmp_path: Path) -> None:
    spec, uninterrupted = tiny

    def stop_after_two_generations(n_evaluations: int) -> None:
        if n_evaluations >= 2 * spec.popsize * len(spec.free):
            raise _Stop

    out = tmp_path / "out"
    with pytest.raises(_Stop):
        calibrate(spec, out, progress=False, on_batch=stop_after_two_generations)
    # a kill in the middle of a write leaves a partial last line: it is dropped on resume
    with (out / "evaluations.csv").open("a", encoding="utf-8") as fh:
        fh.write("2,123.4,12")
    resumed = calibrate(spec, out, progress=False)
    assert resumed.loss == uninterrupted.loss
    np.testing.assert_array_equal(resumed.x, uninterrupted.x)
    assert resumed.params == uninterrupted.params
    assert resumed.n_evaluations == uninterrupted.n_evaluations
    assert 0 < resumed.n_new_evaluations < uninterrupted.n_evaluations
    # a second rerun replays everything from the log
    assert calibrate(spec, out, progress=False).n_new_evaluations == 0


def test_log_of_another_objective_is_refused(tiny, tmp_path: Path) -> None:
    _spec, result = tiny
    out = tmp_path / "out"
    out.mkdir()
    for name in ("evaluations.csv", "evaluations.json"):
        (out / name).write_bytes((result.out_dir / name).read_bytes())
    other = load_spec(_write(tmp_path, TINY_SPEC.replace("seeds = [1, 2]", "seeds = [3]")))
    with pytest.raises(CalibrationError, match="another objective"):
        calibrate(other, out, progress=False)


# --- command line ---------------------------------------------------------------------------------




def _cli(argv: list[str]) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(argv)
    return code, out.getvalue(), err.getvalue()


def test_cli_write_spec_and_errors(tmp_path: Path) -> None:
    """--write-spec writes the calibration plan (v2); a plan with an unknown key is refused
    with one line naming the file and the key."""
    path = tmp_path / "my_plan.toml"
    code, out, _ = _cli(["calibrate", "--write-spec", str(path)])
    assert code == 0 and path.is_file() and str(path) in out
    assert "[sampler]" in path.read_text(encoding="utf-8")
    code, _, err = _cli(["calibrate", "--write-spec", str(path)])
    assert code == 2 and "--force" in err  # bad input: the file is there
    assert _cli(["calibrate", "--write-spec", str(path), "--force"])[0] == 0
    bad = _write(tmp_path, "[sampler]\nwaves = 1\nspeed = 2\n", "bad.toml")
    code, _, err = _cli(["calibrate", "--spec", str(bad), "--out", str(tmp_path / "o")])
    assert code == 2
    assert err.startswith("aiadopt: error: ") and str(bad) in err and "'sampler.speed'" in err


@pytest.mark.slow
def test_cli_calibrate_tiny(tmp_path: Path) -> None:
    """``aiadopt calibrate`` end to end on a tiny plan: the posterior, its median and the
    report for a person are written, and the summary states the share inside the 90%
    posterior-predictive intervals."""
    plan = _write(tmp_path, TINY_PLAN, "plan.toml")
    out = tmp_path / "fit"
    code, stdout, stderr = _cli(["calibrate", "--spec", str(plan), "--out", str(out), "--quiet",
                                 "--workers", "1"])  # fmt: skip
    assert code == 0, stderr
    assert "90% posterior-predictive interval" in stdout
    assert Params.from_toml(out / "fitted.toml").n_firms == Params().n_firms
    for name in ("posterior.csv", "calibration_report.md", "fit_checks.png"):
        assert (out / name).is_file(), name


def test_cli_report_and_option_conflicts(tmp_path: Path) -> None:
    out = tmp_path / "rep"
    argv = ["calibrate", "--report", "--replicates", "2", "--out", str(out), "--quiet"]
    argv += ["--params", str(SHIPPED_FIT)]
    code, stdout, stderr = _cli(argv)
    assert code == 0, stderr
    assert (out / "fit_report.csv").is_file() and "Calibration targets" in stdout
    for bad, fragment in [
        (["--force"], "--force only applies with --write-spec"),
        (["--replicates", "3"], "--replicates only applies with --report"),
        (["--report", "--no-resume"], "--report cannot be combined with --no-resume"),
        (["--write-spec", str(tmp_path / "s.toml"), "--report"], "cannot be combined"),
        (["--report", "--params", str(tmp_path / "none.toml")], "no such parameter file"),
    ]:
        code, _, err = _cli(["calibrate", *bad, "--out", str(tmp_path / "o")])
        assert code == 2 and fragment in err, (bad, err)
