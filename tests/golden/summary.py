"""What the golden baseline records: a summary of fixed-seed runs of the shipped fit.

Each case of ``CASES`` runs the shipped fit (the calibration's fitted parameters) with
``N_FIRMS`` firms at each seed of ``SEEDS``; the summary keeps every reported value (every
metric, every group) at each month of ``MONTHS`` (the study's fieldwork, the end of 2027, the
horizon) and, per final state array, its dtype, shape, sum and a SHA-256 of its bytes.  The
parameters are recorded by value with their hash, so the golden runs the very parameters it
was made with even after the shipped fit changes.

``values.csv`` holds the reported values, one per line (``case, seed, month, metric, group,
value``); ``baseline.json`` holds the rest.  ``update.py`` writes both; ``test_golden.py``
compares a fresh run with them (relative tolerance ``REL_TOL``).  This module works with the
code before issue 11 too (the fit then shipped as ``aiadopt/calibration/fitted.toml``), so the
committed baseline was made with the code before the refactor.
"""

from __future__ import annotations

import csv
import dataclasses
import hashlib
import json
import math
import platform
import subprocess
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numba
import numpy as np

import aiadopt
from aiadopt.model import AdoptionModel, Params
from aiadopt.model.interventions import Intervention

HERE = Path(__file__).resolve().parent
VALUES_FILE = HERE / "values.csv"
META_FILE = HERE / "baseline.json"
UPDATE_COMMAND = "python -m tests.golden.update"

SEEDS = (1, 2, 3)
N_FIRMS = 3_000
MONTHS = ("2025-03", "2027-12", "2030-12")
"""The study's fieldwork (Methodology: 3-24 March 2025), a middle month and the horizon."""

POLICIES = (
    Intervention(kind="tripartite_strategy", start="2025-06", share=0.5, name="strategy"),
    Intervention(kind="training", start="2025-06", share=0.5, name="training"),
    Intervention(kind="co_managed_outsourcing", start="2025-06", share=0.5, name="outsourcing"),
    Intervention(kind="cost_support", start="2025-06", reduction=0.3, name="cost"),
)
"""Four interventions from June 2025, so the golden covers ``interventions.py`` too."""

CASES: dict[str, tuple[Intervention, ...]] = {"shipped_fit": (), "shipped_fit+policies": POLICIES}

REL_TOL = 1e-9
"""Relative tolerance on every value (bit identity is checked elsewhere; this guards drift,
across platforms too)."""
ABS_TOL = 1e-12
"""Absolute tolerance, for values that should be zero (shares of an empty category)."""

Key = tuple[str, int, str, str, str]
"""case, seed, month, metric, group."""


# --- parameters ---------------------------------------------------------------------------------


def shipped_fit() -> tuple[Params, str]:
    """The shipped fit and where it comes from, in the code after issue 11
    (``aiadopt.model.params.shipped_params``) or before it (``aiadopt/calibration/fitted.toml``)."""
    try:
        from aiadopt.model.params import shipped_params
    except ImportError:  # before issue 11, the fit shipped with the calibration
        path = Path(aiadopt.__file__).parent / "calibration" / "fitted.toml"
        return Params.from_toml(path), "shipped fit aiadopt/calibration/fitted.toml"
    return shipped_params()


def params_hash(params: Params) -> str:
    """The package's parameter hash (``Params.hash()``; ``runs.param_hash`` before issue 11)."""
    if hasattr(params, "hash"):
        return params.hash()
    from aiadopt.runs import param_hash  # before issue 11

    return param_hash(params)


# --- running ------------------------------------------------------------------------------------


@dataclass
class Summary:
    """The summary of all runs: reported values by key, state arrays by case/seed/name."""

    values: dict[Key, float]
    state: dict[str, dict[str, Any]]


def state_key(case: str, seed: int, name: str) -> str:
    return f"{case}|{seed}|{name}"


def summarise_state(state: Any) -> dict[str, dict[str, Any]]:
    """Per array of the final state: dtype, shape, float64 sum and SHA-256 of its bytes."""
    return {
        f.name: {
            "dtype": str(array.dtype),
            "shape": list(array.shape),
            "sum": float(np.sum(array, dtype=np.float64)),
            "sha256": hashlib.sha256(np.ascontiguousarray(array).tobytes()).hexdigest(),
        }
        for f in dataclasses.fields(state)
        if isinstance(array := getattr(state, f.name), np.ndarray)
    }


