"""Collaboration (ODD 7.15): how well Technique and Business work together, and the mode
that follows; deployed firms meet questions of organisation.

Each engaged firm has an alignment between 0 and 1 that moves towards a target
(``alignment_target``): the roles drift apart when Technique's skills and Business's demand
differ, when Business uses tools of its own (shadow AI) and when their views of what is
deployed diverge; they come together with use cases in place, a shared strategy, providers
managed by the pair and training.  The collaboration mode of Figure 13 is read from the
alignment (``collaboration_mode``): balanced above ``balanced_threshold``, none below
``no_collaboration_threshold``, else led by the role that pushes more.  No mode is absorbing,
and the shift of balanced collaboration from set-up to deployment (Figure 13: 31% -> 46%) is
an outcome, not an input.
"""

from __future__ import annotations

import numpy as np

from ..codes import (
    BALANCED,
    BUSINESS_LED,
    DEPLOYED,
    NO_COLLABORATION,
    ORGANISATION,
    PAIR,
    PLANNED,
    TECHNIQUE_LED,
    TRIPARTITE,
    U_ORGANISATION,
    UC_IN_PLACE,
    WITHHELD_BALANCED,
)
from .compiled import per_firm
from .views import business_sees_deployed_firm, technique_sees_deployed_firm


@per_firm
def alignment_target(i, alignment_taste, stage, skills, demand, enthusiasm, uc_stage,
                     strategy,
                     manager,
                     training, shadow_ai, loose_view, alignment_intercept, alignment_gap_effect,
                     alignment_experience_effect, alignment_tripartite_effect,
                     alignment_pair_effect, alignment_training_effect, alignment_shadow_effect,
                     alignment_views_effect, alignment_taste_scale):  # fmt: skip
    """The alignment firm i's Technique and Business tend to: the logistic of the firm's own
    affinity (``alignment_taste``, the logit of its draw fixed at birth, times
    ``alignment_taste_scale``)
    plus ``alignment_intercept``, minus the gap between Technique's skills and Business's
    pull (the mean of its demand and enthusiasm, as Direction sees it), plus use cases in
    place (up to 3), the tripartite strategy, providers managed by the pair and training,
    minus shadow AI and diverging views of "deployed" (``views``)."""
    in_place = 0
    for j in range(uc_stage.shape[1]):
        in_place += uc_stage[i, j] == UC_IN_PLACE
    diverge = business_sees_deployed_firm(
        i, stage, shadow_ai, loose_view, uc_stage
    ) != technique_sees_deployed_firm(i, stage)
    v = (
        alignment_intercept
        + alignment_taste_scale * alignment_taste[i]
        - alignment_gap_effect * abs(skills[i] - 0.5 * (demand[i] + enthusiasm[i]))
        + alignment_experience_effect * min(in_place, 3)
        + alignment_tripartite_effect * (strategy[i] == TRIPARTITE)
        + alignment_pair_effect * (manager[i] == PAIR)
        + alignment_training_effect * training[i]
        - alignment_shadow_effect * shadow_ai[i]
        - alignment_views_effect * diverge
    )
    return 1.0 / (1.0 + np.exp(-v))


@per_firm
def collaboration_mode(i, held, alignment, skills, demand, balanced_threshold,
                       no_collaboration_threshold, business_lead_gap):  # fmt: skip
    """Figure 13's mode of firm i, read from its alignment: balanced, none, or led by
    Business when its demand exceeds Technique's skills by ``business_lead_gap``, else by
    Technique.  A policy that withholds balanced collaboration (``WITHHELD_BALANCED``) leaves
    the led mode where the alignment would make it balanced."""
    a = alignment[i]
    if a >= balanced_threshold and not held[i] & WITHHELD_BALANCED:
        return BALANCED
    if a < no_collaboration_threshold:
        return NO_COLLABORATION
    return BUSINESS_LED if demand[i] - skills[i] > business_lead_gap else TECHNIQUE_LED


@per_firm
def align(i, alignment_taste, stage, skills, demand, enthusiasm, uc_stage, strategy, manager,
          training,
          shadow_ai, loose_view, alignment, collaboration, held, alignment_intercept,
          alignment_gap_effect, alignment_experience_effect, alignment_tripartite_effect,
          alignment_pair_effect, alignment_training_effect, alignment_shadow_effect,
          alignment_views_effect, alignment_taste_scale, alignment_drift, balanced_threshold,
          no_collaboration_threshold, business_lead_gap):  # fmt: skip
    """Engaged firm i's alignment moves a step ``alignment_drift`` towards its target, and
    its collaboration mode follows."""
    if stage[i] < PLANNED:
        return
    target = alignment_target(
        i, alignment_taste, stage, skills, demand, enthusiasm, uc_stage, strategy, manager,
        training,
        shadow_ai, loose_view, alignment_intercept, alignment_gap_effect,
        alignment_experience_effect, alignment_tripartite_effect, alignment_pair_effect,
        alignment_training_effect, alignment_shadow_effect, alignment_views_effect,
        alignment_taste_scale,
    )  # fmt: skip
    alignment[i] += alignment_drift * (target - alignment[i])
    collaboration[i] = collaboration_mode(
        i, held, alignment, skills, demand, balanced_threshold, no_collaboration_threshold,
        business_lead_gap,
    )  # fmt: skip


@per_firm
def meet_organisation_questions(i, u, stage, difficulties, p_organisation):
    """Deployed firm i may meet questions of organisation and leadership (Figure 14 text:
    the leaders who scaled report more need for clarity on organisation); the difficulty
    then slows its scaling (``organisation_effect``) for good."""
    if (
        stage[i] >= DEPLOYED
        and not difficulties[i, ORGANISATION]
        and u[i, U_ORGANISATION] < p_organisation
    ):
        difficulties[i, ORGANISATION] = True
