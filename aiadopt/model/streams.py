"""Random streams: named generators, all derived from the run's single seed.

Following Starsim's common-random-numbers design, each named stream has its own
``numpy.random.Generator`` seeded from the run seed and a stable hash of its name: the
population, the attributes, the firms' set-up draws (fixed at birth), the monthly per-firm
decisions (one column per decision: ``state.MonthDraw``), the monthly per-use-case events
(the events open to a use case compete for one draw) and each intervention's own stream.
Every month the model draws one number per firm and column whether or not the firm is
eligible, so two runs with the same seed share their draws decision by decision, and an
intervention changes nothing in the others' draws.  No global random state is used anywhere.
"""

from __future__ import annotations

import zlib

import numpy as np
from numba import njit


def stable_hash(name: str) -> int:
    """A hash of ``name`` that is the same in every process and Python version (CRC-32)."""
    return zlib.crc32(name.encode("utf-8"))


class Streams:
    """Lazily created random generators, one per decision name, from one root seed."""

    def __init__(self, seed: int | np.random.SeedSequence) -> None:
        self.root = (
            seed if isinstance(seed, np.random.SeedSequence) else np.random.SeedSequence(seed)
        )
        self._streams: dict[str, np.random.Generator] = {}
        self._buffers: dict[tuple[str, tuple[int, ...]], np.ndarray] = {}

    def __getitem__(self, name: str) -> np.random.Generator:
        """The generator of decision ``name`` (created on first use)."""
        gen = self._streams.get(name)
        if gen is None:
            seq = np.random.SeedSequence(
                self.root.entropy, spawn_key=(*self.root.spawn_key, stable_hash(name))
            )
            gen = np.random.Generator(np.random.PCG64(seq))
            self._streams[name] = gen
        return gen

    def uniform(self, name: str, shape: int | tuple[int, ...]) -> np.ndarray:
        """``shape`` uniforms in [0, 1) from decision ``name``'s stream."""
        return self[name].random(shape)

    def month_uniforms(self, name: str, shape: tuple[int, ...]) -> np.ndarray:
        """``shape`` float32 uniforms from stream ``name``: the very numbers of
        ``self[name].random(shape, dtype=np.float32)``, drawn about a third faster.

        numpy makes a float32 uniform from 32 random bits (the upper 24 of them, times
        2^-24), taking the two halves of each 64-bit PCG64 output in turn, low half first,
        and keeping an unused half for the next call.  Here the 64-bit outputs come in one
        block (``random_raw``) and a compiled loop splits them, with the same bookkeeping of
        the spare half (tested against numpy on even and odd counts, interleaved with other
        draws).  The result is a buffer of the stream, overwritten by its next call with
        the same ``shape``: the model consumes each month's draws within the month.
        """
        gen = self[name]
        bits = gen.bit_generator
        if not isinstance(bits, np.random.PCG64):  # pragma: no cover - Streams makes PCG64
            return gen.random(shape, dtype=np.float32)
        count = int(np.prod(shape))
        if count == 0:
            return np.empty(shape, dtype=np.float32)
        key = (name, shape)
        out = self._buffers.get(key)
        if out is None:
            out = self._buffers[key] = np.empty(count + 1, dtype=np.float32)
        state = bits.state
        spare = state["has_uint32"]  # a half left over from the stream's last float32 draw
        raw = bits.random_raw((count - spare + 1) // 2)
        if spare:
            out[0] = np.float32(state["uinteger"] >> 8) * np.float32(2.0**-24)
        _split_halves(raw, out[spare : spare + 2 * raw.shape[0]])
        left = (count - spare) % 2  # the last output's upper half is left for next time
        if spare or left:
            state = bits.state
            state["has_uint32"] = left
            state["uinteger"] = int(raw[-1] >> np.uint64(32)) if left else 0
            bits.state = state
        return out[:count].reshape(shape)


@njit(cache=True)
def _split_halves(raw, out):
    """Two float32 uniforms from each 64-bit output, as numpy makes them: low half first,
    each (32-bit half >> 8) * 2^-24."""
    scale = np.float32(2.0**-24)
    low = np.uint64(0xFFFFFFFF)
    for j in range(raw.shape[0]):
        r = raw[j]
        out[2 * j] = np.float32((r & low) >> np.uint64(8)) * scale
        out[2 * j + 1] = np.float32(r >> np.uint64(40)) * scale
