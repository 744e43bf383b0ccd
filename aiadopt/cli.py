"""The ``aiadopt`` command line: parse the arguments, call one function of :mod:`aiadopt.runs`
(or :mod:`aiadopt.dashboard`, :mod:`aiadopt.experiments`, :mod:`aiadopt.plotting`,
:mod:`aiadopt.report_html`, :mod:`aiadopt.sensitivity`).

Commands:

- ``aiadopt run``: run the model with the shipped parameters and write its outputs;
- ``aiadopt params``: list every parameter (default, range, unit, source), or write them to a
  TOML file to edit (``--write FILE``);
- ``aiadopt dashboard``: start the interactive dashboard (a web page on 127.0.0.1, port 8765 by
  default; needs the optional extra ``dashboard``);
- ``aiadopt experiment``: run scenarios x replicates (built-in or TOML scenario files) on local
  processes or a Dask cluster, resumably, and write tidy results and a summary;
- ``aiadopt plot``: draw the figures of a run's or an experiment's folder (PNG and SVG);
  ``--plot`` on ``run`` and ``experiment`` does the same once they finish;
- ``aiadopt report``: write one self-contained HTML report (figures and tables);
- ``aiadopt sensitivity``: global sensitivity analysis (Morris or Sobol', SALib) of the
  calibrated parameters on the share at scale, realised productivity and the Technique-Business
  gap of "deployed";
- ``aiadopt calibrate``: fit the model to the study (:mod:`aiadopt.calibration.fit`), write
  the default calibration spec to edit (``--write-spec FILE``) or report a fit (``--report``).

Exit codes: 0 success, 1 an output could not be written (or the dashboard's optional
dependencies are missing, or some runs of an experiment failed), 2 bad arguments or parameters
(or the dashboard's port is taken), 130 interrupted (an experiment keeps its finished runs).
"""

from __future__ import annotations

import argparse
import contextlib
import os
import re
import sys

from . import __version__
from .model import ParameterError

PROG = "aiadopt"

_MONTH = re.compile(r"^(\d{4})-(\d{2})$")


def _month(text: str) -> str:
    """argparse type: a month ``YYYY-MM``."""
    m = _MONTH.match(text)
    if not m or not 1 <= int(m.group(2)) <= 12:
        raise argparse.ArgumentTypeError(f"not a month YYYY-MM: {text!r}")
    return text


def _int_between(low: int, high: int | None, what: str = "an integer"):
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


_positive_int = _int_between(1, None)
_port = _int_between(1, 65535, "a port number")
_non_negative_int = _int_between(0, None)
_seed = _non_negative_int


def _add_workers(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--workers",
        type=_positive_int,
        metavar="W",
        help="local worker processes (default: the CPUs; 1 runs in this process)",
    )


def _add_firms(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--firms",
        type=_positive_int,
        metavar="N",
        help="number of firms (default: the parameter n_firms)",
    )


def _add_until(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--until",
        type=_month,
        metavar="YYYY-MM",
        help="last month (default: horizon; a later one extends it)",
    )


def _add_scheduler(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--scheduler",
        metavar="ADDRESS",
        help="run on the Dask cluster at ADDRESS (e.g. tcp://host:8786) instead of locally",
    )


