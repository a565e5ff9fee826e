"""``govsim compare``: replicate scenarios over common random numbers and compare them.

A comparison is an experiment (``sim.sweep.experiment``) without factors: every scenario gets the
same seeds 0..N-1, the engine (``sim.sweep.engine``) runs them with any executor into a store
(resumable, verified, locked; see ``sim.sweep.store``), and :func:`summarize` reads ``runs.parquet``
and ``daily.parquet`` back to compute the statistics, the table and the figures.

The model splits its random streams by purpose, so a seed gives the same arriving issues
whatever mechanisms are on, and scenarios are compared seed by seed (paired differences to
the first scenario). Beside every outcome the table shows each scenario's resource use (the
``used_<pool>`` outcomes) and, per paired difference, the cost per unit of effect.

Files written into ``OUT`` besides the engine's (``runs.parquet``, ``manifest.json``, ...)::

    comparison.csv                 tidy statistics, one row per scenario and outcome
    comparison.tex                 LaTeX: one row per scenario, the outcomes as columns (means, paired
                                   differences to the first, their p values; ``latex_tables``)
    costs.csv / .tex               per later scenario and outcome: Δ outcome, Δ hours and budget per day, their ratios
    survival.csv / .tex            days to real resolution as censored estimates (sim.analysis.survival): per scenario
                                   and cohort the Kaplan–Meier median, the restricted mean (RMST) to τ days and its
                                   paired difference to the first scenario, the log-rank p stratified by seed
    comparison.{png,pdf,svg}       daily outcomes, across-seed mean with 95% band
    comparison_summary.{png,pdf,svg}  paired differences to the first scenario
"""

from __future__ import annotations

import math
import sys
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TextIO

import numpy as np
import pyarrow.parquet as pq

from sim.analysis import survival
from sim.analysis.stats import mean_ci, mean_ci_rows, paired_difference
from sim.errors import ScenarioError
from sim.outcomes.registry import HEADLINE, REGISTRY, RESOURCE_USE
from sim.output.labels import panel_title, unit_label
from sim.output.tables import write_csv, write_latex, write_latex_wide
from sim.resources import SPEC
from sim.sweep.engine import SweepResult, run_experiment
from sim.sweep.executors import Executor
from sim.sweep.experiment import Experiment

__all__ = ["COMPARED", "CSV_COLUMNS", "PANELS", "Comparison", "compare", "compare_cli", "comparison_experiment",
           "cost_rows", "format_table", "latex_tables", "statistics_rows", "summarize"]

#: Columns of ``comparison.csv``.
CSV_COLUMNS = ("scenario", "outcome", "n", "mean", "ci_low", "ci_high", "diff", "diff_ci_low",
               "diff_ci_high", "p_t", "p_wilcoxon", "d_z")
#: Columns of ``costs.csv``.
COST_COLUMNS = ("scenario", "outcome", "diff", "diff_ci_low", "diff_ci_high", "significant", "d_hours_per_day",
                "d_budget_per_day", "hours_per_unit", "budget_per_unit")

#: Daily columns shown over time in ``comparison.png``: column -> (panel title, y-axis label),
#: both from the outcome registry (a flow's window named in the title).
PANELS: dict[str, tuple[str, str]] = {
    col: (panel_title(col, window=True), unit_label(col))
    for col in ("trust_mean", "participation_rate", "resolution_days_median", "backlog", "acquaintance_share",
                "false_closure_rate")
}
#: Outcomes compared: the headline set, then resource use by pool.
COMPARED: tuple[str, ...] = (*HEADLINE, *RESOURCE_USE)
FORMATS = ("pdf", "svg")


@dataclass
class Comparison:
    """A finished comparison: scenario names, seeds, the engine's result, the tidy
    statistics and cost rows, and the files written."""

    names: list[str]
    seeds: list[int]
    rows: list[dict[str, Any]]
    costs: list[dict[str, Any]]
    files: list[Path]
    out: Path
    sweep: SweepResult | None = None
    survival: list[dict[str, Any]] | None = None  #: ``survival.csv`` rows (None: the runs kept no issue tables)


