"""Random streams: one per decision, all derived from the run's single seed.

Following Starsim's common-random-numbers design, every decision (engagement, use-case
development, overrun ...) has its own ``numpy.random.Generator`` seeded from the run seed and a
stable hash of the decision's name, and draws one number per firm every step whether or not the
firm is eligible.  Two runs with the same seed therefore share their draws decision by decision,
and a change that acts on one decision (an intervention) leaves the others' draws untouched.
No global random state is used anywhere.
"""

from __future__ import annotations

import zlib

import numpy as np


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
