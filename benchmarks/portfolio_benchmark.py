"""Benchmark of lever portfolios on the shipped posterior: the Pareto front of a robust outcome
against effort (``aiadopt portfolio``), its wall time, and the front itself (issue 14, point 5).

    python benchmarks/portfolio_benchmark.py [--portfolio FILE] [--param-set SET]
                                             [--workers W] [--maxiter N]
                                             [--results DIR] [--tag NAME] [--out DIR]

Without ``--portfolio`` it asks the question of :data:`DEFAULT_PORTFOLIO`: which mix of a
tripartite strategy, training and cost support (the two success factors the study ties most
to scaling, text p.6 and Figures 9-12, and the obstacle reducer of the most cited obstacle,
Figure 4) gives the highest share of firms at scale in 2028-12 in 90% of the possible worlds
(the 10% quantile over 8 posterior draws, common random numbers), for each effort?  Effort is
the number of firms targeted (cost 1 per firm: the study gives no costs), on 2,000 firms; the
levers start in 2025-06 at shares of 0, 25, 50, 75 or 100% of the firms.  Its 125 mixes are
few enough to be listed (every one evaluated: the optimum at each budget is exact), 1,000 runs.

``--param-set``: ``shipped`` (default: the posterior sample the package ships,
``aiadopt/calibration/posterior.csv``), ``none`` (the shipped point: only the model's noise
varies between draws) or a ``posterior.csv``.

It prints the machine and its load before and after (the machine is shared), the wall time,
and the front; with ``--results`` (default ``benchmarks/results``) it writes
``portfolio_<tag>.json`` and ``.md`` there (the portfolio, the times, the load, the front and
every mix evaluated) and the figure ``front.png`` into ``--out`` (default: a temporary folder,
removed).  Nothing in tests/ runs this.

Measured 4 Dec 2026 on the shipped posterior (results/portfolio_2026-12-04.md): 125 mixes x 8
draws = 1,000 runs of 2,000 firms to 2028-12 on 2 workers in 88.5 s (11.3 runs/s; load
average 6.6 before, 7.3 after: two simulation-based calibration refits and a calibration).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import shutil
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent))

from experiments_benchmark import _busy_processes, _load, announce_machine  # noqa: E402

DEFAULT_PORTFOLIO = """\
# The benchmark's portfolio (benchmarks/portfolio_benchmark.py): effort = firms targeted.
outcome = "share_scaled"
month = "2028-12"
start = "2025-06"
quantile = 0.1
draws = 8
firms = 2000
levels = [0.0, 0.25, 0.5, 0.75, 1.0]
budgets = 6

[levers.tripartite_strategy]
[levers.training]
[levers.cost_support]
"""


def markdown(report: dict) -> str:
    """The JSON report as a short Markdown page."""
    p, t = report["portfolio"], report["times"]
    levers = ", ".join(p["levers"])
    lines = [
        f"# Lever portfolio benchmark, {report['date']}",
        "",
        f"`{report['command']}`",
        "",
        f"- machine: {report['machine']}",
        f"- parameters: {report['parameters']}",
        f"- load before: {report['load_before']}; after: {report['load_after']}",
        "- busy before: " + "; ".join(report["busy_before"][:3]),
        f"- question: the {p['quantile']:.0%} quantile over {p['draws']} draws of "
        f"{p['outcome']} at {p['month']}, levers {levers} from {p['start']} at shares "
        f"{p['levels']}, {p['firms']:,} firms, effort = cost x share x firms (costs "
        f"{p['costs']}), {p['budgets']} budgets",
        f"- {report['mixes']} mixes evaluated ({report['runs']} runs) on {report['workers']} "
        f"workers: **{t['front']:.1f} s** ({report['runs'] / t['front']:.2f} runs/s), figure "
        f"{t['figure']:.1f} s",
        "",
        "## The Pareto front",
        "",
        "| " + " | ".join(report["front_columns"]) + " |",
        "|" + "---|" * len(report["front_columns"]),
    ]
    for row in report["front"]:
        lines.append("| " + " | ".join(_cell(row[c]) for c in report["front_columns"]) + " |")
    return "\n".join(lines)


def _cell(value) -> str:
    return f"{value:.4g}" if isinstance(value, float) else str(value)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--portfolio", help="a portfolio file (default: DEFAULT_PORTFOLIO)")
    parser.add_argument("--param-set", default="shipped")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--maxiter", type=int, default=30)
    parser.add_argument("--results", default=str(HERE / "results"), help="'' to write nothing")
    parser.add_argument("--tag", default=dt.date.today().isoformat())
    parser.add_argument("--out", help="folder of front.csv, evaluated.csv and front.png")
    args = parser.parse_args(argv)


    from aiadopt.experiments.portfolio import load_portfolio, run_portfolio
    from aiadopt.views.discovery import save_front_figure

    machine, load_before, busy_before = announce_machine()
    scratch = Path(tempfile.mkdtemp(prefix="aiadopt-portbench-"))
    path = Path(args.portfolio) if args.portfolio else scratch / "portfolio.toml"
    if not args.portfolio:
        path.write_text(DEFAULT_PORTFOLIO, encoding="utf-8")
    out = Path(args.out) if args.out else scratch / "port"
    if args.out and out.exists():
        shutil.rmtree(out)
    portfolio = load_portfolio(path)
    t0 = time.perf_counter()
    result = run_portfolio(
        portfolio,
        parameter_set=args.param_set,
        workers=args.workers,
        out=out,
        maxiter=args.maxiter,
    )
    t1 = time.perf_counter()
    figure = save_front_figure(result, out)
    t2 = time.perf_counter()
    load_after, busy_after = _load(), _busy_processes()
    print(result.format_front())
    print(f"\nFront: {t1 - t0:.1f} s for {result.runs} runs ({result.runs / (t1 - t0):.2f} "
          f"runs/s); figure {t2 - t1:.1f} s ({figure})")  # fmt: skip
    print(f"After: {load_after}")
    if args.results:
        p = portfolio
        report = {
            "date": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
            "command": "python benchmarks/portfolio_benchmark.py " + " ".join(argv or sys.argv[1:]),
            "machine": machine,
            "parameters": result.description,
            "portfolio": {
                "file": str(path) if args.portfolio else "DEFAULT_PORTFOLIO",
                "levers": list(p.levers),
                "costs": list(p.costs),
                "levels": list(p.levels),
                "outcome": p.outcome,
                "month": p.month,
                "start": p.start,
                "quantile": p.quantile,
                "draws": p.draws,
                "firms": p.firms,
                "budget": p.budget,
                "budgets": p.budgets,
                "seed": p.seed,
            },
            "workers": args.workers,
            "maxiter": args.maxiter,
            "load_before": load_before,
            "load_after": load_after,
            "busy_before": busy_before,
            "busy_after": busy_after,
            "times": {"front": t1 - t0, "figure": t2 - t1},
            "mixes": len(result.evaluated),
            "runs": result.runs,
            "front_columns": list(result.front.columns),
            "front": result.front.to_dict("records"),
            "evaluated": result.evaluated.to_dict("records"),
        }
        results = Path(args.results)
        results.mkdir(parents=True, exist_ok=True)
        stem = results / f"portfolio_{args.tag}"
        stem.with_suffix(".json").write_text(json.dumps(report, indent=1, default=float) + "\n")
        stem.with_suffix(".md").write_text(markdown(report) + "\n")
        print(f"Wrote {stem}.json and .md")
    shutil.rmtree(scratch, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
