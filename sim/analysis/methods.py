"""Statistics of a sweep for ``govsim report`` (numpy, scipy, SALib, EMA Workbench; no plotting).

Every function takes the runs table as plain columns (:func:`columns`) and returns tidy rows:

* :func:`factor_effects` -- an outcome's mean and 95% CI per factor value (factorial) or per
  quantile bin of the factor (sampled designs);
* :func:`paired_effects` -- each scenario against the first, and each level of a factorial
  factor against its first level, paired by seed (and every other factor), with the paired
  t-test's p and Holm's correction over the whole table;
* :func:`adequacy` -- for every paired effect: the CI half-width at all seeds and at half of
  them, the seeds a half-width of 10% of the effect needs, and a warning when the verdict
  rests on too few seeds (fewer than :data:`MIN_SEEDS`, or it changes when the last quarter
  of the seeds is left out);
* :func:`sobol_indices`, :func:`morris_indices` -- SALib's first-order and total Sobol indices
  and Morris' mu* with bootstrap 95% CIs, on the mean over seeds of each design point; the
  bootstrap is seeded from the experiment's design seed (:func:`bootstrap_seed`), so the same
  runs always give the same CIs;
* :func:`discover` -- scenario discovery with PRIM (EMA Workbench): the box of factor ranges
  in which the outcome stays beyond a threshold, with its coverage and density.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from sim.analysis.stats import mean_ci, paired_difference, verdict

#: Fewest seeds on which a verdict (a CI excluding 0) is trusted without a warning.
MIN_SEEDS = 10
#: Bootstrap resamples for the sensitivity indices.
RESAMPLES = 1000
#: Spawn key of the bootstrap's stream, apart from the design's own draws from the same seed.
BOOTSTRAP_KEY = 7001
Columns = Mapping[str, np.ndarray]


def columns(table: Any) -> dict[str, np.ndarray]:
    """A pyarrow table as numpy columns (nulls as NaN in numeric columns)."""
    import pyarrow as pa

    out = {}
    for name, col in zip(table.column_names, table.columns):
        if pa.types.is_floating(col.type):
            out[name] = col.to_numpy(zero_copy_only=False).astype(np.float64)
        elif pa.types.is_string(col.type):
            out[name] = np.asarray(col.to_pylist(), dtype=object)
        else:
            out[name] = np.asarray(col.to_pylist())
    return out


def holm(pvalues: Sequence[float]) -> list[float]:
    """Holm–Bonferroni adjusted p-values (NaN stays NaN and is not counted)."""
    p = np.asarray(pvalues, dtype=np.float64)
    ok = np.flatnonzero(~np.isnan(p))
    out = np.full(len(p), np.nan)
    order = ok[np.argsort(p[ok], kind="stable")]
    m, running = len(order), 0.0
    for rank, i in enumerate(order):
        running = max(running, min(1.0, (m - rank) * p[i]))
        out[i] = running
    return out.tolist()


def _groups(cols: Columns, keys: Sequence[str]) -> dict[tuple, np.ndarray]:
    """Row indices per distinct combination of ``keys``."""
    out: dict[tuple, list[int]] = {}
    for i, combo in enumerate(zip(*(cols[k] for k in keys))):
        out.setdefault(tuple(combo), []).append(i)
    return {k: np.asarray(v) for k, v in out.items()}


def factor_effects(cols: Columns, factor: str, outcomes: Sequence[str], *, factorial: bool, bins: int = 8) -> list[dict[str, Any]]:
    """Per scenario and factor value (or quantile bin): each outcome's mean with 95% CI."""
    x = cols[factor]
    if factorial:
        level = x
        centres = {v: v for v in dict.fromkeys(x.tolist())}
    else:
        xf = x.astype(np.float64)
        edges = np.unique(np.quantile(xf, np.linspace(0, 1, bins + 1)))
        idx = np.clip(np.searchsorted(edges, xf, side="right") - 1, 0, max(len(edges) - 2, 0))
        level = idx
        centres = {i: float(np.mean(xf[idx == i])) for i in np.unique(idx)}
    rows = []
    for (scenario, lv), ids in sorted(_groups({"s": cols["scenario"], "l": level}, ["s", "l"]).items(), key=lambda kv: str(kv[0])):
        for o in outcomes:
            ci = mean_ci(cols[o][ids])
            rows.append({"factor": factor, "scenario": scenario, "value": centres[lv], "outcome": o, "n": ci.n,
                         "mean": ci.mean, "ci_low": ci.low, "ci_high": ci.high})
    return rows


