"""Outcomes of spec §5, computed from the model's state (never accumulated by agents).

:data:`DAILY` names and describes every column of the daily table; :func:`daily_row`
computes one day's row. :func:`issue_table` turns the issue store into the per-issue table.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from sim.issues import Channel, Status
from sim.schema import CATEGORIES, GROUPS, SCOPES
from sim.vocab import KIND_NAMES

if TYPE_CHECKING:
    from sim.model import GovernanceModel

WINDOW = 30  #: days over which flow outcomes (resolution time, satisfaction, …) are measured
COST_ACCOUNTS = ("party_member_hours", "grid_worker_hours", "staff_hours", "department_hours", "budget", "regional_budget")

DAILY: dict[str, str] = {
    "day": "Simulated day (0-based).",
    "arisen": "Issues arisen so far.",
    "latent": "Issues not yet known to any handler.",
    "open": "Issues detected and not closed (backlog).",
    "resolved": "Issues really resolved so far.",
    "false_closed": "Issues closed on paper only so far.",
    "abandoned": "Issues given up on so far.",
    "new_issues": "Issues arisen today.",
    "trust_mean": "Mean trust in grassroots governance.",
    "trust_p10": "10th percentile of trust.",
    "trust_p50": "Median trust.",
    "trust_p90": "90th percentile of trust.",
    **{f"trust_{g}": f"Mean trust of {g} residents." for g in GROUPS},
    "efficacy_mean": "Mean sense of efficacy.",
    "participation": "Share of residents participating (threshold decision).",
    **{f"participation_{g}": f"Participation share of {g} residents." for g in GROUPS},
    "deliberation": f"Share of residents who attended a meeting, session or visit in the last {WINDOW} days.",
    "volunteering": f"Share of residents who volunteered (self-governance, vanguard linkage) in the last {WINDOW} days.",
    "report_rate": f"Self-reports per 1,000 residents per day over the last {WINDOW} days.",
    "self_report_share": f"Share of issues detected in the last {WINDOW} days that residents reported themselves.",
    "resolution_days_median": f"Median days from arising to real resolution, issues resolved in the last {WINDOW} days.",
    "resolution_days_p90": "90th percentile of the same.",
    "resolution_rate": "Resolved / (resolved + false-closed + abandoned), so far.",
    "false_closure_rate": "False-closed / (resolved + false-closed), so far.",
    "reassignments_per_issue": f"Mean reassignments of issues closed in the last {WINDOW} days.",
    "satisfaction": f"Mean satisfaction (performance − expectation) of experiences in the last {WINDOW} days.",
    "tie_strength_mean": "Mean tie strength.",
    "acquaintance_share": "Share of non-household ties at least acquaintance strength.",
    "close_share": "Share of non-household ties at least close strength.",
    "clustering": "Mean local clustering of the acquaintance-or-closer graph (sampled weekly).",
    "trust_gap_migrant": "Mean trust of locals minus migrants.",
    "trust_gap_gig": "Mean trust of locals minus gig workers.",
    "trust_gap_elderly": "Mean trust of locals minus elderly.",
    "participation_gap_gig": "Participation of locals minus gig workers.",
    **{a: f"Cost today: {a.replace('_', ' ')}." for a in COST_ACCOUNTS},
}


def _window(model: GovernanceModel, column: str) -> np.ndarray:
    iss = model.issues
    d = iss.col(column)
    return np.flatnonzero((d >= model.day - WINDOW + 1) & (d >= 0))


def _by_group(values: np.ndarray, group: np.ndarray) -> np.ndarray:
    sums = np.bincount(group, weights=values, minlength=len(GROUPS))
    counts = np.bincount(group, minlength=len(GROUPS))
    with np.errstate(invalid="ignore", divide="ignore"):
        return sums / counts


def clustering(model: GovernanceModel, sample: int = 300) -> float:
    """Mean local clustering over a fixed sample of residents, acquaintance-or-closer ties."""
    st = model.state
    strong = st.ties.copy()
    strong.data = (strong.data >= model.config.population.ties.acquaintance_threshold).astype(np.float64)
    strong.eliminate_zeros()
    nodes = model.cluster_sample[:sample]
    rows = strong[nodes]
    k = np.asarray(rows.sum(axis=1)).ravel()
    tri = np.asarray((rows @ strong).multiply(rows).sum(axis=1)).ravel()
    ok = k >= 2
    if not ok.any():
        return 0.0
    return float(np.mean(tri[ok] / (k[ok] * (k[ok] - 1))))


def _cohesion(model: GovernanceModel) -> dict[str, float]:
    """Tie statistics, recomputed only when ties changed (clustering at most weekly)."""
    st, cache = model.state, model.scratch_metrics
    if cache.get("tie_version") != st.tie_version:
        data, nonhh = st.ties.data, st.tie_kind != 0
        tie_cfg = model.config.population.ties
        cache.update(
            tie_version=st.tie_version,
            tie_strength_mean=float(data.mean()) if len(data) else 0.0,
            acquaintance_share=float((data[nonhh] >= tie_cfg.acquaintance_threshold).mean()) if nonhh.any() else 0.0,
            close_share=float((data[nonhh] >= tie_cfg.close_threshold).mean()) if nonhh.any() else 0.0,
        )
    if "clustering" not in cache or (model.day % 7 == 0 and cache.get("clustering_version") != st.tie_version):
        cache.update(clustering=clustering(model), clustering_version=st.tie_version)
    return {k: cache[k] for k in ("tie_strength_mean", "acquaintance_share", "close_share", "clustering")}


def daily_row(model: GovernanceModel) -> dict[str, float]:
    """Today's outcomes (spec §5)."""
    iss, st, pop, day = model.issues, model.state, model.pop, model.day
    counts = iss.counts()
    closed_total = counts["resolved"] + counts["false_closed"] + counts["abandoned"]
    row: dict[str, float] = {
        "day": day,
        "arisen": iss.n,
        "latent": counts["latent"],
        "open": counts["reported"] + counts["queued"],
        "resolved": counts["resolved"],
        "false_closed": counts["false_closed"],
        "abandoned": counts["abandoned"],
        "new_issues": int((iss.col("day_arisen") == day).sum()),
    }
    p10, p50, p90 = np.percentile(st.trust, [10, 50, 90])
    tg = _by_group(st.trust, pop.group)
    pg = _by_group(st.participating.astype(np.float64), pop.group)
    row.update(trust_mean=float(st.trust.mean()), trust_p10=float(p10), trust_p50=float(p50), trust_p90=float(p90))
    row.update({f"trust_{g}": float(tg[i]) for i, g in enumerate(GROUPS)})
    row["efficacy_mean"] = float(st.efficacy.mean())
    row["participation"] = float(st.participating.mean())
    row.update({f"participation_{g}": float(pg[i]) for i, g in enumerate(GROUPS)})
    recent = day - WINDOW + 1
    row["deliberation"] = float((st.last_deliberation >= recent).mean())
    row["volunteering"] = float((st.last_volunteering >= recent).mean())
    det = _window(model, "day_detected")
    self_rep = iss.channel[det] == Channel.SELF_REPORT
    row["report_rate"] = float(self_rep.sum()) / min(WINDOW, day + 1) / pop.n * 1000
    row["self_report_share"] = float(self_rep.mean()) if len(det) else np.nan
    closed = _window(model, "day_closed")
    resolved = closed[iss.status[closed] == Status.RESOLVED]
    dur = (iss.day_closed[resolved] - iss.day_arisen[resolved]).astype(np.float64)
    row["resolution_days_median"] = float(np.median(dur)) if len(dur) else np.nan
    row["resolution_days_p90"] = float(np.percentile(dur, 90)) if len(dur) else np.nan
    row["resolution_rate"] = counts["resolved"] / closed_total if closed_total else np.nan
    closures = counts["resolved"] + counts["false_closed"]
    row["false_closure_rate"] = counts["false_closed"] / closures if closures else np.nan
    handled = closed[~iss.self_resolved[closed]]
    row["reassignments_per_issue"] = float(iss.reassignments[handled].mean()) if len(handled) else np.nan
    sat = iss.satisfaction[closed]
    sat = sat[~np.isnan(sat)]
    row["satisfaction"] = float(sat.mean()) if len(sat) else np.nan
    row.update(_cohesion(model))
    row["trust_gap_migrant"] = float(tg[0] - tg[1])
    row["trust_gap_gig"] = float(tg[0] - tg[2])
    row["trust_gap_elderly"] = float(tg[0] - tg[3])
    row["participation_gap_gig"] = float(pg[0] - pg[2])
    row.update({a: float(model.ledger.today.get(a, 0.0)) for a in COST_ACCOUNTS})
    return row