def comparison_experiment(scenario_paths: Sequence[str | Path], seeds: int, overrides: Mapping[str, Any] | None = None) -> Experiment:
    """The experiment behind a comparison: the scenarios, ``seeds`` replications, the overrides."""
    over = {k: v for k, v in (overrides or {}).items() if k != "seed"}
    return Experiment.build([str(p) for p in scenario_paths], name="compare", set=over, replications=seeds,
                            outcomes=COMPARED, daily=tuple(PANELS), issues=survival.COLUMNS)


def default_out(exp: Experiment) -> Path:
    """``results/compare-<hash>``: one folder per comparison (more seeds extend it, a
    different comparison gets its own)."""
    return Path("results") / f"compare-{exp.identity_hash()[:10]}"


#: Largest size of one comparison figure by format (the daily panels of many scenarios; SVG keeps every point).
FIGURE_BYTES = {"png": 1_000_000, "pdf": 1_000_000, "svg": 4_000_000}


def output_bytes(n_scenarios: int, formats: Sequence[str] | None) -> int:
    """Room the comparison's own files need beside the runs: its figures (the daily panels,
    and the paired differences with more than one scenario, each a PNG plus ``formats``; None:
    no figures) and tables."""
    figures = 0 if formats is None else 1 + (n_scenarios > 1)
    per_figure = sum(FIGURE_BYTES.get(f, 1_000_000) for f in {"png", *(formats or ())})
    return figures * per_figure + 20_000 * max(1, n_scenarios)


def compare(scenario_paths: Sequence[str | Path], seeds: int, out: str | Path | None = None, *,
            overrides: Mapping[str, Any] | None = None, workers: int | None = None, executor: Executor | None = None,
            quiet: bool = True, log: TextIO | None = None, plots: bool = True, formats: tuple[str, ...] = FORMATS) -> Comparison:
    """Plan, run (resuming finished runs), summarize and plot a comparison into ``out``."""
    if seeds < 1:
        raise ScenarioError("nothing to compare: give at least one seed (--seeds N with N >= 1)")
    exp = comparison_experiment(scenario_paths, seeds, overrides)
    out = Path(out) if out is not None else default_out(exp)
    for note in exp.notes:
        print(f"note: {note}", file=log or sys.stderr)
    sweep = run_experiment(exp, out, executor=executor, workers=workers, quiet=quiet, log=log,
                           extra_bytes=output_bytes(len(exp.scenarios), formats if plots else None))
    result = summarize(exp, out, plots=plots, formats=formats)
    result.sweep = sweep
    return result


# --------------------------------------------------------------------------- statistics


def _matrices(exp: Experiment, out: Path) -> dict[int, np.ndarray]:
    """Per scenario index: outcome values (seeds × COMPARED, seed order)."""
    t = pq.read_table(out / "runs.parquet", columns=["scenario", "seed", *COMPARED])
    names = [s.name for s in exp.scenarios]
    cols = {c: t.column(c).to_numpy(zero_copy_only=False) for c in t.column_names}
    values = {i: np.full((exp.replications, len(COMPARED)), np.nan) for i in range(len(names))}
    index = {n: i for i, n in enumerate(names)}
    for r in range(t.num_rows):
        values[index[cols["scenario"][r]]][cols["seed"][r]] = [cols[o][r] for o in COMPARED]
    return values


def statistics_rows(names: Sequence[str], values: Mapping[int, np.ndarray]) -> list[dict[str, Any]]:
    """Tidy rows (:data:`CSV_COLUMNS`): per scenario and outcome the mean with 95% CI and,
    for every scenario after the first, the paired difference to the first."""
    rows = []
    base = values[0]
    for i, name in enumerate(names):
        for o, outcome in enumerate(COMPARED):
            ci = mean_ci(values[i][:, o])
            row: dict[str, Any] = {"scenario": name, "outcome": outcome, "n": ci.n, "mean": ci.mean,
                                   "ci_low": ci.low, "ci_high": ci.high}
            if i == 0:
                row.update(diff=None, diff_ci_low=None, diff_ci_high=None, p_t=None, p_wilcoxon=None, d_z=None)
            else:
                d = paired_difference(base[:, o], values[i][:, o])
                row.update(diff=d.mean, diff_ci_low=d.low, diff_ci_high=d.high, p_t=d.p_t,
                           p_wilcoxon=d.p_wilcoxon, d_z=d.d_z)
            rows.append(row)
    return rows


