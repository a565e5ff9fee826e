"""Explicit registry of governance mechanisms (spec §4), one module each.

Order here is the order in which mechanisms configure rules and act within a phase.
"""

from __future__ import annotations

from sim.mechanisms import (
    service_closed_loop,
    devolved_authority,
    digital_platform,
    gig_worker_platform,
    proactive_analysis,
    five_level_grid,
    whistle_summon,
    regional_party_building,
    vanguard_linkage,
    flexible_coverage,
    emotional_outreach,
    community_activities,
    responsibility_lists,
    supervision,
    leadership_intensity,
    events,
)
from sim.mechanisms.base import PHASES, Mechanism, MechanismParams

REGISTRY: dict[str, Mechanism] = {
    m.key: m
    for m in (
        service_closed_loop.MECHANISM,
        devolved_authority.MECHANISM,
        digital_platform.MECHANISM,
        gig_worker_platform.MECHANISM,
        proactive_analysis.MECHANISM,
        five_level_grid.MECHANISM,
        whistle_summon.MECHANISM,
        regional_party_building.MECHANISM,
        vanguard_linkage.MECHANISM,
        flexible_coverage.MECHANISM,
        emotional_outreach.MECHANISM,
        community_activities.MECHANISM,
        responsibility_lists.MECHANISM,
        supervision.MECHANISM,
        leadership_intensity.MECHANISM,
        events.MECHANISM,
    )
}

__all__ = ["PHASES", "REGISTRY", "Mechanism", "MechanismParams"]
