"""Responsibility, task and problem lists.

*Article.* [Part 3(3)](article.md#part-3-3): 权责清单、事务清单、问题清单 (lists of powers and
responsibilities, tasks and problems) sort out handling procedures and avoid 推诿扯皮, e.g. parking
spaces and property fees in property disputes.

*Rule (what agents know).* A list names the responsible office for a share `coverage` of matters.
For a listed matter the router knows where it goes and the handler cannot deny it is theirs;
unlisted matters keep the base rates. Routing accuracy becomes 1 − (1 − base)(1 − `coverage`)
(likewise the platform's, if a platform exists) and buck-passing base × (1 − `coverage`). This is
an institutional "probability X falls" rule: its size rests on the stated assumption about
`coverage`, not on a measured figure. Fewer misroutings and passes mean fewer reassignments
(expectation 6a).

*Costs.* Keeping the lists current takes each community's staff `hours_per_day` (route phase).

*Null variant.* The upkeep is paid; the rates stay at their base.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
from pydantic import Field

from sim.mechanisms.base import Mechanism, MechanismParams, Target

if TYPE_CHECKING:
    from sim.model import GovernanceModel
    from sim.rules import Rules


class Params(MechanismParams):
    coverage: float = Field(0.8, ge=0, le=1, description="Share of matters whose responsible office a list names (assumption).")
    hours_per_day: float = Field(1.0, ge=0, le=100, description="Community-staff hours per community per day to keep the lists current.")


def configure(rules: Rules, p: Params) -> None:
    """Listed matters are routed right and cannot be refused."""
    if p.rule:
        rules.routing_accuracy = 1 - (1 - rules.routing_accuracy) * (1 - p.coverage)
        if rules.platform_accuracy > 0:
            rules.platform_accuracy = 1 - (1 - rules.platform_accuracy) * (1 - p.coverage)
        rules.buck_passing *= 1 - p.coverage


def upkeep(model: GovernanceModel, p: Params) -> None:
    """Keeping the lists current takes staff hours."""
    model.pools["community_staff"].draw_upto(np.full(model.pop.n_communities, p.hours_per_day), "list upkeep")


MECHANISM = Mechanism(
    key="responsibility_lists",
    article=('part-3-3',),
    summary="Responsibility, task and problem lists",
    source="the article, part 3(3)",
    params=Params,
    configure=configure,
    hooks={"route": upkeep},
    targets=(Target("reassignments_per_issue", -1, residents=4000, days=180),),
    costs={("community_staff", "list upkeep"): True},
    free={"hours_per_day": 0.0},
)
