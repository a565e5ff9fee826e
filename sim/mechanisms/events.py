"""Exogenous events on a timeline.

*Article.* [Part 2(4)](article.md#part-2-4), macro level: a city-wide emotional climate
(长期主义情感环境), e.g. the 2023 Zibo barbecue wave (淄博烧烤) spreading by emotional contagion;
[part 3(4)](article.md#part-3-4): demolitions (征地拆迁).

*Rule.* Each event has a first day, a duration, a kind and a magnitude; it acts in the `events`
phase on each day it is active. Event days count from day 0, after the warm-up. `emotional_climate`: its magnitude is added to the day's climate c,
which moves every resident's trust by λc(1 − T) (c > 0) or λcT (c < 0) in the trust-spreading step
(7.2); it does not move residents' experience-based views, so stubbornness pulls trust back during
and after the event. `crisis`: extra arrivals of public-safety and care issues, Poisson with mean
magnitude × the usual daily arrivals (split by those categories' shares); `demolition`: extra
neighbour-dispute and property issues of compound scope, likewise. Extra arrivals draw from the
`events` stream and are flagged `exogenous`, so baseline arrivals are unchanged (4.9). Events are
outside the governance system and draw on no pool.

*Null variant.* The timeline is ignored.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from sim import lifecycle
from sim.mechanisms.base import Mechanism, MechanismParams, Target
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

#: The timeline its tests run: an emotional climate from day 30 and a crisis from day 20.
_TEST_EVENTS = {"timeline": [{"day": 30, "kind": "emotional_climate", "magnitude": 0.5, "duration_days": 30},
                             {"day": 20, "kind": "crisis", "magnitude": 2.0, "duration_days": 20}]}


MECHANISM = Mechanism(
    key="events",
    article=('part-2-4', 'part-3-4'),
    summary="Exogenous events on a timeline",
    source="the article, parts 2(4) and 3(4)",
    params=Params,
    hooks={"events": apply},
    targets=(Target("trust_days_30_59", +1, params=_TEST_EVENTS), Target("issues_exogenous", +1, params=_TEST_EVENTS)),
    spends_nothing="events happen outside the governance system and draw on no pool",
    free=_TEST_EVENTS,
    exogenous=True,
)
