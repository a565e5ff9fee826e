"""Headline outcomes of a run: one number per outcome, used by ``run`` and ``compare``."""

from __future__ import annotations

import numpy as np
import pyarrow as pa

#: Outcome -> (description, higher is better?)
HEADLINE: dict[str, tuple[str, bool]] = {
    "trust": ("Mean trust, last day", True),
    "participation": ("Participation share, last day", True),
    "resolution_days_median": ("Median days to real resolution, all resolved issues", False),
    "resolution_days_p90": ("90th percentile days to real resolution", False),
    "resolution_rate": ("Resolved / all closed or abandoned issues", True),
    "false_closure_rate": ("Closed on paper / all closures", False),
    "reassignments_per_issue": ("Mean reassignments per handled issue", False),
    "backlog": ("Open issues, last day", False),
    "latent": ("Latent issues, last day", False),
    "satisfaction": ("Mean satisfaction of residents' experiences", True),
    "acquaintance_share": ("Share of non-household ties at least acquaintance, last day", True),
    "trust_gap_gig": ("Trust gap locals − gig workers, last day", False),
    "participation_gap_gig": ("Participation gap locals − gig workers, last day", False),
    "party_member_hours": ("Party-member hours, total", False),
    "grid_worker_hours": ("Grid-worker hours, total", False),
    "budget": ("Budget units spent, total (incl. regional pool)", False),
    "budget_per_resolution": ("Budget units per resolved issue", False),
}


def _handled(issues: pa.Table) -> np.ndarray:
    """Issues a handler dealt with (not self-governed, routed at least once)."""
    return ~np.asarray(issues.column("self_resolved")) & (np.asarray(issues.column("handler_path")) != "")


def headline(daily: pa.Table, issues: pa.Table) -> dict[str, float]:
    """Headline outcomes from a run's daily and per-issue tables."""
    d = {k: np.asarray(daily.column(k)) for k in daily.column_names}
    status = np.asarray(issues.column("status"))
    arisen = np.asarray(issues.column("day_arisen"))
    closed_day = np.asarray(issues.column("day_closed"))
    resolved = status == "resolved"
    dur = (closed_day[resolved] - arisen[resolved]).astype(float)
    handled = _handled(issues)
    ended = np.isin(status, ["resolved", "false_closed", "abandoned"])
    sat = np.asarray(issues.column("satisfaction"), dtype=float)
    budget = float(d["budget"].sum())
    out = {
        "trust": float(d["trust_mean"][-1]),
        "participation": float(d["participation"][-1]),
        "resolution_days_median": float(np.median(dur)) if len(dur) else np.nan,
        "resolution_days_p90": float(np.percentile(dur, 90)) if len(dur) else np.nan,
        "resolution_rate": float(resolved.sum() / ended.sum()) if ended.any() else np.nan,
        "false_closure_rate": float((status == "false_closed").sum() / max(1, (resolved | (status == "false_closed")).sum())),
        "reassignments_per_issue": (float(np.asarray(issues.column("reassignments"))[ended & handled].mean())
                                    if (ended & handled).any() else np.nan),
        "backlog": float(d["open"][-1]),
        "latent": float(d["latent"][-1]),
        "satisfaction": float(np.nanmean(sat)) if np.isfinite(sat).any() else np.nan,
        "acquaintance_share": float(d["acquaintance_share"][-1]),
        "trust_gap_gig": float(d["trust_gap_gig"][-1]),
        "participation_gap_gig": float(d["participation_gap_gig"][-1]),
        "party_member_hours": float(d["party_member_hours"].sum()),
        "grid_worker_hours": float(d["grid_worker_hours"].sum()),
        "budget": budget,
        "budget_per_resolution": budget / max(1, int(resolved.sum())),
    }
    return out


def by_category(issues: pa.Table) -> pa.Table:
    """Per issue category: arisen, resolution rate, median and p90 days to resolution,
    reassignments and false-closure rate (spec §5: resolution time per category)."""
    cat = np.asarray(issues.column("category"))
    status = np.asarray(issues.column("status"))
    days = (np.asarray(issues.column("day_closed")) - np.asarray(issues.column("day_arisen"))).astype(float)
    reass = np.asarray(issues.column("reassignments"))
    handled = _handled(issues)
    rows: dict[str, list] = {k: [] for k in ("category", "arisen", "resolution_rate", "resolution_days_median",
                                              "resolution_days_p90", "reassignments_per_issue", "false_closure_rate")}
    for c in dict.fromkeys(sorted(cat)):
        m = cat == c
        res = m & (status == "resolved")
        ended = m & np.isin(status, ["resolved", "false_closed", "abandoned"])
        closures = m & np.isin(status, ["resolved", "false_closed"])
        rows["category"].append(str(c))
        rows["arisen"].append(int(m.sum()))
        rows["resolution_rate"].append(float(res.sum() / ended.sum()) if ended.any() else np.nan)
        rows["resolution_days_median"].append(float(np.median(days[res])) if res.any() else np.nan)
        rows["resolution_days_p90"].append(float(np.percentile(days[res], 90)) if res.any() else np.nan)
        rows["reassignments_per_issue"].append(float(reass[ended & handled].mean()) if (ended & handled).any() else np.nan)
        rows["false_closure_rate"].append(float((status[closures] == "false_closed").mean()) if closures.any() else np.nan)
    return pa.table(rows)
