"""Institutional rules agents follow: who may decide what, channels, routing, feedback.

Built from the scenario's base settings; each enabled mechanism's ``configure`` may then
change them (for example, devolved authority widens the community's authority). Rules are
settings of the institutions, never outcomes.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from sim.schema import ScenarioConfig
from sim.vocab import CATEGORIES, KIND_LEVEL, KIND_NAMES, SCOPES, SIMPLE, Kind

__all__ = ["KIND_LEVEL", "KIND_NAMES", "Kind", "Rules", "SIMPLE"]




def _mask(cats: tuple[str, ...]) -> np.ndarray:
    return np.array([c in cats for c in CATEGORIES], dtype=bool)


@dataclass
class Rules:
    """Mutable during set-up only; the model treats it as fixed afterwards."""

    authority: np.ndarray  #: (kind, category) -> may decide
    reach: np.ndarray  #: kind -> widest scope index it may handle
    active: np.ndarray  #: kind -> handler kind exists
    capacity: np.ndarray  #: kind -> cases per handler per day (street and departments: per 10,000 residents)
    routing_accuracy: float
    buck_passing: float
    handoff_days: float
    feedback_probability: float
    adoption_rate: float  #: share of heard reporters whose suggestion is adopted (voice = 1)
    false_closure_pressure: float
    resolve_quality: float
    channel_access: np.ndarray  #: group -> offline channel access
    digital_access: float = 0.0  #: access through a digital channel at full literacy (0: none)
    community_budget_per_day: float = 0.0
    street_budget_per_10k: float = 0.0
    pool_per_10k: float = 0.0
    platform_funding_per_day: float = 0.0  #: declared platform funds per community per day
    pool_threshold: float = np.inf
    whistle: bool = False
    whistle_deadline: float = 0.0
    hours_per_summons: float = 0.0
    consent_base: float = 0.1
    hours_per_feedback: float = 0.0

    @classmethod
    def from_config(cls, cfg: ScenarioConfig) -> Rules:
        cap = cfg.capacity
        nk = len(KIND_NAMES)
        authority = np.zeros((nk, len(CATEGORIES)), dtype=bool)
        authority[Kind.COMPOUND] = _mask(("property",))
        authority[Kind.COMMUNITY] = _mask(cap.community_authority)
        authority[Kind.BUILDING] = _mask(SIMPLE)
        authority[Kind.AREA] = _mask(cap.community_authority)
        authority[Kind.DEPARTMENT] = True  # each department: its own category (checked per handler)
        reach = np.array([SCOPES.index("building"), SCOPES.index("compound"), SCOPES.index("compound"),
                          SCOPES.index("cross_community"), SCOPES.index("cross_community"),
                          SCOPES.index("cross_community")], dtype=np.int8)
        active = np.array([False, True, True, False, False, True])
        capacity = np.array([0.0, cap.property_cases_per_day, cap.community_cases_per_day, cap.area_cases_per_day,
                             cap.street_cases_per_10k, cap.department_cases_per_10k])
        return cls(
            authority=authority,
            reach=reach,
            active=active,
            capacity=capacity,
            routing_accuracy=cap.routing_accuracy,
            buck_passing=cap.buck_passing,
            handoff_days=cap.handoff_days,
            feedback_probability=cap.feedback_probability,
            adoption_rate=0.0,
            false_closure_pressure=cap.false_closure_pressure,
            resolve_quality=cap.resolve_quality,
            channel_access=np.array(cfg.behaviour.channel_access.as_tuple(), dtype=np.float64),
            community_budget_per_day=cap.community_budget_per_day,
            street_budget_per_10k=cap.street_budget_per_10k,
            hours_per_feedback=cap.hours_per_feedback,
            consent_base=cfg.behaviour.consent_probability,
        )


