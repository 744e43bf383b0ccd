"""A scenario discovery's and a lever portfolio's folder read back, drawn and reported as
computed (issue 14, points 4-5: their figures in ``aiadopt plot`` and ``aiadopt report``), and
the kinds of folder told apart, an unknown one refused in one line."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from matplotlib.patches import Rectangle

from aiadopt.experiments.discovery import BOX_FILE, SIGNIFICANCE, TRAJECTORY_FILE
from aiadopt.views.discovery import (
    PORTFOLIO_FILE,
    discovery_tables,
    front_cells,
    front_figure,
    read_discovery,
    read_portfolio,
    scatter_figure,
    tradeoff_figure,
)
from aiadopt.views.figures import plot_results, read_folder
from aiadopt.views.folder import FOLDER_KINDS, ResultsError, folder_kind, load_results_folder
from aiadopt.views.report import write_report
from aiadopt.views.search_report import build_search_html
from aiadopt.views.style import axes_of


def _copy(folder: Path, tmp_path: Path) -> Path:
    out = tmp_path / folder.name
    shutil.copytree(folder, out)
    return out


# --- a discovery ---------------------------------------------------------------------------------


def test_a_discovery_folder_reads_back_as_computed(discovery) -> None:
    tables = read_discovery(discovery.out)
    assert (tables.outcome, tables.month, tables.start) == ("share_scaled", "2026-06", "2025-06")
    assert (tables.threshold, tables.min_coverage) == (discovery.threshold, 0.5)
    assert tables.chosen == discovery.chosen and tables.runs == 120 and tables.firms == 100
    pd.testing.assert_frame_equal(tables.box, discovery.box, check_dtype=False)
    pd.testing.assert_frame_equal(tables.trajectory, discovery.trajectory, check_dtype=False)
    pd.testing.assert_frame_equal(tables.scores, discovery.scores, check_dtype=False)
    assert tables.question == discovery_tables(discovery).question
    assert tables.question == "When is the share of firms at scale at 2026-06 above 45%?"
    limits = discovery.box_limits[discovery.chosen]
    for name in discovery.inputs:  # restricted or not, the box's limits on every input
        assert tables.limits(name) == pytest.approx((limits.at[0, name], limits.at[1, name]))


def _without_question(folder: Path) -> dict:
    """Drop the question from a discovery folder's manifest (as written before it held it);
    returns the question."""
    manifest = json.loads((folder / "manifest.json").read_text())
    question = manifest.pop("question")
    (folder / "manifest.json").write_text(json.dumps(manifest))
    return question


def test_the_manifest_records_the_question_the_views_read(discovery, tmp_path: Path) -> None:
    folder = _copy(discovery.out, tmp_path)
    manifest = json.loads((folder / "manifest.json").read_text())
    assert manifest["question"] == discovery.question_record()
    assert manifest["replicates"] == 120  # the runs' keys kept
    manifest["question"] |= {"threshold": 0.4512345678, "min_coverage": 0.3}
    (folder / "manifest.json").write_text(json.dumps(manifest))
    tables = read_discovery(folder)  # read, not parsed from the rounded question column
    assert (tables.threshold, tables.min_coverage) == (0.4512345678, 0.3)
    manifest["question"]["outcome"] = "share_sold"
    (folder / "manifest.json").write_text(json.dumps(manifest))
    with pytest.raises(ResultsError, match=r"manifest.json: question.outcome: 'share_sold'"):
        read_discovery(folder)


def test_a_folder_written_before_the_manifest_held_the_question_still_reads(
    discovery, tmp_path: Path
) -> None:
    folder = _copy(discovery.out, tmp_path)
    _without_question(folder)
    tables = read_discovery(folder)  # from the box's question column
    assert (tables.outcome, tables.threshold) == ("share_scaled", discovery.threshold)
    assert tables.min_coverage is None


def test_the_question_is_read_from_the_runs_when_the_box_restricts_nothing(
    discovery, tmp_path: Path
) -> None:
    folder = _copy(discovery.out, tmp_path)
    _without_question(folder)
    pd.read_csv(folder / BOX_FILE).iloc[:0].to_csv(folder / BOX_FILE, index=False)
    tables = read_discovery(folder)
    assert tables.outcome == "share_scaled" and tables.box.empty
    above = tables.outcomes["share_scaled"] > tables.threshold
    assert (above == tables.outcomes["above"]).all()


def test_the_figures_from_the_folder_are_those_of_the_result(discovery) -> None:
    tables = read_discovery(discovery.out)
    (ax,) = [a for a in axes_of(scatter_figure(tables)) if a.patches]
    (box,) = [p for p in ax.patches if isinstance(p, Rectangle)]
    x, y = ax.get_xlabel(), ax.get_ylabel()
    limits = discovery.box_limits[discovery.chosen]
    assert {x, y} <= set(discovery.box["input"])  # the two top-scored restricted inputs
    assert box.get_x() == pytest.approx(limits.at[0, x])
    assert box.get_x() + box.get_width() == pytest.approx(limits.at[1, x])
    assert box.get_y() == pytest.approx(limits.at[0, y])
    assert box.get_y() + box.get_height() == pytest.approx(limits.at[1, y])
    drawn = [np.asarray(c.get_offsets()) for a in axes_of(tradeoff_figure(tables))
             for c in a.collections if len(c.get_offsets()) > 1]  # fmt: skip
    expected = discovery.trajectory[["coverage", "density"]].to_numpy()
    assert any(d.shape == expected.shape and np.allclose(d, expected) for d in drawn)


def test_the_discovery_report_gives_the_box_with_its_coverage_and_density(discovery) -> None:
    tables = read_discovery(discovery.out)
    page, figures = build_search_html(tables)
    assert set(figures) == {"prim_tradeoff", "prim_box", "prim_scatter", "feature_scores"}
    assert page.count('src="data:image/png;base64,') == 4 and "http" not in page.split("<main")[0]
    stats = discovery.trajectory.iloc[discovery.chosen]
    text = re.sub(r"<[^>]+>", "", page)
    assert f"coverage {stats['coverage']:.0%}" in text and f"density {stats['density']:.0%}" in text
    n_above = int(discovery.outcomes["above"].sum())
    assert f"{n_above} of 120 runs" in text
    for r in discovery.box.itertuples():
        assert f"{r.input} {r.low:.3g} to {r.high:.3g}" in text
    assert discovery.scores["input"].iloc[0] in text.split("matter most")[1][:200]
    drawn = bool((discovery.outcomes["param_draw"] >= 0).any())  # the fixture: no draws
    assert ("one posterior draw per run" in text) == drawn
    assert ("at fixed parameters" in text) != drawn


PLANTED = {"training.share", "tripartite_strategy.share"}
"""The inputs of the box planted in the ``discovery`` fixture."""


def test_the_summary_and_report_say_which_restrictions_may_be_noise(discovery) -> None:
    """The planted inputs' restrictions are significant; another input the box restricts
    (the fixture's PRIM also nibbles a lever that plays no part) is flagged as noise."""
    box = read_discovery(discovery.out).box.set_index("input")
    assert set(box.index) >= PLANTED and set(box.index) - PLANTED  # a noise input restricted
    assert (box.loc[list(PLANTED), "qp"] < SIGNIFICANCE).all()
    noise = sorted(set(box.index) - PLANTED)
    assert (box.loc[noise, "qp"] >= SIGNIFICANCE).all()
    page, _ = build_search_html(read_discovery(discovery.out))
    text = re.sub(r"<[^>]+>", "", page)
    found = text.split("Significance")[1].split("may be noise rather than a finding:")
    assert all(name in found[0] for name in PLANTED) and not any(n in found[0] for n in noise)
    assert found[1].split(".share.")[0].strip() + ".share" == ", ".join(noise)
    summary = discovery.format_report()
    assert summary.count("(significant)") >= len(PLANTED)
    assert summary.split("may be noise, not a finding): ")[1].split("\n")[0] == ", ".join(noise)


def test_a_discovery_folder_without_quasi_p_values_reads_and_says_so(
    discovery, tmp_path: Path
) -> None:
    folder = _copy(discovery.out, tmp_path)
    box = pd.read_csv(folder / BOX_FILE)
    box.drop(columns=["qp_low", "qp_high", "qp"]).to_csv(folder / BOX_FILE, index=False)
    tables = read_discovery(folder)
    assert tables.box["qp"].isna().all() and len(tables.box) == len(box)
    page, _ = build_search_html(tables)
    assert "does not record the restrictions' quasi-p-values" in page


# --- a portfolio ---------------------------------------------------------------------------------


def test_a_portfolio_folder_reads_back_and_is_drawn_as_computed(portfolio) -> None:
    folder = portfolio.paths["figure"].parent
    tables = read_portfolio(folder)
    pd.testing.assert_frame_equal(tables.front, portfolio.front, check_dtype=False)
    assert tables.levers == ["tripartite_strategy", "training", "cost_support"]
    q = json.loads((folder / PORTFOLIO_FILE).read_text())
    assert (q["outcome"], q["quantile"], q["draws"], q["firms"]) == ("share_scaled", 0.1, 4, 200)
    assert q["levers"]["cost_support"] == {"cost": 0.5, "reduction": 0.3}
    assert q["levers"]["training"] == {"cost": 2.0}  # no reduction: it reduces no obstacle
    ax = axes_of(front_figure(tables))[0]
    (line,) = [ln for ln in ax.get_lines() if len(ln.get_xdata()) == len(portfolio.front)]
    assert np.allclose(line.get_xdata(), portfolio.front["effort"])
    assert np.allclose(line.get_ydata(), portfolio.front["robust"])
    assert ax.get_ylabel() == "10% quantile of the share of firms at scale"
    numbers = {t.get_text(): t.xy for t in ax.texts}  # each point numbered by effort
    front = portfolio.front.sort_values("effort").reset_index(drop=True)
    assert set(numbers) == {str(i) for i in range(1, len(front) + 1)}
    last = numbers[str(len(front))]
    assert last == pytest.approx((front["effort"].iloc[-1], front["robust"].iloc[-1]))
    cells, columns = front_cells(tables, front)  # the mixes in the table beside the plot
    (drawn,) = [t for a in axes_of(front_figure(tables)) for t in a.tables]
    text = {(r, c): cell.get_text().get_text() for (r, c), cell in drawn.get_celld().items()}
    assert [text[0, c] for c in range(len(columns))] == columns
    assert cells[0][1:4] == ["", "", ""]  # no lever at no effort
    assert [text[len(front), c] for c in range(1, 4)] == ["100%", "100%", "100%"]


def test_the_portfolio_report_holds_the_front(portfolio) -> None:
    tables = read_portfolio(portfolio.paths["figure"].parent)
    page, figures = build_search_html(tables)
    assert figures == ["front"]
    text = re.sub(r"<[^>]+>", " ", page)
    front = portfolio.front
    assert page.count("<tr>") >= len(front)
    best = front.iloc[-1]
    assert f"{100 * best['robust']:.1f}%" in text
    assert f"{len(front)} mixes on the front" in text and "27 evaluated" in text


def test_a_portfolio_without_its_question_is_drawn_as_a_robust_outcome(
    portfolio, tmp_path: Path
) -> None:
    folder = _copy(portfolio.paths["figure"].parent, tmp_path)
    (folder / PORTFOLIO_FILE).unlink()
    tables = read_portfolio(folder)
    assert tables.question == {} and tables.outcome_label == "robust outcome"
    assert axes_of(front_figure(tables))[0].get_ylabel() == "robust outcome"
    page, _ = build_search_html(tables)
    assert f"{PORTFOLIO_FILE} is missing" in page


# --- the kinds of folder -------------------------------------------------------------------------


def test_every_kind_of_folder_is_told_apart_by_its_files(
    discovery, portfolio, run_dir: Path, experiment_dir: Path, tmp_path: Path
) -> None:
    kinds = {discovery.out: "discovery", portfolio.paths["figure"].parent: "portfolio",
             run_dir: "run", experiment_dir: "experiment"}  # fmt: skip
    for folder, kind in kinds.items():
        assert folder_kind(folder) == kind
    assert type(read_folder(discovery.out)).__name__ == "DiscoveryTables"
    out = plot_results(discovery.out, tmp_path / "p", formats=("png",))
    assert sorted(p.name for p in (tmp_path / "p").iterdir()) == sorted(
        f"{n}.png" for n in ("prim_tradeoff", "prim_box", "feature_scores", "prim_scatter")
    )
    assert out.kind == "discovery" and not out.skipped
    report = write_report(portfolio.paths["figure"].parent, tmp_path / "r")
    assert report.figures == ["front"] and report.path.stat().st_size > 20_000
    with pytest.raises(ResultsError, match="scenario discovery's folder, not a run's or an "
                       "experiment's: 'aiadopt plot"):  # fmt: skip
        load_results_folder(discovery.out)


@pytest.mark.parametrize(
    ("files", "message"),
    [
        ({}, "is not a results folder: expected an experiment's"),
        ({"manifest.json": '{"kind": "calibration"}'}, "names an unknown kind of folder, "
         "'calibration'"),
        ({"manifest.json": '{"kind": "sensitivity"}'}, "sensitivity analysis's folder"),
    ],
)
def test_an_unknown_kind_of_folder_is_refused_in_one_line_naming_the_kinds(
    tmp_path: Path, files: dict[str, str], message: str
) -> None:
    folder = tmp_path / "what"
    folder.mkdir()
    for name, text in files.items():
        (folder / name).write_text(text)
    with pytest.raises(ResultsError) as caught:
        folder_kind(folder)
    text = str(caught.value)
    assert message in text and str(folder) in text and "\n" not in text
    assert all(k in text for k in ("a run's", "an experiment's", "a scenario discovery's",
                                   "a lever portfolio's"))  # fmt: skip
    assert len(FOLDER_KINDS) == 4


def test_a_discovery_folder_without_its_analysis_names_the_missing_file(
    discovery, tmp_path: Path
) -> None:
    folder = _copy(discovery.out, tmp_path)
    (folder / TRAJECTORY_FILE).unlink()
    with pytest.raises(ResultsError, match=rf"{TRAJECTORY_FILE}: missing"):
        read_folder(folder)
