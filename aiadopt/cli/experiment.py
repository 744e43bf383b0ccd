"""``aiadopt experiment``: scenarios x replicates with common random numbers, resumable, on
local processes or a Dask cluster."""

from __future__ import annotations

import argparse

from . import common
from .plot import after_run

NAME = "experiment"


def add_parser(sub) -> None:
    """Add the ``experiment`` command and its options to ``sub`` (argparse subparsers)."""
    experiment = common.add_command(
        sub,
        NAME,
        help="run scenarios x replicates and compare them (see 'aiadopt experiment -h')",
        description=(
            "Run each SCENARIO (a built-in name or a TOML scenario file; default: every built-in\n"
            "scenario, see --list) for --replicates replicates. Replicate k has the same seed\n"
            "(spawned from --seed) and the same parameter vector (a draw of the posterior sample\n"
            "when the package ships one, else the shipped point) in every scenario: common random\n"
            "numbers, so the paired differences to the baseline carry the effect, not the noise.\n"
            "\n"
            "Writes into --out: runs/<scenario>/<replicate>.parquet (one file per run, written\n"
            "atomically as it finishes), results.parquet (tidy: scenario, replicate, seed, date,\n"
            "metric, group, value), summary.csv, runs.csv and manifest.json; then prints the\n"
            "summary: share of firms at scale and realised productivity at 2027-12 and at the\n"
            "last month, by scenario, with the paired mean difference to the baseline and its\n"
            "95% interval, and the posterior-predictive 5-95% interval of the effect (the spread\n"
            "of the replicates' own effects: each has its own parameter draw and seed).\n"
            "\n"
            "Interrupted (Ctrl-C, a killed process), the same command resumes: it runs only the\n"
            "missing runs. The same command with more --replicates extends the experiment in\n"
            "place: only the new replicates run, the others stay bit for bit. Another command\n"
            "into the same folder is an error. Results are the same bit for bit whatever\n"
            "--workers or --scheduler. runs.csv has one line per run with the parameters that\n"
            "vary between runs; join it to the results in one line (README, 'Research in\n"
            "Python')."
        ),
        examples=(
            "examples:\n"
            "  aiadopt experiment --list                       the built-in scenarios\n"
            "  aiadopt experiment --replicates 100 --workers 2 --out exp/\n"
            "  aiadopt experiment baseline my_policy.toml --firms 2000 --until 2027-12\n"
            "  aiadopt experiment --scheduler tcp://10.0.0.5:8786 --out exp/   on Dask\n"
            "  aiadopt experiment baseline strategy --fit --plot   with the fit and the figures\n"
            "  aiadopt experiment --out exp/ --replicates 40   extends exp/ from 20 to 40\n"
            "  aiadopt experiment --out exp/ --indicators share_in_place,revenue_realised \\\n"
            "      --months 2026-12,2030-12                    the summary you need\n"
            "  aiadopt experiment --out exp/ --compare strategy,training   P(strategy beats "
            "training)\n"
            "  aiadopt experiment --out exp/ --compare all     P(row beats column), every pair"
        ),
    )
    experiment.add_argument(
        "scenarios",
        nargs="*",
        metavar="SCENARIO",
        help="built-in scenario name or TOML file (default: every built-in scenario)",
    )
    experiment.add_argument(
        "--replicates", type=common.positive_int, default=20, metavar="N", help="per scenario (20)"
    )
    common.add_workers(experiment)
    experiment.add_argument(
        "--seed", type=common.seed, default=42, help="root seed of the replicates (default 42)"
    )
    common.add_firms(experiment)
    common.add_until(experiment)
    common.add_out(experiment, NAME, extra="; the same command resumes it")
    common.add_scheduler(experiment)
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
        "--indicators",
        metavar="LIST",
        help="the summary's indicators, comma-separated: names (share_scaled, share_in_place, "
        "productivity_realised, revenue_realised ...; an unknown name lists them all) or "
        "METRIC or METRIC@GROUP of the results (default: share_scaled,productivity_realised)",
    )
    experiment.add_argument(
        "--months",
        metavar="LIST",
        help="the summary's months YYYY-MM, comma-separated (default: 2027-12 and the last)",
    )
    experiment.add_argument(
        "--param-set",
        default="shipped",
        metavar="SET",
        help="'shipped' (the posterior sample aiadopt/calibration/posterior.csv if shipped, "
        "else the shipped point), 'none' (the shipped point only), or a posterior.csv "
        "(one draw per replicate)",
    )
    experiment.add_argument(
        "--compare",
        type=compare_spec,
        metavar="A,B|all",
        help="also print scenario A against scenario B, paired on the replicate (mean "
        "difference, its 95%% CI, the 5-95%% predictive interval and the probability that A "
        "beats B), or with 'all' the matrix of the probability that each scenario beats each "
        "other, for the summary's indicators and months",
    )
    common.add_quiet(experiment)
    common.add_fit(experiment, "OUT", replicates=False)
    common.add_plot(experiment)
    experiment.add_argument(
        "--list", action="store_true", help="list the built-in scenarios and exit"
    )
    experiment.set_defaults(handler=handle)