def run(params: Params, cases: Mapping[str, Iterable[Intervention]] = CASES,
        seeds: Iterable[int] = SEEDS, n_firms: int = N_FIRMS) -> Summary:  # fmt: skip
    """Run every case at every seed and summarise."""
    values: dict[Key, float] = {}
    state: dict[str, dict[str, Any]] = {}
    for case, interventions in cases.items():
        for seed in seeds:
            model = AdoptionModel(
                params, seed=seed, n_firms=n_firms, interventions=tuple(interventions)
            )
            try:
                model.run()
                tidy = model.tidy()
                for name, entry in summarise_state(model.state).items():
                    state[state_key(case, seed, name)] = entry
            finally:
                model.close()
            month = tidy["date"].dt.strftime("%Y-%m")
            kept = tidy[month.isin(MONTHS)]
            for m, metric, group, value in zip(
                month[kept.index], kept["metric"], kept["group"], kept["value"], strict=True
            ):
                values[(case, seed, m, metric, group)] = float(value)
    return Summary(values, state)


# --- files --------------------------------------------------------------------------------------


def _git_commit(folder: Path) -> str:
    """The commit of the git work tree holding ``folder`` (``+dirty`` if changed), or ''."""

    def git(*args: str) -> str:
        done = subprocess.run(["git", "-C", str(folder), *args], check=True,
                              capture_output=True, text=True)  # fmt: skip
        return done.stdout.strip()

    try:
        head, dirty = git("rev-parse", "HEAD"), git("status", "--porcelain", "--", ".")
    except (OSError, subprocess.CalledProcessError):
        return ""
    return head + ("+dirty" if dirty else "")


def platform_info() -> dict[str, str]:
    """What float results depend on besides the code: Python, numpy, numba, the machine."""
    return {
        "python": platform.python_version(),
        "numpy": np.__version__,
        "numba": numba.__version__,
        "machine": f"{platform.system()} {platform.machine()}",
    }


def same_platform(info: Mapping[str, Any]) -> bool:
    """The golden was made on this platform (``platform_info``): its float arrays must then
    match bit for bit, not only by their sums."""
    made = info.get("made_with", {})
    return all(made.get(key) == value for key, value in platform_info().items())


def meta(params: Params, source: str) -> dict[str, Any]:
    """Everything the golden records beside the values: how the runs were made."""
    package = Path(aiadopt.__file__).resolve().parent
    return {
        "update_command": UPDATE_COMMAND,
        "params_source": source,
        "params_hash": params_hash(params),
        "params": params.to_dict(),
        "n_firms": N_FIRMS,
        "seeds": list(SEEDS),
        "months": list(MONTHS),
        "cases": {case: [dataclasses.asdict(iv) for iv in ivs] for case, ivs in CASES.items()},
        "made_with": {
            "aiadopt": str(package),
            "aiadopt_version": getattr(aiadopt, "__version__", "?"),
            "git_commit": _git_commit(package),
            **platform_info(),
        },
    }


