"""Simulation-based calibration of calibration v2 (issue 13, point 6): draw synthetic studies
from the prior predictive, refit each with the shipped method at smaller budgets, and report
the coverage of the 90% credible intervals (acceptance: 80-98%).

    python benchmarks/sbc.py [--studies 20] [--first 0] [--workers 2] [--work DIR] [--seed 1]
                             [--set key=value ...] [--results benchmarks/results] [--tag T]

``--set`` changes one sampler setting of the reduced budget
(``aiadopt.calibration.sbc.reduced_settings``: n_firms 5000, prior_runs 1500, 2 waves of
600, steps 800, final_steps 2000, draws 500, check_runs 30), e.g. ``--set final_steps=3000``.

Resumable: every refit's scored rows are saved in ``WORK/refit_NNN/sbc_rows.csv`` as it
ends, and a re-run skips the refits already there (a killed refit resumes from its saved
runs and wave points); the prior design's runs (``WORK/design``) are shared by all refits.
A finished run writes ``RESULTS/sbc_<date>.json`` and ``.md``: coverage, timings, settings.
Nothing in tests/ runs this.
"""

from __future__ import annotations

import os

# One BLAS thread in this process (the workers already run with one): the ensemble sampler's
# small matrix products on a loaded 2-core machine took 11x longer with OpenBLAS's threads
# spinning against the model runs (60 ms against 5.3 ms per log-probability call of 61
# walkers, measured 4 Dec 2026).  Set before numpy is imported.
for _name in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_name, "1")

import argparse  # noqa: E402
import dataclasses  # noqa: E402
import json  # noqa: E402
import platform  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402
from typing import Any  # noqa: E402

import pandas as pd  # noqa: E402

from aiadopt.calibration import sbc  # noqa: E402
from aiadopt.calibration.posterior import SamplerSettings, write_fit  # noqa: E402
from aiadopt.files import write_atomic  # noqa: E402

ROWS_FILE = "sbc_rows.csv"
TIME_FILE = "refit.json"
EMULATOR_FILE = "emulator_at_truth.csv"


def _parse_sets(pairs: list[str]) -> dict[str, Any]:
    fields = {f.name: f for f in dataclasses.fields(SamplerSettings)}
    out: dict[str, Any] = {}
    for pair in pairs:
        key, _, value = pair.partition("=")
        if key not in fields or not value:
            sys.exit(f"--set {pair!r}: expected key=value with key one of {', '.join(fields)}")
        out[key] = type(fields[key].default)(float(value))
    return out


def _log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", flush=True)


def _load() -> list[float]:
    try:
        return [round(x, 2) for x in os.getloadavg()]
    except OSError:  # pragma: no cover
        return []


def run_one(study: sbc.SyntheticStudy, settings: SamplerSettings, work: Path, workers: int,
            seed: int) -> pd.DataFrame:  # fmt: skip
    """Refit one study (or read its saved rows back)."""
    folder = work / f"refit_{study.index:03d}"
    rows_path = folder / ROWS_FILE
    if rows_path.is_file():
        _log(f"refit {study.index}: already done, read back")
        return pd.read_csv(rows_path)
    t0 = time.perf_counter()
    fit = sbc.refit(study, settings, folder, work / "design", workers=workers,
                    log=lambda m: _log(f"refit {study.index}: {m}"))  # fmt: skip
    rows = sbc.score_refit(study, fit, sbc.KEY_OUTPUTS, seed)
    write_fit(fit, folder)  # the posterior sample and diagnostics, for a closer look
    write_atomic(folder / EMULATOR_FILE, sbc.emulator_at_truth(study, fit).to_csv(
        index=False, float_format="%.6g"))  # fmt: skip
    seconds = time.perf_counter() - t0
    doc = {"seconds": seconds, "load": _load(), "max_rhat": fit.diagnostics["max_rhat"],
           "min_ess_bulk": fit.diagnostics["min_ess_bulk"], "active": fit.active_names,
           "emulator_median_r2": float(pd.Series(fit.emulator.r2).median()),
           "placebo_contraction": list(fit.placebo_contraction),
           "runs": len(fit.design.x)}  # fmt: skip
    write_atomic(folder / TIME_FILE, json.dumps(doc, indent=1, default=float))
    write_atomic(rows_path, rows.to_csv(index=False, float_format="%.8g"))
    p = rows[rows["kind"] != "output"]
    _log(f"refit {study.index}: {seconds:.0f} s; parameters inside {p['inside'].mean():.0%} "
         f"of {len(p)}; max R-hat {doc['max_rhat']:.3f}")  # fmt: skip
    return rows


