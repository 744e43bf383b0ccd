"""``aiadopt experiment``: the command, its outputs, its errors, Ctrl-C and resume."""

from __future__ import annotations

import contextlib
import io
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest

from aiadopt.cli import main

from .conftest import FIRMS, UNTIL

SMALL = ["--firms", str(FIRMS), "--until", UNTIL, "--quiet"]


def _cli(argv: list[str]) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(argv)
    return code, out.getvalue(), err.getvalue()


def test_experiment_writes_tidy_results_and_prints_the_summary(tmp_path: Path) -> None:
    out = tmp_path / "exp"
    argv = ["experiment", "baseline", "strategy", "--replicates", "2", "--workers", "1"]
    code, stdout, stderr = _cli([*argv, *SMALL, "--out", str(out)])
    assert code == 0, stderr
    results = pd.read_parquet(out / "results.parquet")
    assert list(results.columns) == ["scenario", "replicate", "seed", "date", "metric", "group",
                                     "value"]  # fmt: skip
    assert set(results["scenario"]) == {"baseline", "strategy"}
    summary = pd.read_csv(out / "summary.csv")
    assert set(summary["indicator"]) == {"share_scaled", "productivity_realised"}
    assert len(list((out / "runs").rglob("*.parquet"))) == 4
    assert "Share of firms at scale" in stdout and "paired 95% CI" in stdout
    assert "strategy" in stdout and "2 scenario(s) x 2 replicate(s) = 4 runs" in stdout
    # the same command again resumes: nothing to run
    code, stdout, _ = _cli([*argv, *SMALL, "--out", str(out)])
    assert code == 0 and "4 of 4 runs already there, 0 to run" in stdout


def test_experiment_lists_the_built_in_scenarios() -> None:
    code, stdout, _ = _cli(["experiment", "--list"])
    assert code == 0
    for name in ("baseline", "strategy", "outsourcing", "training", "combined",
                 "no_success_factors"):  # fmt: skip
        assert f"{name}: " in stdout


def test_experiment_errors_exit_2_with_the_message(tmp_path: Path) -> None:
    code, _, stderr = _cli(["experiment", "nowhere", *SMALL, "--out", str(tmp_path / "a")])
    assert code == 2 and stderr.startswith("aiadopt: error: unknown scenario 'nowhere'")
    bad = tmp_path / "bad.toml"
    bad.write_text('[[interventions]]\ntype = "training"\nstart = "2025-06"\nshare = 2.0\n')
    code, _, stderr = _cli(["experiment", str(bad), *SMALL, "--out", str(tmp_path / "b")])
    assert code == 2 and str(bad) in stderr and "share" in stderr
    out = tmp_path / "c"
    assert _cli(["experiment", "baseline", "--replicates", "2", "--workers", "1", *SMALL,
                 "--out", str(out)])[0] == 0  # fmt: skip
    code, _, stderr = _cli(["experiment", "baseline", "--replicates", "1", "--workers", "1",
                            *SMALL, "--out", str(out)])  # fmt: skip
    assert code == 2 and "replicates: 2 there, 1 now (an experiment's replicates can be " \
        "extended, not reduced" in stderr


@pytest.mark.parametrize(
    ("option", "message"),
    [
        (["--indicators", "bogus"], "indicators: bogus: bogus is no metric of the model"),
        (["--indicators", "stage_share.scaled@nowhere"],
         "stage_share.scaled has no group 'nowhere' (its groups: all, size:100_249"),
        (["--indicators", "usecase_stage.content.in_place@engaged"],
         "usecase_stage.content.in_place is not kept by --metrics"),
        (["--months", "2031-01"], "months: 2031-01 is not in the runs, 2022-11 to 2026-12"),
        (["--months", "Dec 2025"], "months must be YYYY-MM, comma-separated"),
    ],
)  # fmt: skip
def test_bad_indicators_and_months_exit_2_before_any_run(tmp_path, option, message) -> None:
    out = tmp_path / "x"
    code, _, stderr = _cli(["experiment", "baseline", *SMALL, "--out", str(out), *option])
    assert code == 2 and message in stderr
    assert not out.exists()


def test_the_summary_shows_the_indicators_and_months_asked_for(tmp_path: Path) -> None:
    code, stdout, _ = _cli(["experiment", "baseline", "training", "--replicates", "2",
                            "--workers", "1", *SMALL, "--out", str(tmp_path / "x"),
                            "--indicators", "share_in_place,gain_realised.revenue@active",
                            "--months", "2025-12,2026-06"])  # fmt: skip
    assert code == 0
    heads = [line for line in stdout.splitlines() if "; difference to baseline" in line]
    assert [h.split(" (")[0] for h in heads] == [
        "Share of firms with use cases in place", "Share of firms with use cases in place",
        "gain_realised.revenue@active", "gain_realised.revenue@active",
    ]  # fmt: skip
    assert [h.split("), ")[-1][:7] for h in heads] == ["2025-12", "2026-06"] * 2
    assert "training: A training programme reaches half of the engaged firms from" in stdout


