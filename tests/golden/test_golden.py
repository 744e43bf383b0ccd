"""The golden regression baseline: fixed-seed runs still report what the baseline recorded.

The runs use the parameters recorded in ``baseline.json`` (the shipped fit when the baseline
was made), so a failure here means the model moved, not the fit; a refit shows in
``test_the_shipped_fit_is_the_golden_one``.  Each moved value is named with its metric,
group, month, seed, case, old and new value and difference.  To accept a change on purpose:
``python -m tests.golden.update`` (see README.md in this folder).
"""

from __future__ import annotations

import pytest

from aiadopt.model import Params

from . import summary


@pytest.fixture(scope="module")
def golden() -> tuple[summary.Summary, dict]:
    return summary.read()


@pytest.fixture(scope="module")
def fresh(golden: tuple[summary.Summary, dict]) -> summary.Summary:
    _, info = golden
    assert info["seeds"] == list(summary.SEEDS) and info["months"] == list(summary.MONTHS), (
        "the golden was made with other seeds or months than summary.py's: run "
        f"`{summary.UPDATE_COMMAND}`"
    )
    assert info["n_firms"] == summary.N_FIRMS
    return summary.run(Params.from_dict(info["params"]))


def test_reported_values_match_the_golden(golden, fresh) -> None:
    old, _ = golden
    moved = summary.compare_values(old.values, fresh.values)
    assert not moved, summary.report(moved, "reported value(s)")


def test_final_state_matches_the_golden(golden, fresh) -> None:
    old, info = golden
    moved = summary.compare_state(old.state, fresh.state, exact_floats=summary.same_platform(info))
    assert not moved, summary.report(moved, "state array(s)")


def test_the_shipped_fit_is_the_golden_one(golden) -> None:
    _, info = golden
    params, source = summary.shipped_fit()
    changed = summary.compare_params(info["params"], params.to_dict())
    assert not changed, summary.report(changed, f"parameter(s) of the {source}")


def test_the_golden_covers_every_case_seed_month_and_the_headline() -> None:
    """The committed files hold what summary.py says they hold (so a partial file fails)."""
    old, info = summary.read()
    assert info["params_source"].startswith(("shipped fit", "hand-set values", "posterior median"))
    combos = {(case, seed, month) for case, seed, month, _, _ in old.values}
    assert combos == {
        (case, seed, month)
        for case in summary.CASES
        for seed in summary.SEEDS
        for month in summary.MONTHS
    }
    for case in summary.CASES:
        engaged = old.values[(case, 1, "2025-03", "engaged_share", "all")]
        assert 0.0 < engaged < 1.0
        assert f"{case}|1|stage" in old.state
    assert all("sha256" in entry for entry in old.state.values())  # floats' too


def test_comparison_names_what_moved() -> None:
    """The checker itself: a moved, a lost and a new value, and a changed state array."""
    key = ("shipped_fit", 1, "2025-03", "engaged_share", "all")
    old = {key: 0.5, (*key[:3], "scaled_share", "all"): 0.1}
    new = {key: 0.5 * (1 + 1e-6), (*key[:3], "enthusiasm", "all"): 0.7}
    problems = summary.compare_values(old, new)
    assert problems == [
        "engaged_share [group all] at 2025-03, seed 1, case shipped_fit: old 0.5, "
        "new 0.5000005, difference +5e-07 (+0.000%)",
        "enthusiasm [group all] at 2025-03, seed 1, case shipped_fit: new value 0.7, not in the "
        "golden",
        "scaled_share [group all] at 2025-03, seed 1, case shipped_fit: no longer reported "
        "(was 0.1)",
    ]
    assert summary.compare_values({key: 0.5}, {key: 0.5 * (1 + 1e-10)}) == []
    assert summary.compare_values({key: float("nan")}, {key: float("nan")}) == []
    assert summary.compare_values({key: 0.0}, {key: float("nan")}) != []
    was = {"dtype": "int8", "shape": [3], "sum": 3.0, "sha256": "a"}
    other = {"c|1|stage": {**was, "sha256": "b"}}
    for exact in (True, False):  # integer arrays must match byte for byte on any platform
        state = summary.compare_state({"c|1|stage": was}, other, exact_floats=exact)
        assert state == [
            "state array stage, seed 1, case c: same sum, other values (SHA-256 differs)"
        ]
    lost = summary.compare_state({"c|1|stage": was}, {}, exact_floats=True)
    assert "no longer in the state" in lost[0]
    # a float array: its sum within the tolerance, and its bytes on the platform it was made on
    was = {"dtype": "float32", "shape": [3], "sum": 1.5, "sha256": "a"}
    moved = {"c|1|skills": {**was, "sha256": "b"}}
    assert summary.compare_state({"c|1|skills": was}, moved, exact_floats=False) == []
    assert summary.compare_state({"c|1|skills": was}, moved, exact_floats=True) == [
        "state array skills, seed 1, case c: same sum, other values (SHA-256 differs)"
    ]
    drifted = {"c|1|skills": {**was, "sum": 1.6, "sha256": "b"}}
    assert summary.compare_state({"c|1|skills": was}, drifted, exact_floats=False) != []


def test_parameters_are_compared_both_ways() -> None:
    """A parameter the shipped fit moved, one it added (the golden's default) and one it
    dropped all show; n_firms never does."""
    recorded = Params(bass_p=0.02).to_dict()
    assert summary.compare_params(recorded, Params(bass_p=0.02, n_firms=7).to_dict()) == []
    moved = summary.compare_params(recorded, Params(bass_p=0.03).to_dict())
    assert moved == ["bass_p: golden 0.02, shipped fit 0.03"]
    older = {k: v for k, v in recorded.items() if k != "bass_q"}  # recorded before bass_q
    assert summary.compare_params(older, Params(bass_p=0.02).to_dict()) == []
    assert summary.compare_params(older, Params(bass_p=0.02, bass_q=0.09).to_dict()) == [
        f"bass_q: golden {Params().bass_q!r}, shipped fit 0.09"
    ]
    newer = Params(bass_p=0.02).to_dict()
    del newer["bass_q"]  # the shipped fit lacks a parameter the golden has
    assert summary.compare_params(recorded, newer) == [
        f"bass_q: golden {recorded['bass_q']!r}, shipped fit '(absent)'"
    ]
    assert "no longer load" in summary.compare_params({**recorded, "gone": 1}, newer)[0]
