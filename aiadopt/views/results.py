"""A results folder for research in Python: ``aiadopt.Results.open(folder)``.

::

    import aiadopt
    res = aiadopt.Results.open("exp/")          # an 'aiadopt experiment' (or 'run') folder
    res.summary(indicators="share_in_place,revenue_realised", months="2026-12,2030-12")
    res.compare("strategy", "training")           # paired effect, P(strategy beats training)
    res.beats(month="2030-12")                    # P(row beats column), every pair
    res.paired_differences()                      # the replicates' own effects (one per row)
    res.plot("effects", out="slides/")            # figures (all, or those named), saved if out
    res.plot("dose_response", months="2026-12,2030-12")   # a sweep's curves at these months
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

__all__ = ["Results", "compare_table", "figure_kind", "format_compare"]

RUNS_FILE = "runs.csv"
JOIN_KEYS = ["scenario", "replicate", "seed"]
"""The columns that name a run in the results and in ``runs.csv``."""

COMPARE_COLUMNS = ("indicator", "month", "scenario", "versus", "n_pairs", "mean", "versus_mean",
                   "diff", "diff_ci_low", "diff_ci_high", "effect_ppi_05", "effect_ppi_95",
                   "p_scenario_beats_versus", "unpaired_ci_low",
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
        parameters: common random numbers) with its 95% interval, the 5-95% quantiles of the
        replicates' own differences (``effect_ppi_05/95``: where the difference of one possible
        world lies), ``p_scenario_beats_versus``: the probability that ``scenario`` beats
        ``versus`` (the share of the paired replicates in which its value is the higher; ties
        do not count), and the unpaired (Welch) interval for comparison."""
        versus = self.reference if versus is None else versus
        for name in (scenario, versus):
            if name not in self.scenarios:
                raise ValueError(
                    f"unknown scenario {name!r}; the folder has {', '.join(self.scenarios)}"
                )
        if scenario == versus:
            raise ValueError(f"compare {scenario!r} with another scenario, not with itself")
        return compare_table(self.results, scenario, versus, _indicators(indicators), months)

    def beats(
        self,
        indicator: str | Indicator | None = None,
        month: str | None = None,
        scenarios: Sequence[str] | None = None,
    ) -> pd.DataFrame:
        """The probability that each scenario (row) beats each other (column) on ``indicator``
        (default share at scale) at ``month`` (default the last):
        :func:`aiadopt.experiments.summary.beats_matrix`, paired on the replicate."""
        return summaries.beats_matrix(self.results, indicator, month, scenarios)

    def paired_differences(
        self,
        indicator: str | Indicator | None = None,
        months: str | Sequence[str] | None = None,
        reference: str | None = None,
    ) -> pd.DataFrame:
        """The replicates' own effects, one row per scenario, month and replicate:
        :func:`aiadopt.experiments.summary.paired_differences`."""
        return summaries.paired_differences(self.results, indicator, months, reference)

    # --- figures -------------------------------------------------------------------------------
    def plot(
        self,
        *names: str,
        out: str | os.PathLike[str] | None = None,
        formats: Sequence[str] = ("png",),
        months: str | Sequence[str] | None = None,
    ) -> dict[str, Any]:
        """Draw the folder's figures and return them by name (matplotlib figures, shown by a
        notebook); with ``out``, also save each there in ``formats``.

        By default every figure the folder has the tables for (:data:`aiadopt.views.figures.
        FIGURES`, :func:`~aiadopt.views.figures.draw_figures`): the time series; for an
        experiment the paired effects and their distribution over the replicates; for each
        one-lever sweep its dose-response and for each two-lever sweep its heatmap (the
        first sweep of a kind under the plain name, ``dose_response``, the others with the
        sweep's name appended, ``dose_response_<sweep>``); the calibration fit when the
        folder holds its table.  ``names`` choose among them: a name of :data:`FIGURES`
        selects that figure and, for a sweep figure, the same figure of every sweep.
        ``months`` (``YYYY-MM``, comma-separated or a list): the months of the dose-response
        curves, the last of them the month of the heatmap and of the effect distribution.
        Figures label each scenario with its description (what it changes).

        Raises:
            ValueError: an unknown figure name, a figure the folder lacks the tables for
                (with why), or a month not in the results (ResultsError).
        """
        unknown = [n for n in names if n not in FIGURES]
        if unknown:
            raise ValueError(f"unknown figure {unknown[0]!r}; figures: {', '.join(FIGURES)}")
        figures, skipped = draw_figures(self.data, months)
        missing = {n: skipped[n] for n in names if n in skipped}
        if missing:
            name, why = next(iter(missing.items()))
            raise ValueError(f"figure {name}: {why}")
        chosen = {n: f for n, f in figures.items() if not names or figure_kind(n) in names}
        if out is not None:
            for name, fig in chosen.items():
                save_figure(fig, Path(out) / name, formats=formats)
        return chosen