@pytest.mark.slow
def test_ctrl_c_keeps_the_finished_runs_and_the_same_command_resumes(tmp_path: Path) -> None:
    out = tmp_path / "exp"
    argv = [sys.executable, "-m", "aiadopt", "experiment", "baseline", "strategy",
            "--replicates", "20", "--workers", "2", "--firms", "3000", "--until", "2030-12",
            "--quiet", "--out", str(out)]  # fmt: skip
    # the default Ctrl-C handling in the child, whatever this process has: pytest started as a
    # background job without job control (`(pytest &)`, `nohup pytest &` in a script) starts
    # with SIGINT ignored, a child inherits it and Python then installs no KeyboardInterrupt
    # (no test changes SIGINT: tests/conftest.py checks it after every test)
    def default_ctrl_c() -> None:
        signal.signal(signal.SIGINT, signal.SIG_DFL)

    proc = subprocess.Popen(argv, start_new_session=True, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True,
                            preexec_fn=default_ctrl_c)  # fmt: skip
    try:
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline and proc.poll() is None:
            if (out / "runs").exists() and len(list((out / "runs").rglob("*.parquet"))) >= 2:
                break
            time.sleep(0.01)
        os.killpg(proc.pid, signal.SIGINT)  # Ctrl-C: the terminal signals the whole group
        stdout, stderr = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
    assert proc.returncode == 130, stderr
    assert "aiadopt: error: interrupted" in stderr
    assert "runs are kept in" in stdout and "run the same command" in stdout
    assert not list(out.rglob("*.tmp"))
    kept = len(list((out / "runs").rglob("*.parquet")))
    assert 2 <= kept < 40
    done = subprocess.run(argv, capture_output=True, text=True, timeout=240)
    assert done.returncode == 0, done.stderr
    assert f"{kept} of 40 runs already there, {40 - kept} to run" in done.stdout
    assert len(list((out / "runs").rglob("*.parquet"))) == 40


@pytest.mark.parametrize(
    ("sweep", "key"),
    [
        ('lever = "intervention.t.sharre"\nvalues = [0.1]', "sweep.lever"),  # unknown field
        ('lever = "bass_qq"\nvalues = [0.1]', "sweep.lever"),  # unknown parameter
        ('lever = "intervention.nothing.share"\nvalues = [0.1]', "sweep[0]"),  # no such lever
        ('lever = "intervention.t.share"\nvalues = []', "sweep.values"),  # empty
        ('lever = "intervention.t.share"\nrange = {start = 0.1, stop = 0.5, num = 0}',
         "sweep.range.num"),  # empty range
    ],
)  # fmt: skip
def test_a_bad_sweep_is_one_line_naming_the_file_and_the_key(tmp_path, sweep, key) -> None:
    bad = tmp_path / "dose.toml"
    bad.write_text('[[interventions]]\ntype = "training"\nstart = "2025-06"\nname = "t"\n'
                   f"[sweep]\n{sweep}\n")  # fmt: skip
    out = tmp_path / "x"
    code, stdout, stderr = _cli(["experiment", str(bad), *SMALL, "--out", str(out)])
    assert code == 2 and stdout == ""
    assert len(stderr.strip().splitlines()) == 1, stderr
    assert str(bad) in stderr and key in stderr
    assert not out.exists()


def test_compare_prints_the_probability_that_a_beats_b(tmp_path: Path) -> None:
    out = tmp_path / "x"
    argv = ["experiment", "baseline", "training", "strategy", "--replicates", "3", "--workers",
            "1", *SMALL, "--out", str(out)]  # fmt: skip
    code, stdout, stderr = _cli([*argv, "--compare", "training,strategy"])
    assert code == 0, stderr
    results = pd.read_parquet(out / "results.parquet")
    at = results[(results["metric"] == "stage_share.scaled") & (results["group"] == "all")
                 & (results["date"] == pd.Timestamp(f"{UNTIL}-01"))]  # fmt: skip
    wide = at.pivot(index="replicate", columns="scenario", values="value")
    p = float(((wide["training"] - wide["strategy"]) > 0).mean())
    line = next(x for x in stdout.splitlines() if x.startswith(f"share_scaled           {UNTIL}"))
    assert line.endswith(f"{100 * p:.0f}%") and "P(training beats strategy)" in stdout
    code, stdout, _ = _cli([*argv, "--compare", "all"])  # complete: prints, runs nothing
    assert code == 0 and "Probability that the row's scenario beats the column's" in stdout
    code, _, stderr = _cli([*argv, "--compare", "training,nope"])
    assert code == 2 and "--compare: unknown scenario 'nope'" in stderr
    err = io.StringIO()
    with contextlib.redirect_stderr(err), pytest.raises(SystemExit) as info:
        main([*argv, "--compare", "training"])
    assert info.value.code == 2 and "give two different scenarios as A,B" in err.getvalue()
