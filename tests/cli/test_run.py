"""``aiadopt run`` (in-process through ``main``): the run's outputs, the printed summary, bad
parameters, the default output folder (``aiadopt params``: test_params.py)."""

from __future__ import annotations

import subprocess
import sys
import tomllib
from pathlib import Path

import pandas as pd
import pytest

import aiadopt
from aiadopt import Params
from aiadopt.cli import main
from aiadopt.experiments import single
from aiadopt.model.params import shipped_params

from .helpers import run_cli

FIRMS = 300
UNTIL = "2025-06"
OUTPUTS = ("trajectories.parquet", "trajectories.csv", "run.toml", "stage_shares.png")



@pytest.fixture(scope="module")
def cli_run(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, int, str, str]:
    """One small run shared by the tests that only read its outputs."""
    out = tmp_path_factory.mktemp("run") / "out"
    code, stdout, stderr = run_cli(
        ["run", "--firms", str(FIRMS), "--until", UNTIL, "--seed", "7", "--out", str(out)]
    )
    return out, code, stdout, stderr


def expected_params() -> Params:
    return shipped_params()[0].replace(n_firms=FIRMS)


def test_run_writes_every_output_and_no_temporary_file(cli_run) -> None:
    out, code, _, stderr = cli_run
    assert code == 0, stderr
    assert sorted(p.name for p in out.iterdir()) == sorted(OUTPUTS)
    for name in OUTPUTS:
        assert (out / name).stat().st_size > 0


def test_parquet_reads_back_with_columns_and_metadata(cli_run) -> None:
    out = cli_run[0]
    frame = pd.read_parquet(out / "trajectories.parquet")
    assert list(frame.columns) == ["date", "metric", "group", "value"]
    assert pd.api.types.is_datetime64_any_dtype(frame["date"])
    assert frame["date"].min() == pd.Timestamp("2022-11-01")
    assert frame["date"].max() == pd.Timestamp(f"{UNTIL}-01")
    meta = single.read_parquet_metadata(out / "trajectories.parquet")
    assert meta["version"] == aiadopt.__version__
    assert meta["seed"] == "7"
    assert meta["firms"] == str(FIRMS)
    assert meta["until"] == UNTIL
    assert meta["param_hash"] == expected_params().hash()
    assert len(meta["param_hash"]) == 12


def test_stage_shares_sum_to_one_at_each_date(cli_run) -> None:
    frame = pd.read_parquet(cli_run[0] / "trajectories.parquet")
    stages = frame[frame["metric"].str.startswith("stage_share.") & (frame["group"] == "all")]
    assert set(stages["metric"]) == set(single.STAGE_METRICS)
    totals = stages.groupby("date")["value"].sum()
    assert len(totals) == 32  # 2022-11 .. 2025-06
    assert totals.to_numpy() == pytest.approx(1.0, abs=1e-9)


def test_csv_holds_the_same_table(cli_run) -> None:
    out = cli_run[0]
    csv = pd.read_csv(out / "trajectories.csv", parse_dates=["date"])
    parquet = pd.read_parquet(out / "trajectories.parquet")
    assert list(csv.columns) == ["date", "metric", "group", "value"]
    assert len(csv) == len(parquet)
    assert csv["value"].to_numpy() == pytest.approx(parquet["value"].to_numpy(), nan_ok=True)


def test_run_toml_holds_parameters_and_metadata(cli_run) -> None:
    path = cli_run[0] / "run.toml"
    assert Params.from_toml(path) == expected_params()  # usable as --params to repeat the run
    meta = tomllib.loads(path.read_text(encoding="utf-8"))["meta"]
    assert meta["seed"] == 7
    assert meta["version"] == aiadopt.__version__
    assert meta["param_hash"] == expected_params().hash()
    assert meta["firms"] == FIRMS
    assert meta["until"] == UNTIL
    assert "created" in meta


def test_png_is_an_image_with_metadata(cli_run) -> None:
    data = (cli_run[0] / "stage_shares.png").read_bytes()
    assert data.startswith(b"\x89PNG\r\n\x1a\n")
    width, height = int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")
    assert (width, height) == (1500, 840)  # 10 x 5.6 in at dpi 150
    assert b"aiadopt.param_hash" in data
    assert expected_params().hash().encode() in data


def test_printed_table_shows_survey_and_last_month(cli_run) -> None:
    _, _, stdout, stderr = cli_run
    assert "2025-03" in stdout
    assert UNTIL in stdout
    for stage in ("not engaged", "planned", "experimenting", "deployed", "scaled"):
        assert stage in stdout
    assert "Technique view" in stdout
    assert "Business view" in stdout
    assert f"Parameters: {shipped_params()[1]}" in stdout
    assert "Simulating" not in stderr  # no progress bar when stderr is not a terminal


def test_table_columns_are_aligned(cli_run) -> None:
    stdout = cli_run[2]
    lines = stdout.splitlines()
    rows = [line for line in lines if line.rstrip().endswith("%")]
    assert len(rows) == 7  # five stages, two views
    ends = {len(line.rstrip()) for line in rows[:5]}
    assert len(ends) == 1


