"""``govsim report DIR``: the figures and tables of a sweep or comparison, fit for a paper.

Reads ``DIR/runs.parquet`` and ``DIR/experiment.json`` (written by ``sim.sweep.engine``) and writes
into ``DIR/report/`` (figures in PDF, SVG and PNG; tables in CSV and LaTeX: ``table`` environments
with captions, labels and siunitx columns, see ``sim.output.tables``)::

    factor_<key>.*          outcome against each factor, 95% CI bands (one line per scenario)
    heatmap_<a>__<b>.*      mean outcome over two factors (full factorial designs only: in a sampled
                            design every other factor varies at once, so a cell mean is no effect)
    factor_effects.*        the numbers behind the factor plots
    ranking.*, decision_effects.*, cost_effect.*, interaction_<factor>.*
                            the decision views (sim.analysis.decisions): options ranked by an outcome with
                            their cost, cost-effectiveness (Fieller CI) and trade-offs, per context level
    paired_effects.*        scenarios and factorial levels against the first, paired by seed, Holm-adjusted p
    adequacy.* (table and figure)  CI half-width against seeds; a warning when a verdict rests on too few
    sobol.* / morris.*      sensitivity indices with bootstrap 95% CIs (Sobol and Morris designs; the bootstrap
                            is seeded from the design's seed, so a report of the same runs has the same CIs)
    discovery_<outcome>.*   PRIM box: factor ranges keeping the outcome beyond a threshold
    survival.*              when the runs kept their issue columns: days to real resolution as censored
                            estimates per point and scenario (KM median, RMST, paired Δ RMST to the first
                            scenario of the point, stratified log-rank; sim.analysis.survival)
    report.md               what each file is, and the warnings

The statistics are in ``sim.analysis.methods``, the figures in ``sim.analysis.report_plots``.
"""

from __future__ import annotations

import difflib
import itertools
import json
import math
import re
import sys
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from sim.analysis import methods as analysis
from sim.analysis.stats import paired_difference
from sim.errors import ScenarioError
from sim.outcomes.registry import REGISTRY
from sim.output.labels import factor_label, outcome_label, outcome_unit
from sim.output.results import safe_name
from sim.output.tables import write_csv, write_latex, write_latex_wide
from sim.sweep.experiment import Design, Experiment, Range, design_matrix, salib_problem
from sim.sweep.store import read_runs

__all__ = ["Report", "report", "report_cli"]

#: Outcomes drawn per figure (the first of the experiment's list).
MAX_PANELS = 9
#: Factor pairs drawn as heatmaps.
MAX_PAIRS = 3
#: Factors drawn one by one (the most influential first, when a Sobol or Morris design ranks them).
MAX_FACTOR_PLOTS = 12


@dataclass
class Report:
    """Files written and warnings raised by :func:`report`."""

    out: Path
    files: list[Path] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    answer: list[str] = field(default_factory=list)  #: the decision views in words, first in report.md


def load_experiment_record(folder: Path) -> Experiment:
    """The experiment a folder holds, rebuilt from its ``experiment.json`` (enough to analyse it)."""
    path = folder / "experiment.json"
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        ident = data["identity"]
        factors = tuple((k, Range(**v) if isinstance(v, dict) else tuple(v)) for k, v in ident["factors"])
        return Experiment(name=data.get("name", folder.name), scenarios=(), factors=factors,
                          design=Design(**ident["design"]) if ident.get("design") else Design(),
                          replications=int(data.get("replications", 1)), outcomes=tuple(data.get("outcomes") or ()))
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise ScenarioError(f"{path}: not a sweep or comparison folder ({exc}); give the --out folder of a sweep") from None


def planned_runs(folder: Path, exp: Experiment) -> int:
    """Runs the folder's experiment plans: design points × scenarios × seeds (from ``experiment.json``)."""
    try:
        scenarios = len(json.loads((folder / "experiment.json").read_text(encoding="utf-8"))["identity"]["scenarios"])
    except (OSError, ValueError, KeyError, TypeError):
        scenarios = 1
    return exp.n_points * max(1, scenarios) * exp.replications