class _Formatter(argparse.RawDescriptionHelpFormatter):
    """Keep the line breaks of descriptions and epilogs; help lines are kept short."""


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of ``aiadopt`` and its subcommands."""
    parser = argparse.ArgumentParser(
        prog=PROG,
        formatter_class=_Formatter,
        description=(
            "Agent-based simulation of generative-AI adoption by French firms of 100+ employees,\n"
            "calibrated on a March 2025 survey of 231 decision-makers. Each firm has a Direction,\n"
            "a Technique and a Business agent and moves through the stages not engaged, planned,\n"
            "experimenting, deployed and scaled, one step per month from November 2022."
        ),
        epilog=(
            "examples:\n"
            "  aiadopt run                      run the default population, write ./aiadopt-out/\n"
            "  aiadopt run --firms 2000 --until 2027-12 --out out/\n"
            "  aiadopt params --write my.toml   write the parameters to a file to edit\n"
            "  aiadopt run --params my.toml     run with the edited parameters\n"
            "  aiadopt dashboard                interactive dashboard on http://127.0.0.1:8765/\n"
            "  aiadopt experiment --replicates 20 --out exp/   the built-in scenarios, compared\n"
            "  aiadopt plot exp/                figures of the experiment into exp/figures/\n"
            "  aiadopt report exp/ --out rep/   one HTML file with every figure and table\n"
            "  aiadopt sensitivity --method morris --samples 10 --out sens/\n"
            "  aiadopt calibrate --out fit/     fit the model to the study (resumable)\n"
            "\n"
            "Use 'aiadopt COMMAND --help' for the options of a command."
        ),
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", title="commands")
    sub.required = True

    run = sub.add_parser(
        "run",
        formatter_class=_Formatter,
        help="run the model and write its outputs (see 'aiadopt run -h')",
        description=(
            "Run the model with the shipped parameters (the fitted calibration when the package\n"
            "ships one, else the built-in defaults) and write into --out: trajectories.parquet\n"
            "and trajectories.csv (tidy: date, metric, group, value), run.toml (parameters and\n"
            "metadata: seed, version, parameter hash) and stage_shares.png. Then print the stage\n"
            "shares at the survey month (2025-03) and at the last month."
        ),
        epilog=(
            "example:\n"
            "  aiadopt run --seed 7 --firms 2000 --until 2027-12 --out out/\n"
            "  aiadopt run --params out/run.toml --seed 7 --out again/   repeat that run"
        ),
    )
    run.add_argument(
        "--seed", type=_seed, default=42, help="seed of the run, an integer >= 0 (default 42)"
    )
    run.add_argument(
        "--firms",
        type=_positive_int,
        metavar="N",
        help="number of firms (overrides the parameter n_firms)",
    )
    run.add_argument(
        "--params",
        metavar="FILE.toml",
        help="parameter file (default: the shipped parameters)",
    )
    _add_until(run)
    run.add_argument(
        "--out", metavar="DIR", default="aiadopt-out", help="output folder (default ./aiadopt-out)"
    )
    run.add_argument("--quiet", action="store_true", help="hide the progress bar")
    run.add_argument(
        "--plot",
        action="store_true",
        help="then draw the figures into OUT/figures (PNG and SVG; see 'aiadopt plot')",
    )
    run.set_defaults(handler=_cmd_run)

    params = sub.add_parser(
        "params",
        formatter_class=_Formatter,
        help="list the parameters, or write them to a TOML file to edit",
        description=(
            "List every model parameter with its default, allowed range, unit and source (the\n"
            "survey figure it comes from, or 'assumption'). With --write, write the parameters\n"
            "that 'aiadopt run' uses to a commented TOML file you can edit and pass to\n"
            "'aiadopt run --params'."
        ),
        epilog=(
            "example:\n"
            "  aiadopt params --write my.toml && $EDITOR my.toml && aiadopt run --params my.toml"
        ),
    )
    params.add_argument(
        "--write", metavar="FILE.toml", help="write the parameters to FILE.toml to edit"
    )
    params.add_argument(
        "--force", action="store_true", help="with --write: overwrite FILE.toml if it exists"
    )
    params.set_defaults(handler=_cmd_params)

    dashboard = sub.add_parser(
        "dashboard",
        formatter_class=_Formatter,
        help="start the interactive dashboard in a web browser",
        description=(
            "Start the interactive dashboard (Mesa's SolaraViz): a web page with the population,\n"
            "the seed and the levers (tripartite strategy, training, co-managed outsourcing, the\n"
            "obstacles) as inputs, step/play/reset controls, and live charts of the stage shares,\n"
            "the share at scale and the Technique and Business views of 'deployed' against the\n"
            "study's March 2025 values. It starts from the calibrated defaults. The server\n"
            "listens on 127.0.0.1 (this machine only) unless --host names another interface;\n"
            "Ctrl+C stops it. Needs the optional extra: pip install -e '.[dashboard]'."
        ),
        epilog=(
            "examples:\n"
            "  aiadopt dashboard                 then open http://127.0.0.1:8765/\n"
            "  aiadopt dashboard --port 9000 --open"
        ),
    )
    dashboard.add_argument(
        "--port", type=_port, default=8765, help="port to listen on (default 8765)"
    )
    dashboard.add_argument(
        "--host",
        default="127.0.0.1",
        help="interface to listen on (default 127.0.0.1; e.g. 0.0.0.0 exposes it to the network)",
    )
    dashboard.add_argument(
        "--open", action="store_true", help="open the page in the default web browser"
    )
    dashboard.set_defaults(handler=_cmd_dashboard)

    experiment = sub.add_parser(
        "experiment",
        formatter_class=_Formatter,
        help="run scenarios x replicates and compare them (see 'aiadopt experiment -h')",
        description=(
            "Run each SCENARIO (a built-in name or a TOML scenario file; default: every built-in\n"
            "scenario, see --list) for --replicates replicates. Replicate k has the same seed\n"
            "(spawned from --seed) and the same parameter vector (drawn from the calibrated\n"
            "plausible set when one is shipped) in every scenario: common random numbers, so the\n"
            "paired differences to the baseline carry the effect, not the noise.\n"
            "\n"
            "Writes into --out: runs/<scenario>/<replicate>.parquet (one file per run, written\n"
            "atomically as it finishes), results.parquet (tidy: scenario, replicate, seed, date,\n"
            "metric, group, value), summary.csv, runs.csv and manifest.json; then prints the\n"
            "summary: share of firms at scale and realised productivity at 2027-12 and at the\n"
            "last month, by scenario, with paired differences to the baseline and 95% intervals.\n"
            "\n"
            "Interrupted (Ctrl-C, a killed process), the same command resumes: it runs only the\n"
            "missing runs. A different command into the same folder is an error. Results are\n"
            "the same bit for bit whatever --workers or --scheduler."
        ),
        epilog=(
            "examples:\n"
            "  aiadopt experiment --list                       the built-in scenarios\n"
            "  aiadopt experiment --replicates 100 --workers 2 --out exp/\n"
            "  aiadopt experiment baseline my_policy.toml --firms 2000 --until 2027-12\n"
            "  aiadopt experiment --scheduler tcp://10.0.0.5:8786 --out exp/   on Dask"
        ),
    )
    experiment.add_argument(
        "scenarios",
        nargs="*",
        metavar="SCENARIO",
        help="built-in scenario name or TOML file (default: every built-in scenario)",
    )
    experiment.add_argument(
        "--replicates", type=_positive_int, default=20, metavar="N", help="per scenario (20)"
    )
    _add_workers(experiment)
    experiment.add_argument(
        "--seed", type=_seed, default=42, help="root seed of the replicates (default 42)"
    )
    _add_firms(experiment)
    _add_until(experiment)
    experiment.add_argument(
        "--out",
        metavar="DIR",
        default="aiadopt-experiment",
        help="experiment folder (default ./aiadopt-experiment); the same command resumes it",
    )
    _add_scheduler(experiment)
    experiment.add_argument(
        "--metrics",
        default="default",
        metavar="LIST",
        help="what to keep: 'default', 'all', or comma-separated categories or metrics",
    )
    experiment.add_argument(
        "--reference",
        metavar="SCENARIO",
        help="scenario the differences are taken to (default: baseline, else the first)",
    )
    experiment.add_argument(
        "--param-set",
        default="shipped",
        metavar="SET",
        help="'shipped' (the calibrated plausible set if shipped), 'none' (the shipped point "
        "only), or a fitted_set.csv",
    )
    experiment.add_argument("--quiet", action="store_true", help="hide the progress bar")
    experiment.add_argument(
        "--plot",
        action="store_true",
        help="then draw the figures into OUT/figures (PNG and SVG; see 'aiadopt plot')",
    )
    experiment.add_argument(
        "--list", action="store_true", help="list the built-in scenarios and exit"
    )
    experiment.set_defaults(handler=_cmd_experiment)

    sensitivity = sub.add_parser(
        "sensitivity",
        formatter_class=_Formatter,
        help="which calibrated parameters move the outputs (see 'aiadopt sensitivity -h')",
        description=(
            "Global sensitivity analysis with SALib: sample the calibration's free parameters\n"
            "over their plausible ranges (min-max of the shipped plausible set, else the spec's\n"
            "bounds; log parameters on the log scale), run every vector with --replicates seeds\n"
            "(the same for every vector: common random numbers; outputs averaged), and compute\n"
            "Morris (mu_star, sigma) or Sobol' (ST, S1) indices with 95% intervals on: the share\n"
            "at scale at 2027-12 and at the last month, realised productivity (all firms) at the\n"
            "last month, and the Technique - Business gap of 'deployed' at 2025-03.\n"
            "\n"
            "Writes into --out: indices.csv (output, parameter, index, value, conf), one sorted\n"
            "bar plot per output (<output>.png and .svg), outputs.csv, sample.csv, runs/ and\n"
            "manifest.json; prints the top 5 parameters per output. Interrupted, the same\n"
            "command resumes: only the missing runs are run."
        ),
        epilog=(
            "examples:\n"
            "  aiadopt sensitivity --method morris --samples 10 --firms 2000 --out sens/\n"
            "  aiadopt sensitivity --method sobol --samples 64 --workers 2 --out sobol/\n"
            "  aiadopt sensitivity --parameters bass_p,bass_q,scale_hazard --out sub/"
        ),
    )
    sensitivity.add_argument(
        "--method", choices=("morris", "sobol"), default="morris", help="(default morris)"
    )
    sensitivity.add_argument(
        "--samples",
        type=_positive_int,
        default=10,
        metavar="N",
        help="morris: trajectories, N x (D+1) vectors; sobol: N (a power of 2), N x (D+2) "
        "vectors (default 10)",
    )
    sensitivity.add_argument(
        "--replicates", type=_positive_int, default=2, metavar="R", help="seeds per vector (2)"
    )
    _add_workers(sensitivity)
    sensitivity.add_argument(
        "--seed", type=_seed, default=42, help="root seed of the sample and replicates (42)"
    )
    _add_firms(sensitivity)
    _add_until(sensitivity)
    sensitivity.add_argument(
        "--parameters",
        metavar="LIST",
        help="comma-separated free parameters of the spec to vary (default: all of them)",
    )
    sensitivity.add_argument(
        "--spec", metavar="SPEC.toml", help="calibration spec (default: the packaged one)"
    )
    sensitivity.add_argument(
        "--out",
        metavar="DIR",
        default="aiadopt-sensitivity",
        help="output folder (default ./aiadopt-sensitivity); the same command resumes it",
    )
    _add_scheduler(sensitivity)
    sensitivity.add_argument("--quiet", action="store_true", help="hide the progress bar")
    sensitivity.set_defaults(handler=_cmd_sensitivity)

    fit_help = (
        "sampled surveys of the calibration fit computed when RESULTS_DIR holds no "
        "fit_report.csv (default 20; 0: no fit figure)"
    )
    plot = sub.add_parser(
        "plot",
        formatter_class=_Formatter,
        help="draw the figures of a run's or an experiment's folder (see 'aiadopt plot -h')",
        description=(
            "Draw the figures of RESULTS_DIR, an experiment's folder (manifest.json and runs/,\n"
            "from 'aiadopt experiment') or a run's folder (trajectories.parquet, from 'aiadopt\n"
            "run'), each as PNG and SVG into --out: stage shares over time (one panel per\n"
            "scenario), share at scale by scenario with replicate bands, the paired effect of\n"
            "each intervention, the hype cycle, expected against realised gains, the Technique\n"
            "and Business views of 'deployed' (the study's 10% and 21%), and the calibration fit\n"
            "(from RESULTS_DIR/fit_report.csv when present, else computed: a few seconds).\n"
            "A figure whose metrics the results lack is left out, and the reason printed."
        ),
        epilog=(
            "examples:\n"
            "  aiadopt plot aiadopt-out/         a run's figures into aiadopt-out/figures/\n"
            "  aiadopt plot exp/ --out slides/ --fit-replicates 100"
        ),
    )
    plot.add_argument("results_dir", metavar="RESULTS_DIR", help="a run's or experiment's folder")
    plot.add_argument("--out", metavar="DIR", help="output folder (default RESULTS_DIR/figures)")
    plot.add_argument(
        "--fit-replicates", type=_non_negative_int, default=20, metavar="N", help=fit_help
    )
    plot.set_defaults(handler=_cmd_plot)

    report = sub.add_parser(
        "report",
        formatter_class=_Formatter,
        help="write one self-contained HTML report (see 'aiadopt report -h')",
        description=(
            "Write --out/report.html: one self-contained file (figures embedded, no server, no\n"
            "network; opens in any browser) with what the model is and where the numbers come\n"
            "from (version, parameter hash, seeds), the calibration fit, the baseline\n"
            "trajectories, the scenario comparison and the tables behind them. RESULTS_DIR is\n"
            "an experiment's or a run's folder; without it, the model is run once with the\n"
            "shipped parameters (--seed) and the report has no scenario comparison. The fit\n"
            "comes from RESULTS_DIR/fit_report.csv when present, else is computed."
        ),
        epilog=(
            "examples:\n"
            "  aiadopt report exp/ --out report/\n"
            "  aiadopt report --out report/        a fresh baseline run, no scenarios"
        ),
    )
    report.add_argument(
        "results_dir", nargs="?", metavar="RESULTS_DIR", help="a run's or experiment's folder"
    )
    report.add_argument("--out", metavar="DIR", required=True, help="output folder")
    report.add_argument(
        "--fit-replicates", type=_non_negative_int, default=20, metavar="N", help=fit_help
    )
    report.add_argument(
        "--seed",
        type=_seed,
        default=42,
        help="seed of the run made when no RESULTS_DIR is given (default 42)",
    )
    report.set_defaults(handler=_cmd_report)

    calibrate = sub.add_parser(
        "calibrate",
        formatter_class=_Formatter,
        help="fit the model to the study (see 'aiadopt calibrate -h')",
        description=(
            "Fit the free parameters of a calibration spec (default: the packaged spec; see\n"
            "--write-spec) to the study's calibration targets by differential evolution. The\n"
            "loss is the mean, over the spec's seeds, of the deviance of the simulated survey in\n"
            "March 2025. Writes into --out: evaluations.csv (every evaluation, appended as the\n"
            "search goes; the same command resumes an interrupted calibration from it and ends\n"
            "where an uninterrupted one would), fitted.toml (the best parameters, for 'aiadopt\n"
            "run --params') and fitted_set.csv (the plausible set: evaluated vectors within the\n"
            "95% likelihood-ratio threshold of the best; a confidence set, not a posterior).\n"
            "With --write-spec, write the default spec to a file to edit instead. With --report,\n"
            "survey --params (default: the shipped parameters) in sampled mode and compare every\n"
            "target with the study instead (fit_report.csv, .md, .png, .svg into --out)."
        ),
        epilog=(
            "examples:\n"
            "  aiadopt calibrate --write-spec my_spec.toml && $EDITOR my_spec.toml\n"
            "  aiadopt calibrate --spec my_spec.toml --out fit/ --workers 2\n"
            "  aiadopt calibrate --report --params fit/fitted.toml --out fit/"
        ),
    )
    calibrate.add_argument(
        "--spec", metavar="FILE.toml", help="calibration spec (default: the packaged spec)"
    )
    calibrate.add_argument(
        "--out", metavar="DIR", default="aiadopt-fit", help="output folder (default ./aiadopt-fit)"
    )
    calibrate.add_argument(
        "--workers",
        type=_positive_int,
        metavar="N",
        help="worker processes (default: the spec's [optimizer] workers)",
    )
    calibrate.add_argument(
        "--no-resume",
        action="store_true",
        help="start afresh, replacing the evaluation log of --out",
    )
    calibrate.add_argument("--quiet", action="store_true", help="hide the progress bar")
    calibrate.add_argument(
        "--write-spec", metavar="FILE.toml", help="write the default spec to FILE.toml to edit"
    )
    calibrate.add_argument(
        "--force", action="store_true", help="with --write-spec: overwrite FILE.toml if it exists"
    )
    calibrate.add_argument(
        "--report", action="store_true", help="report the fit of --params instead of fitting"
    )
    calibrate.add_argument(
        "--params",
        metavar="FILE.toml",
        help="with --report: parameter file (default: the shipped parameters)",
    )
    calibrate.add_argument(
        "--replicates",
        type=_positive_int,
        metavar="N",
        help="with --report: sampled surveys in all (default 100)",
    )
    calibrate.set_defaults(handler=_cmd_calibrate)
    return parser


def _error(message: str) -> None:
    print(f"{PROG}: error: {message}", file=sys.stderr)


def _cmd_run(args: argparse.Namespace) -> int:
    from .runs import RunError, run_and_save

    overrides = {"n_firms": args.firms} if args.firms is not None else {}
    try:
        result = run_and_save(
            args.params,
            seed=args.seed,
            until=args.until,
            out_dir=args.out,
            progress=not args.quiet,
            echo=print,
            **overrides,
        )
    except (ParameterError, RunError) as exc:
        _error(str(exc))
        return 2
    except OSError as exc:
        _error(f"could not write the outputs: {exc}")
        return 1
    print(result.summary())
    if args.plot:
        return _plot_folder(args.out)
    return 0


def _cmd_params(args: argparse.Namespace) -> int:
    from .runs import format_parameters, write_params_file

    if args.write is None:
        if args.force:
            _error("--force only applies with --write FILE.toml")
            return 2
        print(format_parameters())
        return 0
    try:
        path, source = write_params_file(args.write, force=args.force)
    except ParameterError as exc:
        _error(str(exc))
        return 2
    except OSError as exc:
        _error(str(exc))
        return 1
    print(f"Wrote {path}: {source}.")
    print(f"Edit it, then run: aiadopt run --params {path}")
    return 0


def _cmd_dashboard(args: argparse.Namespace) -> int:
    try:
        from . import dashboard
    except ModuleNotFoundError as exc:
        hint = (
            "" if "pip install" in str(exc) else " (install it with: pip install -e '.[dashboard]')"
        )
        _error(f"the dashboard cannot start: {exc}{hint}")
        return 1
    try:
        return dashboard.serve(host=args.host, port=args.port, open_browser=args.open)
    except dashboard.DashboardError as exc:
        _error(str(exc))
        return 2


def _cmd_experiment(args: argparse.Namespace) -> int:
    from . import experiments

    if args.list:
        print(experiments.describe_builtin_scenarios())
        return 0
    try:
        result = experiments.execute_experiment(
            args.scenarios or None,
            replicates=args.replicates,
            workers=args.workers,
            seed=args.seed,
            firms=args.firms,
            until=args.until,
            out=args.out,
            scheduler=args.scheduler,
            progress=not args.quiet,
            metrics=args.metrics,
            reference=args.reference,
            parameter_set=args.param_set,
            echo=print,
        )
    except (
        ParameterError,
        experiments.ScenarioError,
        experiments.ExperimentError,
        experiments.ExecutorError,
    ) as exc:
        _error(str(exc))
        return 2
    except OSError as exc:
        _error(f"could not write the outputs: {exc}")
        return 1
    print(result.format_summary())
    if args.plot:
        code = _plot_folder(args.out)
        if code:
            return code
    if result.failures:
        _error(f"{len(result.failures)} run(s) failed; run the same command again to retry them")
        return 1
    return 0


def _cmd_sensitivity(args: argparse.Namespace) -> int:
    from .experiments import ExecutorError
    from .sensitivity import SensitivityError, run_sensitivity

    parameters = None
    if args.parameters is not None:
        parameters = [p.strip() for p in args.parameters.split(",") if p.strip()]
    try:
        result = run_sensitivity(
            args.method,
            args.samples,
            out=args.out,
            firms=args.firms,
            until=args.until,
            workers=args.workers,
            scheduler=args.scheduler,
            replicates=args.replicates,
            seed=args.seed,
            parameters=parameters,
            spec=args.spec,
            progress=not args.quiet,
            echo=print,
        )
    except (ParameterError, SensitivityError, ExecutorError) as exc:
        _error(str(exc))
        return 2
    except ModuleNotFoundError as exc:
        _error(f"the sensitivity analysis needs SALib: {exc} (pip install SALib)")
        return 1
    except OSError as exc:
        _error(f"could not write the outputs: {exc}")
        return 1
    print(result.format_top())
    return 0


def _plot_folder(
    results_dir: str, out: str | None = None, fit_replicates: int | None = None
) -> int:
    from . import plotting
    from .plotting import ResultsError, plot_results

    if fit_replicates is None:
        fit_replicates = plotting.DEFAULT_FIT_REPLICATES
    try:
        output = plot_results(results_dir, out, fit_replicates=fit_replicates, echo=print)
    except (ResultsError, ParameterError) as exc:
        _error(str(exc))
        return 2
    except OSError as exc:
        _error(f"could not write the figures: {exc}")
        return 1
    print(output.summary())
    return 0


def _cmd_plot(args: argparse.Namespace) -> int:
    return _plot_folder(args.results_dir, args.out, args.fit_replicates)


def _cmd_report(args: argparse.Namespace) -> int:
    from .plotting import ResultsError
    from .report_html import write_report

    try:
        output = write_report(
            args.results_dir,
            args.out,
            fit_replicates=args.fit_replicates,
            seed=args.seed,
            echo=print,
        )
    except (ResultsError, ParameterError) as exc:
        _error(str(exc))
        return 2
    except OSError as exc:
        _error(f"could not write the report: {exc}")
        return 1
    print(output.summary())
    return 0


def _cmd_calibrate(args: argparse.Namespace) -> int:
    from .calibration import fit

    fitting = [("--spec", args.spec), ("--workers", args.workers)]
    fitting += [("--no-resume", args.no_resume or None)]
    reporting = [("--params", args.params), ("--replicates", args.replicates)]
    if args.write_spec is not None:
        extra = [name for name, v in [*fitting, *reporting] if v is not None]
        if args.report or extra:
            _error(f"--write-spec cannot be combined with {', '.join(extra) or '--report'}")
            return 2
        try:
            path = fit.write_spec(args.write_spec, force=args.force)
        except OSError as exc:
            _error(str(exc))
            return 1
        print(f"Wrote {path}: the default calibration spec.")
        print(f"Edit it, then run: aiadopt calibrate --spec {path} --out DIR")
        return 0
    if args.force:
        _error("--force only applies with --write-spec FILE.toml")
        return 2
    if args.report:
        extra = [name for name, v in fitting if v is not None]
        if extra:
            _error(f"--report cannot be combined with {', '.join(extra)}")
            return 2
        try:
            report = fit.report_fit(
                args.params, replicates=args.replicates, out_dir=args.out, progress=not args.quiet
            )
        except ParameterError as exc:
            _error(str(exc))
            return 2
        except OSError as exc:
            _error(f"could not write the report: {exc}")
            return 1
        print(report.summary_text())
        return 0
    extra = [name for name, v in reporting if v is not None]
    if extra:
        verb = "applies" if len(extra) == 1 else "apply"
        _error(f"{', '.join(extra)} only {verb} with --report")
        return 2
    try:
        result = fit.calibrate(
            args.spec,
            args.out,
            progress=not args.quiet,
            resume=not args.no_resume,
            workers=args.workers,
            echo=print,
        )
    except (fit.SpecError, fit.CalibrationError, ParameterError) as exc:
        _error(str(exc))
        return 2
    except OSError as exc:
        _error(f"could not write the outputs: {exc}")
        return 1
    print(result.summary())
    return 0


def main(argv: list[str] | None = None) -> int:
    """Entry point of the ``aiadopt`` command; returns the exit code."""
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return args.handler(args)
    except KeyboardInterrupt:
        _error("interrupted")
        return 130
    except BrokenPipeError:  # output piped into e.g. `head`, which has exited
        with contextlib.suppress(OSError, ValueError, AttributeError):
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, sys.stdout.fileno())  # no second error when Python flushes stdout
        return 141


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
