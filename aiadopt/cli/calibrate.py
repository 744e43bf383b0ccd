"""``aiadopt calibrate``: fit the model to the study, write the default calibration spec to
edit (``--write-spec``), or report the fit of a parameter file (``--report``)."""

from __future__ import annotations

import argparse

from . import common

NAME = "calibrate"


def add_parser(sub) -> None:
    """Add the ``calibrate`` command and its options to ``sub`` (argparse subparsers)."""
    calibrate = common.add_command(
        sub,
        NAME,
        help="fit the model to the study (see 'aiadopt calibrate -h')",
        description=(
            "Sample the posterior of the model's parameters given the study's calibration\n"
            "targets and the dated statistics (docs/calibration.md): a prior design of model\n"
            "runs, a screen of the parameters the data can inform, waves of history matching\n"
            "with an emulator, an ensemble sampler (emcee), and checks of every figure\n"
            "against the model run at posterior draws. Writes into --out: posterior.csv (the\n"
            "posterior sample, for 'aiadopt experiment --param-set'), fitted.toml (its median,\n"
            "for 'aiadopt run --params'), fit_checks.csv and fit_summary.json (every figure\n"
            "against its 90% posterior-predictive interval; validation apart),\n"
            "identifiability.csv, levers.csv, correlations.csv, sampler.json (R-hat, ESS), the\n"
            "runs (design/), and their report: calibration_report.md with the fit_checks,\n"
            "identifiability, pairs and sampler figures (.png, .svg). The same command resumes\n"
            "an interrupted\n"
            "calibration from its saved runs. With --write-spec, write the default plan\n"
            "(calibration.toml) to a file to edit instead. With --report, survey --params\n"
            "(default: the shipped parameters) in sampled mode and compare every target with\n"
            "the study instead (fit_report.csv, .md, .png, .svg)."
        ),
        examples=(
            "examples:\n"
            "  aiadopt calibrate --out fit/ --workers 2\n"
            "  aiadopt calibrate --write-spec my_plan.toml && $EDITOR my_plan.toml\n"
            "  aiadopt calibrate --spec my_plan.toml --out fit/ --scheduler tcp://host:8786\n"
            "  aiadopt calibrate --report --params fit/fitted.toml --out fit/"
        ),
    )
    calibrate.add_argument(
        "--spec", metavar="FILE.toml",
        help="calibration plan (default: the packaged aiadopt/calibration/calibration.toml)",
    )  # fmt: skip
    common.add_out(calibrate, NAME)
    common.add_workers(calibrate)
    common.add_scheduler(calibrate)
    calibrate.add_argument(
        "--no-resume",
        action="store_true",
        help="start afresh, deleting the saved runs of --out",
    )
    common.add_quiet(calibrate)
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
        type=common.positive_int,
        metavar="N",
        help="with --report: sampled surveys in all (default 100)",
    )
    calibrate.set_defaults(handler=handle)


def _write_spec(args: argparse.Namespace, extra: list[str]) -> int:
    """--write-spec: the default calibration spec to a file to edit."""
    from ..calibration.plan import write_plan

    if args.report or extra:
        common.error(f"--write-spec cannot be combined with {', '.join(extra) or '--report'}")
        return 2
    with common.exit_codes(writing=None) as outcome:
        try:
            path = write_plan(args.write_spec, force=args.force)
        except FileExistsError as exc:  # bad input: the file is there, --force says replace
            raise common.CommandError(str(exc), 2) from None
    if outcome.code:
        return outcome.code
    print(f"Wrote {path}: the default calibration plan.")
    print(f"Edit it, then run: aiadopt calibrate --spec {path} --out DIR")
    return 0


def _report(args: argparse.Namespace, out: str) -> int:
    """--report: the fit report of --params (tables and figure) into ``out``."""
    from ..calibration.report import report_fit
    from ..model import ParameterError
    from ..views.figures import fit_figures

    with common.exit_codes((ParameterError,), writing="the report") as outcome:
        report = report_fit(args.params, replicates=args.replicates, out_dir=out,
                            progress=not args.quiet, figures=fit_figures)  # fmt: skip
    if outcome.code:
        return outcome.code
    print(report.summary_text())
    return 0


def _fit(args: argparse.Namespace, out: str) -> int:
    """A calibration into ``out`` (resumable)."""
    from ..calibration.errors import CalibrationError, SpecError
    from ..calibration.pipeline import calibrate_posterior
    from ..experiments.executors import default_workers
    from ..model import ParameterError
    from ..workers import PoolError

    workers = args.workers or default_workers()
    with common.exit_codes((SpecError, CalibrationError, ParameterError)) as outcome:
        try:
            result = calibrate_posterior(args.spec, out, workers=workers,
                                         scheduler=args.scheduler, resume=not args.no_resume,
                                         log=(lambda _: None) if args.quiet else print)  # fmt: skip
        except PoolError as exc:  # not bad input: the work failed
            raise common.CommandError(str(exc), 1) from None
    if outcome.code:
        return outcome.code
    print(result.summary())
    return _fit_report(out, result.seconds)


def _fit_report(out: str, seconds: float) -> int:
    """The calibration's report for a person (calibration_report.md and its figures) into ``out``,
    drawn from the files the calibration just wrote."""
    from ..views.calibration import CalibrationViewError, write_calibration_report

    with common.exit_codes(writing="the fit report") as outcome:
        try:
            report = write_calibration_report(out, seconds=seconds)
        except CalibrationViewError as exc:  # the calibration's own files: not bad input
            raise common.CommandError(str(exc), 1) from None
    if outcome.code:
        return outcome.code
    print(report.summary())
    return 0


def handle(args: argparse.Namespace) -> int:
    """Run ``aiadopt calibrate`` with the parsed ``args``; returns the exit code."""
    fitting = [("--spec", args.spec), ("--workers", args.workers),
               ("--scheduler", args.scheduler)]
    fitting += [("--no-resume", args.no_resume or None)]
    reporting = [("--params", args.params), ("--replicates", args.replicates)]
    if args.write_spec is not None:
        return _write_spec(args, [name for name, v in [*fitting, *reporting] if v is not None])
    if args.force:
        common.error("--force only applies with --write-spec FILE.toml")
        return 2
    out = str(args.out or common.default_out(NAME))
    if args.report:
        extra = [name for name, v in fitting if v is not None]
        if extra:
            common.error(f"--report cannot be combined with {', '.join(extra)}")
            return 2
        return _report(args, out)
    extra = [name for name, v in reporting if v is not None]
    if extra:
        verb = "applies" if len(extra) == 1 else "apply"
        common.error(f"{', '.join(extra)} only {verb} with --report")
        return 2
    return _fit(args, out)
