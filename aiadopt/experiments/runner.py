"""One run of an experiment: a scenario point and a replicate, to a tidy frame.

:func:`execute_run` is what the executors send to their workers (a module-level function of a
picklable :class:`RunSpec`, so a process pool and Dask can both ship it).  It never raises: a
run that fails comes back as a :class:`RunOutcome` with its error and traceback, so one bad run
does not stop the others.  A run that succeeds comes back as the bytes of its Parquet file,
encoded in the worker (in parallel; the driver only writes them), with the run's metadata:
the same bytes whatever the executor.

What is kept.  The model records 129 series (metric x group) every month; an experiment keeps
by default the 103 its summary and figures use (:data:`DEFAULT_METRICS`: stage shares, the two
views of "deployed", expected and realised gains, strategy, outsourcing, provider management,
actions, collaboration, obstacles, enthusiasm and use-case interest: the hype cycle).  Dropped:
the use-case stages (18 series), agentic awareness, difficulties, shadow AI and the two
scalars that repeat stage shares (``engaged_share``, ``scaled_share``): about 20% of the rows
(at 6 scenarios x 100 replicates x 10,000 firms to 2030-12: about 6 million rows, 190 MB in
memory, 45 MB of Parquet).  ``metrics="all"`` keeps everything.
"""

from __future__ import annotations

import datetime as dt
import json
import time
import traceback
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from ..files import __version__
from ..model import AdoptionModel, Params
from ..model.interventions import Intervention
from ..model.reporters import MODEL_REPORTERS

__all__ = [
    "DEFAULT_METRICS",
    "RESULT_COLUMNS",
    "RunOutcome",
    "RunSpec",
    "all_metrics",
    "execute_run",
    "resolve_metrics",
    "warm_up",
]

RESULT_COLUMNS = ("scenario", "replicate", "seed", "date", "metric", "group", "value")
"""Columns of an experiment's tidy results, in order."""

DEFAULT_METRICS = (
    "stage_share",
    "deployed_view",
    "gain_realised",
    "gain_expected",
    "strategy_share",
    "outsourcing_share",
    "manager_share",
    "action_share",
    "collaboration_share",
    "obstacle_prevalence",
    "enthusiasm",
    "usecase_interest",
)
"""Metric categories kept by default (a category is the part of a metric's name before the
first dot; a full metric name selects that metric alone)."""


def all_metrics() -> list[str]:
    """Every metric name the model records (in the reporters' order)."""
    names: list[str] = []
    for name, reporter in MODEL_REPORTERS.items():
        keys = getattr(reporter, "keys", None)
        for metric in [name] if keys is None else [m for m, _ in keys]:
            if metric not in names:
                names.append(metric)
    return names


def metric_groups() -> dict[str, list[str]]:
    """Every metric the model records and its groups (``all`` for a single value)."""
    groups: dict[str, list[str]] = {}
    for name, reporter in MODEL_REPORTERS.items():
        keys = getattr(reporter, "keys", None)
        for metric, group in [(name, "all")] if keys is None else keys:
            groups.setdefault(metric, []).append(group)
    return groups


def check_indicator_metrics(metrics: Sequence[str], group: str,
                            selection: Sequence[str] | None) -> str | None:  # fmt: skip
    """Why ``metrics`` in ``group`` will not be in an experiment's results that keep
    ``selection`` (:func:`resolve_metrics`), or None if they will."""
    groups = metric_groups()
    for metric in metrics:
        if metric not in groups:
            return f"{metric} is no metric of the model (see --metrics all)"
        if group not in groups[metric]:
            return f"{metric} has no group {group!r} (its groups: {', '.join(groups[metric])})"
        if selection is not None and not (
            metric in selection or metric.split(".", 1)[0] in selection
        ):
            return f"{metric} is not kept by --metrics (add it, or its category)"
    return None


def resolve_metrics(metrics: str | Iterable[str] | None) -> tuple[str, ...] | None:
    """The metric selection: ``"default"`` (:data:`DEFAULT_METRICS`), ``"all"`` or ``None``
    (everything: returns None), or categories and metric names (unknown ones raise
    ValueError)."""
    if metrics is None or metrics == "all":
        return None
    if metrics == "default":
        return DEFAULT_METRICS
    items = (
        [m.strip() for m in metrics.split(",") if m.strip()]
        if isinstance(metrics, str)
        else [str(m) for m in metrics]
    )
    if not items:
        raise ValueError("metrics: empty selection")
    known = all_metrics()
    categories = {m.split(".", 1)[0] for m in known}
    bad = [m for m in items if m not in categories and m not in known]
    if bad:
        raise ValueError(
            f"metrics: unknown {', '.join(map(repr, bad))}; categories: "
            f"{', '.join(sorted(categories))} (or a full metric name, or 'all')"
        )
    return tuple(dict.fromkeys(items))


def select_metrics(tidy: pd.DataFrame, metrics: Sequence[str] | None) -> pd.DataFrame:
    """Rows of ``tidy`` whose metric is in ``metrics`` (by category or full name)."""
    if metrics is None:
        return tidy
    wanted = set(metrics)
    kept = [m for m in pd.unique(tidy["metric"]) if m in wanted or m.split(".", 1)[0] in wanted]
    return tidy.loc[tidy["metric"].isin(kept).to_numpy()].reset_index(drop=True)