def _pool_sum(values: np.ndarray, unit: str) -> np.ndarray:
    idx = [COMPARED.index(o) for o in RESOURCE_USE if SPEC[REGISTRY[o].pool].unit == unit]
    return np.nansum(values[:, idx], axis=1) if idx else np.zeros(len(values))


def cost_rows(names: Sequence[str], values: Mapping[int, np.ndarray]) -> list[dict[str, Any]]:
    """Per later scenario and headline outcome (with a better direction): the paired Δ
    outcome with its CI, the paired Δ hours and Δ budget units per day, and each divided by
    Δ outcome (None when Δ outcome's CI includes 0: no effect to price)."""
    rows = []
    base = values[0]
    for i, name in enumerate(names[1:], start=1):
        d_hours = paired_difference(_pool_sum(base, "hours"), _pool_sum(values[i], "hours")).mean
        d_budget = paired_difference(_pool_sum(base, "budget units"), _pool_sum(values[i], "budget units")).mean
        for outcome in HEADLINE:
            if REGISTRY[outcome].direction == 0:
                continue
            o = COMPARED.index(outcome)
            d = paired_difference(base[:, o], values[i][:, o])
            sig = bool(np.isfinite(d.low) and np.isfinite(d.high) and (d.low > 0 or d.high < 0))
            rows.append({"scenario": name, "outcome": outcome, "diff": d.mean, "diff_ci_low": d.low, "diff_ci_high": d.high,
                         "significant": sig, "d_hours_per_day": d_hours, "d_budget_per_day": d_budget,
                         "hours_per_unit": d_hours / d.mean if sig else None,
                         "budget_per_unit": d_budget / d.mean if sig else None})
    return rows


def latex_tables(names: Sequence[str], seeds: int) -> list[dict[str, Any]]:
    """The tables of ``comparison.tex`` (``sim.output.tables.latex_wide``): one row per scenario,
    the outcomes as columns; means, and for more than one scenario the paired differences to
    the first and their p values."""
    plural = "s" if seeds != 1 else ""
    tables: list[dict[str, Any]] = [
        {"index": ("scenario",), "value": "mean", "label": "tab:comparison-means",
         "caption": f"Outcomes per scenario: mean ± half-width of the 95% t-interval over {seeds} seed{plural} "
                    "(common random numbers)."}]
    if len(names) > 1:
        tables += [
            {"index": ("scenario",), "value": "diff", "low": "diff_ci_low", "high": "diff_ci_high",
             "label": "tab:comparison-differences",
             "caption": f"Paired differences to {names[0]} (scenario − {names[0]}, seed by seed): mean ± half-width of "
                        "the 95% t-interval."},
            {"index": ("scenario",), "value": "p_t", "low": None, "high": None, "label": "tab:comparison-p",
             "caption": f"p values of the paired t-test of the differences to {names[0]}."}]
    return tables


def summarize(exp: Experiment, out: str | Path, *, plots: bool = True, formats: tuple[str, ...] = FORMATS) -> Comparison:
    """Read the stored runs back and write the comparison's tables and figures."""
    out = Path(out)
    names = [s.name for s in exp.scenarios]
    values = _matrices(exp, out)
    rows = statistics_rows(names, values)
    costs = cost_rows(names, values)
    files = [write_csv(rows, CSV_COLUMNS, out / "comparison.csv"),
             write_latex_wide(rows, out / "comparison.tex", tables=latex_tables(names, exp.replications)),
             write_csv(costs, COST_COLUMNS, out / "costs.csv"),
             write_latex(costs, COST_COLUMNS, out / "costs.tex", label="tab:costs",
                         caption=f"Cost per unit of effect, paired to {names[0]}: Δ outcome with its 95% t-interval, Δ hours "
                                 "and Δ budget units per day, and their ratios to Δ outcome where its interval excludes 0.")]
    surv = _survival(exp, out, names)
    if surv is not None:
        files += [write_csv(surv, survival.SURVIVAL_COLUMNS, out / "survival.csv"),
                  write_latex(surv, survival.SURVIVAL_COLUMNS, out / "survival.tex", label="tab:survival",
                              caption=f"Days to real resolution as censored estimates, paired to {names[0]}: Kaplan–Meier "
                                      "median, restricted mean (RMST) with its 95% t-interval, log-rank p stratified by seed.")]
    result = Comparison(names=names, seeds=list(range(exp.replications)), rows=rows, costs=costs, files=files, out=out,
                        survival=surv)
    if plots:
        files += _plot(exp, result, out, formats)
    return result


