"""The fault catalogue (issue 15): bad inputs and faults replayed through the command line.

For each bad input: the exit code (2: bad input; 1: a write that failed), a message on one
line that names the culprit (the file, key or value), no traceback, and nothing written: every
file of the working folder (earlier results included) is as it was, and no folder appeared.

The faults, each in a subprocess: a worker killed during a fit and during an experiment (the
command finishes with the same results), the main process killed (no descendant left alive),
a full disk (simulated by an ``ENOSPC`` hook: exit 1, the earlier results intact) and a
read-only folder (exit 1, named); and the locks: a second writer refused, a stale lock taken
over.
"""

from __future__ import annotations

import contextlib
import io
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest

from aiadopt.cli import main

SMALL = ["--firms", "40", "--until", "2023-01"]
"""A tiny run: 40 firms, 2 months."""

SCENARIO_BAD_KEY = """name = "typo"
[overrides]
bass_pp = 0.01
"""
SCENARIO_EARLY = """name = "early"
[[interventions]]
type = "training"
start = "2020-01"
"""
SPEC_BAD_KEY = """[fixed]
no_such_parameter = 0.1
"""

FILES: dict[str, bytes | None] = {
    "nonutf8.toml": b"bass_p = 0.01\n# \xe9\xff\n",
    "invalid.toml": b"bass_p = = 1\n",
    "unknown.toml": b"bass_pp = 0.01\n",
    "string.toml": b'bass_p = "0.1"\n',
    "range.toml": b"bass_p = 5.0\n",
    "scenario_key.toml": SCENARIO_BAD_KEY.encode(),
    "scenario_early.toml": SCENARIO_EARLY.encode(),
    "spec_key.toml": SPEC_BAD_KEY.encode(),
    "a_file.txt": b"not a folder\n",
    "adir/keep.txt": b"keep\n",
    "notes.csv": b"a,b\n1,2\n",
    "earlier/results.txt": b"earlier results\n",
}
"""The input files every bad input finds in the working folder (None: a folder)."""

