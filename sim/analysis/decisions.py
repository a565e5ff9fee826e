"""Decision views of a sweep or comparison: what each option buys, at what cost, for whom.

An *option* is a scenario together with the levels of the experiment's mechanism factors
(``mechanisms.<key>.*``: switches and intensities are levers, not context); the *reference*
is the first scenario with every lever at its first level. The other factors are the
*context* (staffing, populations): an option's effect is shown in every context and pooled.
Every effect is a paired difference over common random numbers (same seed and context).

- **Cost-effectiveness**: Δ outcome per Δ cost, where the cost is the hours of one pool
  (``used_<pool>``), of every hour pool, or the budget, per day. Its 95% CI is Fieller's
  interval for a ratio of paired means (Fieller 1954; exact under normality, and honest where
  a delta-method interval is not): when the cost's own CI contains 0 the ratio is unbounded
  and is reported as such, never as a number.
- **Ranking** of the options by one outcome (in its better direction), with the trade-offs
  on trust, participation and the equity gaps beside it.
- **Interaction**: an option's effect at each level of each context factor.

A CI of zero width (every seed gives the same difference, typical of whole-day medians over
few seeds) is not a verdict: it is flagged, not called significant. Nor is any effect of an
incomplete sweep (fewer runs than ``planned``): its verdicts say how many runs are stored.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from scipy import stats

from sim.analysis.stats import CONFIDENCE, paired_difference, verdict
from sim.outcomes.registry import REGISTRY
from sim.resources import BUDGET_POOLS, HOUR_POOLS

__all__ = ["COSTS", "Decision", "cost_of", "decide", "fieller", "options"]

Columns = Mapping[str, np.ndarray]
#: Trade-off outcomes shown beside the ranking, when the runs have them.
TRADE_OFFS = ("trust_mean", "participation_rate", "efficacy_mean", "trust_gap_gig", "participation_gap_gig",
              "trust_gap_migrant", "trust_gap_elderly")
#: Named costs besides one pool (``used_<pool>``): every hour pool, every budget pool.
COSTS = {"hours": tuple(f"used_{p}" for p in HOUR_POOLS), "budget": tuple(f"used_{p}" for p in BUDGET_POOLS)}
LEVER_PREFIX = "mechanisms."


def cost_of(cols: Columns, per: str, *, partial: bool = False) -> tuple[np.ndarray, str, str]:
    """Daily cost per run: a pool's use (``grid_workers``), ``hours`` or ``budget``; with its
    unit and label. KeyError naming what is missing when the runs lack a pool's use (with
    ``partial``, ``hours`` and ``budget`` sum the pools the runs have, and say which)."""
    names = COSTS.get(per, (f"used_{per}",))
    missing = [n for n in names if n not in cols]
    if partial and per in COSTS and len(missing) < len(names):
        have = [n for n in names if n in cols]
        pools = ", ".join(n.removeprefix("used_").replace("_", " ") for n in have)
        total = np.sum([np.asarray(cols[n], dtype=np.float64) for n in have], axis=0)
        return total, REGISTRY[have[0]].unit, f"{'hours' if per == 'hours' else 'budget'} of {pools}"
    if missing:
        raise KeyError(", ".join(missing))
    unit = REGISTRY[names[0]].unit
    label = {"hours": "hours of every pool", "budget": "budget of every pool"}.get(per, f"hours of {per.replace('_', ' ')}"
                                                                                  if per in HOUR_POOLS else per.replace("_", " "))
    return np.sum([np.asarray(cols[n], dtype=np.float64) for n in names], axis=0), unit, label


def fieller(a: np.ndarray, b: np.ndarray, confidence: float = CONFIDENCE) -> tuple[float, float, float, str]:
    """Ratio of the means of paired samples ``a`` / ``b`` with Fieller's CI: (ratio, low, high,
    note); low/high are NaN with a note when ``b``'s mean is not shown to differ from 0."""
    a, b = np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64)
    keep = ~(np.isnan(a) | np.isnan(b))
    a, b = a[keep], b[keep]
    n = len(a)
    if n < 2:
        return math.nan, math.nan, math.nan, "fewer than 2 seeds"
    ma, mb = a.mean(), b.mean()
    ratio = ma / mb if mb != 0 else math.nan
    cov = np.cov(a, b, ddof=1) / n
    va, vb, cab = cov[0, 0], cov[1, 1], cov[0, 1]
    t = stats.t.ppf(0.5 + confidence / 2, n - 1)
    qa = mb * mb - t * t * vb
    if qa <= 0:
        return ratio, math.nan, math.nan, "cost not shown to change (its CI contains 0): no ratio"
    qb = ma * mb - t * t * cab
    qc = ma * ma - t * t * va
    disc = max(qb * qb - qa * qc, 0.0)
    lo, hi = (qb - math.sqrt(disc)) / qa, (qb + math.sqrt(disc)) / qa
    return ratio, lo, hi, ""


def options(cols: Columns, factors: Sequence[str]) -> tuple[np.ndarray, list[str], list[str]]:
    """Each run's option label (scenario + lever levels), the lever factors and the context factors."""
    levers = [f for f in factors if f.startswith(LEVER_PREFIX)]
    context = [f for f in factors if f not in levers]
    n = len(cols["scenario"])
    first = {f: cols[f][0] for f in levers}
    labels = []
    for i in range(n):
        parts = [str(cols["scenario"][i])]
        for f in levers:
            v = cols[f][i]
            key = f[len(LEVER_PREFIX):].removesuffix(".enabled")
            if isinstance(v, (bool, np.bool_)):
                if v:
                    parts.append(f"+{key}")
            elif v != first[f]:
                parts.append(f"{key}={v:g}" if isinstance(v, (float, int, np.number)) else f"{key}={v}")
        labels.append(" ".join(parts))
    return np.asarray(labels, dtype=object), levers, context