def _emulator_summary(work: Path, indices: list[int]) -> dict[str, Any]:
    """The final emulators at the true parameters (``sbc.emulator_at_truth``) over the refits
    that saved them: mean z^2 (1 if the leave-one-out error is the right size) and the share
    of |z| > 1.645 (10%), overall and for the worst quantities."""
    files = [work / f"refit_{i:03d}" / EMULATOR_FILE for i in indices]
    frames = [pd.read_csv(f) for f in files if f.is_file()]
    if not frames:
        return {}
    e = pd.concat(frames, ignore_index=True)
    e = e[e["z"].notna() & (e["z"].abs() < 1e6)]
    e["z2"] = e["z"] ** 2
    e["out"] = e["z"].abs() > 1.645
    by = e.groupby("quantity").agg(mean_z2=("z2", "mean"), share_out=("out", "mean"),
                                   loo_r2=("loo_r2", "mean"), mean_z=("z", "mean"))  # fmt: skip
    worst = by.sort_values("mean_z2", ascending=False).head(12)
    return {"refits": len(frames), "pairs": len(e), "mean_z2": float(e["z2"].mean()),
            "median_z2": float(e["z2"].median()), "share_abs_z_over_1645": float(e["out"].mean()),
            "worst": {q: {k: float(v) for k, v in r.items()} for q, r in worst.iterrows()}}