@dataclass(frozen=True)
class RunSpec:
    """Everything a worker needs for one run (picklable)."""

    scenario: str
    replicate: int
    seed: int
    params: Params
    interventions: tuple[Intervention, ...]
    until: str
    metrics: tuple[str, ...] | None
    param_draw: int | None = None
    param_hash: str = ""
    meta: Mapping[str, Any] = field(default_factory=dict)
    """Metadata of the run's Parquet file (``aiadopt.*`` keys)."""

    @property
    def key(self) -> tuple[str, int]:
        return (self.scenario, self.replicate)


@dataclass
class RunOutcome:
    """What came back from one run: its Parquet file's bytes, or its error."""

    scenario: str
    replicate: int
    seed: int
    data: bytes | None
    error: str | None = None
    traceback: str | None = None
    elapsed: float = 0.0
    param_draw: int | None = None
    param_hash: str = ""
    cpu: float = 0.0
    """CPU time the run used in its worker, seconds (wall time is ``elapsed``)."""

    @property
    def key(self) -> tuple[str, int]:
        return (self.scenario, self.replicate)

    @property
    def ok(self) -> bool:
        return self.error is None

    @classmethod
    def failure(cls, spec: RunSpec, error: str, tb: str | None = None, elapsed: float = 0.0):
        return cls(
            spec.scenario,
            spec.replicate,
            spec.seed,
            None,
            error=error,
            traceback=tb,
            elapsed=elapsed,
            param_draw=spec.param_draw,
            param_hash=spec.param_hash,
        )


def execute_run(spec: RunSpec) -> RunOutcome:
    """Run one scenario point for one replicate; never raises (errors are in the outcome)."""
    t0, c0 = time.perf_counter(), time.process_time()
    try:
        with AdoptionModel(
            spec.params, seed=spec.seed, firm_agents=False, interventions=spec.interventions
        ) as model:
            model.run(spec.until)
            tidy = model.tidy()
        frame = to_result_frame(select_metrics(tidy, spec.metrics), spec)
        data = encode_parquet(frame, spec.meta)
    except Exception as exc:
        return RunOutcome.failure(
            spec, f"{type(exc).__name__}: {exc}", traceback.format_exc(), time.perf_counter() - t0
        )
    return RunOutcome(
        spec.scenario,
        spec.replicate,
        spec.seed,
        data,
        elapsed=time.perf_counter() - t0,
        param_draw=spec.param_draw,
        param_hash=spec.param_hash,
        cpu=time.process_time() - c0,
    )


def to_result_frame(tidy: pd.DataFrame, spec: RunSpec) -> pd.DataFrame:
    """The model's tidy frame with the run's scenario, replicate and seed in front."""
    n = len(tidy)
    return pd.DataFrame(
        {
            "scenario": pd.array([spec.scenario] * n, dtype="str"),
            "replicate": np.full(n, spec.replicate, dtype=np.int32),
            "seed": np.full(n, spec.seed, dtype=np.int64),
            "date": tidy["date"].to_numpy(),
            "metric": tidy["metric"].astype("str").to_numpy(),
            "group": tidy["group"].astype("str").to_numpy(),
            "value": tidy["value"].to_numpy(dtype=np.float64),
        }
    )


def meta_text(meta: Mapping[str, Any]) -> dict[str, str]:
    """Metadata as text: strings as they are, dates in ISO format, anything else as JSON
    (numbers, lists, ``None``)."""
    out = {}
    for key, value in meta.items():
        if isinstance(value, dt.date):
            value = value.isoformat()
        elif not isinstance(value, str):
            value = json.dumps(value)
        out[key] = value
    return out


def encode_parquet(frame: pd.DataFrame, meta: Mapping[str, Any]) -> bytes:
    """``frame`` as the bytes of a Parquet file (zstd) with ``meta`` (:func:`meta_text`) as
    ``aiadopt.*`` schema metadata: the one Parquet encoding of every table the package
    writes (a run's trajectories, an experiment's runs and results)."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    table = pa.Table.from_pandas(frame, preserve_index=False)
    merged = dict(table.schema.metadata or {})
    for key, text in meta_text(meta).items():
        merged[f"aiadopt.{key}".encode()] = text.encode("utf-8")
    sink = pa.BufferOutputStream()
    pq.write_table(table.replace_schema_metadata(merged), sink, compression="zstd")
    return sink.getvalue().to_pybytes()


def decode_parquet(data: bytes) -> pd.DataFrame:
    """The frame of :func:`encode_parquet`'s bytes."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    return pq.read_table(pa.BufferReader(data)).to_pandas()


def warm_up() -> str:
    """Run a tiny model once (compiles or loads the numba kernels in this process); returns
    the package version, so a driver can check its workers run the same code."""
    params = Params(n_firms=20, horizon="2024-12")  # past agentic_start: every kernel runs
    with AdoptionModel(params, seed=0, firm_agents=False) as model:
        model.run()
        model.tidy()
    return __version__
