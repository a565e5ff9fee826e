"""The instruments by which tests measure what a mechanism's rule targets.

A mechanism declares its targets by name (``Target("feedback_share", +1)`` in its module);
:func:`measure` turns the name into a function of a finished run: an outcome of the registry
(``sim.outcomes.registry``), one of the families below (``detections_<channel>``,
``issues_<issue column>``, ``issues_via_<handler level>``, ``member_tie_strength_<groups>``,
``trust_days_<first>_<last>``: mean daily trust over those days),
or one of the named instruments of :data:`NAMED`.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from sim.issues import Channel
from sim.lifecycle import COLLECTIVE_SCOPES
from sim.mechanisms import REGISTRY
from sim.outcomes.registry import REGISTRY as OUTCOMES
from sim.run import RunResult
from sim.vocab import CATEGORIES, GROUPS, LEVELS

Measure = Callable[[RunResult], float]
LIFT = CATEGORIES.index("lift_renovation")


def col(result: RunResult, name: str, table: str = "issues") -> np.ndarray:
    """A column as numpy (nulls: None in text columns, NaN in numeric ones)."""
    return getattr(result, table).column(name).to_numpy(zero_copy_only=False)


def present(result: RunResult, name: str) -> np.ndarray:
    """Where an issue column is not null."""
    return result.issues.column(name).is_valid().to_numpy(zero_copy_only=False)


def spent(r: RunResult, pool: str, use: str) -> float:
    """Hours or budget spent since day 0 on ``use`` from ``pool``."""
    t = r.resources
    mask = (np.asarray(t.column("pool")) == pool) & (np.asarray(t.column("use")) == use)
    return float(np.asarray(t.column("total"))[mask].sum())


def _handled_closures(r: RunResult) -> np.ndarray:
    return np.isin(col(r, "status"), ["resolved", "false_closed"]) & ~col(r, "self_resolved")


def _routed(r: RunResult) -> np.ndarray:
    return present(r, "handler_path")


def feedback_share(r: RunResult) -> float:
    """Share of closures by a handler whose reporter was told the outcome."""
    return float(col(r, "feedback")[_handled_closures(r)].mean())


def heard_mean(r: RunResult) -> float:
    """Mean 'being heard' (0, 0.5 told, 1 told and adopted) of closures by a handler."""
    return float(r.model.issues.col("heard")[_handled_closures(r)].mean())


def devolved_share_above_community(r: RunResult) -> float:
    """Share of routed single-department issues of the devolved categories whose handler
    path reaches a department."""
    extra = REGISTRY["devolved_authority"].params().extra_categories
    mine = _routed(r) & np.isin(col(r, "category"), extra) & ~present(r, "second_department")
    return float(np.mean(["department:" in p for p in col(r, "handler_path")[mine]]))


def community_budget_spent(r: RunResult) -> float:
    return spent(r, "community_budget", "fixes")


def _digital_gainers(r: RunResult) -> np.ndarray:
    """Residents whose channel access a fully used platform raises (literacy beats the
    offline channel of their group); the same residents whether or not it is on."""
    pop, cfg = r.model.pop, r.config
    access = REGISTRY["digital_platform"].params().digital_access
    offline = np.asarray(cfg.behaviour.channel_access.as_tuple())[pop.group]
    return access * pop.digital_literacy.astype(np.float64) > offline


def self_report_share_digital_gainers(r: RunResult) -> float:
    """Share of the gainers' issues that they reported themselves."""
    mine = _digital_gainers(r)[col(r, "reporter")]
    return float((col(r, "channel")[mine] == "self_report").mean())


def self_report_share_gig(r: RunResult) -> float:
    """Share of gig workers' issues that they reported themselves."""
    gig = col(r, "group") == "gig"
    return float((col(r, "channel")[gig] == "self_report").mean())


def gig_deliberated(r: RunResult) -> float:
    """Gig workers who attended a session (or meeting) at least once."""
    gig = r.model.pop.group == GROUPS.index("gig")
    return float((r.model.state.last_deliberation[gig] >= 0).sum())


def cross_department_reassignments(r: RunResult) -> float:
    """Mean reassignments of routed cross-department issues."""
    cross = present(r, "second_department") & _routed(r)
    return float(col(r, "reassignments")[cross].mean())


def regional_spending(r: RunResult) -> float:
    return spent(r, "regional_fund", "fixes")


def lift_consent_share(r: RunResult) -> float:
    """Share of collective lift/renovation issues with the residents' consent."""
    iss = r.model.issues
    lift = (iss.col("category") == LIFT) & np.isin(iss.col("scope"), COLLECTIVE_SCOPES)
    return float(iss.col("consent")[lift].mean())


def residents_deliberated(r: RunResult) -> float:
    return float((r.model.state.last_deliberation >= 0).sum())


#: Instruments known by name.
NAMED: dict[str, Measure] = {f.__name__: f for f in (
    feedback_share, heard_mean, devolved_share_above_community, community_budget_spent,
    self_report_share_digital_gainers, self_report_share_gig, gig_deliberated, cross_department_reassignments,
    regional_spending, lift_consent_share, residents_deliberated,
)}


def _family(name: str) -> Measure | None:
    """A measure of one of the families, or None."""
    channels = {c.name.lower() for c in Channel}
    if name.startswith("detections_") and name.removeprefix("detections_") in channels:
        channel = name.removeprefix("detections_")
        return lambda r: float((col(r, "channel") == channel).sum())
    if name.startswith("issues_via_") and name.removeprefix("issues_via_") in LEVELS:
        level = name.removeprefix("issues_via_")
        return lambda r: float(sum(f"{level}:" in p for p in col(r, "handler_path")[_routed(r)]))
    if name.startswith("member_tie_strength_"):
        groups = name.removeprefix("member_tie_strength_").split("_")
        if set(groups) <= set(GROUPS):
            def measure(r: RunResult) -> float:
                pop, t = r.model.pop, r.model.state.ties.tocoo()
                reached = np.isin(pop.group, [GROUPS.index(g) for g in groups])
                return float(t.data[pop.party_member[t.row] & reached[t.col] & ~pop.party_member[t.col]].sum())
            return measure
    if name.startswith("trust_days_"):
        first, _, last = name.removeprefix("trust_days_").partition("_")
        if first.isdigit() and last.isdigit():
            def mean_trust(r: RunResult) -> float:
                days = col(r, "day", "daily")
                return float(col(r, "trust_mean", "daily")[(days >= int(first)) & (days <= int(last))].mean())
            return mean_trust
    if name.startswith("issues_"):
        column = name.removeprefix("issues_")
        return lambda r: float(col(r, column).astype(bool).sum()) if column in r.issues.column_names else np.nan
    return None


def measure(name: str) -> Measure:
    """The instrument called ``name``; a clear error if there is none."""
    if name in OUTCOMES:
        return lambda r: float(r.outcomes[name])
    found = NAMED.get(name) or _family(name)
    if found is None:
        raise LookupError(f"no measure '{name}': name an outcome of sim/outcomes/registry.py, a family "
                          "(detections_<channel>, issues_<column>, issues_via_<level>, member_tie_strength_<groups>, "
                          "trust_days_<first>_<last>) "
                          "or add an instrument to tests/measures.py")
    return found
