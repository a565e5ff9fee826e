"""Governance mechanisms (ODD section 7.8), one module each, and their explicit registry.

May import the model core below the model (lifecycle, social, contacts, issues, resources,
rules, vocab; the model itself only for type checking); imported by the schema and the model.

Order here is the order in which mechanisms configure rules and act within a phase, and so
the priority among mechanisms drawing on the same pool in the same phase.
"""

from __future__ import annotations

from sim.mechanisms import (
    callback_ranking,
    community_activities,
    devolved_authority,
    digital_platform,
    emotional_outreach,
    events,
    five_level_grid,
    flexible_coverage,
    gig_worker_platform,
    leadership_intensity,
    proactive_analysis,
    regional_party_building,
    responsibility_lists,
    service_closed_loop,
    supervision,
    vanguard_linkage,
    whistle_summon,
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
        callback_ranking.MECHANISM,
        leadership_intensity.MECHANISM,
        events.MECHANISM,
    )
}

__all__ = ["PHASES", "REGISTRY", "Mechanism", "MechanismParams"]
