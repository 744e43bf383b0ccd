"""The sensitivity figure: one sorted bar plot per output, through the analysis's hook."""

from __future__ import annotations

import pandas as pd

from aiadopt.views.sensitivity import parameter_label, plot_indices, sensitivity_figures
from aiadopt.views.style import axes_of, figure_title

META = {
    "method": "morris",
    "main": "mu_star",
    "second": "sigma",
    "vectors": "30",
    "output": "scaled_end",
    "label": "Share of firms at scale",
    "unit": "% of firms",
    "version": "9.9",
    "root_seed": "42",
    "replicates": "2",
    "firms": "300",
    "param_hash": "abc123",
}


def _rows() -> pd.DataFrame:
    values = {"bass_p": (0.5, 0.2), "bass_q": (2.0, 1.0), "collaboration_effect[3]": (1.0, 0.4)}
    return pd.DataFrame(
        [
            {"output": "scaled_end", "parameter": p, "index": index, "value": v, "conf": 0.1}
            for p, pair in values.items()
            for index, v in zip(("mu_star", "sigma"), pair, strict=True)
        ]
    )


def test_bars_are_sorted_by_the_main_index_with_readable_names() -> None:
    fig = plot_indices(_rows(), META)
    assert figure_title(fig) == "Sensitivity of: Share of firms at scale"
    bars, plane = [ax for ax in axes_of(fig) if ax.axison]
    labels = [t.get_text() for t in bars.get_yticklabels()]
    assert labels == ["bass p", "collaboration effect: none", "bass q"]
    assert "% of firms" in bars.get_xlabel()
    # the Morris mu*-sigma plane: one dot per parameter at (mu*, sigma)
    (dots,) = plane.collections
    assert sorted(map(tuple, dots.get_offsets().tolist())) == [(0.5, 0.2), (1.0, 0.4), (2.0, 1.0)]
    assert "mu*" in plane.get_xlabel() and "sigma" in plane.get_ylabel()
    # the provenance footer, like every other figure
    footer = [t.get_text() for sub in fig.subfigs for t in sub.texts][-1]
    assert "aiadopt 9.9" in footer and "root seed 42" in footer and "abc123" in footer
    assert "30 parameter vectors x 2 seeds" in footer


def test_sobol_has_no_plane() -> None:
    rows = _rows().replace({"index": {"mu_star": "ST", "sigma": "S1"}})
    fig = plot_indices(rows, {**META, "method": "sobol", "main": "ST", "second": "S1"})
    assert len([ax for ax in axes_of(fig) if ax.axison]) == 1


def test_parameter_labels_come_from_the_metadata() -> None:
    assert parameter_label("bass_q") == "bass q"
    assert parameter_label("collaboration_effect[3]") == "collaboration effect: none"
    assert parameter_label("strategy_effect[3]") == "strategy effect: tripartite"
    assert parameter_label("engage_size_effect[0]") == "engage size effect: 100-249 employees"
    assert parameter_label("agentic_hazard[1]") == "agentic hazard: Business"
    assert parameter_label("bass_q[0]") == "bass q [0]"  # no category known: the index


def test_the_hook_gives_png_and_svg_named_by_output() -> None:
    files = sensitivity_figures(_rows(), META)
    assert set(files) == {"scaled_end.png", "scaled_end.svg"}
    assert files["scaled_end.png"].startswith(b"\x89PNG")
    assert b"<svg" in files["scaled_end.svg"]
