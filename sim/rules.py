"""Institutional rules agents follow: who may decide what, channels, routing, feedback.

Built from the scenario's base settings; each enabled mechanism's ``configure`` may then
change them (for example, devolved authority widens the community's authority). Rules are
settings of the institutions, never outcomes, and never resources: hours and budgets live in
the pools (``sim.resources``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from sim.vocab import CATEGORIES, KIND_LEVEL, KIND_NAMES, SCOPES, SIMPLE, Kind

if TYPE_CHECKING:
    from sim.schema import ScenarioConfig

__all__ = ["KIND_LEVEL", "KIND_NAMES", "Kind", "Rules", "SIMPLE", "category_mask"]


def category_mask(cats: tuple[str, ...]) -> np.ndarray:
    """Boolean mask over ``CATEGORIES``."""
    return np.array([c in cats for c in CATEGORIES], dtype=bool)


@dataclass
class Rules:
    """Mutable during set-up only; the model treats it as fixed afterwards."""

    authority: np.ndarray  #: (kind, category) -> may decide
    reach: np.ndarray  #: kind -> widest scope index it may handle
    active: np.ndarray  #: kind -> handler kind exists
    case_hours: np.ndarray  #: kind -> hours a handling attempt takes
    triage_hours: float  #: hours to refer on or refuse at intake
    routing_accuracy: float
    buck_passing: float
    handoff_days: float
    feedback_probability: float
    hours_per_feedback: float
    false_closure_pressure: float
    resolve_quality: float
    duty_priority: float  #: share of duties from above served before cases
    reply_closure: float  #: probability a failed attempt is closed by reply
    channel_access: np.ndarray  #: group -> offline channel access
    consent_base: float
    community_budget_per_day: float
    street_budget_per_10k: float
    digital_access: float = 0.0  #: access through a digital channel at full literacy (0: none)
    platform_accuracy: float = 0.0  #: routing accuracy of reports the platform dispatches
    platform_funding_per_day: float = 0.0  #: declared platform funds per community per day
    pool_per_10k: float = 0.0  #: declared regional fund per day per 10,000 residents

    @classmethod
    def from_config(cls, cfg: ScenarioConfig) -> Rules:
        cap = cfg.capacity
        nk = len(KIND_NAMES)
        authority = np.zeros((nk, len(CATEGORIES)), dtype=bool)
        authority[Kind.COMPOUND] = category_mask(("property",))
        authority[Kind.COMMUNITY] = category_mask(cap.community_authority)
        authority[Kind.BUILDING] = category_mask(SIMPLE)
        authority[Kind.AREA] = category_mask(cap.community_authority)
        authority[Kind.STREET] = category_mask(cap.community_authority)  # coordination across communities
        authority[Kind.DEPARTMENT] = True  # each department: its own category (checked per handler)
        reach = np.array([SCOPES.index("building"), SCOPES.index("compound"), SCOPES.index("compound"),
                          SCOPES.index("cross_community"), SCOPES.index("cross_community"),
                          SCOPES.index("cross_community")], dtype=np.int8)
        # The baseline ladder: property managers, community committees, the street office and
        # departments; building heads and area offices exist only under the five-level grid.
        active = np.array([False, True, True, False, True, True])
        return cls(
            authority=authority,
            reach=reach,
            active=active,
            case_hours=np.array(cap.case_hours.as_array(), dtype=np.float64),
            triage_hours=cap.triage_hours,
            routing_accuracy=cap.routing_accuracy,
            buck_passing=cap.buck_passing,
            handoff_days=cap.handoff_days,
            feedback_probability=cap.feedback_probability,
            hours_per_feedback=cap.hours_per_feedback,
            false_closure_pressure=cap.false_closure_pressure,
            resolve_quality=cap.resolve_quality,
            duty_priority=cap.duty_priority,
            reply_closure=cap.reply_closure,
            channel_access=np.array(cfg.behaviour.channel_access.as_tuple(), dtype=np.float64),
            consent_base=cfg.behaviour.consent_probability,
            community_budget_per_day=cap.community_budget_per_day,
            street_budget_per_10k=cap.street_budget_per_10k,
        )
