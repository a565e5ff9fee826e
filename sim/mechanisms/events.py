"""Exogenous events on a timeline (认同机制 macro level; the article, parts 2(4) and 3(4),
docs/article.md#part-2-4: a city-wide emotional climate such as the 2023 Zibo barbecue wave;
crises; demolition waves).

Rule: an ``emotional_climate`` event pulls every resident's trust each day of its duration,
up (toward 1) for a positive ``magnitude`` or down for a negative one, at
``behaviour.influence_rate`` × magnitude (own experience-based views are untouched). A
``crisis`` adds, each day, ``magnitude`` times the usual number of arrivals, all of them
public-safety or care issues; a ``demolition`` likewise adds neighbour-dispute and property
issues of compound scope. Extra arrivals come from the ``events`` stream, so the baseline
arrivals are unchanged (common random numbers). Events are outside the governance system:
they draw on no pool. Null variant: the timeline is ignored.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from sim import lifecycle
from sim.mechanisms.base import Mechanism, MechanismParams
from sim.vocab import CATEGORIES, SCOPES

if TYPE_CHECKING:
    from sim.model import GovernanceModel


class Event(BaseModel):
    """One shock on the timeline."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    day: int = Field(ge=0, le=36500, description="First day of the event.")
    kind: Literal["emotional_climate", "crisis", "demolition"] = Field(description="What happens.")
    magnitude: float = Field(ge=-1, le=10, description="Size: daily pull on trust (emotional climate, -1..10), or extra arrivals as a multiple of the usual rate.")
    duration_days: int = Field(30, ge=1, le=3650, description="How long it lasts.")

    @model_validator(mode="after")
    def _arrivals_not_negative(self) -> Event:
        if self.kind != "emotional_climate" and self.magnitude < 0:
            raise ValueError(f"a {self.kind} adds arrivals: magnitude must be >= 0, got {self.magnitude}")
        return self


class Params(MechanismParams):
    timeline: tuple[Event, ...] = Field((), description="Events in any order.")


def apply(model: GovernanceModel, p: Params) -> None:
    """Apply the events active today; extra arrivals come from the ``events`` stream."""
    model.climate = 0.0
    day = model.day - model.start_day  # event days count from day 0, after the warm-up
    for ev in p.timeline if p.rule else ():
        if not ev.day <= day < ev.day + ev.duration_days:
            continue
        if ev.kind == "emotional_climate":
            model.climate += ev.magnitude
        elif ev.kind == "crisis":
            lifecycle.arrive(model, rate_scale=ev.magnitude, categories=_CRISIS, rng=model.streams.events,
                             exogenous=True)
        else:
            lifecycle.arrive(model, rate_scale=ev.magnitude, categories=_DEMOLITION,
                             scope=SCOPES.index("compound"), rng=model.streams.events, exogenous=True)


#: Categories of the extra issues each kind of event brings.
CATEGORIES_OF: dict[str, tuple[str, ...]] = {"crisis": ("public_safety", "care"),
                                             "demolition": ("neighbour_dispute", "property")}
_CRISIS = [CATEGORIES.index(c) for c in CATEGORIES_OF["crisis"]]
_DEMOLITION = [CATEGORIES.index(c) for c in CATEGORIES_OF["demolition"]]


MECHANISM = Mechanism(
    key="events",
    article=('part-2-4', 'part-3-4'),
    summary="Exogenous events on a timeline",
    source="the article, parts 2(4) and 3(4)",
    params=Params,
    hooks={"events": apply},
)
