"""Replicates: seeds from one root seed, parameter vectors from the calibrated set.

Common random numbers.  Replicate ``k`` of an experiment is the same in every scenario: the
same model seed (child ``k`` of ``numpy.random.SeedSequence(root)``, turned into an integer)
and the same parameter vector (drawn from the calibration's plausible set).  Inside a run the
model gives every decision its own random stream (``aiadopt.model.streams``) and every
intervention its own, so replicate ``k`` of two scenarios shares its random draws except
where an intervention (or a parameter override) acts: the paired difference ``scenario -
baseline`` of replicate ``k`` carries only the effect, not the noise of two independent runs.

Child ``k`` of a ``SeedSequence`` depends on ``k`` only, not on how many children are
spawned: replicate ``k`` has the same seed whether the experiment has 10 or 1,000 replicates.

Parameter uncertainty.  When the package ships a calibrated plausible set
(``aiadopt/calibration/fitted_set.csv``, :func:`aiadopt.calibration.plausible.load_plausible_set`),
replicate ``k`` runs with vector ``perm[k mod m]``, where ``perm`` is a permutation of the
``m`` vectors drawn once from the root seed: uniform draws without replacement up to ``m``
replicates, every vector used equally often beyond, and replicate ``k``'s vector does not
depend on the number of replicates.  Without a shipped set every replicate runs with
the shipped fit (:func:`aiadopt.model.params.shipped_params`, or the built-in defaults), and
the experiment's metadata says so.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ..calibration.plausible import FITTED_FILE, load_plausible_set, packaged_set
from ..model import Params
from ..model.params import shipped_params
from ..model.streams import stable_hash

__all__ = [
    "ParameterSource",
    "parameter_source",
    "replicate_seed",
    "replicate_seeds",
]

_PARAM_DRAW_TAG = stable_hash("aiadopt.experiments:parameter-draw")


def replicate_seeds(root: int, n: int) -> list[int]:
    """Seeds of replicates ``0 .. n-1``: the children of ``SeedSequence(root)`` as integers
    in ``[0, 2**63)`` (so they fit Parquet's int64)."""
    if n < 0:
        raise ValueError(f"n must be >= 0, got {n}")
    children = np.random.SeedSequence(int(root)).spawn(n)
    return [_to_int(child) for child in children]


def replicate_seed(root: int, replicate: int) -> int:
    """Seed of replicate ``replicate`` (the same as ``replicate_seeds(root, k + 1)[k]``)."""
    child = np.random.SeedSequence(int(root), spawn_key=(int(replicate),))
    return _to_int(child)


def _to_int(seq: np.random.SeedSequence) -> int:
    return int(seq.generate_state(1, dtype=np.uint64)[0] >> np.uint64(1))


@dataclass(frozen=True)
class ParameterSource:
    """Where each replicate's parameters come from: a set of vectors, or one point."""

    vectors: tuple[Params, ...]
    description: str
    is_set: bool
    """True for a plausible set (parameter uncertainty); False for a single point."""

    @property
    def size(self) -> int:
        return len(self.vectors)

    fitted: Params | None = None
    """For a calibration's plausible set: its best point (``fitted.toml``)."""

    @property
    def point(self) -> Params:
        """The point estimate: the one vector, a calibration's best point, or the first of
        the vectors given."""
        return self.fitted if self.fitted is not None else self.vectors[0]

    def digest(self) -> str:
        """The parameter hash (``Params.hash()``) of a single point; for a set, the same
        length of the SHA-256 of its members' hashes in order (checked when an experiment
        resumes)."""
        if not self.is_set:
            return self.vectors[0].hash()
        joined = " ".join(p.hash() for p in self.vectors)
        return hashlib.sha256(joined.encode()).hexdigest()[: len(self.vectors[0].hash())]

    def draw(self, root: int, replicate: int) -> tuple[Params, int | None]:
        """Replicate ``replicate``'s parameters and its index in the set (None for a point)."""
        if not self.is_set:
            return self.vectors[0], None
        index = int(_permutation(int(root), self.size)[replicate % self.size])
        return self.vectors[index], index


def _permutation(root: int, m: int) -> np.ndarray:
    seq = np.random.SeedSequence([int(root), _PARAM_DRAW_TAG])
    return np.random.Generator(np.random.PCG64(seq)).permutation(m)


def parameter_source(
    parameter_set: str | os.PathLike[str] | Sequence[Params] | Params | None = "shipped",
) -> ParameterSource:
    """Resolve the experiment's parameters.

    ``"shipped"`` (default): the plausible set shipped by the calibration, falling back to
    the shipped fit when none is shipped.  ``None`` or ``"none"``: the
    default parameters only (no parameter uncertainty).  A path: a ``fitted_set.csv`` (with
    its ``fitted.toml`` beside it).  A ``Params`` or a sequence of them: used as given.
    """
    if isinstance(parameter_set, Params):
        return ParameterSource((parameter_set,), "parameters given by the caller", False)
    if parameter_set is None or parameter_set == "none":
        params, source = shipped_params()
        return ParameterSource((params,), f"{source}; no parameter uncertainty", False)
    if isinstance(parameter_set, Sequence) and not isinstance(parameter_set, str):
        vectors = tuple(parameter_set)
        if not vectors or not all(isinstance(p, Params) for p in vectors):
            raise ValueError("parameter_set must be a non-empty sequence of Params")
        return ParameterSource(
            vectors, f"{len(vectors)} parameter vectors given by the caller", True
        )
    shipped = parameter_set == "shipped"
    if shipped and not packaged_set().is_file():
        params, source = shipped_params()
        return ParameterSource(
            (params,),
            f"{source}; no calibrated plausible set shipped, so no parameter uncertainty",
            False,
        )
    try:
        path = None if shipped else Path(parameter_set)
        vectors = tuple(load_plausible_set(path))
        fitted = (
            shipped_params()[0] if path is None else Params.from_toml(path.with_name(FITTED_FILE))
        )
    except Exception as exc:
        name = "the shipped plausible set" if shipped else f"the parameter set {parameter_set}"
        raise ValueError(f"cannot load {name}: {exc}") from exc
    if not vectors:
        raise ValueError(f"the parameter set {parameter_set} is empty")
    where = (
        "the shipped calibration (aiadopt/calibration/fitted_set.csv)"
        if shipped
        else str(parameter_set)
    )
    return ParameterSource(
        vectors,
        f"plausible set of {len(vectors)} vectors from {where}, one per replicate",
        True,
        fitted,
    )
