"""The calibration fit as a figure, and the hook that draws it for the calibration's report."""

from __future__ import annotations

import numpy as np
import pytest
from matplotlib.figure import Figure

from aiadopt.views.figures import fit_figures
from aiadopt.views.fit import plot_fit
from aiadopt.views.style import PALETTE, axes_of, labels_of


def test_plot_fit_has_one_row_per_target(fit_table):
    table = fit_table
    fig = plot_fit(table)
    assert isinstance(fig, Figure)
    panels = labels_of(fig)
    kinds = np.where(
        table["kind"] == "ordering",
        "ordering",
        np.where(table["scale"] == "percent", "gain", "share"),
    )
    expected = table.assign(panel=kinds).groupby(["section", "panel"]).size()
    assert len(panels) == len(expected) == 4  # calibration: shares, orderings, gains; validation
    assert sorted(len(labels) for labels in panels) == sorted(expected)
    flat = [label for labels in panels for label in labels]
    assert sorted(flat) == sorted(table["label"])
    # the misses are highlighted: their tick labels are drawn in the miss colour
    red = [
        t.get_text()
        for ax in axes_of(fig)
        for t in ax.get_yticklabels()
        if t.get_color() == PALETTE["miss_text"]
    ]
    assert sorted(red) == sorted(table.loc[table["status"] == "outside", "label"])


def test_plot_fit_rejects_an_empty_table(fit_table):
    with pytest.raises(ValueError):
        plot_fit(fit_table.iloc[0:0])


def test_the_fit_hook_gives_png_and_svg_with_the_subtitle(fit_table):
    meta = {"version": "9.9", "param_hash": "0123456789ab", "subtitle": "Model: a test fit."}
    files = fit_figures(fit_table, meta)
    assert set(files) == {"fit_report.png", "fit_report.svg"}
    assert files["fit_report.png"].startswith(b"\x89PNG")
    assert b"0123456789ab" in files["fit_report.png"]
    assert "Model: a test fit." in files["fit_report.svg"].decode("utf-8")
