"""``govsim report DIR``: the figures and tables of a sweep or comparison, fit for a paper.

Reads ``DIR/runs.parquet`` and ``DIR/experiment.json`` (written by ``sim.sweep.engine``) and writes
into ``DIR/report/`` (figures in PDF, SVG and PNG; tables in CSV and LaTeX/booktabs)::

    factor_<key>.*          outcome against each factor, 95% CI bands (one line per scenario)
    heatmap_<a>__<b>.*      mean outcome over two factors
    factor_effects.*        the numbers behind the factor plots
    paired_effects.*        scenarios and factorial levels against the first, paired by seed, Holm-adjusted p
    adequacy.* (table and figure)  CI half-width against seeds; a warning when a verdict rests on too few
    sobol.* / morris.*      sensitivity indices with bootstrap 95% CIs (Sobol and Morris designs)
    discovery_<outcome>.*   PRIM box: factor ranges keeping the outcome beyond a threshold
    report.md               what each file is, and the warnings

The statistics are in ``sim.analysis.methods``, the figures in ``sim.analysis.report_plots``.
"""

from __future__ import annotations

import itertools
import json
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from sim.analysis import methods as analysis
from sim.analysis.stats import paired_difference
from sim.errors import ScenarioError
from sim.outcomes.registry import REGISTRY
from sim.output.results import safe_name
from sim.output.tables import write_csv, write_latex
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


def _save(rows: list[dict[str, Any]], out: Path, name: str, rep: Report) -> None:
    if not rows:
        return
    cols = [c for c in rows[0] if not c.startswith("_")]
    rep.files += [write_csv(rows, cols, out / f"{name}.csv"), write_latex(rows, cols, out / f"{name}.tex", caption=name)]


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


def _adequacy_curves(effects: list[dict[str, Any]], limit: int = 12) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    curves = {}
    for e in effects[:limit]:
        a, b = e["_a"], e["_b"]
        ns = np.arange(2, len(a) + 1)
        hw = np.array([(lambda d: (d.high - d.low) / 2)(paired_difference(a[:n], b[:n])) for n in ns])
        if np.any(np.isfinite(hw) & (hw > 0)):
            curves[f"{e['contrast']}: {e['outcome']}"] = (ns, hw)
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
           formats: tuple[str, ...] = ("pdf", "svg", "png")) -> Report:
    """Write the report of the sweep or comparison in ``folder`` (see the module docstring)."""
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

    ctx = _Context(folder, exp, cols, outcomes, shown, factors, factorial, rep, ext, fmt, title, planned, complete)
    ranked = _sensitivity(ctx)
    _factor_figures(ctx, ranked)
    _effects(ctx)
    _discovery(ctx, discover or [])
    rep.files.append(_index(rep, exp, title))
    return rep


def _forest(effects: list[dict[str, Any]], shown: list[str], path: Path, formats: tuple[str, ...], title: str) -> list[Path]:
    """Forest plot of the scenario contrasts (each scenario against the first), Holm-adjusted p."""
    from sim.analysis.plotting import plot_compare_summary

    contrasts = [e for e in effects if e["by"] == "scenario"]
    if not contrasts:
        return []
    names = [str(contrasts[0]["reference"]), *dict.fromkeys(str(e["level"]) for e in contrasts)]
    diffs = [(o, REGISTRY[o].label, REGISTRY[o].direction >= 0,
              [(str(e["level"]), e["diff"], e["ci_low"], e["ci_high"], e["p_holm"]) for e in contrasts if e["outcome"] == o])
             for o in shown]
    return plot_compare_summary(diffs, path, scenarios=names, formats=formats, title=f"Paired difference to '{names[0]}' — {title}")


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
            rows = analysis.sobol_indices(cols, problem, outcomes, n_points=exp.n_points, second_order=exp.design.second_order)
            keys = [("S1", "S1_low", "S1_high"), ("ST", "ST_low", "ST_high")]
        else:
            rows = analysis.morris_indices(cols, problem, design_matrix(exp), outcomes, levels=exp.design.levels)
            keys = [("mu_star", "mu_star_low", "mu_star_high")]
        _save(rows, rep.out, method, rep)
        ranked = _ranked(rows, "ST" if method == "sobol" else "mu_star") or factors
        if method == "morris" and rows:
            rep.files.append(_next_sobol(folder, rep.out, rows))
        first = [r for r in rows if r["scenario"] == rows[0]["scenario"] and r["outcome"] in shown] if rows else []
        if first:
            rep.files += rp.plot_indices(first, keys, rep.out / f"{method}{ext}", formats=fmt,
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
                                    formats=fmt, title=f"{title} — {f}")
    _save(effects_rows, rep.out, "factor_effects", rep)
    for fx, fy in list(itertools.combinations(ranked[:MAX_FACTOR_PLOTS], 2))[:MAX_PAIRS]:
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
    rep.files += _forest(whole, shown, rep.out / f"paired_effects{ext}", fmt, title)
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
        _save(limits, rep.out, f"discovery_{name}", rep)
        _save(trajectory, rep.out, f"discovery_{name}_trajectory", rep)
        if trajectory:
            rep.files += rp.plot_prim(trajectory, rep.out / f"discovery_{name}{ext}", formats=fmt,
                                      title=f"PRIM: {name} {'>=' if above else '<='} {threshold:.4g}")


def _index(rep: Report, exp: Experiment, title: str) -> Path:
    from sim.output.results import atomic_write

    lines = [f"# Report: {exp.name}", "", title + ".", "", "## Files", ""]
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
    rep = report(args.folder, args.out, discover=args.discover, formats=formats)
    for w in rep.warnings:
        print(f"warning: {w}", file=sys.stderr)
    print(f"wrote {len(rep.files)} files into {rep.out} (index: {rep.out / 'report.md'})")
    return 0
