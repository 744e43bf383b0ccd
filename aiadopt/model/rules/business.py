"""Business's monthly rules (ODD 7.11, 7.13, 7.14): Business hears of agentic AI, enthusiasm
follows the hype cycle, demand follows enthusiasm, and Business decides whether its teams use
AI tools of their own (shadow AI)."""

from __future__ import annotations

import numpy as np

from ..codes import (
    BALANCED,
    DEPLOYED,
    PLANNED,
    PRODUCTIVITY,
    U_AGENTIC_BUSINESS,
    U_SHADOW,
)
from .compiled import event, per_firm


@per_firm
def hear_of_agentic(i, u, stage, business_agentic, p_agentic_business):
    """Engaged firm i's Business may hear of agentic AI (Figure 2: 18% of engaged Business
    respondents vs 34% of Technique ones, ``technique.hear_of_agentic``); the model applies it
    from ``agentic_start`` on."""
    if stage[i] >= PLANNED and u[i, U_AGENTIC_BUSINESS] < p_agentic_business:
        business_agentic[i] = True


@per_firm
def update_enthusiasm(i, overruns, peers_by_pool, media, stage, pool, enthusiasm, demand,
                      realised, overrun_enthusiasm_hit, enthusiasm_drift, demand_drift,
                      enthusiasm_media_weight, enthusiasm_deployed_base, enthusiasm_per_gain,
                      enthusiasm_engaged_target, enthusiasm_outsider_base,
                      enthusiasm_peer_slope):  # fmt: skip
    """The hype cycle of firm i (Figure 7): a peak at engagement (set-up), a fall with each
    of this month's ``overruns`` (valley of despair), then a drift towards a target that
    rises with media exposure (``media``, ``exogenous.media_exposure``: the ChatGPT
    release, then decay) and:

    - engaged: with what its use cases deliver (slope of enlightenment), realised
      productivity * ``enthusiasm_per_gain``, plus ``enthusiasm_deployed_base`` once
      deployed, ``enthusiasm_engaged_target`` before: expected gains (proportional to
      enthusiasm, ``gains``) then stay above realised ones by what the base is worth
      (Figure 15: realised about 70% of expected);
    - not engaged: ``enthusiasm_outsider_base + enthusiasm_peer_slope * peer share`` of its
      pool (the targets are assumptions).

    Business demand (perceived utility) follows enthusiasm."""
    e = enthusiasm[i] - overrun_enthusiasm_hit * overruns
    target = enthusiasm_media_weight * media
    if stage[i] >= PLANNED:
        target += realised[i, PRODUCTIVITY] * enthusiasm_per_gain
        if stage[i] >= DEPLOYED:
            target += enthusiasm_deployed_base
        else:
            target += enthusiasm_engaged_target
    else:
        target += enthusiasm_outsider_base + enthusiasm_peer_slope * peers_by_pool[pool[i]]
    e += enthusiasm_drift * (target - e)
    e = min(max(e, 0.0), 1.0)
    enthusiasm[i] = e
    demand[i] += demand_drift * (e - demand[i])


@per_firm
def use_shadow_ai(i, u, stage, collaboration, alignment, shadow_ai, shadow_propensity,
                  enthusiasm, security, shadow_hazard, shadow_alignment_effect,
                  p_shadow_stop, shadow_security_hit):  # fmt: skip
    """Business of firm i decides whether its teams use AI tools of their own (shadow AI).

    It starts with hazard ``shadow_hazard`` * its propensity * enthusiasm *
    e^(-``shadow_alignment_effect`` * alignment): teams that do not work with Technique
    turn to tools of their own (Figure 13: no collaboration is reported mostly by Business,
    32%); a firm not engaged has no alignment.  It has consequences: Technique's security
    concern rises by ``shadow_security_hit`` (Figure 4), the roles drift apart
    (``collaboration.alignment_target``), Business counts it as "deployed" (``views``) and
    its teams gain a little (``gains``).  It stops (``p_shadow_stop``) once the firm has a use
    case in place and balanced collaboration: sanctioned tools replace it."""
    if shadow_ai[i]:
        sanctioned = stage[i] >= DEPLOYED and collaboration[i] == BALANCED
        if sanctioned and u[i, U_SHADOW] < p_shadow_stop:
            shadow_ai[i] = False
        return
    rate = shadow_hazard * shadow_propensity[i] * enthusiasm[i]
    x = u[i, U_SHADOW]
    if x >= rate:  # the alignment factor is at most 1: most firms stop here, without an exp
        return
    a = alignment[i] if stage[i] >= PLANNED else 0.0
    if event(x, rate * np.exp(-shadow_alignment_effect * a)):
        shadow_ai[i] = True
        security[i] = min(security[i] + shadow_security_hit, 1.0)