def _survival(exp: Experiment, out: Path, names: Sequence[str]) -> list[dict[str, Any]] | None:
    """The censored time-to-resolution rows, when the runs kept their issue tables."""
    if not exp.issues:
        return None
    from sim.sweep.store import read_issues

    tables = {n: [read_issues(out, (0, s, seed)) for seed in range(exp.replications)] for s, n in enumerate(names)}
    if all(t is None for ts in tables.values() for t in ts):
        return None
    return survival.survival_rows(names, tables)


def _title(exp: Experiment, names: Sequence[str], *, with_names: bool = True) -> str:
    loaded = [exp.scenarios[i] for i in range(len(names))]
    from sim.scenario.loading import resolve

    cfgs = [resolve(s.raw, exp.overrides(i, {}), check_memory=False) for i, s in enumerate(loaded)]
    residents = {c.population.residents for c in cfgs}
    days = {c.days for c in cfgs}
    bits = [" vs ".join(names) if len(names) <= 4 else f"{len(names)} scenarios"] if with_names else []
    bits.append(f"{exp.replications} seed{'s' if exp.replications != 1 else ''}")
    if len(residents) == 1:
        bits.append(f"{residents.pop():,} residents")
    if len(days) == 1:
        bits.append(f"{days.pop():,} days")
    return ", ".join(bits)


def _plot(exp: Experiment, result: Comparison, out: Path, formats: tuple[str, ...]) -> list[Path]:
    from sim.analysis.plotting import plot_compare, plot_compare_summary, scenario_styles

    names = result.names
    daily = pq.read_table(out / "daily.parquet")
    scen = np.asarray(daily.column("scenario").to_numpy(zero_copy_only=False))
    seed = daily.column("seed").to_numpy()
    day_all = daily.column("day").to_numpy()
    series = []
    for name in names:
        mask = scen == name
        day = np.unique(day_all[mask])
        bands = {}
        for col in PANELS:
            v = daily.column(col).to_numpy(zero_copy_only=False).astype(np.float64)
            mat = np.full((exp.replications, len(day)), np.nan)
            mat[seed[mask], np.searchsorted(day, day_all[mask])] = v[mask]
            bands[col] = mean_ci_rows(mat)
        series.append((name, day.astype(np.float64), bands))
    styles = scenario_styles(names)  # one per scenario, the same in both figures
    files = plot_compare(series, out / "comparison.png", panels=PANELS, title=_title(exp, names), n_seeds=exp.replications,
                         formats=formats, styles=styles)
    if len(names) > 1:
        diffs = []
        for outcome in COMPARED:
            label, higher = REGISTRY[outcome].label, REGISTRY[outcome].direction >= 0
            entries = [(r["scenario"], r["diff"], r["diff_ci_low"], r["diff_ci_high"], r["p_t"])
                       for r in result.rows if r["outcome"] == outcome and r["diff"] is not None]
            diffs.append((outcome, label, higher, entries))
        files += plot_compare_summary(diffs, out / "comparison_summary.png", scenarios=list(names), formats=formats, styles=styles,
                                      title=f"Paired difference to '{names[0]}' — {_title(exp, names, with_names=False)}")
    return files


# --------------------------------------------------------------------------- table


def _g(x: float | None, signed: bool = False) -> str:
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return "–"
    if math.isinf(x):
        return ("+" if signed and x > 0 else "") + ("inf" if x > 0 else "-inf")
    if x == 0:
        return "0"
    return f"{x:+.4g}" if signed else f"{x:.4g}"


def _ci(lo: float | None, hi: float | None, signed: bool = False) -> str:
    if lo is None or hi is None or math.isnan(lo) or math.isnan(hi):
        return "–"
    return f"[{_g(lo, signed)}, {_g(hi, signed)}]"


def _p(p: float | None) -> str:
    if p is None or math.isnan(p):
        return "–"
    return "<0.001" if p < 0.001 else f"{p:.3f}"


