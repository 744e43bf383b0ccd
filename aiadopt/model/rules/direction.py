"""Direction's monthly decisions (ODD 7.8, 7.9): investments, and the revision of the
strategy.  Direction's choices at engagement are in ``setup.py``."""

from __future__ import annotations

from ..codes import (
    BALANCED,
    EXPERIMENTING,
    NOBODY,
    OUTSOURCE_NONE,
    PLANNED,
    TRIPARTITE,
    U_INSOURCE,
    U_REVISE_STRATEGY,
    U_ROLES_EXTERNAL,
    U_ROLES_INTERNAL,
    U_TRAINING,
)
from .compiled import event, per_firm


@per_firm
def invest(i, u, stage, skills, training, roles_internal, roles_external, outsourcing, manager,
           p_training, p_roles_internal, p_roles_external, insource_hazard):  # fmt: skip
    """Active firm i (experimenting or beyond) may start training, hire AI roles from inside
    and from outside, and bring development back in-house, the more likely the more skilled
    its Technique (Figure 12: planned vs in place or in progress columns).  Dedicated staff
    and external experts keep their set-up values."""
    if stage[i] < EXPERIMENTING:
        return
    if u[i, U_TRAINING] < p_training:
        training[i] = True
    if u[i, U_ROLES_INTERNAL] < p_roles_internal:
        roles_internal[i] = True
    if u[i, U_ROLES_EXTERNAL] < p_roles_external:
        roles_external[i] = True
    if outsourcing[i] != OUTSOURCE_NONE and event(u[i, U_INSOURCE], insource_hazard * skills[i]):
        outsourcing[i] = OUTSOURCE_NONE
        manager[i] = NOBODY


@per_firm
def revise_strategy(i, u, stage, strategy, collaboration, p_tripartite,
                    p_tripartite_balanced):  # fmt: skip
    """Engaged firm i without a shared strategy may adopt the tripartite one (Figure 9),
    ``tripartite_balanced_factor`` times likelier with balanced collaboration (assumption).
    The tripartite strategy is kept once adopted."""
    if stage[i] >= PLANNED and strategy[i] != TRIPARTITE:
        balanced = collaboration[i] == BALANCED
        p = p_tripartite_balanced if balanced else p_tripartite
        if u[i, U_REVISE_STRATEGY] < p:
            strategy[i] = TRIPARTITE
