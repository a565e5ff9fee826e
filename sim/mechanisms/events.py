"""Exogenous events on a timeline (认同机制 macro level, seed §2(四): a city-wide emotional climate
such as the 2023 Zibo barbecue wave; crises; demolition waves).

Rule: an ``emotional_climate`` event shifts the anchor of residents' trust by
``magnitude`` for its duration; a ``crisis`` adds ``magnitude`` times the usual arrivals of
public-safety and care issues (drawn from a separate stream, so baseline arrivals are
unchanged); a ``demolition`` adds neighbour-dispute and property issues of compound scope.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from sim.mechanisms.base import Mechanism, MechanismParams


class Event(BaseModel):
    """One shock on the timeline."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    day: int = Field(ge=0, le=36500, description="First day of the event.")
    kind: Literal["emotional_climate", "crisis", "demolition"] = Field(description="What happens.")
    magnitude: float = Field(ge=-1, le=10, description="Size: trust-anchor shift, or extra arrivals as a multiple of the usual rate.")
    duration_days: int = Field(30, ge=1, le=3650, description="How long it lasts.")


class Params(MechanismParams):
    timeline: tuple[Event, ...] = Field((), description="Events in any order.")


MECHANISM = Mechanism(
    key="events",
    summary="Exogenous events on a timeline",
    source="spec §4 row D; §2(四)",
    params=Params,
)
