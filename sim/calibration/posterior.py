"""The posterior inside history matching's non-implausible region, and its checks with model
runs (``govsim calibrate --method history`` when ``calibration.history.posterior`` is set and the
region is not empty).

*Posterior* (emulator-based Bayesian calibration; Kennedy & O'Hagan 2001, in the form used after
history matching by Vernon, Goldstein & Bower 2010, §5, and Andrianakis et al. 2015): the prior is
uniform on the box and restricted to the non-implausible region (every wave's emulators); each
matched figure z_t has the Gaussian likelihood

    z_t ~ N(E[f_t(x)], Var_emulator(x) + Var_seed + Var_discrepancy + Var_observation)

under the last wave's emulator (no gap inside a floor or ceiling), the variances being those of
the implausibility (:mod:`sim.calibration.emulator`). ``chains`` random-walk Metropolis chains
run in the unit box, started at distinct points of the region's sample, with a Gaussian proposal of
covariance (2.38² / d) × the region sample's covariance (Roberts, Gelman & Gilks 1997), fixed, so
each chain is a plain Metropolis chain. Convergence per parameter: split R-hat and the effective
sample size (Gelman et al. 2013, *Bayesian Data Analysis*, 3rd ed., §11.4–11.5); a posterior is
called converged when every R-hat is below 1.01 and every effective size at least 400 (the
thresholds of Vehtari et al. 2021, Bayesian Analysis 16(2), used with the classic split R-hat).

*Predictions by emulator*: every emulated figure, matched or predicted (the other regime's,
out of sample), over the posterior draws, each draw adding its emulator and seed variance; and
the change of each series from a matched figure to a predicted one (the reform's difference).

*Checks by model runs* (:func:`checks`): the posterior medians in every regime with ``fit_seeds``
seeds, and ``draws`` posterior draws with ``draw_seeds`` seeds each, at the scale of
``posterior.set``, through the sweep engine (resumable); every figure, fitted or held out, gets
the model's mean at the medians with its 95% interval and the posterior predictive interval over
the draws.
"""

from __future__ import annotations

import hashlib
import json
import math
import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from sim.calibration.targets import Posterior, Target, Targets

if TYPE_CHECKING:
    from sim.calibration.history import HistoryResult, Space

__all__ = ["Chains", "checks", "converged", "ess", "log_density", "predictions", "sample", "split_rhat", "summary"]

#: Convergence thresholds (Vehtari et al. 2021).
RHAT_MAX, ESS_MIN = 1.01, 400


@dataclass(frozen=True)
class Chains:
    """Kept draws of every chain in the unit box (chains × draws × d) and acceptance rates."""

    u: np.ndarray
    acceptance: np.ndarray

    def pooled(self) -> np.ndarray:
        return self.u.reshape(-1, self.u.shape[-1])


def log_density(result: HistoryResult, u: np.ndarray) -> np.ndarray:
    """The unnormalised log posterior at unit-box points ``u`` (n × d): −inf outside the box or
    the non-implausible region, else the sum of the matched figures' Gaussian log likelihoods."""
    out = np.full(len(u), -np.inf)
    box = np.all((u >= 0) & (u <= 1), axis=1)
    idx = np.flatnonzero(box)
    if not len(idx):
        return out
    ok = result.inside(u[idx])
    idx = idx[ok]
    last = result.waves[-1]
    total = np.zeros(len(idx))
    for f in result.figures:
        em = last.emulators[f.id]
        if em is None:
            continue
        m, v = em.predict(u[idx])
        gap = f.value - m
        if f.comparison == "at_least":
            gap = np.maximum(gap, 0.0)
        elif f.comparison == "at_most":
            gap = np.minimum(gap, 0.0)
        var = v + em.run_var + f.other_var
        total += -0.5 * (gap**2 / var + np.log(2 * math.pi * var))
    out[idx] = total
    return out


