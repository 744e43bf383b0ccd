"""A results folder for research in Python: ``aiadopt.Results.open(folder)``.

::

    import aiadopt
    res = aiadopt.Results.open("exp/")          # an 'aiadopt experiment' (or 'run') folder
    res.summary(indicators="share_in_place,revenue_realised", months="2026-12,2030-12")
    res.compare("strategy", "baseline")           # paired effect table, strategy - baseline
    res.plot("effects", out="slides/")            # figures (all, or those named), saved if out
    res.with_parameters()                         # the tidy results with parameter columns

The object reads the folder once (:func:`~aiadopt.views.folder.load_results_folder`, kept as
:attr:`Results.data`); every method computes from what it read, so nothing runs a model.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pandas as pd

from ..experiments import summary as summaries
from ..experiments.summary import Indicator
from .figures import FIGURES, draw_figures
from .folder import Results as FolderData
from .folder import ResultsError, load_results_folder
from .save import save_figure

__all__ = ["Results"]

RUNS_FILE = "runs.csv"
JOIN_KEYS = ["scenario", "replicate", "seed"]
"""The columns that name a run in the results and in ``runs.csv``."""

COMPARE_COLUMNS = ("indicator", "month", "scenario", "versus", "n_pairs", "mean", "versus_mean",
                   "diff", "diff_ci_low", "diff_ci_high", "unpaired_ci_low",
                   "unpaired_ci_high")  # fmt: skip


class Results:
    """An experiment's (or a run's) results folder: its tidy results, summary, parameter
    columns, figures and paired comparisons."""

    def __init__(self, data: FolderData) -> None:
        self.data = data
        """What the folder holds, read (results, summary, metadata, parameters, fit table)."""

    @classmethod
    def open(cls, folder: str | os.PathLike[str]) -> Results:
        """Read ``folder`` (ResultsError if it is no results folder, with what is expected)."""
        return cls(load_results_folder(folder))

    def __repr__(self) -> str:
        return (
            f"<aiadopt.Results {self.data.kind} {self.folder}: {len(self.scenarios)} scenario(s) "
            f"({', '.join(self.scenarios)}), {self.replicates} replicate(s)>"
        )

    # --- what the folder holds -----------------------------------------------------------------
    @property
    def folder(self) -> Path | None:
        return self.data.folder

    @property
    def results(self) -> pd.DataFrame:
        """The tidy results: scenario, replicate, seed, date, metric, group, value."""
        return self.data.results

    @property
    def scenarios(self) -> list[str]:
        return self.data.scenarios

    @property
    def reference(self) -> str:
        """The scenario the others are compared with by default."""
        return self.data.reference

    @property
    def replicates(self) -> int:
        return int(self.results["replicate"].nunique())

    @property
    def descriptions(self) -> dict[str, str]:
        """What each scenario changes (which firms, which state, from when)."""
        return dict(self.data.meta.get("scenario_descriptions") or {})

    @property
    def runs(self) -> pd.DataFrame:
        """One line per run (``runs.csv``): seed, parameter draw and hash, status, and the
        swept levers and parameters that differ between runs."""
        path = (self.folder or Path(".")) / RUNS_FILE
        if self.folder is None or not path.is_file():
            raise ResultsError(
                f"{path}: no runs table (an experiment's folder has one; a run's has not)"
            )
        return pd.read_csv(path, dtype={"scenario": str})

    def with_parameters(self) -> pd.DataFrame:
        """The tidy results with the runs table's columns: the one-line join
        ``results.merge(runs, on=["scenario", "replicate", "seed"])``."""
        return self.results.merge(self.runs, on=JOIN_KEYS)

    # --- tables --------------------------------------------------------------------------------
    def summary(
        self,
        indicators: str | Sequence[str | Indicator] | None = None,
        months: str | Sequence[str] | None = None,
        reference: str | None = None,
    ) -> pd.DataFrame:
        """The summary table (:func:`aiadopt.experiments.summary.summarise`): each scenario's
        mean and 95% interval, and its paired difference to ``reference``, for each indicator
        (names, ``METRIC@GROUP``, comma-separated or a list; default share at scale and
        realised productivity) and month (``YYYY-MM``; default 2027-12 and the last)."""
        chosen = _indicators(indicators)
        wanted = None if months is None else summaries.parse_months(months)
        return summaries.summarise(
            self.results, reference=reference, months=wanted, indicators=chosen
        )

    def format_summary(self, **options: Any) -> str:
        """:meth:`summary` as the text ``aiadopt experiment`` prints (same options)."""
        chosen = _indicators(options.get("indicators")) or summaries.INDICATORS
        return summaries.format_summary(self.summary(**options), chosen)

    def compare(
        self,
        scenario: str,
        versus: str | None = None,
        indicators: str | Sequence[str | Indicator] | None = None,
        months: str | Sequence[str] | None = None,
    ) -> pd.DataFrame:
        """The paired effect of ``scenario`` against ``versus`` (default the reference): for
        each indicator and month, the mean of each, the mean paired difference ``scenario -
        versus`` over the replicates both have (replicate k of both shares its seed and
        parameters: common random numbers) with its 95% interval, and the unpaired (Welch)
        interval for comparison."""
        versus = self.reference if versus is None else versus
        for name in (scenario, versus):
            if name not in self.scenarios:
                raise ValueError(
                    f"unknown scenario {name!r}; the folder has {', '.join(self.scenarios)}"
                )
        if scenario == versus:
            raise ValueError(f"compare {scenario!r} with another scenario, not with itself")
        both = self.results[self.results["scenario"].astype(str).isin([scenario, versus])]
        table = Results(_with_results(self.data, both)).summary(indicators, months, versus)
        base = table[table["scenario"] == versus].set_index(["indicator", "month"])["mean"]
        rows = table[table["scenario"] == scenario].copy()
        rows["versus"] = versus
        rows["versus_mean"] = [base[(i, m)] for i, m in zip(rows["indicator"], rows["month"],
                                                            strict=True)]  # fmt: skip
        return rows[list(COMPARE_COLUMNS)].reset_index(drop=True)

    # --- figures -------------------------------------------------------------------------------
    def plot(
        self,
        *names: str,
        out: str | os.PathLike[str] | None = None,
        formats: Sequence[str] = ("png",),
    ) -> dict[str, Any]:
        """Draw the folder's figures (those ``names``, of :data:`aiadopt.views.figures.
        FIGURES`; default every one the results have the tables for) and return them by name
        (matplotlib figures, shown by a notebook); with ``out``, also save each there in
        ``formats``.  Figures each scenario's description labels (what it changes)."""
        unknown = [n for n in names if n not in FIGURES]
        if unknown:
            raise ValueError(f"unknown figure {unknown[0]!r}; figures: {', '.join(FIGURES)}")
        figures, skipped = draw_figures(self.data)
        missing = {n: skipped[n] for n in names if n in skipped}
        if missing:
            name, why = next(iter(missing.items()))
            raise ValueError(f"figure {name}: {why}")
        chosen = {n: f for n, f in figures.items() if not names or n in names}
        if out is not None:
            for name, fig in chosen.items():
                save_figure(fig, Path(out) / name, formats=formats)
        return chosen


def _indicators(spec: str | Sequence[str | Indicator] | None) -> tuple[Indicator, ...] | None:
    if spec is None:
        return None
    items = [spec] if isinstance(spec, str) else list(spec)
    found: list[Indicator] = []
    for item in items:
        found += [item] if isinstance(item, Indicator) else summaries.parse_indicators(item)
    return tuple(dict.fromkeys(found))


def _with_results(data: FolderData, results: pd.DataFrame) -> FolderData:
    """``data`` with other results (and no stored summary)."""
    return FolderData(data.folder, data.kind, results, None, data.meta, data.params)
