"""Random streams (``aiadopt/model/streams.py``): one generator per decision name, derived
from the run's seed and a stable hash of the name, so that runs repeat and decisions do not
shift each other's draws (common random numbers).

That ``month_uniforms`` equals numpy's float32 uniforms is tested below
(``test_month_uniforms_are_numpys_float32_uniforms``).
"""

from __future__ import annotations

import numpy as np
import pytest

from aiadopt.model.state import MonthDraw
from aiadopt.model.streams import Streams, stable_hash


def test_stable_hash_is_crc32_of_the_name() -> None:
    """The same value in every process and Python version (``hash()`` is salted per process):
    pinned, so a change of hash, which would change every run, is seen."""
    assert stable_hash("month") == 2394296326
    assert stable_hash("population") == 3024723976
    assert stable_hash("intervention:training:0") != stable_hash("intervention:training:1")


def test_a_stream_is_seeded_from_the_run_seed_and_its_name() -> None:
    """The documented derivation: SeedSequence(seed, spawn_key=(stable_hash(name),)), PCG64."""
    want = np.random.Generator(
        np.random.PCG64(np.random.SeedSequence(1, spawn_key=(stable_hash("population"),)))
    )
    got = Streams(1)["population"].random(4)
    assert np.array_equal(got, want.random(4))
    assert got[:2].tolist() == pytest.approx([0.45524526, 0.00103366], abs=1e-8)  # pinned


def test_same_seed_same_draws_other_seed_other_draws() -> None:
    a, b, c = Streams(42), Streams(42), Streams(43)
    first = a.uniform("engage", 100)
    assert np.array_equal(first, b.uniform("engage", 100))
    assert not np.array_equal(first, c.uniform("engage", 100))


def test_a_seed_sequence_is_accepted_and_its_spawn_key_kept() -> None:
    """An experiment hands each replicate a spawned SeedSequence: the streams of a child differ
    from the root's and from a sibling's, and an int seed is its own root."""
    root = np.random.SeedSequence(42)
    child, sibling = root.spawn(2)
    assert np.array_equal(Streams(root).uniform("x", 5), Streams(42).uniform("x", 5))
    draws = [Streams(s).uniform("x", 5) for s in (root, child, sibling)]
    assert not np.array_equal(draws[0], draws[1])
    assert not np.array_equal(draws[1], draws[2])
    same_child = np.random.SeedSequence(42, spawn_key=(0,))  # what a replicate re-run rebuilds
    assert np.array_equal(Streams(same_child).uniform("x", 5), Streams(child).uniform("x", 5))


def test_streams_are_independent_by_name() -> None:
    """Drawing any amount from one decision never shifts another decision's draws."""
    alone = Streams(7)
    want = alone.uniform("abandon", 50)
    mixed = Streams(7)
    mixed.uniform("engage", 1_000)
    mixed.month_uniforms("usecases", (30, 6))
    assert np.array_equal(mixed.uniform("abandon", 50), want)
    assert not np.array_equal(Streams(7).uniform("engage", 50), want)


def test_a_stream_continues_where_it_stopped() -> None:
    """One generator per name, created on first use: successive draws continue the stream."""
    streams = Streams(3)
    assert streams["a"] is streams["a"]
    two_calls = np.concatenate([streams.uniform("a", 3), streams.uniform("a", 4)])
    assert np.array_equal(two_calls, Streams(3).uniform("a", 7))


def test_uniforms_are_in_the_unit_interval_with_the_asked_shape() -> None:
    u = Streams(5).uniform("x", (400, 3))
    assert u.shape == (400, 3) and u.dtype == np.float64
    assert u.min() >= 0.0 and u.max() < 1.0
    assert abs(u.mean() - 0.5) < 0.03  # 1,200 uniforms: sd of the mean about 0.008
    m = Streams(5).month_uniforms("m", (400, 3))
    assert m.shape == (400, 3) and m.dtype == np.float32
    assert m.min() >= 0.0 and m.max() < 1.0


def test_month_uniforms_reuse_one_buffer_per_name_and_shape() -> None:
    """Documented: the result is overwritten by the next call with the same shape (the model
    consumes each month's draws within the month); another shape or name has its own."""
    streams = Streams(9)
    first = streams.month_uniforms("month", (5, 2))
    kept = first.copy()
    other_shape = streams.month_uniforms("month", (3,)).copy()
    other_name = streams.month_uniforms("usecases", (5, 2)).copy()
    assert np.array_equal(first, kept)  # untouched by other shapes and names
    second = streams.month_uniforms("month", (5, 2))
    assert np.shares_memory(first, second)
    assert np.array_equal(first, second) and not np.array_equal(second, kept)
    assert not np.array_equal(other_name, kept)
    assert other_shape.shape == (3,)


def test_month_uniforms_of_nothing_draw_nothing() -> None:
    streams = Streams(1)
    assert streams.month_uniforms("month", (0, 13)).shape == (0, 13)
    after_nothing = streams.month_uniforms("month", (4,))
    assert np.array_equal(after_nothing, Streams(1).month_uniforms("month", (4,)))


@pytest.mark.parametrize("n", [0, 1, 3, 9_999, 10_000])
def test_month_uniforms_are_numpys_float32_uniforms(n: int) -> None:
    """``Streams.month_uniforms`` gives exactly ``Generator.random(dtype=float32)``, on even
    and odd counts, and leaves the stream where numpy would (checked by the draws that
    follow, of both precisions)."""
    ours, numpys = Streams(7), Streams(7)
    for _ in range(3):
        for shape in ((n, len(MonthDraw)), (n, 6), (n,)):
            got = ours.month_uniforms("month", shape)
            want = numpys["month"].random(shape, dtype=np.float32)
            assert got.shape == want.shape and got.dtype == want.dtype
            assert np.array_equal(got, want)
        assert np.array_equal(
            ours["month"].random(3, dtype=np.float32), numpys["month"].random(3, dtype=np.float32)
        )
        assert np.array_equal(ours["month"].random(2), numpys["month"].random(2))
