"""The shared look: label spreading, figures' titles and footers."""

from __future__ import annotations

import itertools

import numpy as np

from aiadopt.views.style import footer_text, spread_labels


def test_label_spreading_keeps_order_and_gap() -> None:
    placed = spread_labels([63.0, 77.0, 66.0, 65.0], 3.0)
    order = np.argsort([63.0, 77.0, 66.0, 65.0])
    assert list(np.argsort(placed)) == list(order)
    ys = sorted(placed)
    assert min(b - a for a, b in itertools.pairwise(ys)) >= 3.0 - 1e-9


def test_footer_names_version_seed_and_parameters() -> None:
    text = footer_text({"version": "1.2", "seed": 7, "param_hash": "abc123", "firms": 500})
    for part in ("aiadopt 1.2", "seed 7", "parameters abc123", "500 firms", "231 decision-makers"):
        assert part in text
