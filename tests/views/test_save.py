"""Saving figures: PNG and SVG written atomically, provenance in the PNG text chunks; the
figure a run writes through its hook."""

from __future__ import annotations

from pathlib import Path

from aiadopt.views.figures import RUN_FIGURE, run_figures
from aiadopt.views.save import save_figure
from aiadopt.views.trajectories import plot_share_at_scale


def test_save_figure_writes_png_and_svg_atomically(tmp_path: Path, run_tidy) -> None:
    fig = plot_share_at_scale(run_tidy, meta={"param_hash": "abc123", "seed": 3})
    paths = save_figure(fig, tmp_path / "sub" / "scale", metadata={"param_hash": "abc123"})
    assert set(paths) == {"png", "svg"}
    png = paths["png"].read_bytes()
    assert png.startswith(b"\x89PNG\r\n\x1a\n")
    assert b"aiadopt.param_hash" in png and b"abc123" in png
    svg = paths["svg"].read_text(encoding="utf-8")
    assert "<svg" in svg and "Share of firms at scale" in svg  # text kept as text
    assert sorted(p.name for p in (tmp_path / "sub").iterdir()) == ["scale.png", "scale.svg"]


def test_the_run_figure_hook_gives_a_png_with_its_provenance(run_tidy) -> None:
    meta = {"version": "9.9", "param_hash": "0123456789ab", "seed": "7", "firms": "500",
            "notes": "[]"}  # fmt: skip
    files = run_figures(run_tidy, meta)
    assert list(files) == [RUN_FIGURE]
    png = files[RUN_FIGURE]
    assert png.startswith(b"\x89PNG\r\n\x1a\n")
    width, height = int.from_bytes(png[16:20], "big"), int.from_bytes(png[20:24], "big")
    assert (width, height) == (1500, 840)  # 10 x 5.6 in at dpi 150
    assert b"aiadopt.param_hash" in png and b"0123456789ab" in png
    assert b"aiadopt.notes" not in png
