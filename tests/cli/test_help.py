"""``aiadopt --help`` and ``aiadopt COMMAND --help`` start fast: they import nothing heavy.

Each help is run as ``python -X importtime -m aiadopt ... --help`` in a fresh process; the
modules it imported are read from the import-time log (a deterministic check, whatever the
machine's speed).  The wall time is printed (``pytest -s``) for the record.
"""

from __future__ import annotations

import subprocess
import sys
import time

import pytest

from aiadopt.cli import COMMANDS, main
from aiadopt.cli.common import FIT_REPLICATES, OUT_RULE

HEAVY = ("numpy", "pandas", "mesa", "numba", "scipy", "matplotlib", "pyarrow", "solara")
"""Libraries that take seconds to import, none of which a help may need."""

NAMES = [command.NAME for command in COMMANDS]


def _imported(log: str) -> set[str]:
    """Top-level names of the modules in a ``-X importtime`` log."""
    names = set()
    for line in log.splitlines():
        if line.startswith("import time:") and "|" in line:
            module = line.rsplit("|", 1)[1].strip()
            names.add(module.split(".")[0])
    return names


@pytest.mark.parametrize("argv", [[], *[[name] for name in NAMES]], ids=["aiadopt", *NAMES])
def test_help_imports_nothing_heavy(argv: list[str]) -> None:
    start = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "aiadopt", *argv, "--help"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    wall = time.perf_counter() - start
    print(f"aiadopt {' '.join(argv)} --help: {wall:.2f} s wall")
    assert done.returncode == 0, done.stderr[-2000:]
    imported = _imported(done.stderr)
    assert "aiadopt" in imported  # the log was read
    assert not imported & set(HEAVY), sorted(imported & set(HEAVY))
    # the rule of the default output folder is stated in every help
    assert " ".join(OUT_RULE.split()) in " ".join(done.stdout.split())


@pytest.mark.parametrize("argv", [["--help"], ["run", "--help"], ["params", "--help"]])
def test_help_exits_0_with_examples(argv: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exc:
        main(argv)
    assert exc.value.code == 0
    assert "example" in capsys.readouterr().out


def test_every_command_is_listed(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["--help"])
    text = capsys.readouterr().out
    for name in NAMES:
        assert f"\n    {name} " in text or f"\n    {name}\n" in text


def test_fit_replicates_default_is_the_calibrations() -> None:
    """The cli states the default without importing the calibration (kept light)."""
    from aiadopt.calibration.report import FIT_TABLE_REPLICATES

    assert FIT_REPLICATES == FIT_TABLE_REPLICATES


def test_importing_the_package_is_light() -> None:
    code = "import sys, aiadopt; print(sorted(m for m in sys.modules if m.split('.')[0] in %r))"
    done = subprocess.run(
        [sys.executable, "-c", code % (HEAVY,)], capture_output=True, text=True, check=True
    )
    assert done.stdout.strip() == "[]"


def test_sensitivity_help_states_d_and_the_cost(capsys: pytest.CaptureFixture[str]) -> None:
    from aiadopt.cli.sensitivity import PRIOR_SCALARS
    from aiadopt.experiments.sensitivity import DEFAULT_FIRMS, sensitivity_parameters

    assert len(sensitivity_parameters()) == PRIOR_SCALARS  # the help's D is the priors'
    with pytest.raises(SystemExit) as exc:
        main(["sensitivity", "--help"])
    assert exc.value.code == 0
    stdout = capsys.readouterr().out
    assert "D is the number of parameters varied" in stdout
    d = PRIOR_SCALARS
    assert f"10 x {d + 1} x 1 = {10 * (d + 1):,} runs" in stdout
    assert f"number of firms per run ({DEFAULT_FIRMS})" in stdout