def figure_kind(name: str) -> str:
    """The figure of :data:`FIGURES` that ``name`` draws: itself, or for a sweep's figure
    named after its sweep (``dose_response_<sweep>``), the sweep figure's name."""
    if name in FIGURES:
        return name
    return next((k for k in ("dose_response", "dose_heatmap") if name.startswith(f"{k}_")), name)


def compare_table(
    results: pd.DataFrame,
    scenario: str,
    versus: str,
    indicators: Sequence[Indicator] | None = None,
    months: str | Sequence[str] | None = None,
) -> pd.DataFrame:
    """The paired comparison of ``scenario`` with ``versus`` (see :meth:`Results.compare`)
    from tidy results."""
    both = results[results["scenario"].astype(str).isin([scenario, versus])]
    wanted = None if months is None else summaries.parse_months(months)
    table = summaries.summarise(both, reference=versus, months=wanted, indicators=indicators)
    base = table[table["scenario"] == versus].set_index(["indicator", "month"])["mean"]
    rows = table[table["scenario"] == scenario].copy()
    rows["versus"] = versus
    rows["versus_mean"] = [base[(i, m)] for i, m in zip(rows["indicator"], rows["month"],
                                                        strict=True)]  # fmt: skip
    rows["p_scenario_beats_versus"] = rows["p_effect_positive"]
    return rows[list(COMPARE_COLUMNS)].reset_index(drop=True)


def format_compare(
    results: pd.DataFrame,
    scenario: str,
    versus: str,
    indicators: Sequence[Indicator] | None = None,
    months: str | Sequence[str] | None = None,
) -> str:
    """:func:`compare_table` as text: one line per indicator and month."""
    table = compare_table(results, scenario, versus, indicators, months)
    units = {i.name: i for i in (indicators or summaries.INDICATORS)}
    head = (f"{scenario} against {versus}, paired on the replicate (same posterior draw and "
            f"seed); difference {scenario} - {versus} in points")  # fmt: skip
    rows = [("indicator", "month", "n", "difference", "95% CI", "predictive 5-95%",
             f"P({scenario} beats {versus})")]  # fmt: skip
    for r in table.itertuples(index=False):
        share = units.get(r.indicator, summaries.INDICATORS[0]).unit == "share"
        f, n = (100.0, 2) if share else (1.0, 3)  # points of share; gains are small already
        rows.append((str(r.indicator), str(r.month), str(r.n_pairs), f"{f * r.diff:+.{n}f}",
                     f"[{f * r.diff_ci_low:+.{n}f}, {f * r.diff_ci_high:+.{n}f}]",
                     f"[{f * r.effect_ppi_05:+.{n}f}, {f * r.effect_ppi_95:+.{n}f}]",
                     f"{100 * r.p_scenario_beats_versus:.0f}%"))  # fmt: skip
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    lines = [head]
    for j, row in enumerate(rows):
        cells = zip(row, widths, strict=True)
        lines.append("  ".join(c.ljust(w) if i < 2 else c.rjust(w) for i, (c, w) in
                               enumerate(cells)))  # fmt: skip
        if j == 0:
            lines.append("  ".join("-" * w for w in widths))
    return "\n".join(lines)


def _indicators(spec: str | Sequence[str | Indicator] | None) -> tuple[Indicator, ...] | None:
    if spec is None:
        return None
    items = [spec] if isinstance(spec, str) else list(spec)
    found: list[Indicator] = []
    for item in items:
        found += [item] if isinstance(item, Indicator) else summaries.parse_indicators(item)
    return tuple(dict.fromkeys(found))
