"""Business's monthly rules (ODD 7.11, 7.13, 7.14): Business hears of agentic AI, enthusiasm
follows the hype cycle, demand follows enthusiasm, and Business teams left alone turn to AI
tools of their own."""

from __future__ import annotations

from ..codes import (
    DEPLOYED,
    NO_COLLABORATION,
    NOT_ENGAGED,
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
def update_enthusiasm(i, overruns, peers_by_pool, stage, pool, enthusiasm, demand, realised,
                      overrun_enthusiasm_hit, enthusiasm_drift, demand_drift,
                      expected_productivity, enthusiasm_deployed_base,
                      enthusiasm_deployed_slope, enthusiasm_deployed_cap,
                      enthusiasm_engaged_target, enthusiasm_outsider_base,
                      enthusiasm_peer_slope):  # fmt: skip
    """The hype cycle of firm i (Figure 7): a peak at engagement (set-up), a fall with each
    of this month's ``overruns`` (valley of despair), then a drift towards a target:

    - deployed: what its use cases deliver against the expected productivity gain (slope of
      enlightenment), ``enthusiasm_deployed_base + enthusiasm_deployed_slope *
      min(realised / expected, enthusiasm_deployed_cap)``;
    - engaged with nothing in place: ``enthusiasm_engaged_target``;
    - not engaged: ``enthusiasm_outsider_base + enthusiasm_peer_slope * peer share`` of its
      pool (the targets are assumptions).

    Business demand (perceived utility) follows enthusiasm."""
    e = enthusiasm[i] - overrun_enthusiasm_hit * overruns
    if stage[i] >= DEPLOYED:
        ratio = realised[i, PRODUCTIVITY] / expected_productivity
        target = enthusiasm_deployed_base + enthusiasm_deployed_slope * min(
            ratio, enthusiasm_deployed_cap
        )
    elif stage[i] >= PLANNED:
        target = enthusiasm_engaged_target
    else:
        target = enthusiasm_outsider_base + enthusiasm_peer_slope * peers_by_pool[pool[i]]
    e += enthusiasm_drift * (target - e)
    e = min(max(e, 0.0), 1.0)
    enthusiasm[i] = e
    demand[i] += demand_drift * (e - demand[i])


@per_firm
def adopt_shadow_ai(i, u, stage, collaboration, shadow_ai, shadow_propensity, enthusiasm,
                    shadow_hazard):  # fmt: skip
    """Firm i's Business teams may start using AI tools on their own when they do not work
    with Technique: the firm is not engaged, or does not collaborate (Figure 13: no
    collaboration is reported mostly by Business, 32%).  The hazard grows with the firm's
    shadow propensity and enthusiasm; shadow AI is never given up."""
    if shadow_ai[i]:
        return
    exposed = stage[i] == NOT_ENGAGED or collaboration[i] == NO_COLLABORATION
    rate = shadow_hazard * shadow_propensity[i] * enthusiasm[i]
    if exposed and event(u[i, U_SHADOW], rate):
        shadow_ai[i] = True