def _expected_pairs(ctx: _Context, by: str) -> int:
    """Pairs a paired effect of ``by`` (a scenario contrast or a factorial factor) has when every run is stored."""
    n_scenarios = ctx.planned // max(1, ctx.exp.n_points * ctx.exp.replications)
    if by == "scenario":
        return ctx.exp.n_points * ctx.exp.replications
    levels = dict(ctx.exp.factors).get(by)
    n_levels = len(levels) if isinstance(levels, tuple) else 1
    return ctx.exp.n_points // max(1, n_levels) * n_scenarios * ctx.exp.replications


def _refuse_partial(ctx: _Context, effects: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """On an incomplete sweep: no verdict on an effect missing some of its pairs (said in the
    row and in the warnings), and a warning for each level or scenario with no runs at all."""
    if ctx.complete:
        return effects
    kept = []
    for r in effects:
        want = _expected_pairs(ctx, r["by"])
        if r["n"] < want:
            r["verdict"] = f"none: {r['n']} of {want} pairs stored"
        else:
            kept.append(r)
    missing: dict[str, set[str]] = {}
    for r in effects:
        if r["n"] < _expected_pairs(ctx, r["by"]):
            missing.setdefault(r["contrast"], set()).add(r["outcome"])
    if missing:
        ctx.rep.warnings.append(f"no verdict on {len(missing)} contrast{'s' if len(missing) != 1 else ''} with runs missing: "
                                + "; ".join(sorted(missing)[:6]) + (" ..." if len(missing) > 6 else ""))
    present = {str(v) for v in ctx.cols["scenario"].tolist()}
    try:
        names = [s["name"] for s in json.loads((ctx.folder / "experiment.json").read_text(encoding="utf-8"))["identity"]["scenarios"]]
    except (OSError, ValueError, KeyError, TypeError):
        names = []
    absent = [n for n in names if n not in present]
    if absent:
        ctx.rep.warnings.append(f"no runs of scenario{'s' if len(absent) != 1 else ''} {', '.join(absent)}: no effect or verdict on them")
    return kept


#: Captions of the LaTeX tables (``discovery_<outcome>`` tables are captioned with the outcome).
CAPTIONS = {
    "factor_effects": "Outcomes per factor value (sampled designs: per quantile bin of the factor, at the bin's mean) and "
                      "scenario: mean ± half-width of the 95% t-interval over runs.",
    "paired_effects": "Paired effects: each scenario against the first, and each level of a factorial factor against its "
                      "first level, paired by seed and every other factor: Δ with its 95% t-interval; p: paired t-test, "
                      "Holm-adjusted over the table.",
    "adequacy": "Replicate adequacy of each paired effect: the 95% CI half-width with all seeds and with half of them, the "
                "seeds a half-width of 10% of the effect needs, and whether the verdict holds without the last seeds.",
    "sobol": "Sobol indices: first-order (S1) and total (ST), with bootstrap 95% intervals.",
    "morris": "Morris screening: μ* with its bootstrap 95% interval, μ and σ of the elementary effects.",
}
#: Columns left out of the LaTeX tables (the contrast names them).
_TEX_OMIT = ("by", "level", "reference")


def _caption(name: str) -> str:
    if name in CAPTIONS:
        return CAPTIONS[name]
    m = re.fullmatch(r"discovery_(\w+?)(_trajectory)?", name)
    if m:
        what = outcome_label(m.group(1), unit=False).lower()
        return (f"PRIM peeling trajectory for {what}." if m.group(2) else
                f"PRIM: the factor ranges of the box where {what} stays beyond the threshold.")
    return name.replace("_", " ").capitalize() + "."


def _save(rows: list[dict[str, Any]], out: Path, name: str, rep: Report, *, tex: Sequence[str] | bool = True) -> None:
    """``name.csv`` of ``rows`` and its LaTeX table (``tex``: True, the columns to typeset, or False: none)."""
    if not rows:
        return
    cols = [c for c in rows[0] if not c.startswith("_")]
    rep.files.append(write_csv(rows, cols, out / f"{name}.csv"))
    if tex is False:
        return
    if not isinstance(tex, bool):
        rep.files.append(write_latex(rows, list(tex), out / f"{name}.tex", caption=_caption(name),
                                     label=f"tab:{name.replace('_', '-')}"))
    elif name == "factor_effects":  # one row per factor value and scenario, the outcomes as columns
        rep.files.append(write_latex_wide(rows, out / f"{name}.tex", tables=[
            {"index": ("factor", "value", "scenario"), "caption": _caption(name), "label": "tab:factor-effects"}]))
    else:
        rep.files.append(write_latex(rows, [c for c in cols if c not in _TEX_OMIT], out / f"{name}.tex",
                                     caption=_caption(name), label=f"tab:{name.replace('_', '-')}"))


def _bins(x: np.ndarray, factorial: bool, k: int = 6) -> tuple[np.ndarray, np.ndarray]:
    """Level index of each run and the level values."""
    if factorial:
        levels = np.array(sorted(set(x.tolist())), dtype=float)
        return np.searchsorted(levels, x.astype(float)), levels
    edges = np.unique(np.quantile(x.astype(float), np.linspace(0, 1, k + 1)))
    idx = np.clip(np.searchsorted(edges, x.astype(float), side="right") - 1, 0, len(edges) - 2)
    return idx, np.array([float(np.mean(x[idx == i])) if np.any(idx == i) else np.nan for i in range(len(edges) - 1)])


def _heatmap(cols: dict[str, np.ndarray], fx: str, fy: str, outcomes: list[str], factorial: bool) -> dict[str, tuple]:
    first = cols["scenario"] == cols["scenario"][0]
    ix, xs = _bins(cols[fx][first], factorial)
    iy, ys = _bins(cols[fy][first], factorial)
    grid = {}
    for o in outcomes:
        z = np.full((len(ys), len(xs)), np.nan)
        v = cols[o][first]
        for a in range(len(xs)):
            for b in range(len(ys)):
                sel = (ix == a) & (iy == b) & np.isfinite(v)
                if sel.any():
                    z[b, a] = v[sel].mean()
        grid[o] = (xs, ys, z)
    return grid


def _adequacy_curves(effects: list[dict[str, Any]], limit: int = 12) -> dict[tuple[str, str], tuple[np.ndarray, np.ndarray]]:
    curves = {}
    for e in effects[:limit]:
        a, b = e["_a"], e["_b"]
        ns = np.arange(2, len(a) + 1)
        hw = np.array([(lambda d: (d.high - d.low) / 2)(paired_difference(a[:n], b[:n])) for n in ns])
        if np.any(np.isfinite(hw) & (hw > 0)):
            curves[(e["contrast"], e["outcome"])] = (ns, hw)
    return curves


_DISCOVER = re.compile(r"^\s*([A-Za-z_][\w]*)\s*(>=|<=)\s*([-+0-9.eE]+)\s*$")


def parse_discover(text: str) -> tuple[str, bool, float]:
    """``'trust_mean>=0.5'`` -> ('trust_mean', True, 0.5); ScenarioError otherwise."""
    m = _DISCOVER.match(text)
    if not m:
        raise ScenarioError(f"--discover {text!r}: write OUTCOME>=VALUE or OUTCOME<=VALUE, e.g. trust_mean>=0.5")
    name, op, value = m.groups()
    if name not in REGISTRY:
        raise ScenarioError(f"--discover {text!r}: unknown outcome '{name}'; see docs/data-dictionary.md")
    try:
        return name, op == ">=", float(value)
    except ValueError:
        raise ScenarioError(f"--discover {text!r}: {value!r} is not a number") from None


def report(folder: str | Path, out: str | Path | None = None, *, discover: list[str] | None = None,
           formats: tuple[str, ...] = ("pdf", "svg", "png"), rank_by: str | None = None, per: str | None = None) -> Report:
    """Write the report of the sweep or comparison in ``folder`` (see the module docstring);
    the decision views rank the options by ``rank_by`` (default: the first outcome with a
    better direction) and price them in ``per`` (a pool, ``hours`` or ``budget``)."""
    folder = Path(folder)
    exp = load_experiment_record(folder)
    table = read_runs(folder, factors=exp.factor_names, outcomes=exp.outcomes)
    if table.num_rows == 0:
        raise ScenarioError(f"{folder}: 0 of {planned_runs(folder, exp):,} planned runs are stored, nothing to report yet; "
                            "run the same govsim sweep (or compare) again to finish it")
    cols = analysis.columns(table)
    outcomes = [o for o in (exp.outcomes or REGISTRY) if o in cols]
    shown = outcomes[:MAX_PANELS]
    factors = list(exp.factor_names)
    factorial = exp.design.method == "factorial"
    rep = Report(out=Path(out) if out else folder / "report")
    rep.out.mkdir(parents=True, exist_ok=True)
    ext, fmt = "." + formats[0], tuple(formats[1:])
    planned = planned_runs(folder, exp)
    n_seeds = len(set(cols["seed"].tolist()))
    title = f"{exp.name}: {table.num_rows:,} runs, {n_seeds} seeds per point"
    complete = table.num_rows >= planned
    if not complete:
        title = f"{exp.name}: {table.num_rows:,} of {planned:,} planned runs (incomplete), up to {n_seeds} seeds per point"
        rep.warnings.insert(0, f"the sweep is incomplete: {table.num_rows:,} of {planned:,} runs are stored; effects are "
                               "shown without a verdict where runs are missing; run the same govsim sweep again to finish")

    from sim.analysis.plotting import scenario_styles

    styles = scenario_styles([str(s) for s in cols["scenario"].tolist()])  # one per scenario, in every figure
    ctx = _Context(folder, exp, cols, outcomes, shown, factors, factorial, rep, ext, fmt, title, styles, planned, complete)
    rep.answer = _decisions(ctx, rank_by, per)
    ranked = _sensitivity(ctx)
    _factor_figures(ctx, ranked)
    _effects(ctx)
    _discovery(ctx, discover or [])
    _survival(ctx)
    rep.files.append(_index(rep, exp, title))
    return rep


def _forest(effects: list[dict[str, Any]], shown: list[str], path: Path, formats: tuple[str, ...], title: str,
            styles: dict[str, Any]) -> list[Path]:
    """Forest plot of the scenario contrasts (each scenario against the first), Holm-adjusted p."""
    from sim.analysis.plotting import plot_compare_summary

    contrasts = [e for e in effects if e["by"] == "scenario"]
    if not contrasts:
        return []
    names = [str(contrasts[0]["reference"]), *dict.fromkeys(str(e["level"]) for e in contrasts)]
    diffs = [(o, REGISTRY[o].label, REGISTRY[o].direction >= 0,
              [(str(e["level"]), e["diff"], e["ci_low"], e["ci_high"], e["p_holm"]) for e in contrasts if e["outcome"] == o])
             for o in shown]
    return plot_compare_summary(diffs, path, scenarios=names, formats=formats, styles=styles,
                                title=f"Paired difference to '{names[0]}' — {title}")


def _ranked(rows: list[dict[str, Any]], key: str) -> list[str]:
    """Factors by influence: each outcome's index scaled by its largest, averaged over outcomes."""
    score: dict[str, list[float]] = {}
    first = rows[0]["scenario"]
    for o in dict.fromkeys(r["outcome"] for r in rows):
        sub = [r for r in rows if r["outcome"] == o and r["scenario"] == first]
        top = max((abs(r[key]) for r in sub), default=0.0) or 1.0
        for r in sub:
            score.setdefault(r["factor"], []).append(abs(r[key]) / top)
    return sorted(score, key=lambda f: -float(np.mean(score[f])))


#: Factors carried from a Morris screening into the Sobol stage.
SOBOL_TOP = 4


def _next_sobol(folder: Path, out: Path, rows: list[dict[str, Any]]) -> Path:
    """``next_sobol.yaml``: the same experiment as a Sobol design over the :data:`SOBOL_TOP`
    factors with the largest mu* (each outcome's mu* scaled by its largest, then averaged)."""
    import os

    import yaml

    from sim.output.results import atomic_write

    data = json.loads((folder / "experiment.json").read_text(encoding="utf-8"))
    ident = data["identity"]
    ranked = _ranked(rows, "mu_star")[:SOBOL_TOP]
    ranges = dict(ident["factors"])
    scenarios = [os.path.relpath(Path(p).resolve(), out.resolve()) for p in data.get("scenario_files", {}).values()]
    spec = {"name": f"{data.get('name', 'experiment')}-sobol", "scenarios": scenarios, "set": ident.get("set") or {},
            "factors": {f: ranges[f] for f in ranked}, "design": {"method": "sobol", "samples": 64, "seed": 1},
            "replications": int(data.get("replications", 2)), "outcomes": list(data.get("outcomes") or [])}
    head = (f"# Stage 2 of {data.get('name')}: Sobol indices over the {len(ranked)} factors with the largest Morris mu*\n"
            f"# (written by govsim report from {folder}; scenario paths relative to this file).\n")
    text = head + yaml.safe_dump(spec, sort_keys=False, allow_unicode=True)
    return atomic_write(out / "next_sobol.yaml", lambda p: p.write_text(text, encoding="utf-8"))


@dataclass
class _Context:
    """What the parts of a report share."""

    folder: Path
    exp: Experiment
    cols: dict[str, np.ndarray]
    outcomes: list[str]
    shown: list[str]
    factors: list[str]
    factorial: bool
    rep: Report
    ext: str
    fmt: tuple[str, ...]
    title: str
    styles: dict[str, Any] = field(default_factory=dict)  #: scenario -> SeriesStyle, shared by every figure
    planned: int = 0  #: runs the experiment plans
    complete: bool = True  #: every planned run is stored


def _sensitivity(ctx: _Context) -> list[str]:
    """Sobol or Morris indices (tables, figure, the Sobol follow-up); returns the factors by influence."""
    from sim.analysis import report_plots as rp

    exp, cols, outcomes, shown, factors, rep, ext, fmt, title, folder = (
        ctx.exp, ctx.cols, ctx.outcomes, ctx.shown, ctx.factors, ctx.rep, ctx.ext, ctx.fmt, ctx.title, ctx.folder)
    method = exp.design.method
    ranked = factors
    if method in ("sobol", "morris") and factors and not ctx.complete:
        rep.warnings.append(f"no {method.capitalize()} indices: they need every design point, and the sweep is incomplete")
    elif method in ("sobol", "morris") and factors:
        problem = salib_problem(exp)
        if method == "sobol":
            rows = analysis.sobol_indices(cols, problem, outcomes, n_points=exp.n_points, second_order=exp.design.second_order,
                                          design_seed=exp.design.seed)
            keys = [("S1", "S1_low", "S1_high"), ("ST", "ST_low", "ST_high")]
            names = {"S1": "first-order index S1", "ST": "total index ST"}
        else:
            rows = analysis.morris_indices(cols, problem, design_matrix(exp), outcomes, levels=exp.design.levels,
                                           design_seed=exp.design.seed)
            keys = [("mu_star", "mu_star_low", "mu_star_high")]
            names = {"mu_star": "μ*: mean absolute elementary effect (the outcome's unit)"}
        _save(rows, rep.out, method, rep)
        ranked = _ranked(rows, "ST" if method == "sobol" else "mu_star") or factors
        if method == "morris" and rows:
            rep.files.append(_next_sobol(folder, rep.out, rows))
        first = [r for r in rows if r["scenario"] == rows[0]["scenario"] and r["outcome"] in shown] if rows else []
        if first:
            rep.files += rp.plot_indices(first, keys, rep.out / f"{method}{ext}", formats=fmt, names=names,
                                         title=f"{title} — {method.capitalize()} indices, {first[0]['scenario']}")

    return ranked


def _factor_figures(ctx: _Context, ranked: list[str]) -> None:
    """Outcome against each factor (the most influential first) and two-factor heatmaps."""
    from sim.analysis import report_plots as rp

    cols, outcomes, shown, factors, factorial, rep, ext, fmt, title = (
        ctx.cols, ctx.outcomes, ctx.shown, ctx.factors, ctx.factorial, ctx.rep, ctx.ext, ctx.fmt, ctx.title)
    effects_rows: list[dict[str, Any]] = []
    for f in factors:
        rows = analysis.factor_effects(cols, f, outcomes, factorial=factorial)
        effects_rows += rows
        if f not in ranked[:MAX_FACTOR_PLOTS]:
            continue
        rep.files += rp.plot_factor([r for r in rows if r["outcome"] in shown], f, shown, rep.out / f"factor_{safe_name(f)}{ext}",
                                    formats=fmt, title=f"{title} — {factor_label(f)}", styles=ctx.styles)
    _save(effects_rows, rep.out, "factor_effects", rep)
    pairs = list(itertools.combinations(ranked[:MAX_FACTOR_PLOTS], 2))[:MAX_PAIRS] if factorial else []
    for fx, fy in pairs:  # a sampled design varies every other factor at once: no cell means of it
        grid = _heatmap(cols, fx, fy, shown, factorial)
        rep.files += rp.plot_heatmap(grid, fx, fy, rep.out / f"heatmap_{safe_name(fx)}__{safe_name(fy)}{ext}", formats=fmt,
                                     title=f"{title} — {cols['scenario'][0]}")



def _effects(ctx: _Context) -> None:
    """Paired effects with Holm's correction, their forest plot and the replicate-adequacy check."""
    from sim.analysis import report_plots as rp

    cols, outcomes, shown, factors, factorial, rep, ext, fmt, title = (
        ctx.cols, ctx.outcomes, ctx.shown, ctx.factors, ctx.factorial, ctx.rep, ctx.ext, ctx.fmt, ctx.title)
    effects = analysis.paired_effects(cols, outcomes, factors, factorial=factorial)
    whole = _refuse_partial(ctx, effects)
    _save(effects, rep.out, "paired_effects", rep)
    rep.files += _forest(whole, shown, rep.out / f"paired_effects{ext}", fmt, title, ctx.styles)
    effects = whole
    adequacy = analysis.adequacy(effects)
    _save(adequacy, rep.out, "adequacy", rep)
    rep.warnings += [f"{r['contrast']}, {r['outcome']}: {r['warning']}" for r in adequacy if r["warning"]]
    curves = _adequacy_curves([e for e in effects if e["outcome"] in shown])
    if curves:
        rep.files += rp.plot_adequacy(curves, rep.out / f"adequacy{ext}", formats=fmt, title=f"{title} — replicate adequacy")



def _discovery(ctx: _Context, discover: list[str]) -> None:
    """PRIM boxes for each ``--discover`` (by default, for a sampled design: the better half of the first outcome)."""
    from sim.analysis import report_plots as rp

    cols, outcomes, factors, factorial, rep, ext, fmt = ctx.cols, ctx.outcomes, ctx.factors, ctx.factorial, ctx.rep, ctx.ext, ctx.fmt
    specs = [parse_discover(d) for d in (discover)]
    if not specs and factors and not factorial:
        o = next((o for o in outcomes if REGISTRY[o].direction != 0), None)
        if o is not None:
            specs.append((o, REGISTRY[o].direction > 0, float(np.nanmedian(cols[o]))))
    for name, above, threshold in specs:
        if not factors:
            rep.warnings.append(f"--discover {name}: the experiment has no factors to discover ranges of")
            continue
        trajectory, limits = analysis.discover(cols, factors, name, threshold, above=above)
        for row in limits:  # a mechanism switch is a lever: say which setting the box keeps
            if cols[row["factor"]].dtype == bool:
                lo, hi = row["min"], row["max"]
                row["min"], row["max"] = ("on" if lo >= 0.5 else "off"), ("on" if hi >= 0.5 else "off")
                row["note"] = ("switch: either setting" if row["min"] != row["max"] else f"switch: {row['min']} only") + (
                    f"; {row['note']}" if row.get("note") else "")
        _save(limits, rep.out, f"discovery_{name}", rep)
        _save(trajectory, rep.out, f"discovery_{name}_trajectory", rep)
        if trajectory:
            rep.files += rp.plot_prim(trajectory, rep.out / f"discovery_{name}{ext}", formats=fmt,
                                      title=f"PRIM: where {outcome_label(name, unit=False).lower()} "
                                            f"{'≥' if above else '≤'} {threshold:.4g} {outcome_unit(name)}")


def _decisions(ctx: _Context, rank_by: str | None, per: str | None) -> list[str]:
    """Cost-effectiveness, ranking and interaction (``sim.analysis.decisions``): tables, figures
    and the answer in words."""
    from sim.analysis import decision_plots as dp
    from sim.analysis.decisions import COSTS, decide

    cols, rep = ctx.cols, ctx.rep
    per_given, per = per is not None, per or "hours"
    if len(set(cols["scenario"].tolist())) < 2 and not any(f.startswith("mechanisms.") for f in ctx.factors):
        return []
    outcome = rank_by or next((o for o in ctx.outcomes if REGISTRY[o].direction != 0), None)
    if outcome is None:
        return []
    if outcome not in cols:
        guess = difflib.get_close_matches(outcome, list(ctx.outcomes), n=1)
        raise ScenarioError(f"--rank-by {outcome}: the runs have no such outcome"
                            + (f"; did you mean '{guess[0]}'?" if guess else f"; choose one of {', '.join(ctx.outcomes)}"))
    try:
        d = decide(cols, ctx.factors if ctx.factorial else [], outcome=outcome, per=per, outcomes=ctx.shown,
                   require_cost=per_given, planned=ctx.planned)
    except KeyError as exc:
        pools = ", ".join(["hours", "budget", *(c.removeprefix("used_") for c in COSTS["hours"] + COSTS["budget"])])
        raise ScenarioError(f"--per {per}: the runs lack {exc.args[0]}; choose one of {pools}, and keep the experiment's "
                            "outcomes including the used_<pool> ones") from None
    rep.warnings += d.warnings
    _save(d.effects, rep.out, "decision_effects", rep, tex=False)  # long: the CSV; the ranking is the table
    _save(d.ranking, rep.out, "ranking", rep, tex=("option", "diff", "ci_low", "ci_high", "cost_diff", "cost_low", "cost_high",
                                                   "per_cost", "per_cost_low", "per_cost_high"))
    rep.files += dp.plot_cost_effect(d.ranking, rep.out / f"cost_effect{ctx.ext}", cost_label=d.cost_label,
                                     cost_unit=d.cost_unit, reference=d.reference, formats=ctx.fmt, styles=ctx.styles)
    top = [r["option"] for r in d.ranking[:5]]
    for f in d.context:
        rep.files += dp.plot_interaction(d.effects, f, outcome, top, rep.out / f"interaction_{safe_name(f)}{ctx.ext}",
                                         formats=ctx.fmt, styles=ctx.styles)
    return _answer(d)


def _fmt(x: float) -> str:
    return "–" if not math.isfinite(x) else f"{x:+.3g}"


def _ci(mean: float, low: float, high: float) -> str:
    return f"{_fmt(mean)} [{_fmt(low)}, {_fmt(high)}]" if math.isfinite(low) else _fmt(mean)


def _answer(d: Any) -> list[str]:
    """The decision views in words and one short table (the first screen of report.md)."""
    o = REGISTRY[d.outcome]
    better = "lower" if o.direction < 0 else "higher"
    if not d.ranking:
        return ["No option could be paired with the reference (no common seeds)."]
    cols = [c for c in ("trust_mean", "participation_rate", "trust_gap_gig") if f"d_{c}" in d.ranking[0]]
    head = ["option", f"Δ {o.label.lower()} ({o.unit})", f"Δ cost ({d.cost_unit})", "Δ per unit of cost",
            *[f"Δ {REGISTRY[c].label.lower()}" for c in cols]]
    rows = []
    for r in d.ranking[:8]:
        per = _ci(r["per_cost"], r["per_cost_low"], r["per_cost_high"]) if not r["note"] else f"– ({r['note'].split(':')[0]})"
        rows.append([str(r["option"]), f"{_ci(r['diff'], r['ci_low'], r['ci_high'])} {r['verdict']}",
                     _ci(r["cost_diff"], r["cost_low"], r["cost_high"]), per,
                     *[f"{_ci(r[f'd_{c}'], r[f'd_{c}_low'], r[f'd_{c}_high'])} {r[f'{c}_verdict']}" for c in cols]])
    best = d.ranking[0]
    lines = [f"Options ranked by {o.label.lower()} ({better} is better) against '{d.reference}', paired by seed over "
             f"{best['n']} pairs; cost: {d.cost_label} ({d.cost_unit}). 95% CIs in brackets; the cost-effectiveness "
             "interval is Fieller's, and is left out where the extra cost is not shown to differ from 0.", ""]
    lines += ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)] + ["| " + " | ".join(r) + " |" for r in rows]
    trade = ", ".join(f"{REGISTRY[c].label.lower()}: {best[f'{c}_verdict']}" for c in cols)
    costed = math.isfinite(best["cost_diff"])
    lines += ["", f"**Best:** {best['option']}: {o.label.lower()} {_ci(best['diff'], best['ci_low'], best['ci_high'])} "
              f"{o.unit} ({best['verdict']})"
              + (f", at {_ci(best['cost_diff'], best['cost_low'], best['cost_high'])} {d.cost_unit} of {d.cost_label}"
                 if costed else "")
              + ("" if best["note"] else f", {_ci(best['per_cost'], best['per_cost_low'], best['per_cost_high'])} {o.unit} "
                 f"per unit of {d.cost_label}") + (f"; {trade}" if trade else "") + "."]
    better_dir = -1 if o.direction < 0 else 1
    priced = [r for r in d.ranking if not r["note"] and math.isfinite(r["per_cost"]) and r["verdict"] == better
              and r["cost_diff"] > 0]
    if priced:  # the most effect per unit of extra cost, among options shown to help and to cost more
        top = max(priced, key=lambda r: better_dir * r["per_cost"])
        lines.append(f"**Most per unit of cost:** {top['option']}: "
                     f"{_ci(top['per_cost'], top['per_cost_low'], top['per_cost_high'])} {o.unit} per unit of {d.cost_label} "
                     f"({_ci(top['diff'], top['ci_low'], top['ci_high'])} {o.unit} for "
                     f"{_ci(top['cost_diff'], top['cost_low'], top['cost_high'])} {d.cost_unit}).")
    for f in d.context:
        by = [e for e in d.effects if e["option"] == best["option"] and e["outcome"] == d.outcome and e["context"] != "all"]
        parts = [f"{_ci(e['diff'], e['ci_low'], e['ci_high'])} at {e['context']}" for e in by]
        if parts:
            lines.append(f"**By {factor_label(f).lower()} (`{f}`):** {best['option']}'s effect is " + "; ".join(parts)
                         + f" (figure interaction_{safe_name(f)}).")
    return lines