# (id, argv, exit code, what the message must name)
BAD_INPUTS: list[tuple[str, list[str], int, str]] = [
    # run
    ("run-firms-0", ["run", "--firms", "0"], 2, "0"),
    ("run-firms-word", ["run", "--firms", "many"], 2, "many"),
    ("run-seed-negative", ["run", "--seed", "-1", *SMALL], 2, "-1"),
    ("run-seed-float", ["run", "--seed", "1.5", *SMALL], 2, "1.5"),
    ("run-until-month-13", ["run", "--until", "2025-13"], 2, "2025-13"),
    ("run-until-word", ["run", "--until", "March"], 2, "March"),
    ("run-until-far", ["run", "--firms", "40", "--until", "9999-12"], 2, "9999-12"),
    ("run-until-before-start", ["run", "--firms", "40", "--until", "2022-10"], 2, "2022-10"),
    ("run-params-missing", ["run", "--params", "missing.toml", *SMALL], 2, "missing.toml"),
    ("run-params-folder", ["run", "--params", "adir", *SMALL], 2, "adir"),
    ("run-params-not-utf8", ["run", "--params", "nonutf8.toml", *SMALL], 2, "nonutf8.toml"),
    ("run-params-invalid-toml", ["run", "--params", "invalid.toml", *SMALL], 2, "invalid.toml"),
    ("run-params-unknown-key", ["run", "--params", "unknown.toml", *SMALL], 2, "bass_pp"),
    ("run-params-string", ["run", "--params", "string.toml", *SMALL], 2, "bass_p"),
    ("run-params-range", ["run", "--params", "range.toml", *SMALL], 2, "bass_p"),
    ("run-out-is-a-file", ["run", *SMALL, "--out", "a_file.txt"], 2, "a_file.txt"),
    ("run-unknown-option", ["run", "--fimrs", "40"], 2, "--fimrs"),
    # experiment
    ("exp-unknown-scenario", ["experiment", "nosuch", *SMALL], 2, "nosuch"),
    ("exp-replicates-0", ["experiment", "--replicates", "0"], 2, "0"),
    ("exp-workers-0", ["experiment", "--workers", "0"], 2, "0"),
    ("exp-metrics", ["experiment", "baseline", "--metrics", "bogus", *SMALL], 2, "bogus"),
    ("exp-reference", ["experiment", "baseline", "--reference", "nosuch", *SMALL], 2, "nosuch"),
    ("exp-param-set", ["experiment", "baseline", "--param-set", "missing.csv", *SMALL], 2,
     "missing.csv"),
    ("exp-param-set-bad", ["experiment", "baseline", "--param-set", "notes.csv", *SMALL], 2,
     "notes.csv"),
    ("exp-scenario-key", ["experiment", "scenario_key.toml", *SMALL], 2, "bass_pp"),
    ("exp-scenario-early", ["experiment", "scenario_early.toml", *SMALL], 2, "2020-01"),
    ("exp-scenario-not-utf8", ["experiment", "nonutf8.toml", *SMALL], 2, "nonutf8.toml"),
    ("exp-scenario-folder", ["experiment", "adir", *SMALL], 2, "adir"),
    ("exp-scheduler-malformed", ["experiment", "baseline", "--scheduler", "not a url", *SMALL],
     2, "not a url"),
    ("exp-scheduler-unreachable",
     ["experiment", "baseline", "--scheduler", "tcp://127.0.0.1:1", *SMALL], 2, "127.0.0.1:1"),
    ("exp-until-far", ["experiment", "baseline", "--firms", "40", "--until", "2200-01"], 2,
     "2200-01"),
    ("exp-out-is-a-file", ["experiment", "baseline", *SMALL, "--out", "a_file.txt"], 2,
     "a_file.txt"),
    ("exp-out-not-empty", ["experiment", "baseline", *SMALL, "--out", "earlier"], 2, "earlier"),
    # sensitivity
    ("sens-method", ["sensitivity", "--method", "nosuch"], 2, "nosuch"),
    ("sens-samples-1", ["sensitivity", "--samples", "1", *SMALL], 2, "1"),
    ("sens-sobol-not-power-2", ["sensitivity", "--method", "sobol", "--samples", "3", *SMALL], 2,
     "3"),
    ("sens-parameters", ["sensitivity", "--parameters", "nosuch", *SMALL], 2, "nosuch"),
    ("sens-priors-missing", ["sensitivity", "--priors", "missing.toml", *SMALL], 2,
     "missing.toml"),
    ("sens-posterior-missing", ["sensitivity", "--ranges", "posterior", "--posterior",
                                "missing.csv", *SMALL], 2, "missing.csv"),
    ("sens-scheduler", ["sensitivity", "--scheduler", "not a url", *SMALL], 2, "not a url"),
    ("sens-until-far", ["sensitivity", "--firms", "40", "--until", "3000-01"], 2, "3000-01"),
    # calibrate
    ("cal-spec-missing", ["calibrate", "--spec", "missing.toml"], 2, "missing.toml"),
    ("cal-spec-not-utf8", ["calibrate", "--spec", "nonutf8.toml"], 2, "nonutf8.toml"),
    ("cal-spec-folder", ["calibrate", "--spec", "adir"], 2, "adir"),
    ("cal-spec-key", ["calibrate", "--spec", "spec_key.toml"], 2, "no_such_parameter"),
    ("cal-workers-0", ["calibrate", "--workers", "0"], 2, "0"),
    ("cal-replicates-alone", ["calibrate", "--replicates", "5"], 2, "--replicates"),
    ("cal-report-params-not-utf8", ["calibrate", "--report", "--params", "nonutf8.toml"], 2,
     "nonutf8.toml"),
    ("cal-report-params-folder", ["calibrate", "--report", "--params", "adir"], 2, "adir"),
    ("cal-out-is-a-file", ["calibrate", "--out", "a_file.txt"], 2, "a_file.txt"),
    # plot, report, params, dashboard
    ("plot-missing", ["plot", "missing_dir"], 2, "missing_dir"),
    ("plot-a-file", ["plot", "a_file.txt"], 2, "a_file.txt"),
    ("plot-no-results", ["plot", "adir"], 2, "adir"),
    ("plot-untidy", ["plot", "untidy"], 2, "trajectories.parquet"),
    ("plot-sensitivity", ["plot", "sens"], 2, "sensitivity"),
    ("report-untidy", ["report", "untidy"], 2, "trajectories.parquet"),
    ("report-sensitivity", ["report", "sens"], 2, "sensitivity"),
    ("params-write-exists", ["params", "--write", "notes.csv"], 2, "notes.csv"),
    ("dashboard-port", ["dashboard", "--port", "70000"], 2, "70000"),
]