@dataclass(frozen=True)
class Decision:
    """The decision views of one set of runs."""

    outcome: str
    per: str
    cost_unit: str
    cost_label: str
    reference: str
    effects: list[dict[str, Any]]  #: one row per option, context level (or "all") and outcome
    ranking: list[dict[str, Any]]  #: options by the pooled effect on ``outcome``, best first
    context: list[str]
    warnings: list[str]


def decide(cols: Columns, factors: Sequence[str], *, outcome: str, per: str = "hours",
           outcomes: Sequence[str] = (), require_cost: bool = True, planned: int | None = None) -> Decision:
    """Cost-effectiveness, ranking and interaction views (module docstring) of runs ``cols``;
    without the cost's ``used_<pool>`` outcomes, KeyError, or (``require_cost=False``) the
    views without costs and a warning. ``planned``: the runs the experiment plans; when
    ``cols`` holds fewer, the effects are shown with no verdict (every one, trade-offs too)."""
    label, levers, context = options(cols, factors)
    stored = len(label)
    partial = f"none: {stored} of {planned} planned runs stored" if planned is not None and stored < planned else None
    warnings: list[str] = []
    try:
        cost, unit, cost_label = cost_of(cols, per, partial=not require_cost)
    except KeyError as exc:
        if require_cost:
            raise
        cost, unit, cost_label = np.full(len(label), np.nan), "–", "cost (not in the runs)"
        warnings.append(f"no cost views: the runs lack {exc.args[0]} (add the used_<pool> outcomes to the experiment)")
    shown = list(dict.fromkeys([outcome, *[o for o in TRADE_OFFS if o in cols], *[o for o in outcomes if o in cols]]))
    names = list(dict.fromkeys(label.tolist()))
    reference = names[0]
    ctx = [tuple(v) for v in zip(*(cols[f] for f in context))] if context else [()] * len(label)
    seed = cols["seed"].tolist()
    point = cols["point"].tolist() if not levers and not context else [0] * len(label)
    index = {(label[i], ctx[i], seed[i], point[i]): i for i in range(len(label))}
    levels = list(dict.fromkeys(ctx))
    effects: list[dict[str, Any]] = []
    for name in names[1:]:
        for level in [None, *levels] if context else [None]:
            pairs = [(index[(reference, c, s, p)], i) for (lab, c, s, p), i in index.items()
                     if lab == name and (level is None or c == level) and (reference, c, s, p) in index]
            if len(pairs) < 2:
                continue
            ia, ib = (np.asarray(v) for v in zip(*pairs))
            dcost = cost[ib] - cost[ia]
            dc = paired_difference(cost[ia], cost[ib])
            where = "all" if level is None else ", ".join(f"{f}={v:g}" if isinstance(v, (int, float, np.number)) else f"{f}={v}"
                                                          for f, v in zip(context, level))
            for o in shown:
                d = paired_difference(cols[o][ia], cols[o][ib])
                ratio, lo, hi, note = fieller(cols[o][ib] - cols[o][ia], dcost) if np.isfinite(dcost).any() else (
                    math.nan, math.nan, math.nan, "no cost in the runs")
                effects.append({"option": name, "context": where, "outcome": o, "n": d.n, "diff": d.mean, "ci_low": d.low,
                                "ci_high": d.high, "verdict": partial or verdict(d.low, d.high, d.n), "cost_diff": dc.mean,
                                "cost_low": dc.low, "cost_high": dc.high, "per_cost": ratio, "per_cost_low": lo,
                                "per_cost_high": hi, "note": note})
    pooled = {(e["option"], e["outcome"]): e for e in effects if e["context"] == "all"}
    direction = REGISTRY[outcome].direction or -1
    ranking = []
    for name in names[1:]:
        e = pooled.get((name, outcome))
        if e is None:
            continue
        row = {"option": name, "outcome": outcome, **{k: e[k] for k in ("n", "diff", "ci_low", "ci_high", "verdict", "cost_diff",
                                                                        "cost_low", "cost_high", "per_cost", "per_cost_low",
                                                                        "per_cost_high", "note")}}
        for o in shown[1:]:
            t = pooled.get((name, o))
            if t is not None:
                row[f"d_{o}"], row[f"d_{o}_low"], row[f"d_{o}_high"] = t["diff"], t["ci_low"], t["ci_high"]
                row[f"{o}_verdict"] = t["verdict"]
        ranking.append(row)
    ranking.sort(key=lambda r: (-direction * r["diff"]) if math.isfinite(r["diff"]) else math.inf)
    flat = [e for e in effects if e["verdict"].startswith("no spread")]
    if flat:
        warnings.append(f"{len(flat)} effects have a CI of zero width (every seed the same difference, e.g. whole-day "
                        "medians over few seeds): they are not verdicts; add seeds or use a mean outcome")
    return Decision(outcome=outcome, per=per, cost_unit=unit, cost_label=cost_label, reference=reference, effects=effects,
                    ranking=ranking, context=context, warnings=warnings)