def sample(result: HistoryResult, cfg: Posterior) -> Chains:
    """``cfg.chains`` Metropolis chains of ``cfg.steps`` steps, every ``cfg.thin``-th kept after
    the burn-in. During the burn-in (discarded)
    the proposal adapts: every 100 steps its scale moves toward an acceptance of 0.234 (Roberts,
    Gelman & Gilks 1997), and half-way its covariance becomes that of the chains' draws so far
    (Haario, Saksman & Tamminen 2001); after the burn-in it is fixed, so the kept draws come
    from a plain Metropolis chain."""
    region = result.waves[-1].pool
    if len(region) < 2:
        raise ValueError("the posterior needs a non-implausible region of at least two points")
    d = region.shape[1]
    rng = np.random.default_rng(cfg.seed)

    def factor(cov: np.ndarray) -> np.ndarray:
        return np.linalg.cholesky(np.atleast_2d(cov) * 2.38**2 / d + 1e-10 * np.eye(d))

    chol, log_scale = factor(np.cov(region, rowvar=False)), 0.0
    start = region[rng.choice(len(region), size=cfg.chains, replace=len(region) < cfg.chains)]
    x, lp = start.copy(), log_density(result, start)
    burnt = np.empty((cfg.chains, cfg.burn, d))
    kept = np.empty((cfg.chains, (cfg.steps - cfg.burn) // cfg.thin, d))
    recent, accepted = np.zeros(cfg.chains), np.zeros(cfg.chains)
    for step in range(cfg.steps):
        prop = x + math.exp(log_scale) * rng.standard_normal((cfg.chains, d)) @ chol.T
        lp_prop = log_density(result, prop)
        take = np.log(rng.random(cfg.chains)) < lp_prop - lp
        x[take], lp[take] = prop[take], lp_prop[take]
        if step < cfg.burn:
            burnt[:, step] = x
            recent += take
            if (step + 1) % 100 == 0:
                log_scale += float(recent.mean() / 100 - 0.234)
                recent[:] = 0
            if step + 1 == cfg.burn // 2 and step >= 2 * d:
                chol, log_scale = factor(np.cov(burnt[:, :step + 1].reshape(-1, d), rowvar=False)), 0.0
        else:
            accepted += take
            i, r = divmod(step - cfg.burn, cfg.thin)
            if r == cfg.thin - 1 and i < len(kept[0]):
                kept[:, i] = x
    return Chains(kept, accepted / (cfg.steps - cfg.burn))


def split_rhat(x: np.ndarray) -> float:
    """Split R-hat of one parameter's draws (chains × draws; BDA3 §11.4)."""
    n = x.shape[1] // 2
    halves = np.concatenate([x[:, :n], x[:, n:2 * n]])
    w = halves.var(axis=1, ddof=1).mean()
    b = n * halves.mean(axis=1).var(ddof=1)
    if w == 0:
        return 1.0 if b == 0 else math.inf
    return float(math.sqrt(((n - 1) / n * w + b / n) / w))


def ess(x: np.ndarray) -> float:
    """Effective sample size of one parameter's draws (chains × draws, at least two chains;
    BDA3 §11.5): autocorrelations combined over chains, summed over Geyer's initial positive
    sequence of pairs."""
    m, n = x.shape
    centred = x - x.mean(axis=1, keepdims=True)
    f = np.fft.rfft(centred, n=2 * n, axis=1)
    acov = np.fft.irfft(f * np.conj(f), n=2 * n, axis=1)[:, :n] / n
    w = acov[:, 0].mean() * n / (n - 1)
    var = (n - 1) / n * w + x.mean(axis=1).var(ddof=1)
    if var <= 0:
        return float(m * n)
    rho = 1 - (w - acov.mean(axis=0)) / var
    tau = -1.0
    for t in range(0, n - 1, 2):
        pair = rho[t] + rho[t + 1]
        if pair < 0:
            break
        tau += 2 * pair
    return float(m * n / max(tau, 1.0 / math.log10(max(m * n, 10))))


def summary(chains: Chains, space: Space) -> dict[str, dict[str, Any]]:
    """Per parameter (its units): prior range, median, 90% and 95% intervals, the 95% width as a
    share of the prior, split R-hat and effective size."""
    x = space.from_unit(chains.pooled())
    out = {}
    for j, name in enumerate(space.names):
        q = np.quantile(x[:, j], [0.025, 0.05, 0.5, 0.95, 0.975])
        lo, hi = float(space.low[j]), float(space.high[j])
        out[name] = {"low": lo, "high": hi, "median": float(q[2]), "q025": float(q[0]), "q05": float(q[1]),
                     "q95": float(q[3]), "q975": float(q[4]), "width_share": float((q[4] - q[0]) / (hi - lo)),
                     "rhat": split_rhat(chains.u[:, :, j]), "ess": ess(chains.u[:, :, j]), "integer": name in space.integer}
    return out


def converged(params: Mapping[str, Mapping[str, Any]]) -> bool:
    return all(p["rhat"] < RHAT_MAX and p["ess"] >= ESS_MIN for p in params.values())


def predictions(result: HistoryResult, chains: Chains, targets: Targets, *, seed: int,
                most: int = 4000) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """By emulator over (at most ``most``) posterior draws: each figure's predictive median and 95%
    interval, and each series' change from a matched figure to a predicted one."""
    rng = np.random.default_rng(seed)
    u = chains.pooled()
    u = u[np.linspace(0, len(u) - 1, min(most, len(u))).astype(int)]
    last = result.waves[-1]
    by_id = {t.id: t for t in targets.targets}
    sims: dict[str, np.ndarray] = {}
    rows = []
    for f in result.figures + result.predicted:
        em = last.emulators[f.id]
        if em is None:
            continue
        m, v = em.predict(u)
        sims[f.id] = m + rng.standard_normal(len(u)) * np.sqrt(v + em.run_var)
        t = by_id[f.id]
        q = np.quantile(sims[f.id], [0.025, 0.5, 0.975])
        rows.append({"id": f.id, "role": "predicted" if f in result.predicted else "matched", "regime": t.regime,
                     "value": t.value, "tolerance": t.tolerance, "median": float(q[1]), "q025": float(q[0]),
                     "q975": float(q[2]), "share_within": float(np.mean([t.within(float(s)) for s in sims[f.id]]))})
    changes = []
    matched = [f for f in result.figures if f.id in sims]
    for p in (f for f in result.predicted if f.id in sims):
        tp = by_id[p.id]
        for a in matched:
            ta = by_id[a.id]
            if tp.series and tp.series == ta.series and tp.regime != ta.regime:
                diff = sims[p.id] - sims[a.id]
                q = np.quantile(diff, [0.025, 0.5, 0.975])
                observed = tp.value - ta.value
                changes.append({"series": tp.series, "from": a.id, "to": p.id, "observed": observed, "median": float(q[1]),
                                "q025": float(q[0]), "q975": float(q[2]), "observed_inside": bool(q[0] <= observed <= q[2]),
                                "share_at_least_observed": float(np.mean(diff >= observed))})
    return rows, changes


def _key(*parts: Any) -> str:
    return hashlib.sha256(json.dumps(parts, sort_keys=True, default=str).encode()).hexdigest()[:10]


def checks(targets: Targets, out: Path, chains: Chains, space: Space, values: Mapping[str, Any], cfg: Posterior, *,
           matched: Sequence[str], overrides: Mapping[str, Any], workers: int | None, quiet: bool) -> list[dict[str, Any]]:
    """The model run at the posterior medians (``fit_seeds`` seeds) and at ``draws`` posterior
    draws (``draw_seeds`` seeds each), every regime, with ``overrides`` (the checks' scale): per target its
    fit row (:func:`sim.calibration.abc.fit_row`) and the posterior predictive interval of its
    per-draw mean over the draws."""
    from sim.calibration.abc import Budget, fit, readings, run_regimes

    sets = dict(overrides)
    budget = Budget(samples=1, seeds=1, accept=1.0, fit_seeds=cfg.fit_seeds, set=sets, workers=workers, quiet=quiet)
    # each stage's folder is named by what it runs, so that a posterior sampled again (other
    # chains, more steps) runs its own checks instead of meeting the store of another experiment
    rows = fit(targets, out, values, budget, stage=f"posterior-fit-{_key(values, sets)}")
    for row in rows:
        if row["status"] == "fitted" and row["id"] not in matched:
            row["status"] = "predicted (not matched)"
    if cfg.draws == 0:
        return rows
    u = chains.pooled()
    x = space.from_unit(u[np.linspace(0, len(u) - 1, cfg.draws).astype(int)])
    factors = {n: [int(v) if n in space.integer else float(v) for v in x[:, j]] for j, n in enumerate(space.names)}
    stage = f"posterior-draws-{_key(factors, sets, cfg.draw_seeds)}"
    results = run_regimes(targets, out, stage=stage, overrides=sets, replications=cfg.draw_seeds,
                          budget=budget, factors=factors, design={"method": "points"})
    per: dict[str, np.ndarray] = {}
    for regime, result in results.items():
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)  # a figure no draw gives a value for
            per.update({t: np.nanmean(v, axis=1) for t, v in readings(result, targets.of(regime)).items()})
    by_id: dict[str, Target] = {t.id: t for t in targets.targets}
    for row in rows:
        draws = per.get(row["id"])
        draws = draws[np.isfinite(draws)] if draws is not None else np.empty(0)
        q = np.quantile(draws, [0.025, 0.5, 0.975]) if len(draws) else np.full(3, math.nan)
        row.update({"draws": len(draws), "draws_q025": float(q[0]), "draws_median": float(q[1]), "draws_q975": float(q[2]),
                    "draws_share_within": float(np.mean([by_id[row["id"]].within(float(v)) for v in draws]))
                    if len(draws) else math.nan})
    return rows



# --------------------------------------------------------------------------- the posterior stage of --method history

#: Files the posterior stage writes into the output folder (``calibrated/`` besides).
FILES = ("posterior.csv", "predictions.csv", "changes.csv", "checks.csv", "chains.parquet", "posterior.png")


def run_posterior(result: HistoryResult, targets: Targets, cfg: Posterior, out: Path, *, overrides: Mapping[str, Any],
                  workers: int | None, quiet: bool, header: str) -> dict[str, Any]:
    """Sample, summarise, predict, check by model runs with ``overrides`` and write (:data:`FILES`, and one
    calibrated scenario per regime at the posterior medians in ``out/calibrated/``); returns the
    record ``history.json`` keeps under ``posterior``."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    from sim.calibration.abc import calibrated_values, write_scenarios
    from sim.output.tables import write_csv

    chains = sample(result, cfg)
    params = summary(chains, result.space)
    rows, changes = predictions(result, chains, targets, seed=cfg.seed)
    values = calibrated_values(params)
    fit_rows = checks(targets, out, chains, result.space, values, cfg, matched=[f.id for f in result.figures],
                      overrides=overrides, workers=workers, quiet=quiet)
    out.mkdir(parents=True, exist_ok=True)
    write_csv([{"parameter": k, **v} for k, v in params.items()], None, out / "posterior.csv", digits=6)
    write_csv(rows, None, out / "predictions.csv", digits=6)
    write_csv(changes, ["series", "from", "to", "observed", "median", "q025", "q975", "observed_inside",
                        "share_at_least_observed"], out / "changes.csv", digits=6)
    write_csv(fit_rows, None, out / "checks.csv", digits=6)
    x = result.space.from_unit(chains.pooled())
    n = chains.u.shape[1]
    table = {"chain": pa.array(np.repeat(np.arange(chains.u.shape[0]), n)), "step": pa.array(np.tile(np.arange(n), chains.u.shape[0]))}
    table.update({name: pa.array(x[:, j]) for j, name in enumerate(result.space.names)})
    pq.write_table(pa.table(table), out / "chains.parquet")
    _figure(chains, result.space, params, out / "posterior.png")
    write_scenarios(targets, values, out / "calibrated", header=header,
                    description="with the posterior medians of history matching's free parameters (history.md)")
    return {"settings": cfg.model_dump(mode="json"), "acceptance": [float(a) for a in chains.acceptance],
            "converged": converged(params), "max_rhat": max(p["rhat"] for p in params.values()),
            "min_ess": min(p["ess"] for p in params.values()), "parameters": params, "calibrated": values,
            "predictions": rows, "changes": changes, "checks": fit_rows, "scale": dict(overrides)}


def markdown(record: Mapping[str, Any]) -> list[str]:
    """The posterior's lines of ``history.md``."""
    p = record["posterior"]
    s = p["settings"]
    lines = ["", "## Posterior inside the region", "",
             f"{s['chains']} Metropolis chains × {s['steps'] - s['burn']} steps after a burn-in of {s['burn']}, every "
             f"{s['thin']}-th kept; acceptance "
             f"{min(p['acceptance']):.2f}–{max(p['acceptance']):.2f}; max split R-hat {p['max_rhat']:.3f}, min effective size "
             f"{p['min_ess']:.0f}: **{'converged' if p['converged'] else 'NOT converged'}** (R-hat < {RHAT_MAX}, ESS ≥ {ESS_MIN}).",
             "", "| parameter | prior | median | 95% interval | width / prior | R-hat | ESS |",
             "| --- | --- | ---: | --- | ---: | ---: | ---: |"]
    lines += [f"| {k} | [{v['low']:g}, {v['high']:g}] | {v['median']:.4g} | [{v['q025']:.4g}, {v['q975']:.4g}] | "
              f"{v['width_share']:.2f} | {v['rhat']:.3f} | {v['ess']:.0f} |" for k, v in p["parameters"].items()]
    lines += ["", "By emulator over the posterior (each draw with its emulator and seed noise):", "",
              "| figure | role | value | median | 95% interval | share of draws within tolerance |",
              "| --- | --- | ---: | ---: | --- | ---: |"]
    lines += [f"| {r['id']} | {r['role']} | {r['value']:.3f} | {r['median']:.3f} | [{r['q025']:.3f}, {r['q975']:.3f}] | "
              f"{r['share_within']:.2f} |" for r in p["predictions"]]
    for c in p["changes"]:
        lines += ["", f"**{c['series']}**, {c['from']} → {c['to']}: observed {c['observed']:+.3f}; predicted {c['median']:+.3f} "
                  f"[{c['q025']:+.3f}, {c['q975']:+.3f}] (observed {'inside' if c['observed_inside'] else 'OUTSIDE'} the 95% "
                  f"interval; share of draws at least as large: {c['share_at_least_observed']:.3f})."]
    scale = ", ".join(f"{k}={v}" for k, v in p["scale"].items())
    lines += ["", f"Model runs ({scale}): at the posterior medians with {s['fit_seeds']} seeds, and over {s['draws']} posterior "
              f"draws × {s['draw_seeds']} seeds:", "",
              "| figure | status | value | at medians [95% CI] | within | draws: median [95%] | share of draws within |",
              "| --- | --- | ---: | --- | --- | --- | ---: |"]
    for r in p["checks"]:
        if r["status"].startswith("input (") or r["n"] == 0:
            continue
        within = "yes" if r["within"] else "no"
        draws = (f"{r['draws_median']:.3f} [{r['draws_q025']:.3f}, {r['draws_q975']:.3f}] | {r['draws_share_within']:.2f}"
                 if r.get("draws") else "– | –")
        lines.append(f"| {r['id']} | {r['status']} | {r['value']:.3f} | {r['mean']:.3f} [{r['low']:.3f}, {r['high']:.3f}] | "
                     f"{within} | {draws} |")
    return lines


def _figure(chains: Chains, space: Space, params: Mapping[str, Mapping[str, Any]], path: Path) -> None:
    """Marginal posterior histograms over the prior range (matplotlib, output only)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    d = len(space.names)
    cols = min(d, 6)
    rows = math.ceil(d / cols)
    fig, axes = plt.subplots(rows, cols, figsize=(2.2 * cols, 1.9 * rows), squeeze=False)
    x = space.from_unit(chains.pooled())
    for j, name in enumerate(space.names):
        ax = axes[j // cols][j % cols]
        ax.hist(x[:, j], bins=30, range=(space.low[j], space.high[j]), density=True, color="#4878a8")
        ax.axhline(1 / (space.high[j] - space.low[j]), color="#999", lw=0.8, ls="--")
        ax.set_title(f"{name.split('.')[-1]}\nR-hat {params[name]['rhat']:.3f}", fontsize=7)
        ax.tick_params(labelsize=6)
        ax.set_yticks([])
    for j in range(d, rows * cols):
        axes[j // cols][j % cols].set_visible(False)
    fig.suptitle("posterior marginals (dashed: the uniform prior)", fontsize=8)
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    plt.close(fig)
