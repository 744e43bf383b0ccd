"""The sensitivity figure: one sorted bar plot per output, through the analysis's hook."""

from __future__ import annotations

import pandas as pd

from aiadopt.views.sensitivity import plot_indices, sensitivity_figures

META = {
    "method": "morris",
    "main": "mu_star",
    "second": "sigma",
    "vectors": "30",
    "output": "scaled_end",
    "label": "Share of firms at scale",
    "unit": "% of firms",
}


def _rows() -> pd.DataFrame:
    values = {"bass_p": (0.5, 0.2), "bass_q": (2.0, 1.0), "scale_hazard": (1.0, 0.4)}
    return pd.DataFrame(
        [
            {"output": "scaled_end", "parameter": p, "index": index, "value": v, "conf": 0.1}
            for p, pair in values.items()
            for index, v in zip(("mu_star", "sigma"), pair, strict=True)
        ]
    )


def test_bars_are_sorted_by_the_main_index() -> None:
    fig = plot_indices(_rows(), META)
    (ax,) = fig.axes
    assert [t.get_text() for t in ax.get_yticklabels()] == ["bass_p", "scale_hazard", "bass_q"]
    assert "% of firms" in ax.get_xlabel()
    assert "30 vectors" in ax.get_title(loc="left")


def test_the_hook_gives_png_and_svg_named_by_output() -> None:
    files = sensitivity_figures(_rows(), META)
    assert set(files) == {"scaled_end.png", "scaled_end.svg"}
    assert files["scaled_end.png"].startswith(b"\x89PNG")
    assert b"<svg" in files["scaled_end.svg"]