def _paired(cols: Columns, outcomes: Sequence[str], by: str, pair_keys: Sequence[str]) -> list[dict[str, Any]]:
    """``by``'s later values against its first, paired on ``pair_keys`` (seed and the rest)."""
    values = list(dict.fromkeys(cols[by].tolist()))
    index = {tuple(k): i for k, i in zip(zip(*(cols[k] for k in [by, *pair_keys])), range(len(cols[by])))}
    rows = []
    for b in values[1:]:
        pairs = [(index[(values[0], *k[1:])], i) for k, i in index.items() if k[0] == b and (values[0], *k[1:]) in index]
        if not pairs:
            continue
        ia, ib = (np.asarray(v) for v in zip(*pairs))
        for o in outcomes:
            d = paired_difference(cols[o][ia], cols[o][ib])
            rows.append({"contrast": f"{by}: {b} − {values[0]}", "by": by, "level": b, "reference": values[0], "outcome": o,
                         "n": d.n, "diff": d.mean, "ci_low": d.low, "ci_high": d.high, "p": d.p_t, "d_z": d.d_z,
                         "_a": cols[o][ia], "_b": cols[o][ib]})
    return rows


def paired_effects(cols: Columns, outcomes: Sequence[str], factors: Sequence[str], *, factorial: bool) -> list[dict[str, Any]]:
    """Scenarios against the first and (factorial designs) factor levels against the first
    level, paired by seed and everything else; Holm-adjusted p over the whole table."""
    rows = _paired(cols, outcomes, "scenario", ["point", "seed"]) if len(set(cols["scenario"].tolist())) > 1 else []
    if factorial:
        for f in factors:
            rest = [g for g in factors if g != f]
            rows += _paired(cols, outcomes, f, ["scenario", *rest, "seed"])
    for r, p in zip(rows, holm([r["p"] for r in rows])):
        r["p_holm"] = p
        r["verdict"] = verdict(r["ci_low"], r["ci_high"], r["n"])
    return rows


