"""The model's rules (ODD section 7): pure functions of the firm arrays and the month's draws.

One module per submodel, each rule written once, for one firm (``rule(i, ...)``: firm ``i``
of the state arrays it names, with the constants derived from the ``Params`` it names):

- ``engagement``: peer shares, market potential, Bass engagement, giving up (7.1, 7.2, 7.4);
- ``setup``: what a firm decides when it engages (7.3);
- ``obstacles``: the obstacles' severities, derived from the state, and their drift with
  the world (2.2; 7.0, 7.1, 7.6, 7.18);
- ``interest``: interest of each role in each use case (7.5);
- ``portfolio``: progress effect and the use-case portfolio (7.6);
- ``scaling``: scaling and the stage (7.7);
- ``direction``: Direction's logit choices and their review (7.8);
- ``technique``: Technique's learning and awareness of agentic AI (7.10, 7.11);
- ``gains``: realised and expected gains (7.12);
- ``business``: Business's awareness of agentic AI, enthusiasm, demand and shadow AI (7.11,
  7.13, 7.14);
- ``collaboration``: alignment of Technique and Business, the collaboration mode,
  organisation questions (7.15);
- ``views``: the two views of "deployed" (7.17).

``constants`` derives what the rules need from a ``Params``; ``schedule`` gives the order of
the rules in a firm's month; ``month`` runs that order over every firm in one compiled pass
(``_month_generated``, written by ``generate``); ``compiled`` holds what the rules share.
Each rule cites the figure of the study it rests on, or says it is an assumption.  The role
agents (``agents.py``) apply the same rules to their own firm.
"""

from __future__ import annotations

from .interest import interest_from, interest_sums
from .month import MonthInputs, draw_month, live_month, start
from .obstacles import obstacle_severities
from .views import business_sees_deployed, technique_sees_deployed

__all__ = [
    "MonthInputs",
    "business_sees_deployed",
    "draw_month",
    "interest_from",
    "interest_sums",
    "live_month",
    "obstacle_severities",
    "start",
    "technique_sees_deployed",
]
