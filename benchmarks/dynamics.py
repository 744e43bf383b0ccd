"""The dynamics that issue 12 (model v2) asks for, measured on the state month by month.

    python benchmarks/dynamics.py [PARAMS.toml] [--firms N] [--seeds 1 2 3]

Default: the shipped parameters, 10,000 firms, seeds 1-3.  Prints, averaged over the seeds:
stage shares and means at each March; then the acceptance figures:

- realised productivity of active firms at or below expected, every month 2025-03..2030-12;
- all-firm realised productivity at 2030-12 (at most 7.6%, what firms expected in 2025);
- the share of firms still "planned" at 2030-12 (at most 5%);
- of the firms engaged in 2025-03 with nothing in place, the share with still no use case in
  place ten years later (the horizon is extended to 2035-03 for this);
- the mean enthusiasm of engaged firms: its early peak, its low after it, its recovery;
- yearly fall-back rates from scaled and from deployed or beyond, and give-up rates.
"""

from __future__ import annotations

import argparse
import warnings

import numpy as np
import pandas as pd

from aiadopt.model import AdoptionModel
from aiadopt.model.clock import step_to_month
from aiadopt.model.params import Params, shipped_params
from aiadopt.model.stages import Collaboration, Stage, Strategy

warnings.filterwarnings("ignore", category=RuntimeWarning)  # means of empty groups


def _mean(values: np.ndarray) -> float:
    return float(values.mean()) if values.size else float("nan")


def month_row(st, month: str) -> dict:
    engaged, active = st.stage >= Stage.PLANNED, st.stage >= Stage.EXPERIMENTING
    return {
        "month": month,
        "engaged": _mean(engaged), "planned": _mean(st.stage == Stage.PLANNED),
        "in_place": _mean(st.stage >= Stage.DEPLOYED), "scaled": _mean(st.stage == Stage.SCALED),
        "enthusiasm_engaged": _mean(st.enthusiasm[engaged]),
        "realised_active": _mean(st.realised[active, 0]),
        "expected_active": _mean(st.expected[active, 0]),
        "realised_all": _mean(st.realised[:, 0]),
        "balanced_setting_up": _mean(st.collaboration[engaged & ~(st.stage >= Stage.DEPLOYED)]
                                     == Collaboration.BALANCED),
        "balanced_deployed": _mean(st.collaboration[st.stage >= Stage.DEPLOYED]
                                   == Collaboration.BALANCED),
        "tripartite": _mean(st.strategy[engaged] == Strategy.TRIPARTITE),
        "training_active": _mean(st.training[active]),
    }  # fmt: skip


def run(params: Params, seed: int) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Monthly rows, and yearly counts of fall-backs and give-ups with their exposure."""
    model = AdoptionModel(params, seed=seed, firm_agents=False, collect=False)
    st, rows, flows = model.state, [], {}
    while model.running:
        before = st.stage.copy()
        model.step()
        month = step_to_month(params.start, model.steps)
        f = flows.setdefault(month[:4], np.zeros(6))
        scaled, in_place = before == Stage.SCALED, before >= Stage.DEPLOYED
        trying = (before >= Stage.PLANNED) & (before <= Stage.EXPERIMENTING)
        f += [scaled.sum(), (scaled & (st.stage < Stage.SCALED)).sum(),
              in_place.sum(), (in_place & (st.stage < Stage.DEPLOYED)).sum(),
              trying.sum(), (trying & (st.stage == Stage.NOT_ENGAGED)).sum()]  # fmt: skip
        rows.append(month_row(st, month))
    yearly = pd.DataFrame(flows, index=["scaled", "unscaled", "deployed", "fell_back", "engaged",
                                        "gave_up"]).T  # fmt: skip
    return pd.DataFrame(rows).set_index("month"), yearly


def never_in_place(params: Params, seed: int) -> tuple[float, float]:
    """Of the firms engaged at 2025-03 with nothing in place: the share with no use case in
    place by 2035-03, and the part of it still engaged then."""
    model = AdoptionModel(params.replace(horizon="2035-03"), seed=seed, firm_agents=False,
                          collect=False).run("2025-03")  # fmt: skip
    st = model.state
    cohort = (st.stage >= Stage.PLANNED) & (st.stage <= Stage.EXPERIMENTING)
    ever = np.zeros(st.n, dtype=bool)
    while model.running:
        model.step()
        ever |= st.stage >= Stage.DEPLOYED
    never = cohort & ~ever
    return never.sum() / cohort.sum(), (never & (st.stage >= Stage.PLANNED)).sum() / cohort.sum()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("params", nargs="?", help="parameter TOML (default: the shipped ones)")
    parser.add_argument("--firms", type=int, default=10_000)
    parser.add_argument("--seeds", type=int, nargs="+", default=[1, 2, 3])
    args = parser.parse_args()
    params = Params.from_toml(args.params) if args.params else shipped_params()[0]
    params = params.replace(n_firms=args.firms)
    runs = [run(params, seed) for seed in args.seeds]
    df = pd.concat([r[0] for r in runs]).groupby(level=0).mean()
    yearly = sum(r[1] for r in runs)
    pd.set_option("display.width", 200)
    shown = df.loc[[m for m in df.index if m.endswith("-03") or m == "2030-12"]]
    print(shown.round(3).to_string())
    window = df.loc["2025-03":"2030-12"]
    gap = (window.realised_active - window.expected_active).max()
    print(f"\nrealised <= expected (active firms), every month 2025-03..2030-12: {gap <= 0} "
          f"(largest realised - expected: {gap:+.2f} points)")
    print(f"all-firm realised productivity, 2030-12: {df.loc['2030-12', 'realised_all']:.2f}%")
    print(f"still planned, 2030-12: {df.loc['2030-12', 'planned']:.3f}")
    waits = np.array([never_in_place(params, seed) for seed in args.seeds])
    print(f"engaged in 2025-03 with nothing in place, none in place by 2035-03: "
          f"{waits[:, 0].mean():.3f} (engaged again or still in 2035-03: "
          f"{waits[:, 1].mean():.3f})")
    e = df.enthusiasm_engaged.dropna()
    low = e.iloc[1:].idxmin()
    peak = e.loc[:low].idxmax()
    print(f"enthusiasm of engaged firms: peak {e[peak]:.3f} ({peak}), low {e[low]:.3f} ({low}), "
          f"2030-12 {e.iloc[-1]:.3f}: fall {100 * (e[peak] - e[low]):.1f} points, recovery "
          f"{100 * (e.iloc[-1] - e[low]):.1f} points")
    rates = pd.DataFrame({
        "fall-back from scaled": 12 * yearly.unscaled / yearly.scaled.clip(lower=1),
        "fall-back from in place": 12 * yearly.fell_back / yearly.deployed.clip(lower=1),
        "give-up (planned, experimenting)": 12 * yearly.gave_up / yearly.engaged.clip(lower=1),
    })  # fmt: skip
    print("\nyearly rates (events per firm-year at risk):")
    print(rates.round(3).to_string())


if __name__ == "__main__":
    main()
