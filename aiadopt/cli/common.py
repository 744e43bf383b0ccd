"""What the commands share: argument types, common options, the rule of the default output
folder, error messages, and computing a folder's calibration fit on request (``--fit``).

Nothing heavy is imported here (no numpy, pandas, mesa...): ``aiadopt --help`` and ``aiadopt
COMMAND --help`` only build parsers.  A command imports the layers it calls when it runs.
"""

from __future__ import annotations

import argparse
import contextlib
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ..views.figures import Folder
    from ..views.folder import Results

PROG = "aiadopt"

LAST_MONTH = "2100-12"
"""The last month ``--until`` accepts (as :data:`aiadopt.model.clock.LAST_MONTH`, not imported
here to keep ``--help`` light; a test checks they agree)."""

OUT_ROOT = Path("aiadopt-out")
"""Where a command that reads no results folder writes by default: ``./aiadopt-out/COMMAND/``."""

OUT_RULE = (
    "default output folder (every command): ./aiadopt-out/COMMAND/, or RESULTS_DIR/COMMAND/\n"
    "for a command that reads a results folder (plot, report); --out DIR chooses another."
)
"""The one rule of the default output folders, printed in every ``--help``."""


def default_out(command: str, results_dir: str | None = None) -> Path:
    """The default output folder of ``command`` (:data:`OUT_RULE`)."""
    base = Path(results_dir) if results_dir is not None else OUT_ROOT
    return base / command


def month(text: str) -> str:
    """argparse type: a month ``YYYY-MM`` no later than :data:`LAST_MONTH`, checked by the
    model's one month check (:func:`aiadopt.model.clock.check_last_month`; imported when a
    month is given, not for ``--help``)."""
    from ..model.clock import check_last_month

    try:
        check_last_month(text, "month")
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None
    return text


def int_between(low: int, high: int | None, what: str = "an integer"):
    """argparse type: an integer in [low, high] (no upper bound if ``high`` is None)."""

    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"not {what}: {text!r}") from None
        if value < low or (high is not None and value > high):
            allowed = f"between {low} and {high}" if high is not None else f"at least {low}"
            raise argparse.ArgumentTypeError(f"must be {allowed}, got {value}")
        return value

    return parse


positive_int = int_between(1, None)
port = int_between(1, 65535, "a port number")
non_negative_int = int_between(0, None)
seed = non_negative_int


class Formatter(argparse.RawDescriptionHelpFormatter):
    """Keep the line breaks of descriptions and epilogs; help lines are kept short."""


def add_command(
    sub, name: str, *, help: str, description: str, examples: str
) -> argparse.ArgumentParser:
    """A command's parser: its description, then its examples and :data:`OUT_RULE`."""
    return sub.add_parser(
        name,
        formatter_class=Formatter,
        help=help,
        description=description,
        epilog=f"{examples}\n\n{OUT_RULE}",
    )


def add_out(parser: argparse.ArgumentParser, command: str, *, reads_results: bool = False,
            extra: str = "") -> None:  # fmt: skip
    """``--out DIR``, whose default follows :data:`OUT_RULE`."""
    where = f"RESULTS_DIR/{command}/" if reads_results else f"./{OUT_ROOT}/{command}/"
    parser.add_argument("--out", metavar="DIR", help=f"output folder (default {where}){extra}")


def add_workers(parser: argparse.ArgumentParser) -> None:
    """``--workers W``: local worker processes."""
    parser.add_argument(
        "--workers",
        type=positive_int,
        metavar="W",
        help="local worker processes (default: the CPUs; 1 runs in this process)",
    )


def add_firms(parser: argparse.ArgumentParser) -> None:
    """``--firms N``: the population."""
    parser.add_argument(
        "--firms",
        type=positive_int,
        metavar="N",
        help="number of firms (default: the parameter n_firms)",
    )


def add_until(parser: argparse.ArgumentParser) -> None:
    """``--until YYYY-MM``: the last month."""
    parser.add_argument(
        "--until",
        type=month,
        metavar="YYYY-MM",
        help=f"last month, at most {LAST_MONTH} (default: horizon; a later one extends it)",
    )


def add_scheduler(parser: argparse.ArgumentParser) -> None:
    """``--scheduler ADDRESS``: a Dask cluster."""
    parser.add_argument(
        "--scheduler",
        metavar="ADDRESS",
        help="run on the Dask cluster at ADDRESS (e.g. tcp://host:8786) instead of locally",
    )


def add_quiet(parser: argparse.ArgumentParser) -> None:
    """``--quiet``: no progress bar."""
    parser.add_argument("--quiet", action="store_true", help="hide the progress bar")


def add_plot(parser: argparse.ArgumentParser) -> None:
    """``--plot``: draw the figures of the output folder once it is written."""
    parser.add_argument(
        "--plot",
        action="store_true",
        help=f"then draw the figures into OUT/plot/ (PNG and SVG; see '{PROG} plot')",
    )


FIT_REPLICATES = 20
"""Sampled surveys of a fit computed with ``--fit`` (as
:data:`aiadopt.calibration.report.FIT_TABLE_REPLICATES`, not imported here to keep ``--help``
light; a test checks they agree): 4 model runs x 5 surveys, a few seconds."""


def add_fit(parser: argparse.ArgumentParser, where: str, *, replicates: bool = True) -> None:
    """``--fit`` (and ``--fit-replicates N``): compute the calibration fit table, save it."""
    count = f"{FIT_REPLICATES} sampled surveys" + (" or --fit-replicates" if replicates else "")
    parser.add_argument(
        "--fit",
        action="store_true",
        help=f"compute the calibration fit table ({count}) and save it as {where}/fit_report.csv, "
        "read by plot and report (a few seconds; replaces one already there)",
    )
    if replicates:
        parser.add_argument(
            "--fit-replicates",
            type=positive_int,
            default=FIT_REPLICATES,
            metavar="N",
            help=f"with --fit: sampled surveys of the fit (default {FIT_REPLICATES})",
        )


