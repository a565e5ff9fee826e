"""One resident up close: group, units, trust, efficacy, participation, ties and the history
of the issues they had, read from the model's arrays.

Days are counted from day 0 of the run, as everywhere in the page; issues that arose in the
warm-up (before day 0, ``GovernanceModel.start_day``) are left out, as from every output."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from sim.issues import Channel, Status
from sim.vocab import CATEGORIES, GROUPS

if TYPE_CHECKING:
    from sim.graph import Population
    from sim.model import GovernanceModel

__all__ = ["MAX_ISSUES", "TIE_KINDS", "IssueRow", "Profile", "profile"]

#: Most recent issues listed.
MAX_ISSUES = 40
#: Ties by the narrowest unit the two residents share (anything wider: long range).
TIE_KINDS: tuple[str, ...] = ("household", "building", "compound", "community", "long_range")


@dataclass(frozen=True)
class IssueRow:
    """One of the resident's issues: category, stage, channel and days since day 0 (-1: not yet)."""

    issue: int
    category: str
    stage: str
    channel: str
    arisen: int
    detected: int
    closed: int


@dataclass(frozen=True)
class Profile:
    """What the inspector shows about a resident."""

    resident: int
    group: str
    party_member: bool
    household: int
    building: int
    compound: int
    community: int
    trust: float
    efficacy: float
    participating: bool
    ties_by_kind: dict[str, int]
    tie_strength_mean: float
    issues_total: int  #: issues that arose since day 0
    issues: tuple[IssueRow, ...]
    warmup_issues: int = 0  #: issues of theirs from the warm-up (not listed)


def _tie_kinds(pop: Population, i: int, partners: np.ndarray) -> dict[str, int]:
    """Ties by the narrowest unit shared with the partner (household ... community, else long range)."""
    level = np.full(len(partners), len(TIE_KINDS) - 1)
    for k, unit in reversed(list(enumerate((pop.household, pop.building, pop.compound, pop.community)))):
        level[unit[partners] == unit[i]] = k
    counts = np.bincount(level, minlength=len(TIE_KINDS))
    return {kind: int(c) for kind, c in zip(TIE_KINDS, counts)}


def _stage(status: int, work_done: float, taken_over: bool) -> str:
    if status == Status.QUEUED:
        return "handled" if work_done > 0 or taken_over else "queued"
    return Status(status).name.lower()


def profile(model: GovernanceModel, resident: int) -> Profile:
    """Resident ``resident``'s profile (IndexError if out of range)."""
    pop, st, iss = model.pop, model.state, model.issues
    if not 0 <= resident < pop.n:
        raise IndexError(f"resident {resident} is not in 0..{pop.n - 1}")
    i = resident
    t = pop.ties
    partners = t.indices[t.indptr[i]: t.indptr[i + 1]]
    strengths = t.data[t.indptr[i]: t.indptr[i + 1]]
    start = model.start_day
    mine = iss.col("reporter") == i
    own = np.flatnonzero(mine & (iss.col("day_arisen") >= start))
    recent = own[np.argsort(-iss.col("day_arisen")[own], kind="stable")][:MAX_ISSUES]
    cols = {c: iss.col(c) for c in ("category", "status", "channel", "day_arisen", "day_detected", "day_closed", "work_done", "taken_over")}
    rows = tuple(
        IssueRow(int(k), CATEGORIES[int(cols["category"][k])],
                 _stage(int(cols["status"][k]), float(cols["work_done"][k]), bool(cols["taken_over"][k])),
                 Channel(int(cols["channel"][k])).name.lower(), _since(int(cols["day_arisen"][k]), start),
                 _since(int(cols["day_detected"][k]), start), _since(int(cols["day_closed"][k]), start))
        for k in recent
    )
    return Profile(
        resident=i, group=GROUPS[int(pop.group[i])], party_member=bool(pop.party_member[i]),
        household=int(pop.household[i]), building=int(pop.building[i]), compound=int(pop.compound[i]),
        community=int(pop.community[i]), trust=float(st.trust[i]), efficacy=float(st.efficacy[i]),
        participating=bool(st.participating[i]), ties_by_kind=_tie_kinds(pop, i, partners),
        tie_strength_mean=float(strengths.mean()) if len(strengths) else float("nan"),
        issues_total=len(own), issues=rows, warmup_issues=int(np.count_nonzero(mine)) - len(own),
    )


def _since(day: int, start: int) -> int:
    """An absolute model day as a day since day 0 (-1 stays: not yet)."""
    return day - start if day >= 0 else -1