def issue_table(model: GovernanceModel) -> dict[str, np.ndarray]:
    """One row per issue: attributes, every timestamp, channel, handler path, reassignments."""
    iss = model.issues
    n = iss.n
    path = iss.path_log()
    order = np.lexsort((np.arange(len(path)), path[:, 0])) if len(path) else np.zeros(0, dtype=np.int64)
    path = path[order]
    names = np.array([f"{KIND_NAMES[k]}:{u}" for k, u in zip(model.handlers.kind, model.handlers.unit)], dtype=object)
    paths = np.full(n, "", dtype=object)
    if len(path):
        starts = np.flatnonzero(np.r_[True, path[1:, 0] != path[:-1, 0]])
        ends = np.r_[starts[1:], len(path)]
        for s, e in zip(starts, ends):
            paths[path[s, 0]] = ">".join(names[path[s:e, 2]])
    status_names = np.array([s.name.lower() for s in Status], dtype=object)
    channel_names = np.array([c.name.lower() for c in Channel], dtype=object)
    return {
        "issue": np.arange(n, dtype=np.int64),
        "reporter": iss.col("reporter"),
        "group": np.array(GROUPS, dtype=object)[model.pop.group[iss.col("reporter")]],
        "category": np.array(CATEGORIES, dtype=object)[iss.col("category")],
        "scope": np.array(SCOPES, dtype=object)[iss.col("scope")],
        "second_department": np.where(iss.col("dept2") >= 0, np.array(CATEGORIES + ("",), dtype=object)[iss.col("dept2")], ""),
        "cost": iss.col("cost"),
        "status": status_names[iss.col("status")],
        "channel": channel_names[iss.col("channel")],
        "day_arisen": iss.col("day_arisen"),
        "day_detected": iss.col("day_detected"),
        "day_routed": iss.col("day_routed"),
        "day_closed": iss.col("day_closed"),
        "day_feedback": iss.col("day_feedback"),
        "reassignments": iss.col("reassignments"),
        "handler_path": paths,
        "summoned": iss.col("summoned"),
        "taken_over": iss.col("taken_over"),
        "self_resolved": iss.col("self_resolved"),
        "feedback": iss.col("feedback"),
        "discovered_false_closure": iss.col("discovered"),
        "reopened": iss.col("reopened"),
        "satisfaction": iss.col("satisfaction"),
        "exogenous": iss.col("exogenous"),
    }