def _cli(argv: list[str]) -> tuple[int, str, str]:
    """``aiadopt ARGV`` in this process: (exit code, stdout, stderr); argparse's exits too."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            code = main(argv)
        except SystemExit as exc:
            code = exc.code if isinstance(exc.code, int) else 1
    return code, out.getvalue(), err.getvalue()


def _snapshot(root: Path) -> dict[str, bytes | None]:
    """Every file (its bytes) and folder (None) under ``root``."""
    return {
        str(p.relative_to(root)): (p.read_bytes() if p.is_file() else None)
        for p in sorted(root.rglob("*"))
    }


@pytest.fixture(scope="module")
def sens_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A tiny sensitivity folder (Morris, 2 trajectories of 2 parameters, 40 firms)."""
    from aiadopt.experiments.sensitivity import run_sensitivity

    out = tmp_path_factory.mktemp("sens") / "sens"
    run_sensitivity("morris", 2, out=out, firms=40, until="2023-01", workers=1, replicates=1,
                    parameters=["bass_p", "complete_development"])  # fmt: skip
    return out


@pytest.fixture
def workdir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, sens_dir: Path) -> Path:
    """A working folder with the input files of :data:`FILES`, a sensitivity folder and a
    run folder whose trajectories are not a tidy table."""
    for name, data in FILES.items():
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    shutil.copytree(sens_dir, tmp_path / "sens")
    (tmp_path / "untidy").mkdir()
    pd.DataFrame({"x": [1, 2]}).to_parquet(tmp_path / "untidy" / "trajectories.parquet")
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("AIADOPT_DEBUG", raising=False)
    return tmp_path


def test_the_catalogue_is_long_enough() -> None:
    assert len(BAD_INPUTS) >= 40
    assert len({case[0] for case in BAD_INPUTS}) == len(BAD_INPUTS)


@pytest.mark.parametrize(("argv", "code", "culprit"), [c[1:] for c in BAD_INPUTS],
                         ids=[c[0] for c in BAD_INPUTS])  # fmt: skip
def test_a_bad_input_is_one_line_naming_it_and_writes_nothing(
    workdir: Path, argv: list[str], code: int, culprit: str
) -> None:
    before = _snapshot(workdir)
    t0 = time.monotonic()
    got, _, err = _cli(argv)
    assert time.monotonic() - t0 < 20, "a bad input must be refused fast"
    assert got == code, err
    assert "Traceback" not in err
    lines = [line for line in err.splitlines() if "error:" in line]
    assert len(lines) == 1, err
    assert culprit in lines[0], err
    assert _snapshot(workdir) == before  # nothing written, earlier results intact


# --- faults ------------------------------------------------------------------------------------
TINY_PLAN = """[sampler]
n_firms = 1000
prior_runs = 32
waves = 1
wave_runs = 16
train_size = 48
steps = 10
final_steps = 20
draws = 10
check_runs = 2
max_active = 3
"""
"""A calibration plan of about 50 short runs (calibration v2)."""

N_RUNS = 24
EXPERIMENT = ["experiment", "baseline", "--replicates", str(N_RUNS), "--firms", "60", "--until",
              "2024-03", "--seed", "3", "--quiet"]  # fmt: skip