def _dz(d: float | None) -> str:
    if d is None or math.isnan(d):
        return "–"
    if math.isinf(d):
        return "+inf" if d > 0 else "-inf"
    return "0" if d == 0 else f"{d:+.2f}"


def _seed_text(seeds: Sequence[int]) -> str:
    if len(seeds) == 1:
        return f"seed {seeds[0]}"
    if list(seeds) == list(range(seeds[0], seeds[-1] + 1)):
        return f"seeds {seeds[0]}–{seeds[-1]}"
    return "seeds " + ", ".join(map(str, seeds))


def format_table(comparison: Comparison) -> str:
    """The comparison as text for a 120-column terminal: one block per outcome, one row per
    scenario (mean and 95% CI; for later scenarios the paired difference to the first with
    its 95% CI, paired t-test p and d_z, and whether it is better or worse); then resource
    use and the cost per unit of effect."""
    names, seeds = comparison.names, comparison.seeds
    w = max(8, min(20, max(len(n) for n in names)))
    by = {(r["scenario"], r["outcome"]): r for r in comparison.rows}
    plural = "s" if len(names) != 1 else ""
    lines = [(f"{len(names)} scenario{plural} × {len(seeds)} seed{'s' if len(seeds) != 1 else ''} "
              f"({_seed_text(seeds)}, common random numbers); mean and 95% t-interval over seeds.")]
    if len(names) > 1:
        lines.append(f"Δ = scenario − {names[0]}, paired by seed; p = paired t-test; d_z = mean Δ / sd Δ;")
        lines.append("better/worse: the 95% CI of Δ excludes 0.")
    head = f"  {'scenario':<{w}} {'n':>3} {'mean':>9}  {'95% CI':<23}"
    if len(names) > 1:
        head += f" {'Δ':>10}  {'95% CI of Δ':<23} {'p':>6} {'d_z':>6}"
    for outcome in HEADLINE:
        o = REGISTRY[outcome]
        better = {1: "higher is better", -1: "lower is better", 0: "neither is better"}[o.direction]
        lines += ["", f"{outcome}: {o.label}, {o.unit} ({better})", head.rstrip()]
        for i, name in enumerate(names):
            r = by[(name, outcome)]
            shown = name if len(name) <= w else name[: w - 1] + "…"
            line = f"  {shown:<{w}} {r['n']:>3} {_g(r['mean']):>9}  {_ci(r['ci_low'], r['ci_high']):<23}"
            if i > 0:
                lo, hi = r["diff_ci_low"], r["diff_ci_high"]
                known = lo is not None and hi is not None and not (math.isnan(lo) or math.isnan(hi))
                verdict = ("better" if (lo > 0) == (o.direction > 0) else "worse") if known and (lo > 0 or hi < 0) and o.direction else ""
                line += (f" {_g(r['diff'], True):>10}  {_ci(lo, hi, True):<23} {_p(r['p_t']):>6} "
                         f"{_dz(r['d_z']):>6}  {verdict}")
            lines.append(line.rstrip())
    if comparison.survival:
        lines += ["", *_survival_lines(comparison, w)]
    lines += ["", *_resource_lines(comparison, w)]
    if comparison.costs:
        lines += ["", *_cost_lines(comparison, w)]
    return "\n".join(lines)


def _survival_lines(comparison: Comparison, w: int) -> list[str]:
    rows = comparison.survival or []
    lines = ["Days to real resolution, censored estimates (Kaplan–Meier; lower is better): issues closed on paper,",
             "abandoned or open at the end are censored, not dropped. RMST = restricted mean days to resolution up to",
             f"τ days (τ = {survival.TAU:g}, or the shortest follow-up), mean and 95% CI over seeds; median of the seeds",
             "pooled (inf: never half resolved);"]
    if len(comparison.names) > 1:
        lines.append("Δ RMST paired by seed; log-rank p stratified by seed. The resolved-only figures above select on the outcome.")
    for cohort, (_, label) in survival.COHORTS.items():
        head = f"  {'scenario':<{w}} {'resolved':>8} {'median':>7} {'RMST':>7}  {'95% CI':<17}"
        if len(comparison.names) > 1:
            head += f" {'Δ RMST':>8}  {'95% CI of Δ':<19} {'p':>6} {'log-rank':>8}"
        mine = [x for x in rows if x["cohort"] == cohort]
        lines += ["", f"{cohort}: {label}, τ = {mine[0]['tau']:g} days", head.rstrip()]
        for i, r in enumerate(mine):
            line = (f"  {r['scenario'][:w]:<{w}} {_g(r['resolved_share']):>8} {_g(r['km_median']):>7} {_g(r['rmst']):>7}  "
                    f"{_ci(r['rmst_ci_low'], r['rmst_ci_high']):<17}")
            if i > 0:
                line += (f" {_g(r['rmst_diff'], True):>8}  {_ci(r['rmst_diff_ci_low'], r['rmst_diff_ci_high'], True):<19} "
                         f"{_p(r['rmst_p_t']):>6} {_p(r['logrank_p']):>8}")
            lines.append(line.rstrip())
    return lines