def months_list(text: str) -> list[str]:
    """argparse type of ``--months``: months ``YYYY-MM``, comma-separated (parsed as the
    summary's ``--months`` of ``aiadopt experiment``); whether the results hold them is
    checked once the folder is read."""
    from ..experiments.summary import parse_months

    try:
        return parse_months(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def add_months(parser: argparse.ArgumentParser) -> None:
    """``--months``, the months of the dose-response figures (plot and report)."""
    parser.add_argument(
        "--months",
        type=months_list,
        metavar="LIST",
        help="an experiment's folder: the months YYYY-MM, comma-separated, of the dose-response "
        "curves; the heatmap and the effect distribution show the last of them (default: up "
        "to four Decembers from the interventions' start, and the last month)",
    )


def error(message: str) -> None:
    """Print ``aiadopt: error: MESSAGE`` on stderr."""
    print(f"{PROG}: error: {message}", file=sys.stderr)


class CommandError(Exception):
    """An error a command words itself, with its exit code (see :func:`exit_codes`)."""

    def __init__(self, message: str, code: int = 2) -> None:
        super().__init__(message)
        self.code = code


@dataclass
class Outcome:
    """How a command's work ended: its exit code (0: it succeeded)."""

    code: int = 0


@contextlib.contextmanager
def exit_codes(
    usage: tuple[type[Exception], ...] = (), *, writing: str | None = "the outputs"
) -> Iterator[Outcome]:
    """Run a command's work, mapping its errors to exit codes (the one place that does):
    an error of ``usage`` (bad input, the message names it), an unreadable input file or an
    output folder locked by another command -> 2; a :class:`CommandError` -> its code; workers
    that keep dying or a MemoryError -> 1; an OSError -> 1, reported as "could not write
    ``writing``" (or as is when ``writing`` is None).  Each is printed by :func:`error`; the
    code is in the yielded :class:`Outcome` once the block is left (0 when it succeeded)::

        with common.exit_codes((ParameterError,)) as outcome:
            result = run_and_save(...)
        if outcome.code:
            return outcome.code
    """
    from ..files import FolderLocked, InputError  # the base layer: no heavy import
    from ..workers import PoolError

    outcome = Outcome()
    try:
        yield outcome
    except CommandError as exc:
        error(str(exc))
        outcome.code = exc.code
    except PoolError as exc:  # the worker processes keep dying: a failure, not bad input
        error(str(exc))
        outcome.code = 1
    except (*usage, FolderLocked, InputError) as exc:
        error(str(exc))
        outcome.code = 2
    except MemoryError:
        error(f"out of memory while computing {writing or 'the outputs'}: ask for less "
              "(e.g. fewer --firms or --workers)")  # fmt: skip
        outcome.code = 1
    except OSError as exc:
        error(f"could not write {writing}: {exc}" if writing else str(exc))
        outcome.code = 1


def read_results(
    results_dir: str,
    *,
    fit: bool,
    replicates: int,
    quiet: bool,
    months: list[str] | None = None,
) -> Folder:
    """Read the results folder ``results_dir``, of any kind (:func:`aiadopt.views.figures.
    read_folder`: a run's, an experiment's, a discovery's or a portfolio's), check ``months``
    (``--months``) against it, then, with ``fit`` (a run's or an experiment's folder only),
    compute and save its fit table."""
    from ..views.figures import folder_of, plot_months, read_folder
    from ..views.folder import Results

    data = read_folder(results_dir)
    plot_months(data, months)  # before the fit: a bad month costs nothing
    if fit:
        if not isinstance(data, Results):
            raise CommandError(
                f"--fit: {results_dir} is a {folder_of(data)}'s folder, which has no "
                "calibration fit; --fit applies to a run's or an experiment's folder"
            )
        compute_fit(data, replicates, quiet=quiet)
    return data


_PARAMS_FILES = {"run": "run.toml", "experiment": "parameters.toml"}


def compute_fit(data: Results, replicates: int, *, quiet: bool = False) -> None:
    """Compute the calibration fit table of a results folder's parameters (a run's run.toml,
    an experiment's point estimate; the shipped fit when the folder does not hold them), save
    it there (:func:`aiadopt.calibration.report.save_fit_table`, with a progress bar) and attach
    it to ``data``; say what is being done first, as it takes a few seconds."""
    from ..calibration.report import fit_table_runs, save_fit_table
    from ..views.folder import read_fit

    if data.params is not None:
        what = f"the {data.kind}'s parameters ({_PARAMS_FILES[data.kind]})"
    else:
        what = "the shipped fit"
    print(
        f"Computing the calibration fit: {replicates} sampled surveys over "
        f"{fit_table_runs(replicates)} model runs of {what}, saved as {data.fit_file} ..."
    )
    save_fit_table(data.folder, data.params, replicates=replicates, progress=not quiet)
    read_fit(data)


def say_if_no_fit(command: str, data: Results) -> None:
    """Print, when ``data`` has no fit table, why (missing, or stale: of other parameters) and
    how to compute it."""
    if data.fit_problem is not None:
        print(
            f"Calibration fit not drawn: {data.fit_problem}. Recompute it (a few seconds) "
            f"with: {PROG} {command} {data.folder} --fit"
        )
    elif data.fit_table is None:
        print(
            f"No calibration fit: {data.fit_file} is missing. Compute it once (a few seconds) "
            f"with: {PROG} {command} {data.folder} --fit"
        )