"""An experiment of 24 short runs."""


def _descendants(pid: int) -> list:
    psutil = pytest.importorskip("psutil")
    try:
        return psutil.Process(pid).children(recursive=True)
    except psutil.NoSuchProcess:
        return []


def _kill_quietly(pid: int) -> None:
    """SIGKILL ``pid`` unless it has already ended (a timer may fire after its worker left)."""
    with contextlib.suppress(ProcessLookupError):
        os.kill(pid, signal.SIGKILL)


def _pool_workers(pid: int) -> list:
    """The pool workers among the descendants of ``pid`` (not the fork server itself, nor the
    resource tracker)."""
    out = []
    for p in _descendants(pid):
        try:
            line = " ".join(p.cmdline())
            parent = p.parent()
        except Exception:
            continue
        forked = "forkserver" in line and parent is not None and parent.pid != pid
        if forked or "spawn_main" in line:
            out.append(p)
    return out


def _alive(processes: list) -> list:
    psutil = pytest.importorskip("psutil")
    alive = []
    for p in processes:
        with contextlib.suppress(psutil.NoSuchProcess):
            if p.is_running() and p.status() != psutil.STATUS_ZOMBIE:
                alive.append(p)
    return alive


def _aiadopt(argv: list[str], cwd: Path) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "aiadopt", *argv], cwd=cwd, stdout=subprocess.PIPE,
        stderr=subprocess.PIPE, text=True, start_new_session=True,
    )  # fmt: skip


def _run_files(out: Path) -> dict[str, bytes]:
    return {str(p.relative_to(out)): p.read_bytes() for p in sorted(out.rglob("runs/**/*.parquet"))}


@pytest.mark.slow
def test_a_worker_killed_during_a_calibrations_runs_is_replaced_and_they_are_unchanged(
    tmp_path: Path,
) -> None:
    """A pool worker SIGKILLed while a calibration's design runs: the pool replaces it, the
    lost chunk runs again, and the runs are bit for bit those of an undisturbed serial
    design."""
    import numpy as np

    from aiadopt.calibration import design as ds
    from aiadopt.calibration.priors import load_priors
    from aiadopt.model import Params

    space = ds.ParameterSpace.of(load_priors())
    rng = np.random.default_rng(5)
    m = 3 * ds.CHUNK
    z = rng.standard_normal((m, len(space.names)))
    shares, seeds = space.draw_shares(rng, m), ds.seeds_for(1, 0, m)
    base = Params().replace(n_firms=100)
    with ds.DesignRunner(tmp_path / "serial", base, space) as runner:
        reference = runner.run("w0", z, shares, seeds, 0)
    killed: list[int] = []

    def kill_one(done: int, total: int) -> None:
        if killed or done == 0:  # the first call comes before any chunk has run
            return
        workers = _pool_workers(os.getpid())
        assert workers, "no pool worker to kill"
        killed.append(workers[0].pid)
        _kill_quietly(workers[0].pid)  # it is running one of the chunks still to come

    with ds.DesignRunner(tmp_path / "pool", base, space, workers=2,
                         progress=kill_one) as runner:  # fmt: skip
        result = runner.run("w0", z, shares, seeds, 0)
        assert killed and runner._pool is not None and runner._pool.restarts >= 1  # noticed
    np.testing.assert_array_equal(result.values, reference.values)
    np.testing.assert_array_equal(result.group_n, reference.group_n)


