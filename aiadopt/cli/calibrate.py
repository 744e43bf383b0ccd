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
        examples=(
            "examples:\n"
            "  aiadopt calibrate --write-spec my_spec.toml && $EDITOR my_spec.toml\n"
            "  aiadopt calibrate --spec my_spec.toml --out fit/ --workers 2\n"
            "  aiadopt calibrate --report --params fit/fitted.toml --out fit/"
        ),
    )
    calibrate.add_argument(
        "--spec", metavar="FILE.toml", help="calibration spec (default: the packaged spec)"
    )
    common.add_out(calibrate, NAME)
    calibrate.add_argument(
        "--workers",
        type=common.positive_int,
        metavar="N",
        help="worker processes (default: the spec's [optimizer] workers)",
    )
    calibrate.add_argument(
        "--no-resume",
        action="store_true",
        help="start afresh, replacing the evaluation log of --out",
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
    from ..calibration.spec import write_spec

    if args.report or extra:
        common.error(f"--write-spec cannot be combined with {', '.join(extra) or '--report'}")
        return 2
    with common.exit_codes(writing=None) as outcome:
        try:
            path = write_spec(args.write_spec, force=args.force)
        except FileExistsError as exc:  # bad input: the file is there, --force says replace
            raise common.CommandError(str(exc), 2) from None
    if outcome.code:
        return outcome.code
    print(f"Wrote {path}: the default calibration spec.")
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
    from ..calibration.errors import CalibrationError, EvaluationFailed, SpecError
    from ..calibration.fit import calibrate
    from ..model import ParameterError

    with common.exit_codes((SpecError, CalibrationError, ParameterError)) as outcome:
        try:
            result = calibrate(args.spec, out, progress=not args.quiet,
                               resume=not args.no_resume, workers=args.workers,
                               echo=print)  # fmt: skip
        except EvaluationFailed as exc:  # not bad input: the work failed
            raise common.CommandError(str(exc), 1) from None
    if outcome.code:
        return outcome.code
    print(result.summary())
    return 0


def handle(args: argparse.Namespace) -> int:
    """Run ``aiadopt calibrate`` with the parsed ``args``; returns the exit code."""
    fitting = [("--spec", args.spec), ("--workers", args.workers)]
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