def _resource_lines(comparison: Comparison, w: int) -> list[str]:
    by = {(r["scenario"], r["outcome"]): r for r in comparison.rows}
    used = [o for o in RESOURCE_USE if any((by[(n, o)]["mean"] or 0) != 0 for n in comparison.names)] or list(RESOURCE_USE[:1])
    lines = ["Resource use: mean per day over the run (hours, or budget units)" +
             (f"; Δ to {comparison.names[0]} in brackets" if len(comparison.names) > 1 else "")]
    for chunk in (used[k:k + 4] for k in range(0, len(used), 4)):
        lines.append(f"  {'scenario':<{w}} " + " ".join(f"{REGISTRY[o].pool[:20]:>22}" for o in chunk))
        lines.append(f"  {'':<{w}} " + " ".join(f"{REGISTRY[o].unit[:20]:>22}" for o in chunk))
        for i, n in enumerate(comparison.names):
            cells = []
            for o in chunk:
                r = by[(n, o)]
                cell = _g(r["mean"])
                if i > 0:
                    cell += f" ({_g(r['diff'], True)})"
                cells.append(f"{cell:>22}")
            lines.append(f"  {n[:w]:<{w}} " + " ".join(cells))
    return lines


def _cost_lines(comparison: Comparison, w: int) -> list[str]:
    lines = [f"Cost per unit of effect, paired to {comparison.names[0]}: Δ hours/day and Δ budget units/day divided by",
             "Δ outcome; n.s.: the 95% CI of Δ outcome includes 0, so there is no effect to price.",
             f"  {'scenario':<{w}} {'outcome':<24} {'Δ outcome':>11} {'Δ hours/day':>12} {'Δ budget/day':>13}"
             f" {'hours per unit':>15} {'budget per unit':>16}"]
    for r in comparison.costs:
        ratio_h = _g(r["hours_per_unit"], True) if r["significant"] else "n.s."
        ratio_b = _g(r["budget_per_unit"], True) if r["significant"] else "n.s."
        lines.append(f"  {r['scenario'][:w]:<{w}} {r['outcome'][:24]:<24} {_g(r['diff'], True):>11} "
                     f"{_g(r['d_hours_per_day'], True):>12} {_g(r['d_budget_per_day'], True):>13} {ratio_h:>15} {ratio_b:>16}")
    return lines


# --------------------------------------------------------------------------- CLI


def compare_cli(args: Any, *, overrides: Mapping[str, Any], executor: Executor | None = None) -> int:
    """``govsim compare``: progress on stderr, the table on stdout, then the files written."""
    result = compare(args.scenarios, args.seeds, args.out, overrides=overrides, workers=args.workers, executor=executor,
                     quiet=args.quiet)
    sweep = result.sweep
    assert sweep is not None
    print(format_table(result))
    print()
    print(f"{sweep.ran} runs done now, {sweep.resumed} resumed from {result.out}"
          + (f" ({sweep.redone} redone: damaged or changed)" if sweep.redone else "") + f" ({sweep.seconds:.1f} s)")
    print("wrote: " + ", ".join(str(f) for f in _files(result.files, sweep.files)))
    return 0


def _files(*groups: Iterable[Path]) -> list[Path]:
    return list(dict.fromkeys(f for g in groups for f in g))


if __name__ == "__main__":  # pragma: no cover
    sys.exit("use: govsim compare")
