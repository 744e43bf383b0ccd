"""A single run of the model, saved to a folder: what ``aiadopt run`` does.

From Python::

    from aiadopt.experiments.single import run_and_save
    result = run_and_save(seed=42, until="2027-12", out_dir="out", n_firms=2_000)
    result.tidy            # the tidy trajectories: date, metric, group, value
    print(result.summary())

Outputs of a run, all written in one atomic commit (:func:`aiadopt.files.staged`: under
temporary names in the output folder, renamed only once every file is complete, so an error
leaves no half-written file):

- ``trajectories.parquet``: the tidy trajectories; the schema metadata carries the
  provenance (:func:`aiadopt.files.provenance`: version, parameter hash, seed, parameter
  source), the run's other metadata and the parameters (keys ``aiadopt.*``);
- ``trajectories.csv``: the same table as CSV (its metadata is in ``run.toml``);
- ``run.toml``: the parameters used (``[params]``, loadable by ``Params.from_toml`` and so by
  ``aiadopt run --params``) and the run's metadata (``[meta]``);
- the files of the ``figures`` hook, if given (``aiadopt run`` draws ``stage_shares.png``
  with the views layer): a callable ``(tidy, meta) -> {file name: bytes}``.

With ``fit=True`` the calibration fit table of the run's parameters is computed and saved
too (``fit_report.csv`` and its stamp, :func:`aiadopt.calibration.report.save_fit_table`), so
that ``aiadopt plot`` and ``aiadopt report`` read it instead of computing it.  A fit table
left in the folder by an earlier run is removed in the same commit as the new tables, since
it is the fit of other parameters.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from ..calibration.report import FIT_STAMP_FILE, FIT_TABLE_FILE, save_fit_table
from ..files import check_input_file, provenance, staged
from ..model import AdoptionModel, Params
from ..model.clock import (
    LAST_MONTH,
    SURVEY_MONTH,
    check_last_month,
    months_between,
    step_to_month,
)
from ..model.params import shipped_params
from ..model.stages import Stage, label
from .runner import encode_parquet, meta_text

__all__ = [
    "DEFAULT_OUT_DIR",
    "OUTPUT_FILES",
    "STAGE_METRICS",
    "Figures",
    "RunError",
    "RunResult",
    "percent",
    "read_parquet_metadata",
    "run_and_save",
]

DEFAULT_OUT_DIR = "aiadopt-out/run"
"""Default output folder of a run (relative to the working directory), as ``aiadopt run``'s:
``aiadopt-out/COMMAND``."""

OUTPUT_FILES = {
    "parquet": "trajectories.parquet",
    "csv": "trajectories.csv",
    "toml": "run.toml",
}
"""The tables a run writes, by kind (the figures hook may add files)."""

STAGE_METRICS = [f"stage_share.{label(s)}" for s in Stage]
"""Stage-share metrics in stage order (not engaged first)."""

Figures = Callable[[pd.DataFrame, Mapping[str, str]], Mapping[str, bytes]]
"""The figures hook: called with the run's tidy frame and its metadata as text (the
provenance keys ``version``, ``param_hash``, ``seed``, ``params_source``, then ``firms``,
``start``, ``until``, ``survey_month``, ``created``, ``notes``); returns file name -> bytes,
written in the same atomic commit as the tables."""


class RunError(ValueError):
    """A run cannot be set up as asked (e.g. ``until`` before the start, output not a folder)."""


@dataclass(frozen=True, eq=False)
class RunResult:
    """What :func:`run_and_save` did: the trajectories, where they were written, and how."""

    tidy: pd.DataFrame
    paths: dict[str, Path]
    params: Params
    params_source: str
    seed: int
    until: str
    param_hash: str
    meta: dict[str, Any]
    notes: tuple[str, ...] = ()

    @property
    def out_dir(self) -> Path:
        """The folder the outputs were written to."""
        return self.paths["toml"].parent

    def summary(self) -> str:
        """Stage shares at the survey month and the last month, the Technique and Business views
        of "deployed" at the survey month, and the files written, as aligned text."""
        return _summary(self)


def _validate_month(until: str) -> None:
    try:
        check_last_month(until)  # the one month check: raises ValueError on anything else
    except ValueError as exc:
        raise RunError(f"until must be a month YYYY-MM up to {LAST_MONTH}: {exc}") from None


def _resolve_params(
    params: Params | str | os.PathLike[str] | None, overrides: Mapping[str, Any]
) -> tuple[Params, str]:
    if params is None:
        resolved, source = shipped_params()
    elif isinstance(params, Params):
        resolved, source = params, "parameters given by the caller"
    else:
        resolved = Params.from_toml(check_input_file(params, "parameter file"))
        source = f"file {params}"
    if overrides:
        resolved = resolved.replace(**overrides)
        source += "; overridden: " + ", ".join(f"{k}={v!r}" for k, v in overrides.items())
    return resolved, source


def run_and_save(
    params: Params | str | os.PathLike[str] | None = None,
    seed: int = 42,
    until: str | None = None,
    out_dir: str | os.PathLike[str] = DEFAULT_OUT_DIR,
    progress: bool = True,
    *,
    echo: Callable[[str], None] | None = None,
    figures: Figures | None = None,
    fit: bool = False,
    **overrides: Any,
) -> RunResult:
    """Run the model and write its outputs (see the module docstring) into ``out_dir``.

    Args:
        params: a ``Params``, the path of a TOML parameter file, or ``None`` for the shipped
            parameters (the shipped fit, :func:`aiadopt.model.params.shipped_params`).
        seed: the run's seed.
        until: last month ``YYYY-MM`` (default: the horizon).  Before the start is an error;
            after the horizon extends the horizon to it (noted in ``RunResult.notes``).
        out_dir: output folder, created if needed; existing outputs are replaced.
        progress: show a tqdm progress bar over months (only on a terminal).
        echo: called with one line of text for what is about to happen (e.g. ``print``).
        figures: the figures hook (:data:`Figures`), e.g. the stage-shares figure.
        fit: also compute the calibration fit table of the run's parameters and save it in
            ``out_dir`` (:func:`aiadopt.calibration.report.save_fit_table`).
        **overrides: parameters to change by name (``n_firms=300``).

    Raises:
        ParameterError: bad parameter file or override (the message names the file and key).
        RunError: ``until`` malformed or before the start; ``out_dir`` is not a folder.
    """
    say = echo or (lambda _line: None)
    params, source = _resolve_params(params, overrides)
    notes: list[str] = []
    if until is None:
        until = params.horizon
    _validate_month(until)
    if months_between(params.start, until) < 0:
        raise RunError(f"until {until} is before the start of the model ({params.start})")
    if months_between(params.horizon, until) > 0:
        notes.append(f"horizon extended from {params.horizon} to {until} to reach until")
        params = params.replace(horizon=until)
    out = Path(out_dir)
    if out.exists() and not out.is_dir():
        raise RunError(f"output folder {out} exists and is not a folder")
    stamp = provenance(params, seed, source)
    n_months = months_between(params.start, until)

    say(
        f"aiadopt {stamp['version']}: {params.n_firms:,} firms, {params.start} to {until} "
        f"({n_months} months), seed {seed}"
    )
    say(f"Parameters: {source}")
    say(f"Parameter hash: {stamp['param_hash']}")
    for note in notes:
        say(f"Note: {note[0].upper()}{note[1:]}.")

    tidy = _simulate(params, seed, until, progress)

    meta: dict[str, Any] = {
        **stamp,
        "seed": int(seed),
        "firms": int(params.n_firms),
        "start": params.start,
        "until": until,
        "survey_month": SURVEY_MONTH,
        "created": dt.datetime.now(dt.UTC).replace(microsecond=0),
        "params_source": source,
        "notes": notes,
    }
    drawn = dict(figures(tidy, meta_text(meta))) if figures is not None else {}
    meta["outputs"] = [*OUTPUT_FILES.values(), *drawn]
    with staged(out) as stage:
        table_meta = {**meta, "params": params.to_dict()}  # the parameters travel with the table
        stage.write(OUTPUT_FILES["parquet"], encode_parquet(tidy, table_meta))
        stage.write(OUTPUT_FILES["csv"], tidy.to_csv(index=False, date_format="%Y-%m-%d"))
        stage.write(OUTPUT_FILES["toml"], lambda path: params.to_toml(path, meta=meta))
        for name, data in drawn.items():
            stage.write(name, data)
        for name in (FIT_TABLE_FILE, FIT_STAMP_FILE):  # an earlier run's fit: not these params
            stage.remove(name)
    paths = stage.by_kind()
    if fit:
        say("Computing the calibration fit table of the run's parameters (fit_report.csv)")
        paths["fit"] = save_fit_table(out, params, progress=progress)
    return RunResult(
        tidy=tidy,
        paths=paths,
        params=params,
        params_source=source,
        seed=int(seed),
        until=until,
        param_hash=stamp["param_hash"],
        meta=meta,
        notes=tuple(notes),
    )


def _simulate(params: Params, seed: int, until: str, progress: bool) -> pd.DataFrame:
    """Run the model month by month under a progress bar; return its tidy frame."""
    from tqdm.auto import tqdm  # lazy: start-up speed

    n_months = months_between(params.start, until)
    model = AdoptionModel(params, seed=seed)
    try:
        # disable=None: tqdm shows the bar only when stderr is a terminal
        with tqdm(
            total=n_months, unit="month", desc="Simulating", disable=None if progress else True
        ) as bar:
            for k in range(1, n_months + 1):
                month = step_to_month(params.start, k)
                model.run(until=month)
                bar.set_postfix_str(month, refresh=False)
                bar.update()
        return model.tidy()
    finally:
        model.close()


def read_parquet_metadata(path: str | os.PathLike[str]) -> dict[str, str]:
    """The ``aiadopt.*`` schema metadata of a ``trajectories.parquet`` (prefix dropped)."""
    import pyarrow.parquet as pq  # lazy: start-up speed

    raw = pq.read_schema(path).metadata or {}
    prefix = b"aiadopt."
    return {
        k[len(prefix) :].decode(): v.decode("utf-8") for k, v in raw.items() if k.startswith(prefix)
    }


# --- summary --------------------------------------------------------------------------------------
def _stage_label(metric: str) -> str:
    return metric.split(".", 1)[1].replace("_", " ")


def _values_at(tidy: pd.DataFrame, month: str, group: str = "all") -> dict[str, float]:
    at = tidy[(tidy["date"] == pd.Timestamp(f"{month}-01")) & (tidy["group"] == group)]
    return dict(zip(at["metric"], at["value"], strict=True))


def percent(x: float | None) -> str:
    """A share as a percent with one decimal (``"12.3%"``); ``"n/a"`` when missing (None
    or NaN)."""
    return "n/a" if x is None or pd.isna(x) else f"{100 * x:.1f}%"


def _summary(result: RunResult) -> str:
    tidy = result.tidy
    start = result.params.start
    has_survey = 0 <= months_between(start, SURVEY_MONTH) <= months_between(start, result.until)
    survey = _values_at(tidy, SURVEY_MONTH) if has_survey else {}
    last = _values_at(tidy, result.until)
    stage_metrics = [m for m in STAGE_METRICS if m in last] + sorted(
        m for m in last if m.startswith("stage_share.") and m not in STAGE_METRICS
    )
    rows = [(_stage_label(m), percent(survey.get(m)), percent(last.get(m))) for m in stage_metrics]
    head = ("Stage share, all firms", f"{SURVEY_MONTH} survey", f"{result.until} last")
    views = [
        ('Technique view of "deployed" (strict)', percent(survey.get("deployed_view.technique"))),
        ('Business view of "deployed" (loose)', percent(survey.get("deployed_view.business"))),
    ]
    w0 = max(len(r[0]) for r in [head, *rows, *views])
    w1 = max(len(r[1]) for r in [head, *rows, *views])
    w2 = max(len(r[2]) for r in [head, *rows])
    lines = ["", f"{head[0]:<{w0}}  {head[1]:>{w1}}  {head[2]:>{w2}}"]
    lines.append(f"{'-' * w0}  {'-' * w1}  {'-' * w2}")
    lines += [f"{a:<{w0}}  {b:>{w1}}  {c:>{w2}}" for a, b, c in rows]
    lines.append("")
    lines += [f"{a:<{w0}}  {b:>{w1}}" for a, b in views]
    if not has_survey:
        lines.append(f"(the run does not reach the survey month {SURVEY_MONTH})")
    lines.append("")
    lines.append(f"Wrote to {result.out_dir}/ (metadata in {OUTPUT_FILES['toml']}):")
    lines += [f"  {p.name}" for p in result.paths.values()]
    return "\n".join(lines)