def _survival(ctx: _Context) -> None:
    """Censored days to resolution per design point (``sim.analysis.survival``), when the runs
    kept their issue columns: the scenarios of a point against its first."""
    from sim.analysis import survival
    from sim.sweep.store import read_issues

    if not (ctx.folder / "issues").is_dir():
        return
    try:
        ident = json.loads((ctx.folder / "experiment.json").read_text(encoding="utf-8"))["identity"]
        names = [s["name"] for s in ident["scenarios"]]
    except (OSError, ValueError, KeyError, TypeError):
        return
    points = sorted(set(ctx.cols["point"].tolist()))
    seeds = sorted(set(ctx.cols["seed"].tolist()))
    rows: list[dict[str, Any]] = []
    for p in points:
        tables = {n: [read_issues(ctx.folder, (p, s, seed)) for seed in seeds] for s, n in enumerate(names)}
        if all(t is None for ts in tables.values() for t in ts):
            continue
        try:
            rows += [{"point": p, **r} for r in survival.survival_rows(names, tables)]
        except (KeyError, ValueError) as exc:
            ctx.rep.warnings.append(f"survival: point {p}: {exc}")
            return
    _save(rows, ctx.rep.out, "survival", ctx.rep)


def _index(rep: Report, exp: Experiment, title: str) -> Path:
    from sim.output.results import atomic_write

    lines = [f"# Report: {exp.name}", "", title + "."]
    if rep.answer:
        lines += ["", "## Answer", "", *rep.answer]
    lines += ["", "## Files", ""]
    lines += [f"- `{p.name}`" for p in sorted(set(rep.files)) if p.parent == rep.out]
    lines += ["", "## Warnings", ""] + ([f"- {w}" for w in rep.warnings] or ["none"])
    text = "\n".join(lines) + "\n"
    return atomic_write(rep.out / "report.md", lambda p: p.write_text(text, encoding="utf-8"))


def report_cli(args: Any) -> int:
    """``govsim report``: write the report, print the warnings and the files."""
    formats = tuple(f.strip() for f in args.formats.split(",") if f.strip())
    bad = [f for f in formats if f not in ("pdf", "svg", "png")]
    if bad or not formats:
        raise ScenarioError(f"--formats {args.formats!r}: choose from pdf, svg, png (comma-separated)")
    rep = report(args.folder, args.out, discover=args.discover, formats=formats, rank_by=args.rank_by, per=args.per)
    for w in rep.warnings:
        print(f"warning: {w}", file=sys.stderr)
    print(f"wrote {len(rep.files)} files into {rep.out} (index: {rep.out / 'report.md'})")
    return 0