def write(summary: Summary, info: Mapping[str, Any]) -> None:
    """Write ``values.csv`` (float repr: exact round trip) and ``baseline.json``."""
    with VALUES_FILE.open("w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(["case", "seed", "month", "metric", "group", "value"])
        for key in sorted(summary.values):
            writer.writerow([*key, repr(summary.values[key])])
    doc = {**info, "state": dict(sorted(summary.state.items()))}
    META_FILE.write_text(json.dumps(doc, indent=1) + "\n", encoding="utf-8")


def read() -> tuple[Summary, dict[str, Any]]:
    """The committed golden: its summary and its other records."""
    values: dict[Key, float] = {}
    with VALUES_FILE.open(newline="", encoding="utf-8") as src:
        for row in csv.DictReader(src):
            key = (row["case"], int(row["seed"]), row["month"], row["metric"], row["group"])
            values[key] = float(row["value"])
    doc = json.loads(META_FILE.read_text(encoding="utf-8"))
    return Summary(values, doc.pop("state")), doc


# --- comparing ----------------------------------------------------------------------------------


def close(old: float, new: float) -> bool:
    """Equal within the golden's tolerance (NaN equals NaN: an empty group stays empty)."""
    if math.isnan(old) or math.isnan(new):
        return math.isnan(old) and math.isnan(new)
    return math.isclose(old, new, rel_tol=REL_TOL, abs_tol=ABS_TOL)


def _moved(what: str, old: float, new: float) -> str:
    diff = new - old
    relative = f" ({diff / old:+.3%})" if old and math.isfinite(diff) else ""
    return f"{what}: old {old!r}, new {new!r}, difference {diff:+.6g}{relative}"


def compare_values(old: Mapping[Key, float], new: Mapping[Key, float]) -> list[str]:
    """One line per reported value that moved, appeared or disappeared."""
    problems = []
    for key in sorted(set(old) | set(new)):
        case, seed, month, metric, group = key
        what = f"{metric} [group {group}] at {month}, seed {seed}, case {case}"
        if key not in new:
            problems.append(f"{what}: no longer reported (was {old[key]!r})")
        elif key not in old:
            problems.append(f"{what}: new value {new[key]!r}, not in the golden")
        elif not close(old[key], new[key]):
            problems.append(_moved(what, old[key], new[key]))
    return problems


def compare_state(old: Mapping[str, Mapping[str, Any]], new: Mapping[str, Mapping[str, Any]],
                  *, exact_floats: bool) -> list[str]:  # fmt: skip
    """One line per final state array of the golden that changed (arrays added since are not
    compared: they are not in the golden).

    Integer and boolean arrays must match byte for byte (SHA-256); float arrays by their sum
    within the tolerance and, with ``exact_floats`` (the golden was made on this platform,
    ``same_platform``), byte for byte too: a sum alone misses values that moved and cancel
    out."""
    problems = []
    for key in sorted(old):
        case, seed, name = key.split("|")
        what = f"state array {name}, seed {seed}, case {case}"
        was, now = old[key], new.get(key)
        if now is None:
            problems.append(f"{what}: no longer in the state")
            continue
        for field in ("dtype", "shape"):
            if was[field] != now[field]:
                problems.append(f"{what}: {field} {was[field]} -> {now[field]}")
        if not close(was["sum"], now["sum"]):
            problems.append(_moved(f"{what} (sum)", was["sum"], now["sum"]))
        elif was.get("sha256") != now["sha256"] and (
            exact_floats or not was["dtype"].startswith("float")
        ):
            problems.append(f"{what}: same sum, other values (SHA-256 differs)")
    return problems


def compare_params(recorded: Mapping[str, Any], current: Mapping[str, Any]) -> list[str]:
    """Parameters whose value differs between the golden and the shipped fit (``to_dict()``),
    both ways: every parameter of either, the golden's read as the runs read it
    (``Params.from_dict``: a parameter added since takes its default); not ``n_firms``, the
    golden runs ``N_FIRMS`` firms whatever the fit says.  A recorded parameter that
    ``Params`` no longer has is a problem of its own."""
    try:
        golden = Params.from_dict(recorded).to_dict()
    except ValueError as exc:  # ParameterError: a recorded parameter no longer exists
        return [f"the golden's parameters no longer load: {exc}"]
    return [
        f"{name}: golden {golden.get(name, '(absent)')!r}, "
        f"shipped fit {current.get(name, '(absent)')!r}"
        for name in sorted(set(golden) | set(current))
        if name != "n_firms" and golden.get(name) != current.get(name)
    ]


def report(problems: list[str], what: str, limit: int = 60) -> str:
    """A failure message: the first ``limit`` problems and how to accept them on purpose."""
    shown = problems[:limit]
    more = f"\n... and {len(problems) - limit} more" if len(problems) > limit else ""
    return (
        f"{len(problems)} {what} moved from the golden baseline (tests/golden/):\n"
        + "\n".join(shown)
        + more
        + f"\nIf the change is intended, run `{UPDATE_COMMAND}` and commit tests/golden/."
    )