def adequacy(effects: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """Replicate adequacy of every paired effect (see the module docstring)."""
    rows = []
    for e in effects:
        a, b = e["_a"], e["_b"]
        n = len(a)
        full = paired_difference(a, b)
        half = paired_difference(a[: max(2, n // 2)], b[: max(2, n // 2)])
        k = max(2, (3 * n) // 4)
        early = paired_difference(a[:k], b[:k])
        hw = (full.high - full.low) / 2 if math.isfinite(full.high) else math.nan
        target = 0.1 * abs(full.mean)
        need = math.ceil(full.n * (hw / target) ** 2) if target > 0 and math.isfinite(hw) else None
        # The table has the seed counts in its own columns: the words here leave them out.
        said, before = verdict(full.low, full.high), verdict(early.low, early.high)
        warn = ""
        if said in ("higher", "lower") and full.n < MIN_SEEDS:
            warn = f"verdict rests on {full.n} seeds (< {MIN_SEEDS})"
        elif said != before:
            warn = f"verdict changes between {early.n} and {full.n} seeds"
        rows.append({"contrast": e["contrast"], "outcome": e["outcome"], "n": full.n, "diff": full.mean, "half_width": hw,
                     "half_width_half_seeds": (half.high - half.low) / 2 if math.isfinite(half.high) else math.nan,
                     "seeds_for_10pct": need, "verdict": said, f"verdict_at_{k}_seeds": before, "warning": warn})
    return rows


def _point_means(cols: Columns, outcome: str, scenario: str, n_points: int) -> np.ndarray:
    y = np.full(n_points, np.nan)
    mask = cols["scenario"] == scenario
    for p, ids in _groups({"p": cols["point"][mask]}, ["p"]).items():
        y[int(p[0])] = np.nanmean(cols[outcome][mask][ids])
    return y


def _quiet() -> warnings.catch_warnings:
    w = warnings.catch_warnings()
    w.__enter__()
    warnings.simplefilter("ignore")
    return w


def bootstrap_seed(design_seed: int) -> int:
    """The seed of the sensitivity indices' bootstrap for an experiment whose design has seed
    ``design_seed`` (``design.seed``): the first word of numpy's ``SeedSequence(design_seed,
    spawn_key=(BOOTSTRAP_KEY,))``, a stream apart from the design's; never 0, which SALib's
    Sobol analysis takes for "unseeded"."""
    word = int(np.random.SeedSequence(entropy=design_seed, spawn_key=(BOOTSTRAP_KEY,)).generate_state(1)[0])
    return word or 1


def sobol_indices(cols: Columns, problem: dict[str, Any], outcomes: Sequence[str], *, n_points: int,
                  second_order: bool, design_seed: int = 0) -> list[dict[str, Any]]:
    """First-order and total Sobol indices with bootstrap 95% CIs, per scenario and outcome
    (the bootstrap seeded by :func:`bootstrap_seed` of ``design_seed``)."""
    from SALib.analyze import sobol

    rows = []
    for scenario in dict.fromkeys(cols["scenario"].tolist()):
        for o in outcomes:
            y = _point_means(cols, o, scenario, n_points)
            if not np.all(np.isfinite(y)) or np.ptp(y) == 0:
                continue
            w = _quiet()
            try:
                si = sobol.analyze(problem, y, calc_second_order=second_order, num_resamples=RESAMPLES, conf_level=0.95,
                                    seed=bootstrap_seed(design_seed))
            finally:
                w.__exit__(None, None, None)
            for j, f in enumerate(problem["names"]):
                rows.append({"scenario": scenario, "outcome": o, "factor": f,
                             "S1": float(si["S1"][j]), "S1_low": float(si["S1"][j] - si["S1_conf"][j]),
                             "S1_high": float(si["S1"][j] + si["S1_conf"][j]),
                             "ST": float(si["ST"][j]), "ST_low": float(si["ST"][j] - si["ST_conf"][j]),
                             "ST_high": float(si["ST"][j] + si["ST_conf"][j])})
    return rows


def morris_indices(cols: Columns, problem: dict[str, Any], x: np.ndarray, outcomes: Sequence[str], *,
                   levels: int, design_seed: int = 0) -> list[dict[str, Any]]:
    """Morris' mu* (with bootstrap 95% CI), mu and sigma, per scenario and outcome (the
    bootstrap seeded by :func:`bootstrap_seed` of ``design_seed``)."""
    from SALib.analyze import morris

    rows = []
    for scenario in dict.fromkeys(cols["scenario"].tolist()):
        for o in outcomes:
            y = _point_means(cols, o, scenario, len(x))
            if not np.all(np.isfinite(y)):
                continue
            w = _quiet()
            try:
                si = morris.analyze(problem, x, y, num_resamples=RESAMPLES, conf_level=0.95, num_levels=levels,
                                     seed=bootstrap_seed(design_seed))
            finally:
                w.__exit__(None, None, None)
            for j, f in enumerate(problem["names"]):
                ms, conf = float(si["mu_star"][j]), float(si["mu_star_conf"][j])
                rows.append({"scenario": scenario, "outcome": o, "factor": f, "mu_star": ms, "mu_star_low": ms - conf,
                             "mu_star_high": ms + conf, "mu": float(si["mu"][j]), "sigma": float(si["sigma"][j])})
    return rows


def discover(cols: Columns, factors: Sequence[str], outcome: str, threshold: float, *, above: bool,
             min_coverage: float = 0.5) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """PRIM (EMA Workbench) on the design points' mean outcome over seeds: which factor ranges
    keep ``outcome`` >= ``threshold`` (``above``) or <= it. Returns the peeling trajectory and
    the chosen box (the densest with coverage >= ``min_coverage``), one row per factor."""
    import logging

    import pandas as pd

    w = _quiet()
    try:
        logging.getLogger("EMA").setLevel(logging.ERROR)
        from ema_workbench.analysis import prim
    finally:
        w.__exit__(None, None, None)
    groups = _groups({"p": cols["point"], "s": cols["scenario"]}, ["p", "s"])
    keys = sorted(groups)
    x = pd.DataFrame({f: [cols[f][groups[k][0]] for k in keys] for f in factors}).astype(float)
    y = np.array([np.nanmean(cols[outcome][groups[k]]) for k in keys])
    hit = (y >= threshold) if above else (y <= threshold)
    if hit.all() or not hit.any():
        return [], [{"factor": f, "min": float(x[f].min()), "max": float(x[f].max()), "restricted": False,
                     "note": "every point" if hit.all() else "no point"} for f in factors]
    w = _quiet()
    try:
        box = prim.Prim(x, hit, peel_alpha=0.05, paste_alpha=0.05, mass_min=0.05).find_box()
    finally:
        w.__exit__(None, None, None)
    traj = box.peeling_trajectory
    ok = traj.index[traj["coverage"] >= min_coverage]
    chosen = int(traj.loc[ok, "density"].idxmax()) if len(ok) else int(traj.index[0])
    lims = box.box_lims[chosen]
    full = box.box_lims[0]
    trajectory = [{"step": int(i), "coverage": float(r["coverage"]), "density": float(r["density"]), "mass": float(r["mass"]),
                   "res_dim": int(r["res_dim"]), "chosen": int(i) == chosen} for i, r in traj.iterrows()]
    limits = [{"factor": f, "min": float(lims[f].iloc[0]), "max": float(lims[f].iloc[1]),
               "restricted": bool(lims[f].iloc[0] > full[f].iloc[0] or lims[f].iloc[1] < full[f].iloc[1]),
               "coverage": float(traj.loc[chosen, "coverage"]), "density": float(traj.loc[chosen, "density"])}
              for f in factors]
    return trajectory, limits