def _markdown(doc: dict[str, Any]) -> str:
    lines = [f"# Simulation-based calibration, {doc['date']}", "",
             f"{doc['refits']} synthetic studies drawn from the prior predictive and refitted "
             "with the shipped method (prior design, screen, history matching, emcee) at "
             "smaller budgets (settings below); 90% central intervals.  Command: "
             f"`{doc['command']}`.", "",
             f"Wall time of this command {doc['seconds'] / 60:.1f} min (refits saved by an "
             "earlier run are read back); the refits took "
             f"{doc['refit_seconds_total'] / 60:.1f} min in all, median "
             f"{doc['refit_seconds_median']:.0f} s each, on {doc['workers']} workers; the "
             "shared prior design (wave 0) is run once before them.  Load average at the end "
             f"{doc['load']}.", "",
             "| group | inside / pairs | coverage | 90% interval | misses below / above | "
             "rank chi2 p |", "|---|---|---|---|---|---|"]  # fmt: skip
    for label, g in doc["coverage"].items():
        a = g["all"]
        lines.append(f"| {label} | {a['inside']} / {a['pairs']} | {a['coverage']:.1%} | "
                     f"{a['coverage_lo']:.1%}-{a['coverage_hi']:.1%} | {a['below']} / "
                     f"{a['above']} | {g['ranks']['chi2_p']:.3f} |")  # fmt: skip
    for label, g in doc["coverage"].items():
        lines += ["", f"## {label}: per item", "",
                  "| item | inside / refits | coverage | below / above | mean contraction |",
                  "|---|---|---|---|---|"]  # fmt: skip
        for item, a in g["per_item"].items():
            lines.append(f"| {item} | {a['inside']} / {a['pairs']} | {a['coverage']:.0%} | "
                         f"{a['below']} / {a['above']} | "
                         f"{a.get('mean_contraction', float('nan')):.2f} |")  # fmt: skip
        lines += ["", f"Pooled rank histogram (10 bins): {g['ranks']['bins']}"]
    em = doc.get("emulator_at_truth") or {}
    if em:
        lines += ["", "## The emulator at the true parameters", "",
                  f"Over {em['refits']} refits and {em['pairs']} (refit, quantity) pairs, the "
                  "final emulator's error at the true parameters in units of its "
                  f"leave-one-out sd: mean z^2 {em['mean_z2']:.2f} (median "
                  f"{em['median_z2']:.2f}; 1 if the error is the right size), |z| > 1.645 in "
                  f"{em['share_abs_z_over_1645']:.0%} (10% if so).  Worst quantities:", "",
                  "| quantity | mean z^2 | share |z| > 1.645 | mean z | LOO R^2 |",
                  "|---|---|---|---|---|"]  # fmt: skip
        for q, r in em["worst"].items():
            lines.append(f"| {q} | {r['mean_z2']:.2f} | {r['share_out']:.0%} | "
                         f"{r['mean_z']:+.2f} | {r['loo_r2']:.2f} |")
    lines += ["", "## Per refit", "",
              "| refit | seconds | max R-hat | min bulk ESS | emulator median LOO R^2 | "
              "parameters inside | mean contraction | placebo contraction |",
              "|---|---|---|---|---|---|---|---|"]  # fmt: skip
    for r in doc["per_refit"]:
        placebo = ", ".join(f"{c:.2f}" for c in r.get("placebo_contraction", [])) or "-"
        lines.append(f"| {r['refit']} | {r['seconds']:.0f} | {r['max_rhat']:.3f} | "
                     f"{r['min_ess_bulk']:.0f} | {r['emulator_median_r2']:.2f} | "
                     f"{r['parameters_inside']:.0%} | {r['mean_contraction']:.2f} | "
                     f"{placebo} |")  # fmt: skip
    lines += ["", "## Settings", "", "```", json.dumps(doc["settings"], indent=1), "```", ""]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--studies", type=int, default=20)
    ap.add_argument("--first", type=int, default=0,
                    help="first study's index (two processes can share --work: one with "
                         "--first 0 --studies 10, one with --first 10 --studies 10; a last run "
                         "with --studies 20 reads every refit back and writes the results)")
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--work", type=Path, default=Path("sbc_work"))
    ap.add_argument("--results", type=Path, default=Path(__file__).parent / "results")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--set", dest="sets", action="append", default=[])
    ap.add_argument("--tag", default="", help="appended to the result files' names")
    args = ap.parse_args(argv)
    settings = sbc.reduced_settings(**_parse_sets(args.sets))
    _log(f"SBC: {args.studies} studies, settings {settings}")
    t0 = time.perf_counter()
    studies = sbc.synthetic_studies(args.studies, settings, seed=args.seed, log=_log,
                                    first=args.first)  # fmt: skip
    frames, seconds, per_refit = [], [], []
    for study in studies:
        frames.append(run_one(study, settings, args.work, args.workers, args.seed))
        timing = json.loads((args.work / f"refit_{study.index:03d}" / TIME_FILE).read_text())
        seconds.append(timing["seconds"])
        p = frames[-1][frames[-1]["kind"] == "parameter"]
        per_refit.append({"refit": study.index, "seconds": round(timing["seconds"], 1),
                          "max_rhat": timing["max_rhat"], "min_ess_bulk": timing["min_ess_bulk"],
                          "emulator_median_r2": timing["emulator_median_r2"],
                          "placebo_contraction": timing.get("placebo_contraction", []),
                          "parameters_inside": float(p["inside"].mean()),
                          "mean_contraction": float(p["contraction"].mean())})  # fmt: skip
        _log(f"{len(frames)}/{len(studies)} refits done ({time.perf_counter() - t0:.0f} s)")
    rows = pd.concat(frames, ignore_index=True)
    cov = sbc.coverage(rows)
    emulator = _emulator_summary(args.work, [s.index for s in studies])
    date = time.strftime("%Y-%m-%d")
    doc = {
        "date": date, "refits": len(studies), "seconds": time.perf_counter() - t0,
        "refit_seconds": seconds, "refit_seconds_median": float(pd.Series(seconds).median()),
        "refit_seconds_total": float(sum(seconds)),
        "workers": args.workers, "load": _load(), "machine": platform.platform(),
        "settings": dataclasses.asdict(settings), "seed": args.seed,
        "command": "python benchmarks/sbc.py " + " ".join(argv or sys.argv[1:]),
        "coverage": cov, "per_refit": per_refit, "emulator_at_truth": emulator,
    }  # fmt: skip
    args.results.mkdir(parents=True, exist_ok=True)
    stem = f"sbc_{date}" + (f"_{args.tag}" if args.tag else "")
    write_atomic(args.results / f"{stem}.json", json.dumps(doc, indent=1, default=float))
    write_atomic(args.results / f"{stem}.md", _markdown(doc))
    write_atomic(args.results / f"{stem}_rows.csv", rows.to_csv(index=False,
                                                                float_format="%.6g"))
    for label, g in cov.items():
        a = g["all"]
        _log(f"{label}: {a['coverage']:.1%} inside ({a['inside']}/{a['pairs']}), 90% interval "
             f"{a['coverage_lo']:.1%}-{a['coverage_hi']:.1%}")  # fmt: skip
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
