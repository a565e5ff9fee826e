"""The outputs of ``govsim optimize`` a reader looks at: the frontier figure (cost against each
other objective, every evaluated mix, the frontier highlighted, the cheapest feasible mix
and the baseline marked) and ``optimize.md`` (the answer first: the cheapest mix reaching
the target, then the frontier, the replications and what they can separate).

The optimisation itself (file format, NSGA-II on the sweep engine, tables, scenario files)
is :mod:`sim.sweep.optimize`; this module only reads its result.
"""

from __future__ import annotations

import math
import textwrap
from pathlib import Path
from typing import Any

import numpy as np

from sim.analysis.plotting import plt, save_figure
from sim.output.results import atomic_write
from sim.sweep.optimize import Candidate, Objective, OptimizeResult, ci95, constraint_values, mean

__all__ = ["plot_frontier", "separation", "write_report"]


def _axis(o: Objective) -> str:
    return "\n".join(textwrap.wrap(f"{o.label} ({o.unit})", 38))


def plot_frontier(result: OptimizeResult, path: Path, *, formats: tuple[str, ...] = ("pdf", "svg")) -> list[Path]:
    """Cost (the first cost objective, else the first objective) against each other objective."""
    opt = result.opt
    x_obj = opt.cost or opt.objectives[0]
    others = [o for o in opt.objectives if o is not x_obj]
    n = len(others)
    ncols = min(2, n)
    nrows = -(-n // ncols)
    with plt.rc_context({"pdf.fonttype": 42, "svg.fonttype": "none", "font.size": 8}):
        fig, axes = plt.subplots(nrows, ncols, figsize=(3.5 * ncols, 3.0 * nrows + 0.5), layout="constrained", squeeze=False)
        for ax in axes.flat[n:]:
            ax.set_visible(False)
        front = result.frontier
        cheapest = result.cheapest
        for ax, y_obj in zip(axes.flat, others):
            def xy(c: Candidate | None, arrays: dict[str, np.ndarray], y_obj: Objective = y_obj) -> tuple[float, float]:
                return mean(opt.series(x_obj.name, arrays)), mean(opt.series(y_obj.name, arrays))

            feas = [xy(c, c.arrays) for c in result.candidates if c.feasible and not c.frontier]
            infeas = [xy(c, c.arrays) for c in result.candidates if not c.feasible]
            if infeas:
                ax.scatter(*zip(*infeas), s=16, facecolors="none", edgecolors="#999999", linewidths=0.8,
                           label="mix failing a constraint")
            if feas:
                ax.scatter(*zip(*feas), s=16, color="#999999", label="feasible mix (dominated)")
            if front:
                pts = sorted(((xy(c, c.arrays), c) for c in front), key=lambda t: (t[0], t[1].id))
                xs = [p[0][0] for p in pts]
                ys = [p[0][1] for p in pts]
                ci = [ci95(opt.series(y_obj.name, c.arrays)) for _, c in pts]
                lo = [y - (c[1] if math.isfinite(c[1]) else y) for y, c in zip(ys, ci)]
                hi = [(c[2] if math.isfinite(c[2]) else y) - y for y, c in zip(ys, ci)]
                ax.errorbar(xs, ys, yerr=[lo, hi], fmt="o-", color="#0072B2", ms=5, lw=1.2, capsize=2,
                            label="frontier (95% CI over seeds)")
                for p, c in pts:
                    number = front.index(c) + 1
                    ax.annotate(str(number), p, xytext=(4, 4), textcoords="offset points", fontsize=7, color="#0072B2")
            if cheapest is not None:
                ax.scatter(*xy(cheapest, cheapest.arrays), marker="*", s=140, color="#D55E00", zorder=5,
                           label="cheapest feasible mix")
            ax.scatter(*xy(None, result.baseline), marker="X", s=60, color="black", zorder=4, label="baseline (base scenario)")
            for c in opt.constraints:
                if c.name == y_obj.name and not c.baseline:
                    ax.axhline(c.bound, color="#D55E00", lw=0.8, ls="--", label=f"target: {c.text}")
            ax.set_xlabel(_axis(x_obj))
            ax.set_ylabel(_axis(y_obj))
            ax.grid(alpha=0.3, lw=0.5)
        legend: dict[str, Any] = {}
        for ax in axes.flat[:n]:
            for h, label in zip(*ax.get_legend_handles_labels()):
                legend.setdefault(label, h)
        handles, labels = list(legend.values()), list(legend)
        fig.legend(handles, labels, loc="outside lower center", ncols=2, fontsize=7, frameon=False)
        fig.suptitle(f"{opt.name}: {len(result.candidates)} mixes, {opt.replications} seeds each", fontsize=9)
        return save_figure(fig, path, formats=formats)


def separation(result: OptimizeResult) -> dict[str, Any]:
    """What the replications can tell apart: per objective, the median over candidates of the
    95% CI half-width of the paired (seed by seed) difference from the baseline, and how many
    adjacent frontier points differ beyond their paired 95% CI on at least one objective."""
    from scipy import stats

    opt = result.opt
    halves: dict[str, float] = {}
    for o in opt.objectives:
        b = np.asarray(opt.series(o.name, result.baseline), float)
        hs = []
        for c in result.candidates:
            d = np.asarray(opt.series(o.name, c.arrays), float) - b
            d = d[np.isfinite(d)]
            if len(d) >= 2:
                hs.append(float(stats.t.ppf(0.975, len(d) - 1) * np.std(d, ddof=1) / math.sqrt(len(d))))
        halves[o.name] = float(np.median(hs)) if hs else float("nan")
    front = sorted(result.frontier, key=lambda c: mean(opt.series((opt.cost or opt.objectives[0]).name, c.arrays)))
    pairs = separated = 0
    for a, b in zip(front, front[1:]):
        pairs += 1
        for o in opt.objectives:
            _, lo, hi = ci95(np.asarray(opt.series(o.name, a.arrays), float) - np.asarray(opt.series(o.name, b.arrays), float))
            if math.isfinite(lo) and (lo > 0 or hi < 0):
                separated += 1
                break
    return {"half_width": halves, "pairs": pairs, "separated": separated}


def _num(v: float) -> str:
    return "—" if not math.isfinite(v) else f"{v:.3g}" if abs(v) < 1000 else f"{v:,.0f}"


def _with_ci(x: np.ndarray) -> str:
    m, lo, hi = ci95(x)
    return f"{_num(m)} [{_num(lo)}, {_num(hi)}]"


def _mix(result: OptimizeResult, point: dict[str, Any]) -> str:
    parts = []
    for v in result.opt.variables:
        val = point[v.key]
        short = v.key.removeprefix("mechanisms.")
        if isinstance(val, bool):
            parts.append(f"{short.removesuffix('.enabled')} {'on' if val else 'off'}")
        else:
            parts.append(f"{short} = {val:g}" if isinstance(val, float) else f"{short} = {val}")
    return ", ".join(parts)


def write_report(result: OptimizeResult, *, command: str, seconds: float, formats: tuple[str, ...] = ("pdf", "svg")) -> list[Path]:
    """``frontier.png`` (+ formats) and ``optimize.md`` in the result's folder."""
    from sim.sweep.store import wall_seconds

    opt, out = result.opt, result.out
    files = plot_frontier(result, out / "frontier.png", formats=formats)
    sep = separation(result)
    cheapest = result.cheapest
    lines = [f"# {opt.name}: the cheapest mix that reaches the target", ""]
    if opt.description:
        lines += [opt.description.strip(), ""]
    goals = ", ".join(f"{o.direction} {o.label.lower()} ({o.unit})" for o in opt.objectives)
    target = "; ".join(c.text for c in opt.constraints) or "none"
    lines += [f"Objectives: {goals}. Constraints (on the means over seeds; `baseline` paired seed by seed with the base "
              f"scenario): {target}.", ""]
    cost = opt.cost or opt.objectives[0]
    if cheapest is not None:
        lines += [f"**Answer: candidate c{cheapest.id}: {_mix(result, cheapest.point)}** "
                  f"(frontier point {result.frontier.index(cheapest) + 1}, `frontier/point-{result.frontier.index(cheapest) + 1}.yaml`).",
                  ""]
        lines += ["| | this mix | baseline |", "| --- | --- | --- |"]
        for name in dict.fromkeys([o.name for o in opt.objectives] + [c.name for c in opt.constraints]):
            lines.append(f"| {name} | {_with_ci(opt.series(name, cheapest.arrays))} | {_with_ci(opt.series(name, result.baseline))} |")
        lines += ["", "Means over seeds with 95% confidence intervals.", ""]
        for c in opt.constraints:
            x = np.asarray(opt.series(c.name, cheapest.arrays), float)
            if c.baseline:
                x = x - np.asarray(opt.series(c.name, result.baseline), float)
            m, lo, hi = ci95(x)
            bound = c.bound
            edge = hi if c.op in ("<=", "<") else lo
            sure = math.isfinite(edge) and c.holds(edge, 0.0)  # a paired difference against its offset, or a mean against its bound
            what = f"paired difference from the baseline {_num(m)} [{_num(lo)}, {_num(hi)}]" if c.baseline else \
                f"mean {_num(m)} [{_num(lo)}, {_num(hi)}]"
            lines.append(f"- `{c.text}`: {what}; met on the mean"
                         + (", and by the whole 95% CI." if sure else f", not by the whole 95% CI (bound {_num(bound)}"
                            + (" from the baseline" if c.baseline else "") + "): more seeds would tell."))
        lines.append("")
    else:
        closest = min(result.candidates, key=lambda c: sum(max(0.0, c_.margin(*_cv(result, c_, c))) for c_ in opt.constraints),
                      default=None)
        lines += ["**Answer: no evaluated mix meets every constraint.**"
                  + (f" The closest is c{closest.id} ({_mix(result, closest.point)}); see candidates.csv. Loosen a target, widen "
                     "the variables or run more generations." if closest else ""), ""]
    lines += [f"## Frontier ({len(result.frontier)} points, by {cost.label.lower()})", "",
              "| point | candidate | mix | " + " | ".join(o.name for o in opt.objectives) + " |",
              "| --- | --- | --- | " + " | ".join("---" for _ in opt.objectives) + " |"]
    for i, c in enumerate(result.frontier, start=1):
        lines.append(f"| {i} | c{c.id} | {_mix(result, c.point)} | "
                     + " | ".join(_with_ci(opt.series(o.name, c.arrays)) for o in opt.objectives) + " |")
    n_feasible = sum(c.feasible for c in result.candidates)
    lines += ["", f"{len(result.candidates)} distinct mixes evaluated over {opt.generations} generation(s) of {opt.population} "
              f"(NSGA-II, Optuna {_optuna_version()}, seed {opt.seed}); {n_feasible} meet the constraints. Every mix: "
              "candidates.csv.", "",
              "## Replications", "",
              f"{opt.replications} replications per candidate: seeds 0..{opt.replications - 1}, the same for every candidate "
              "(common random numbers: each seed brings the same arriving issues whatever is switched on), so two mixes "
              "are compared seed by seed and the noise they share cancels. With this number the paired difference from the "
              "baseline has a 95% CI half-width of about (median over candidates):", ""]
    for o in opt.objectives:
        lines.append(f"- {o.label}: ±{_num(sep['half_width'][o.name])} {o.unit}")
    if sep["pairs"]:
        lines += ["", f"{sep['separated']} of {sep['pairs']} neighbouring frontier points differ beyond their paired 95% CI "
                  "on at least one objective."
                  + ("" if sep["separated"] == sep["pairs"] else
                     " The others are not separated at this number of seeds: raise `replications` (the half-width "
                     "shrinks as 1/√N: four times the seeds halves it) before choosing between them.")]
    total = wall_seconds(out / "runs")
    lines += ["", "## Reproduce", "", f"    {command}", "",
              f"Wall time of this invocation: {seconds:.0f} s ({result.ran} runs done, {result.resumed} resumed from the "
              f"store); the sweeps' sessions in total: {total:.0f} s. The same command resumes an interrupted optimisation "
              "and, with the same file and seed, gives the same frontier.", "",
              "Files: frontier.csv/.parquet (the frontier, cheapest first), candidates.csv/.parquet (every mix and the "
              "baseline: means and 95% CIs over seeds, feasibility), frontier.png/.pdf/.svg, frontier/point-N.yaml (each "
              "frontier point as a scenario: `govsim run frontier/point-1.yaml`), runs/ (the engine's stores: baseline and "
              "one per generation).", ""]
    text = "\n".join(lines)
    files.append(atomic_write(out / "optimize.md", lambda p: p.write_text(text, encoding="utf-8")))
    return files


def _cv(result: OptimizeResult, c: Any, cand: Candidate) -> tuple[float, float]:
    return constraint_values(result.opt, c, cand.arrays, result.baseline)


def _optuna_version() -> str:
    import optuna

    return optuna.__version__
