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
