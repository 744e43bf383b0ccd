"""Technique's monthly rules (ODD 7.10, 7.11): skills grow, and Technique hears of agentic AI."""

from __future__ import annotations

from ..codes import EXPERIMENTING, PLANNED, U_AGENTIC_TECHNIQUE
from .compiled import per_firm


@per_firm
def learn(i, stage, skills, training, training_skill_gain, practice_skill_gain):
    """Firm i's Technique skills grow with training (an engaged firm's programme) and with
    practice, once experimenting (assumptions), up to 1."""
    g = 0.0
    if training[i] and stage[i] >= PLANNED:
        g += training_skill_gain
    if stage[i] >= EXPERIMENTING:
        g += practice_skill_gain
    if g > 0.0:
        skills[i] = min(skills[i] + g, 1.0)


@per_firm
def hear_of_agentic(i, u, stage, technique_agentic, p_agentic_technique):
    """Engaged firm i's Technique may hear of agentic AI (Figure 2: 34% of engaged Technique
    respondents vs 18% of Business ones; Business's rule is ``business.hear_of_agentic``,
    with a draw of its own); the model applies it from ``agentic_start`` on."""
    if stage[i] >= PLANNED and u[i, U_AGENTIC_TECHNIQUE] < p_agentic_technique:
        technique_agentic[i] = True
