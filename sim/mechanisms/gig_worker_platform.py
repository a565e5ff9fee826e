"""Gig-worker deliberation platform (驱动机制).

*Article.* [Part 2(2)](article.md#part-2-2): the 小哥议事平台 (couriers' deliberation platform) of
Shanghai's Jiading, Changning and Pudong districts turns delivery riders from "bystanders" into
participants.

*Rule.* (a) What a channel costs: gig workers reach a reporting channel on the move; their
offline access becomes at least `channel_access`. (b) An added action: every
`session_interval_days` (on days divisible by it) each community whose staff have the hours holds
an online session. Gig workers of the community decide whether to join with the participation
decision of 7.3, except that the time they have is `session_availability` (a session fits between
orders) instead of their group's availability for offline affairs. Attending is taking part today,
a chance to report every latent issue of one's own (detected as self-reports), and contact: about
`ties_per_attendee` of each attendee's ties to other attendees gain `tie_gain`. Whether more gig
workers then take part in community affairs follows from their trust, efficacy and contacts
(expectation 2b).

*Costs.* A session takes community staff `hours_per_session`; the running cost is a declared new
resource (`funding_per_community_day`, platform fund).

*Null variant.* Sessions are held and paid for; nobody attends and no channel changes.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
from pydantic import Field

from sim import lifecycle, social
from sim.contacts import strengthen_among
from sim.issues import Channel, Status
from sim.mechanisms.base import Mechanism, MechanismParams, Target, pay_running_cost
from sim.vocab import GROUPS

if TYPE_CHECKING:
    from sim.model import GovernanceModel
    from sim.rules import Rules

GIG = GROUPS.index("gig")


class Params(MechanismParams):
    channel_access: float = Field(0.9, ge=0, le=1, description="Gig workers' channel access through the platform.")
    session_interval_days: int = Field(14, ge=1, le=365, description="Days between a community's online deliberation sessions.")
    session_availability: float = Field(0.6, ge=0, le=1, description="Share of gig workers' days on which an online session fits between orders (their offline availability is behaviour.availability.gig).")
    hours_per_session: float = Field(3.0, ge=0, le=100, description="Community-staff hours a session takes.")
    ties_per_attendee: float = Field(2.0, ge=0, le=50, description="Ties to other attendees an attendee strengthens at a session.")
    tie_gain: float = Field(0.05, ge=0, le=1, description="Strength added per tie strengthened.")
    funding_per_community_day: float = Field(0.05, ge=0, le=1000, description="Budget units per community per day funding the platform (a declared new resource).")


def configure(rules: Rules, p: Params) -> None:
    """Gig workers reach a channel on the move; the platform's funding is declared."""
    rules.platform_funding_per_day += p.funding_per_community_day
    if p.rule:
        rules.channel_access[GIG] = max(rules.channel_access[GIG], p.channel_access)


def session(model: GovernanceModel, p: Params) -> None:
    """Pay the running cost; on session days, communities whose staff have the hours hold a
    session; gig workers decide to join; attendees take part, report and meet."""
    pop, st, rng = model.pop, model.state, model.rng_of("gig_worker_platform")
    pay_running_cost(model, p.funding_per_community_day, "gig platform running cost")
    if model.day % p.session_interval_days:
        return
    n_comm = pop.n_communities
    held = model.pools["community_staff"].draw(np.arange(n_comm), np.full(n_comm, p.hours_per_session), "gig sessions") > 0
    held |= p.hours_per_session == 0
    gig = np.flatnonzero((pop.group == GIG) & held[pop.community])
    if not p.rule or len(gig) == 0:
        return
    join = social.participation_probability(model, gig, np.full(len(gig), p.session_availability))
    came = gig[rng.random(len(gig)) < join]
    st.took_part[came] = True
    st.last_deliberation[came] = model.day
    present = np.zeros(pop.n, dtype=bool)
    present[came] = True
    iss = model.issues
    latent = iss.ids_with(Status.LATENT)
    lifecycle.mark_detected(model, latent[present[iss.reporter[latent]]], Channel.SELF_REPORT)
    strengthen_among(model, present, p.ties_per_attendee, p.tie_gain, rng)


MECHANISM = Mechanism(
    key="gig_worker_platform",
    article=('part-2-2',),
    summary="Gig-worker deliberation platform",
    source="the article, part 2(2)",
    params=Params,
    configure=configure,
    hooks={"detect": session},
    targets=(Target("self_report_share_gig", +1), Target("gig_deliberated", +1)),
    costs={("platform_fund", "gig platform running cost"): True, ("community_staff", "gig sessions"): True},
    free={"funding_per_community_day": 0.0, "hours_per_session": 0.0},
)