def test_bad_params_file_exits_2_names_file_and_key_and_writes_nothing(tmp_path: Path) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text("bass_q = 0.08\nbass_qq = 1.0\n", encoding="utf-8")
    out = tmp_path / "out"
    code, _, stderr = run_cli(["run", "--params", str(bad), "--out", str(out), "--quiet"])
    assert code == 2
    assert stderr.startswith("aiadopt: error: ")
    assert str(bad) in stderr
    assert "bass_qq" in stderr
    assert not out.exists() or not any(out.iterdir())


def test_out_of_range_parameter_exits_2(tmp_path: Path) -> None:
    bad = tmp_path / "range.toml"
    bad.write_text("[params]\nbass_q = 9.0\n", encoding="utf-8")
    code, _, stderr = run_cli(["run", "--params", str(bad), "--out", str(tmp_path / "o")])
    assert code == 2
    assert str(bad) in stderr and "bass_q" in stderr


def test_run_help_explains_every_option(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["run", "--help"])
    text = capsys.readouterr().out
    for option in ("--seed", "--firms", "--params", "--until", "--out", "--quiet"):
        assert option in text


@pytest.mark.parametrize("month", ["2025-13", "2025-3", "March", "2025/03"])
def test_malformed_until_is_a_usage_error(month: str, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exc:
        main(["run", "--until", month])
    assert exc.value.code == 2
    assert "YYYY-MM" in capsys.readouterr().err


def test_until_before_start_exits_2(tmp_path: Path) -> None:
    code, _, stderr = run_cli(["run", "--until", "2021-01", "--out", str(tmp_path / "o")])
    assert code == 2
    assert "2021-01" in stderr and "start" in stderr
    assert not (tmp_path / "o").exists()


def test_until_after_horizon_extends_the_horizon(tmp_path: Path) -> None:
    short = tmp_path / "short.toml"
    Params(n_firms=50, horizon="2023-03").to_toml(short)
    out = tmp_path / "o"
    code, stdout, stderr = run_cli(
        ["run", "--params", str(short), "--until", "2023-06", "--out", str(out), "--quiet"]
    )
    assert code == 0, stderr
    assert "extended" in stdout and "2023-06" in stdout
    assert Params.from_toml(out / "run.toml").horizon == "2023-06"
    frame = pd.read_parquet(out / "trajectories.parquet")
    assert frame["date"].max() == pd.Timestamp("2023-06-01")
    assert "does not reach the survey month" in stdout


def test_a_failed_figure_leaves_no_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """The run's figure is written in the same staged commit as its tables: a figure that fails
    leaves nothing behind (not even the folder), and the unexpected error is one line, not a
    traceback."""
    from aiadopt.views import figures

    def broken_plot(*args, **kwargs):
        raise RuntimeError("plot failed")

    monkeypatch.setattr(figures, "plot_stage_shares", broken_plot)
    monkeypatch.delenv("AIADOPT_DEBUG", raising=False)
    out = tmp_path / "o"
    code = main(["run", "--seed", "1", "--until", "2023-01", "--firms", "50", "--out", str(out),
                 "--quiet"])  # fmt: skip
    err = capsys.readouterr().err
    assert code == 1
    assert "unexpected RuntimeError: plot failed" in err and "Traceback" not in err
    assert not out.exists()


def test_python_dash_m_aiadopt_works() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "aiadopt", "--version"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert aiadopt.__version__ in done.stdout


def test_default_output_folder_follows_the_rule(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    code, stdout, stderr = run_cli(["run", "--firms", "50", "--until", "2023-01", "--quiet"])
    assert code == 0, stderr
    assert (tmp_path / "aiadopt-out" / "run" / "trajectories.parquet").is_file()
    assert "aiadopt-out/run" in stdout


def test_run_prints_that_it_uses_the_posterior_median(tmp_path, monkeypatch, capsys) -> None:
    """When the calibration ships a posterior, fitted.toml is its median ([meta] method,
    draws, source) and ``aiadopt run`` says so (issue 13, point 4)."""
    from aiadopt.model import params as params_module

    meta = {"method": params_module.POSTERIOR_MEDIAN, "draws": 1500,
            "source": "aiadopt/calibration/posterior.csv"}  # fmt: skip
    Params(bass_q=0.07).to_toml(tmp_path / "median.toml", meta=meta)
    monkeypatch.setattr(params_module, "SHIPPED_FIT", "median.toml")
    monkeypatch.setattr(params_module.resources, "files", lambda _pkg: tmp_path)
    out = tmp_path / "out"
    code = main(["run", "--firms", "40", "--until", "2023-01", "--quiet", "--out", str(out)])
    assert code == 0
    printed = capsys.readouterr().out
    assert "Parameters: posterior median of aiadopt/calibration/posterior.csv (1,500 draws)" in (
        printed
    )
    assert tomllib.loads((out / "run.toml").read_text())["params"]["bass_q"] == 0.07
