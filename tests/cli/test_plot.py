"""``aiadopt plot`` and ``--plot``: the figures of a folder; ``--fit``: its calibration fit
table, computed visibly once and saved in the folder, then read."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from aiadopt.calibration.report import FIT_STAMP_FILE
from aiadopt.experiments.store import load_point

from .helpers import run_cli


def test_cli_plot_into_the_folder_says_the_fit_is_missing(run_dir: Path, tmp_path: Path) -> None:
    folder = tmp_path / "r"
    shutil.copytree(run_dir, folder)
    code, stdout, stderr = run_cli(["plot", str(folder)])
    assert code == 0, stderr
    assert (folder / "plot" / "gains.svg").is_file()  # the default: RESULTS_DIR/plot/
    assert "stage_shares.png" in stdout
    assert f"aiadopt plot {folder} --fit" in stdout  # how to compute the missing fit
    assert not (folder / "fit_report.csv").exists()


@pytest.mark.slow
def test_cli_plot_fit_computes_saves_then_reuses_the_table(run_dir: Path, tmp_path: Path) -> None:
    folder = tmp_path / "r"
    shutil.copytree(run_dir, folder)
    argv = ["plot", str(folder), "--out", str(tmp_path / "p"), "--quiet"]
    code, stdout, stderr = run_cli([*argv, "--fit", "--fit-replicates", "2"])
    assert code == 0, stderr
    assert "Computing the calibration fit: 2 sampled surveys" in stdout
    assert (folder / "fit_report.csv").is_file()
    assert (tmp_path / "p" / "fit.png").is_file()
    saved = (folder / "fit_report.csv").read_bytes()
    code, stdout, stderr = run_cli(argv)  # no --fit: the saved table is read, not computed
    assert code == 0, stderr
    assert "Computing" not in stdout and "fit.png" in stdout
    assert (folder / "fit_report.csv").read_bytes() == saved


def test_cli_plot_says_a_stale_fit_table_is_not_drawn(run_dir_with_fit: Path, tmp_path: Path):
    """A fit table of other parameters than the folder's (here: another run's table copied in)
    is not drawn, and plot says why and how to recompute it."""
    folder = tmp_path / "r"
    shutil.copytree(run_dir_with_fit, folder)
    stamp = folder / FIT_STAMP_FILE
    stamp.write_text(stamp.read_text().replace(json.loads(stamp.read_text())["param_hash"],
                                               "0123456789ab"))  # fmt: skip
    code, stdout, stderr = run_cli(["plot", str(folder), "--out", str(tmp_path / "p")])
    assert code == 0, stderr
    assert not (tmp_path / "p" / "fit.png").exists()
    assert "Calibration fit not drawn" in stdout and "0123456789ab" in stdout
    assert f"aiadopt plot {folder} --fit" in stdout


@pytest.mark.slow
def test_cli_plot_fit_of_an_experiment_fits_its_parameters(experiment_dir: Path, tmp_path: Path):
    """--fit on an experiment's folder fits the experiment's point estimate (parameters.toml),
    not the shipped fit: the table's stamp names the folder's parameters and it is drawn."""
    folder = tmp_path / "e"
    shutil.copytree(experiment_dir, folder)
    argv = ["plot", str(folder), "--out", str(tmp_path / "p"), "--quiet", "--fit",
            "--fit-replicates", "2"]  # fmt: skip
    code, stdout, stderr = run_cli(argv)
    assert code == 0, stderr
    assert "model runs of the experiment's parameters (parameters.toml)" in stdout
    stamp = json.loads((folder / FIT_STAMP_FILE).read_text())
    assert stamp["param_hash"] == load_point(folder).hash()
    assert (tmp_path / "p" / "fit.png").is_file()


def test_cli_plot_names_a_folder_that_is_not_results(tmp_path: Path) -> None:
    code, _, err = run_cli(["plot", str(tmp_path)])
    assert code == 2
    assert err.startswith("aiadopt: error: ")
    assert str(tmp_path) in err and "trajectories.parquet" in err


def test_cli_run_with_plot(tmp_path: Path) -> None:
    out = tmp_path / "r"
    code, stdout, stderr = run_cli(["run", "--firms", "300", "--until", "2025-04", "--out",
                                 str(out), "--quiet", "--plot"])  # fmt: skip
    assert code == 0, stderr
    names = {p.name for p in (out / "plot").iterdir()}
    assert {"deployed_views.png", "stage_shares.svg"} <= names
    assert "Wrote 5 figures" in stdout


def test_cli_experiment_with_plot(tmp_path: Path) -> None:
    out = tmp_path / "e"
    code, _, stderr = run_cli(["experiment", "baseline", "training", "--replicates", "2",
                            "--workers", "1", "--firms", "150", "--until", "2025-06", "--out",
                            str(out), "--quiet", "--plot"])  # fmt: skip
    assert code == 0, stderr
    names = {p.stem for p in (out / "plot").iterdir()}
    # the experiments' default metrics keep enthusiasm and use-case interest: every figure
    assert {"stage_shares", "share_at_scale", "effects", "gains", "deployed_views",
            "hype_cycle"} <= names  # fmt: skip


def test_cli_plot_draws_a_discovery_and_a_portfolio(discovery, portfolio, tmp_path: Path) -> None:
    folder = tmp_path / "disc"
    shutil.copytree(discovery.out, folder)
    code, stdout, stderr = run_cli(["plot", str(folder)])
    assert code == 0, stderr
    names = {p.name for p in (folder / "plot").iterdir()}  # the default: RESULTS_DIR/plot/
    assert names == {f"{n}.{x}" for n in ("prim_tradeoff", "prim_box", "feature_scores",
                                          "prim_scatter") for x in ("png", "svg")}  # fmt: skip
    assert "Wrote 4 figures" in stdout and "When is the share of firms at scale" in stdout
    assert "calibration fit" not in stdout.lower()  # no fit to a search over the levers
    out = tmp_path / "p"
    code, stdout, stderr = run_cli(["plot", str(portfolio.paths["figure"].parent), "--out",
                                    str(out)])  # fmt: skip
    assert code == 0, stderr
    assert {p.name for p in out.iterdir()} == {"front.png", "front.svg"}


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (["--fit"], "--fit: {folder} is a scenario discovery's folder, which has no calibration"),
        (["--months", "2026-06"], "{folder}: months: the months of the dose-response and effect "
         "figures apply to an experiment's folder, not to a scenario discovery's"),
    ],
)
def test_cli_plot_refuses_what_a_discovery_has_not(discovery, tmp_path: Path, extra, message):
    out = tmp_path / "p"
    code, _, err = run_cli(["plot", str(discovery.out), "--out", str(out), *extra])
    assert code == 2 and err.count("\n") == 1
    assert err.startswith(f"aiadopt: error: {message.format(folder=discovery.out)}")
    assert not out.exists()  # nothing written


def test_cli_plot_months_of_an_experiment(experiment_dir: Path, tmp_path: Path, monkeypatch):
    """--months is checked against the results (one line, nothing written) and reaches the
    figures: the effect distribution is drawn at the last month asked for."""
    import aiadopt.views.figures as figures

    out = tmp_path / "p"
    argv = ["plot", str(experiment_dir), "--out", str(out)]
    code, _, err = run_cli([*argv, "--months", "2025-08,2031-01"])
    assert code == 2 and not out.exists()
    assert err == (f"aiadopt: error: {experiment_dir}: months: month 2031-01 is not in the "
                   "results: give months 2022-11 to 2025-09\n")  # fmt: skip
    with pytest.raises(SystemExit):  # not a month: argparse's usage error
        run_cli([*argv, "--months", "Aug 2025"])
    drawn = {}

    def keep(fig, path, **_options):  # the figures kept, not written (writing takes seconds)
        drawn[Path(path).name] = fig
        return {}

    monkeypatch.setattr(figures, "save_figure", keep)
    code, _, stderr = run_cli([*argv, "--months", "2025-07,2025-08"])
    assert code == 0, stderr
    head = [t.get_text() for sub in drawn["effect_distribution"].subfigs for t in sub.texts]
    assert any(t.startswith("Aug 2025. Each dot") for t in head)


def test_cli_plot_names_an_unknown_kind_of_folder_and_the_kinds_allowed(tmp_path: Path) -> None:
    folder = tmp_path / "odd"
    folder.mkdir()
    (folder / "manifest.json").write_text('{"kind": "calibration"}')
    code, _, err = run_cli(["plot", str(folder)])
    assert code == 2 and err.count("\n") == 1
    assert f"{folder}/manifest.json names an unknown kind of folder, 'calibration'" in err
    assert "'aiadopt discover --out DIR'" in err and "'aiadopt portfolio FILE --out DIR'" in err