def test_a_run_that_kills_its_worker_fails_the_calibration_with_exit_1(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A batch of model runs whose worker keeps dying (the pool gives it up:
    tests/test_workers.py) stops the calibration with a message naming it, exit code 1, the
    runs saved so far kept for a resume."""
    from aiadopt.calibration import design
    from aiadopt.workers import TaskFailed

    class DyingPool:
        def run(self, fn, tasks, key):
            yield tasks[0], TaskFailed("WorkerDied: the worker process died (test)")

        def close(self):
            pass

    real_map = design.DesignRunner._map

    def on_a_dying_pool(self, tasks):
        if len(tasks) > 1:  # the first chunk runs, the second one's worker dies
            yield from real_map(self, tasks[:1])
            self._pool = DyingPool()
            self.workers = 2
            yield from real_map(self, tasks[1:])
        else:
            yield from real_map(self, tasks)

    monkeypatch.setattr(design.DesignRunner, "_map", on_a_dying_pool)
    (tmp_path / "plan.toml").write_text(TINY_PLAN)
    monkeypatch.chdir(tmp_path)
    code, _, err = _cli(["calibrate", "--spec", "plan.toml", "--out", "fit", "--quiet",
                         "--workers", "1"])  # fmt: skip
    assert code == 1, err
    assert "WorkerDied" in err and "Traceback" not in err
    assert "resumes" in err and any((tmp_path / "fit" / "design").glob("w0_*.npz"))


@pytest.mark.slow
def test_a_worker_killed_during_an_experiment_changes_nothing(tmp_path: Path) -> None:
    """``aiadopt experiment --workers 2`` with one worker SIGKILLed: exit 0, every run there
    once, the same bytes as the serial experiment."""
    code, _, err = _cli([*EXPERIMENT, "--workers", "1", "--out", str(tmp_path / "serial")])
    assert code == 0, err
    proc = _aiadopt([*EXPERIMENT, "--workers", "2", "--out", "pool"], tmp_path)
    killed = None
    deadline = time.monotonic() + 120
    while killed is None and time.monotonic() < deadline and proc.poll() is None:
        workers = _pool_workers(proc.pid)
        if workers and list((tmp_path / "pool").rglob("runs/**/*.parquet")):
            killed = workers[0].pid
            os.kill(killed, signal.SIGKILL)
        time.sleep(0.05)
    assert proc.wait(timeout=300) == 0, proc.stderr.read()
    assert killed is not None, "the experiment ended before a worker could be killed"
    assert _run_files(tmp_path / "pool") == _run_files(tmp_path / "serial")
    assert len(_run_files(tmp_path / "pool")) == N_RUNS


@pytest.mark.slow
def test_a_killed_command_leaves_no_process_and_resumes(tmp_path: Path) -> None:
    """SIGKILL of the command (not of its group): its workers, fork server and resource
    tracker end too, within 15 s; the same command then finishes the experiment."""
    proc = _aiadopt([*EXPERIMENT, "--workers", "2", "--out", "exp"], tmp_path)
    deadline = time.monotonic() + 120
    family: list = []
    while time.monotonic() < deadline and proc.poll() is None:
        family = _descendants(proc.pid)
        if len(_pool_workers(proc.pid)) == 2 and list((tmp_path / "exp").rglob("*.parquet")):
            break
        time.sleep(0.05)
    family = _descendants(proc.pid)
    assert proc.poll() is None and family, "the experiment ended before it could be killed"
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    deadline = time.monotonic() + 15
    while _alive(family) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert not _alive(family), [" ".join(p.cmdline())[:80] for p in _alive(family)]
    again = _aiadopt([*EXPERIMENT, "--workers", "2", "--out", "exp"], tmp_path)
    assert again.wait(timeout=300) == 0, again.stderr.read()
    assert len(_run_files(tmp_path / "exp")) == N_RUNS


@pytest.fixture
def earlier_run(tmp_path: Path) -> Path:
    """A finished run's folder: the earlier results a failed command must leave intact."""
    out = tmp_path / "earlier"
    code, _, err = _cli(["run", *SMALL, "--seed", "1", "--out", str(out), "--quiet"])
    assert code == 0, err
    return out


def test_a_full_disk_fails_with_exit_1_and_leaves_the_earlier_results(
    earlier_run: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The disk fills up (ENOSPC) while a run rewrites a folder: exit 1, the message says so
    and names the file, the earlier run's files are intact and no temporary file is left.
    (Simulated: the writer raises ENOSPC from its second file on.  A real full file system
    needs a tmpfs mount, hence root.)"""
    import errno

    from aiadopt import files

    before = _snapshot(earlier_run)
    real_write = files._write
    calls: list[Path] = []

    def full_disk(tmp: Path, data) -> None:
        calls.append(tmp)
        if len(calls) > 1:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(tmp))
        real_write(tmp, data)

    monkeypatch.setattr(files, "_write", full_disk)
    code, _, err = _cli(["run", *SMALL, "--seed", "2", "--out", str(earlier_run), "--quiet"])
    assert code == 1, err
    assert "No space left on device" in err and str(earlier_run) in err
    assert "Traceback" not in err
    assert _snapshot(earlier_run) == before


def test_a_read_only_folder_fails_with_exit_1_naming_it(
    earlier_run: Path, tmp_path: Path
) -> None:
    """A folder the command may not write: exit 1, the message names it, nothing changed."""
    target = earlier_run
    earlier_run.chmod(0o555)
    try:
        if os.access(earlier_run, os.W_OK):  # root ignores the mode: a read-only mount then
            target = Path("/sys/fs/aiadopt-faults")
            try:
                target.mkdir()
            except OSError:
                pass  # as expected: not writable
            else:
                target.rmdir()
                pytest.skip("running as root with no read-only folder to write to")
        before = _snapshot(earlier_run)
        code, _, err = _cli(["run", *SMALL, "--seed", "2", "--out", str(target), "--quiet"])
        assert code == 1, err
        assert str(target) in err and "could not write" in err and "Traceback" not in err
        assert _snapshot(earlier_run) == before
    finally:
        earlier_run.chmod(0o755)


def test_a_second_writer_is_refused_and_a_stale_lock_taken_over(earlier_run: Path) -> None:
    """While a command writes a folder, another one into it is refused (exit 2, naming the
    folder and the holder's PID); a lock left by a killed command is taken over."""
    from aiadopt.files import LOCK_NAME

    argv = ["run", *SMALL, "--seed", "2", "--out", str(earlier_run), "--quiet"]
    before = _snapshot(earlier_run)
    holder = subprocess.Popen(
        [sys.executable, "-c", "import sys; from aiadopt.files import locked\n"
         "with locked(sys.argv[1]):\n    print('held', flush=True); sys.stdin.read()",
         earlier_run], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        assert holder.stdout.readline().strip() == "held"
        code, _, err = _cli(argv)
        assert code == 2 and "locked" in err and str(holder.pid) in err, err
        assert _snapshot(earlier_run) == {**before, LOCK_NAME: f"{holder.pid}\n".encode()}
    finally:
        holder.kill()  # SIGKILL: no clean-up, the lock file stays
        holder.wait(timeout=60)
    assert (earlier_run / LOCK_NAME).is_file()  # the stale lock is there
    code, _, err = _cli(argv)
    assert code == 0, err
    assert not (earlier_run / LOCK_NAME).exists()


def test_two_fits_into_one_folder_one_is_refused(tmp_path: Path) -> None:
    """Two fits into one --out: the second is refused while the first holds the folder (the
    design's runs are never written by two)."""
    from aiadopt.files import locked

    (tmp_path / "plan.toml").write_text(TINY_PLAN, encoding="utf-8")
    out = tmp_path / "fit"
    with locked(out):
        code, _, err = _cli(["calibrate", "--spec", str(tmp_path / "plan.toml"), "--out",
                             str(out), "--quiet"])  # fmt: skip
    assert code == 2 and "locked" in err, err
    assert not out.exists()


def test_the_until_bound_is_the_models_and_is_in_the_help() -> None:
    from aiadopt.cli import common
    from aiadopt.model.clock import LAST_MONTH

    assert common.LAST_MONTH == LAST_MONTH
    code, out, _ = _cli(["run", "--help"])
    assert code == 0 and f"at most {LAST_MONTH}" in " ".join(out.split())
