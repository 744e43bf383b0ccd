"""Replicates: seeds from one root seed, parameter vectors from the posterior sample.

Common random numbers.  Replicate ``k`` of an experiment is the same in every scenario: the
same model seed (child ``k`` of ``numpy.random.SeedSequence(root)``, turned into an integer)
and the same parameter vector (drawn from the calibration's posterior sample).  Inside a run the
model gives every decision its own random stream (``aiadopt.model.streams``) and every
intervention its own, so replicate ``k`` of two scenarios shares its random draws except
where an intervention (or a parameter override) acts: the paired difference ``scenario -
baseline`` of replicate ``k`` carries only the effect, not the noise of two independent runs.

Child ``k`` of a ``SeedSequence`` depends on ``k`` only, not on how many children are
spawned: replicate ``k`` has the same seed whether the experiment has 10 or 1,000 replicates.

Parameter uncertainty.  When the package ships a posterior sample
(``aiadopt/calibration/posterior.csv``, written by ``aiadopt calibrate``;
:func:`aiadopt.calibration.draws.load_posterior`), replicate ``k`` runs with posterior draw
``perm[k mod m]``, where ``perm`` is a permutation of the ``m`` draws made once from the root
seed: draws without replacement up to ``m`` replicates, every draw used equally often beyond,
and replicate ``k``'s draw does not depend on the number of replicates.  Each replicate thus
has its own posterior draw and its own seed: the spread of the replicates' paired differences
is the posterior-predictive spread of the effect (parameters and stochastic noise; see
:mod:`aiadopt.experiments.summary`).  Without a shipped posterior every replicate runs with the
shipped point (:func:`aiadopt.model.params.shipped_params`, or the built-in defaults), and the
experiment's metadata says "no parameter uncertainty".
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ..calibration.draws import POSTERIOR_FILE, load_posterior, packaged_posterior, posterior_median
from ..calibration.errors import CalibrationError
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
    """Where each replicate's parameters come from: a sample of vectors, or one point."""

    vectors: tuple[Params, ...]
    description: str
    is_set: bool
    """True for a sample (parameter uncertainty: a posterior); False for a single point."""

    @property
    def size(self) -> int:
        return len(self.vectors)

    fitted: Params | None = None
    """For a posterior sample: its stated point (the posterior median)."""

    @property
    def point(self) -> Params:
        """The point estimate: the one vector, a posterior's stated point, or the first of
        the vectors given."""
        return self.fitted if self.fitted is not None else self.vectors[0]

    def digest(self) -> str:
        """The parameter hash (``Params.hash()``) of a single point; for a sample, the same
        length of the SHA-256 of its members' hashes in order (checked when an experiment
        resumes)."""
        if not self.is_set:
            return self.vectors[0].hash()
        joined = " ".join(p.hash() for p in self.vectors)
        return hashlib.sha256(joined.encode()).hexdigest()[: len(self.vectors[0].hash())]

    def draw(self, root: int, replicate: int) -> tuple[Params, int | None]:
        """Replicate ``replicate``'s parameters and its index in the sample (None for a
        point)."""
        if not self.is_set:
            return self.vectors[0], None
        index = int(_permutation(int(root), self.size)[replicate % self.size])
        return self.vectors[index], index


def _permutation(root: int, m: int) -> np.ndarray:
    seq = np.random.SeedSequence([int(root), _PARAM_DRAW_TAG])
    return np.random.Generator(np.random.PCG64(seq)).permutation(m)


SHIPPED_POSTERIOR = f"aiadopt/calibration/{POSTERIOR_FILE}"
"""How messages name the packaged posterior sample."""


def parameter_source(
    parameter_set: str | os.PathLike[str] | Sequence[Params] | Params | None = "shipped",
) -> ParameterSource:
    """Resolve the experiment's parameters.

    ``"shipped"`` (default): the posterior sample shipped by the calibration, one draw per
    replicate (its stated point: the shipped parameters, the posterior median), falling back
    to the shipped point, without parameter uncertainty, when none is shipped.  ``None`` or
    ``"none"``: the shipped point only (no parameter uncertainty).  A path: a posterior
    sample in the format of ``posterior.csv`` (:mod:`aiadopt.calibration.draws`; its stated
    point is its median).  A ``Params`` or a sequence of them: used as given.

    Raises ``ValueError`` with one line naming the file for a malformed posterior sample (no
    ``draw`` column, a column that is no parameter, a value that is not a number) and for a
    v1 plausible set (``fitted_set.csv``), which is not a posterior.
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
    if parameter_set == "shipped":
        return _shipped_source()
    return _posterior_source(Path(parameter_set), str(parameter_set), None)


def _shipped_source() -> ParameterSource:
    """The packaged posterior sample, or the shipped point when none ships."""
    params, source = shipped_params()
    path = packaged_posterior()
    if not path.is_file():
        return ParameterSource(
            (params,),
            f"{source}; no posterior sample shipped ({SHIPPED_POSTERIOR}), so no parameter "
            "uncertainty",
            False,
        )
    return _posterior_source(path, SHIPPED_POSTERIOR, params)


def _posterior_source(path: Path, name: str, point: Params | None) -> ParameterSource:
    """A posterior sample file as one draw per replicate; ``point``: its stated point
    (default: its median)."""
    _refuse_v1_set(path)
    base = shipped_params()[0]
    try:
        sample = load_posterior(path, base=base)
        point = point if point is not None else posterior_median(sample, base)
    except CalibrationError as exc:
        raise ValueError(str(exc)) from None
    return ParameterSource(
        sample.params,
        f"posterior sample of {len(sample):,} draws from {name}, one draw per replicate",
        True,
        point,
    )


def _refuse_v1_set(path: Path) -> None:
    """A v1 plausible set (``fitted_set.csv``: a ``loss`` column, no ``draw``) is refused: it
    is farthest-point sampled, not a posterior (issue 13)."""
    try:
        with path.open(encoding="utf-8") as f:
            header = f.readline().strip().split(",")
    except (OSError, UnicodeDecodeError):
        return  # load_posterior says what is wrong with the file
    if "loss" in header and "draw" not in header:
        raise ValueError(
            f"{path}: a v1 plausible set (fitted_set.csv), not a posterior sample; experiments "
            "draw from a posterior.csv (one row per draw, a 'draw' column), written by "
            "'aiadopt calibrate'"
        )