def handle(args: argparse.Namespace) -> int:
    """Run ``aiadopt experiment`` with the parsed ``args``; returns the exit code."""
    from .. import experiments
    from ..model import ParameterError

    if args.list:
        print(experiments.describe_builtin_scenarios())
        print(f"\nParameters ('--param-set shipped'): {_shipped_parameters()}")
        return 0
    out = args.out or common.default_out(NAME)
    if args.compare:
        code = _check_compare(args)
        if code:
            return code
    usage = (
        ParameterError,
        experiments.ScenarioError,
        experiments.ExperimentError,
        experiments.ExecutorError,
    )
    with common.exit_codes(usage) as outcome:
        result = experiments.execute_experiment(
            args.scenarios or None,
            replicates=args.replicates,
            workers=args.workers,
            seed=args.seed,
            firms=args.firms,
            until=args.until,
            out=out,
            scheduler=args.scheduler,
            progress=not args.quiet,
            metrics=args.metrics,
            reference=args.reference,
            parameter_set=args.param_set,
            echo=print,
            fit=args.fit,
            indicators=args.indicators,
            months=args.months,
        )
    if outcome.code:
        return outcome.code
    print(result.format_summary())
    if args.compare:
        print("\n" + format_comparison(result, args.compare))
    code = after_run(str(out), args)
    if code:
        return code
    if result.failures:
        common.error(
            f"{len(result.failures)} run(s) failed; run the same command again to retry them"
        )
        return 1
    return 0


def _shipped_parameters() -> str:
    """Where the replicates' parameters come from by default (a posterior sample of N draws,
    or the shipped point without parameter uncertainty)."""
    from ..experiments.seeds import parameter_source

    try:
        return parameter_source("shipped").description
    except ValueError as exc:
        return f"unusable ({exc})"


def compare_spec(text: str) -> tuple[str, ...]:
    """``--compare``: ``A,B`` (two different scenarios) or ``all``."""
    if text.strip() == "all":
        return ("all",)
    names = tuple(t.strip() for t in text.split(","))
    if len(names) != 2 or not all(names) or names[0] == names[1]:
        raise argparse.ArgumentTypeError(
            f"give two different scenarios as A,B (e.g. strategy,training) or 'all', got {text!r}"
        )
    return names


def _check_compare(args: argparse.Namespace) -> int:
    """The scenarios of ``--compare`` are among the experiment's (exit code 2 if not, before
    anything runs)."""
    from .. import experiments

    if args.compare == ("all",):
        return 0
    with common.exit_codes((experiments.ScenarioError,)) as outcome:
        names = [
            s.name
            for s in experiments.load_scenarios(args.scenarios or experiments.BUILTIN_SCENARIOS)
        ]
        unknown = [n for n in args.compare if n not in names]
        if unknown:
            raise common.CommandError(
                f"--compare: unknown scenario {unknown[0]!r}; the experiment's scenarios: "
                f"{', '.join(names)}"
            )
    return outcome.code


def format_comparison(result, compare: tuple[str, ...]) -> str:
    """The text of ``--compare``: A against B, or the matrix of P(row beats column), for the
    summary's indicators and months."""
    from ..experiments.summary import beats_matrix, format_beats
    from ..views.results import format_compare

    months = sorted(set(result.summary["month"].astype(str)))
    if compare == ("all",):
        blocks = [format_beats(beats_matrix(result.results, ind, month))
                  for ind in result.indicators for month in months]  # fmt: skip
        return "\n\n".join(blocks)
    a, b = compare
    return format_compare(result.results, a, b, result.indicators, months)
