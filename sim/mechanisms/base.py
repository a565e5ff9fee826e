"""What a mechanism is: parameters with an on/off switch, and rules hooked into named phases.

A mechanism never writes an outcome. It may (a) change the institutional rules agents
follow (``configure``: who may decide what, how reports are routed, what a channel costs,
what agents know) and (b) add actions to the day's phases (``hooks``: visits, meetings,
sessions, audits), each drawing hours or budget from a finite pool (``sim.resources``).
Every mechanism has a *null variant* (``null_variant: true``): it runs and pays its costs,
with its behavioural rule switched off, so that an effect can be told from the cost of
producing it.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np
from pydantic import BaseModel, ConfigDict, Field

if TYPE_CHECKING:
    from sim.model import GovernanceModel
    from sim.rules import Rules

#: Phases at which mechanisms may act: ``setup`` once after the population exists, then the
#: day's phases in the order ``model.step`` runs them.
PHASES: tuple[str, ...] = ("setup", "events", "detect", "route", "handle", "close", "social")


class MechanismParams(BaseModel):
    """Base of every mechanism's parameters: an ``enabled`` switch plus its own keys."""

    model_config = ConfigDict(extra="forbid", frozen=True, validate_default=True)
    enabled: bool = Field(False, description="Switch the mechanism on.")
    null_variant: bool = Field(False, description="Null variant: the mechanism runs and pays its costs, but its behavioural rule is switched off (its effects must then vanish).")

    @property
    def rule(self) -> bool:
        """Whether the behavioural rule acts (on, and not the null variant)."""
        return self.enabled and not self.null_variant


Configure = Callable[["Rules", Any], None]  # noqa: F821 - resolved by type checkers only
Hook = Callable[["GovernanceModel", Any], None]


@dataclass(frozen=True)
class Mechanism:
    """A registered mechanism: its key, a one-line summary, its source in the article,
    its parameter model, and the rules it changes."""

    key: str
    summary: str
    source: str
    params: type[MechanismParams]
    article: tuple[str, ...] = ()  #: anchors of the article parts it comes from, in ``docs/article.md``
    configure: Configure | None = None
    hooks: Mapping[str, Hook] = field(default_factory=dict)

    def __post_init__(self) -> None:
        unknown = set(self.hooks) - set(PHASES)
        if unknown:
            raise ValueError(f"mechanism {self.key}: unknown phases {sorted(unknown)}")


def pay_running_cost(model: GovernanceModel, per_community_day: float, use: str) -> None:
    """Spend a platform's declared running cost for today from the platform fund it fills."""
    model.pools["platform_fund"].draw_upto(np.array([per_community_day * model.pop.n_communities]), use)
