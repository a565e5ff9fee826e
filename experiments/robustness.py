"""Robustness tables: does each finding keep its sign across its least-identified parameters?

For the headline comparison (party-led governance − the community system, on every headline
outcome of ``sim.outcomes.registry.HEADLINE`` and ``resolution_days_rmst``) and for every
check of the article's expectations (``experiments/expectations.py``: mechanism − baseline,
expectation 1 on its censored measure; expectation 5 as the curated peak level of leadership
intensity against the worse of its two ends), the paired effect and its 95% CI are measured at
the default, the low and the high end of each of three parameters, one at a time, all else at
the library's values.

**Which three parameters** (stated before anything runs, printed by the script):

* *depends on*: the Morris screening (``results/curated/screening/morris.csv``, 44 behavioural
  parameters, both regimes) gives each parameter's mu* on each outcome; its **influence** on a
  finding is the largest, over the two regimes (and over the proxy outcomes below), of mu*
  relative to the most influential parameter's mu* on that outcome in that regime. The finding
  depends on the parameters with influence of at least :data:`DEPENDS` (0.25, the screening
  threshold of docs/validation.md, section 3). Outcomes the screening did not measure are read
  through the screened outcomes nearest to them (:data:`PROXIES`).
* *least identified*: a parameter's **identification** is its posterior 95% interval's width
  over its prior's (``results/curated/calibration/posterior.csv``); a parameter the calibration
  did not fit keeps its prior, 1. At least :data:`WIDE` (0.75, the posterior nearly as wide as
  the prior) counts as poorly identified.
* the three: among the parameters the finding depends on, poorly identified ones first, each
  group by influence (largest first); fewer than three dependent parameters are filled up by
  influence, and the table says so.

**Levels**: the screening's range, half and one and a half times the library's value, within the
key's allowed range (``sim/schema.py`` Field bounds; integers rounded inwards): the same range
the screening's influence was measured over (``relative: 0.5`` in ``experiments/screening.yaml``).

**Classification**, per finding, of the effect's 95% CI at the seven levels (default, and low
and high of three parameters): **robust** when every CI excludes 0 on the same side;
**not robust (sign flips)** when one CI lies above 0 and another below; **inconclusive**
otherwise (some CI spans 0). For a check of "unchanged" (expectation 7's median days, ± a
margin): robust when every CI lies within ± the margin, not robust when some CI lies wholly
outside it, inconclusive otherwise.

    python experiments/robustness.py [--seeds 5] [--residents 3000] [--days 365] [--only headline,exp1] [--out DIR]
    python experiments/robustness.py --baseline scenarios/posterior/community_system.yaml \
        --package scenarios/posterior/party_led_full.yaml --posterior results/curated/history_pre_reform/posterior.csv \
        --expectations results/curated/expectations_posterior/expectations.csv      # at the posterior medians

Every run goes through the sweep engine (``sim.sweep.engine``; resumable: an interrupted call
with the same settings picks up the stored runs in ``OUT/runs/``); writes ``robustness.csv``,
``robustness.md`` and the figures ``robustness_headline.png`` and ``robustness_expectations.png``
(with PDF and SVG) into ``OUT``.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import json
import math
import sys
import textwrap
import time
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from experiments import expectations as ex  # noqa: E402
from sim.analysis import survival  # noqa: E402
from sim.analysis.stats import PairedDiff, paired_difference  # noqa: E402
from sim.errors import ScenarioError  # noqa: E402
from sim.outcomes.registry import HEADLINE, REGISTRY  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
SCREENING = ROOT / "results" / "curated" / "screening" / "morris.csv"
POSTERIOR = ROOT / "results" / "curated" / "calibration" / "posterior.csv"
EXPECTATIONS_CSV = ROOT / "results" / "curated" / "expectations" / "expectations.csv"
SCENARIOS = ROOT / "scenarios"
BASELINE = SCENARIOS / "community_system.yaml"
PARTY_LED = SCENARIOS / "party_led_full.yaml"

DEPENDS = 0.25  #: least relative mu* (either regime) for a finding to depend on a parameter
WIDE = 0.75  #: posterior 95% width over prior width at which a parameter counts as poorly identified
PER_FINDING = 3  #: parameters varied per finding
RELATIVE = 0.5  #: levels: (1 ± RELATIVE) × the library's value, within the key's allowed range
LEVELS = ("low", "default", "high")
#: Outcomes the screening did not measure, read through the screened outcomes nearest to them.
PROXIES: dict[str, tuple[str, ...]] = {
    "resolution_days_rmst": ("resolution_days_median", "resolution_days_p90"),
    "rmst_cross_department": ("resolution_days_median", "resolution_days_p90"),
    "self_report_delay_days": ("latent",),  # an issue stays latent until someone reports it
    "lift_resolution_rate": ("resolution_rate",),
}
#: Peak level of leadership intensity per outcome when the curated expectations file is missing.
DEFAULT_PEAK = 0.25


# --------------------------------------------------------------------------- findings


@dataclass(frozen=True)
class Arm:
    """One arm: a scenario file with dotted overrides."""

    name: str
    file: Path
    set: tuple[tuple[str, Any], ...] = ()


@dataclass(frozen=True)
class Finding:
    """An effect to test: ``b − a`` of each contrast on ``measure`` (several contrasts: the one
    with the smallest mean in the ``better`` direction, i.e. the peak against its worse end),
    with the article's expected sign (+1, −1, 0 for unchanged within ± ``margin``, None: none stated)."""

    id: str  #: "headline/<outcome>", "exp<n>/<measure>"
    group: str  #: "headline" or "exp<n>"
    claim: str
    measure: str  #: a registry outcome or rmst_<cohort>
    contrasts: tuple[tuple[str, str], ...]
    sign: int | None = None
    margin: float = 0.0
    better: int = 1

    @property
    def screened(self) -> tuple[str, ...]:
        """The screened outcomes the finding's parameters are chosen on."""
        return PROXIES.get(self.measure, (self.measure,))

    @property
    def arms(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(a for c in self.contrasts for a in c))

    @property
    def expected(self) -> str:
        if self.sign is None:
            return "none stated"
        return {1: "higher", -1: "lower", 0: f"unchanged (±{self.margin:g})"}[self.sign]


def _mech_arm(mechanisms: Mapping[str, Any], baseline: Path = BASELINE) -> Arm:
    name = ex.variant_name(mechanisms)
    return Arm("community_system" if name == "baseline" else name, baseline, tuple(sorted(ex._on(mechanisms).items())))


def leadership_peaks(path: Path = EXPECTATIONS_CSV) -> dict[str, float]:
    """The interior level chosen for each leadership outcome by the curated expectations run
    (its rows "rule: peak − level 0", verdict "... (peak at L)"); :data:`DEFAULT_PEAK` without the file."""
    peaks = dict.fromkeys(ex.LEADERSHIP_OUTCOMES, DEFAULT_PEAK)
    if not path.is_file():
        return peaks
    with path.open(encoding="utf-8") as fh:
        for r in csv.DictReader(fh):
            if r.get("expectation") == "5" and r.get("comparison") == "rule: peak − level 0" and "(peak at " in r["verdict"]:
                peaks[r["outcome"]] = float(r["verdict"].rsplit("(peak at ", 1)[1].rstrip(")"))
    return peaks


def findings(peaks: Mapping[str, float] | None = None, *, baseline: Path = BASELINE,
             package: Path = PARTY_LED) -> tuple[list[Finding], dict[str, Arm]]:
    """Every finding and the arms they need (by name); the arms vary ``baseline``, the headline's
    other arm is ``package`` (the library's two regimes by default)."""
    arms = {"community_system": Arm("community_system", baseline), "party_led_full": Arm("party_led_full", package)}
    out = [Finding(f"headline/{o}", "headline", "Party-led governance against the community system", o,
                   (("community_system", "party_led_full"),)) for o in (*HEADLINE, "resolution_days_rmst")]
    for e in ex.EXPECTATIONS:
        mech = _mech_arm(e.arms()["mechanism"], baseline)
        arms[mech.name] = mech
        for c in e.checks:
            out.append(Finding(f"exp{e.number}/{c.measure}", f"exp{e.number}", e.claim, c.measure,
                               (("community_system", mech.name),), c.sign, c.margin))
    peaks = dict(peaks or leadership_peaks())
    grid = {lvl: _mech_arm({"leadership_intensity": {"enabled": True, "level": lvl, "null_variant": False}}, baseline)
            for lvl in {0.0, 1.0, *peaks.values()}}
    arms.update({a.name: a for a in grid.values()})
    for o in ex.LEADERSHIP_OUTCOMES:
        peak = grid[peaks[o]].name
        out.append(Finding(f"exp5/{o}", "exp5", f"Leadership intensity has an inverted U (peak at {peaks[o]:g} against the "
                           "worse end)", o, ((grid[0.0].name, peak), (grid[1.0].name, peak)), +1,
                           better=REGISTRY[o].direction or 1))
    return out, arms


def pick(all_findings: Sequence[Finding], only: str | None) -> list[Finding]:
    """The findings named by ``--only`` (comma-separated groups such as ``headline``, ``exp4``, or
    ids such as ``headline/trust_mean``); every finding without it. An unknown name: one line."""
    if not only:
        return list(all_findings)
    names = [n.strip() for n in only.split(",") if n.strip()]
    groups = list(dict.fromkeys(f.group for f in all_findings))
    chosen: list[Finding] = []
    for n in names:
        hit = [f for f in all_findings if f.group == n or f.id == n]
        if not hit:
            raise ScenarioError(f"--only {n}: no such finding; give groups ({', '.join(groups)}) or ids such as "
                                f"{all_findings[0].id} (see --list)")
        chosen += [f for f in hit if f not in chosen]
    return chosen


# --------------------------------------------------------------------------- parameter choice


@dataclass(frozen=True)
class Choice:
    """A parameter chosen for a finding: its influence, identification and whether the finding depends on it."""

    parameter: str
    influence: float
    identification: float
    fitted: bool

    @property
    def depends(self) -> bool:
        return self.influence >= DEPENDS

    @property
    def poorly_identified(self) -> bool:
        return self.identification >= WIDE


def load_screening(path: Path = SCREENING) -> dict[tuple[str, str], dict[str, float]]:
    """mu* per (scenario, outcome) and parameter from a screening file (``govsim report`` morris.csv)."""
    if not path.is_file():
        raise ScenarioError(f"{path}: no screening file; run `python experiments/validate.py --screen` or give --screening FILE")
    with path.open(encoding="utf-8") as fh:
        reader = csv.DictReader(fh)
        missing = {"scenario", "outcome", "factor", "mu_star"} - set(reader.fieldnames or ())
        if missing:
            raise ScenarioError(f"{path}: not a Morris screening table (no column {', '.join(sorted(missing))}); give the "
                                "morris.csv that `govsim report` writes for a morris sweep")
        out: dict[tuple[str, str], dict[str, float]] = {}
        for r in reader:
            try:
                mu = float(r["mu_star"])
            except ValueError:
                raise ScenarioError(f"{path}: mu_star '{r['mu_star']}' of {r['factor']} on {r['outcome']} is not a number; "
                                    "regenerate the file with `govsim report`") from None
            out.setdefault((r["scenario"], r["outcome"]), {})[r["factor"]] = mu if math.isfinite(mu) else 0.0
    return out


def load_identification(path: Path = POSTERIOR) -> dict[str, float]:
    """Posterior 95% width over prior width per fitted parameter (calibration posterior.csv)."""
    if not path.is_file():
        raise ScenarioError(f"{path}: no calibration posterior; run `govsim calibrate experiments/targets.yaml --publish` "
                            "or give --posterior FILE")
    with path.open(encoding="utf-8") as fh:
        reader = csv.DictReader(fh)
        missing = {"parameter", "low", "high", "q025", "q975"} - set(reader.fieldnames or ())
        if missing:
            raise ScenarioError(f"{path}: not a calibration posterior (no column {', '.join(sorted(missing))}); give the "
                                "posterior.csv that `govsim calibrate --publish` writes")
        out = {}
        for r in reader:
            width = float(r["high"]) - float(r["low"])
            out[r["parameter"]] = (float(r["q975"]) - float(r["q025"])) / width if width > 0 else 0.0
    return out


def influence(screening: Mapping[tuple[str, str], Mapping[str, float]], outcomes: Iterable[str]) -> dict[str, float]:
    """Per parameter: the largest relative mu* over the regimes and ``outcomes``."""
    outcomes = tuple(outcomes)
    known = {o for _, o in screening}
    lost = [o for o in outcomes if o not in known]
    if lost:
        raise ScenarioError(f"the screening has no outcome {', '.join(lost)}; add it to the screening's outcomes or map it "
                            f"to screened ones in PROXIES (experiments/robustness.py)")
    out: dict[str, float] = {}
    for (_, o), mus in screening.items():
        if o not in outcomes:
            continue
        top = max(mus.values(), default=0.0)
        for p, mu in mus.items():
            out[p] = max(out.get(p, 0.0), mu / top if top > 0 else 0.0)
    return out


def choose(finding: Finding, screening: Mapping[tuple[str, str], Mapping[str, float]], ident: Mapping[str, float],
           k: int = PER_FINDING) -> list[Choice]:
    """The ``k`` parameters of ``finding`` by the rule of the module docstring."""
    score = influence(screening, finding.screened)
    cands = [Choice(p, s, ident.get(p, 1.0), p in ident) for p, s in score.items()]
    cands.sort(key=lambda c: (not c.depends, not c.poorly_identified, -c.influence, -c.identification, c.parameter))
    return cands[:k]


# --------------------------------------------------------------------------- levels


def level_values(parameters: Iterable[str], base: Path = BASELINE) -> dict[str, dict[str, float | int]]:
    """Low, default and high of each parameter: the screening's range (the sweep engine's
    ``{relative: 0.5}``, within the key's allowed range) around the baseline scenario's value."""
    from sim.scenario.loading import resolve
    from sim.sweep.experiment import Experiment

    parameters = list(dict.fromkeys(parameters))
    if not parameters:
        return {}
    exp = Experiment.build([str(base)], factors={p: {"relative": RELATIVE} for p in parameters},
                           design={"method": "lhs", "samples": 2}, replications=1)
    cfg = resolve(exp.scenarios[0].raw, dict(exp.set), check_memory=False)
    ranges = dict(exp.factors)
    out = {}
    for p in parameters:
        value: Any = cfg
        for part in p.split("."):
            value = getattr(value, part)
        r = ranges.get(p)
        if r is None:
            raise ScenarioError(f"parameter '{p}' has no range around its value {value!r} within its allowed bounds; "
                                "choose another in the screening")
        conv = int if p in exp.integer_factors or isinstance(value, int) else float
        out[p] = {"low": conv(r.low), "default": conv(value), "high": conv(r.high)}
    return out


# --------------------------------------------------------------------------- running


@dataclass(frozen=True)
class Point:
    """Where the runs are: the default (``parameter`` None) or one parameter at its low or high."""

    parameter: str | None = None
    level: str = "default"
    value: float | int | None = None

    @property
    def tag(self) -> str:
        return "default" if self.parameter is None else f"{self.parameter}={self.level}"


@dataclass
class Plan:
    """The findings, their chosen parameters, the points and the runs each point needs."""

    findings: list[Finding]
    arms: dict[str, Arm]
    chosen: dict[str, list[Choice]]  #: finding id -> its parameters
    values: dict[str, dict[str, float | int]]  #: parameter -> level -> value
    points: list[Point] = field(default_factory=list)
    needs: dict[str, list[str]] = field(default_factory=dict)  #: point tag -> arm names
    base: Path = BASELINE  #: the scenario the arms vary
    posterior: Path = POSTERIOR  #: where the identification was read

    @classmethod
    def build(cls, chosen_findings: Sequence[Finding], arms: Mapping[str, Arm], screening: Mapping, ident: Mapping[str, float],
              base: Path = BASELINE, posterior: Path = POSTERIOR) -> Plan:
        chosen = {f.id: choose(f, screening, ident) for f in chosen_findings}
        params = [c.parameter for f in chosen_findings for c in chosen[f.id]]
        plan = cls(list(chosen_findings), dict(arms), chosen, level_values(params, base), base=base, posterior=posterior)
        plan.points = [Point()] + [Point(p, lvl, plan.values[p][lvl]) for p in plan.values for lvl in ("low", "high")]
        for pt in plan.points:
            using = [f for f in chosen_findings if pt.parameter is None or pt.parameter in {c.parameter for c in chosen[f.id]}]
            plan.needs[pt.tag] = list(dict.fromkeys(["community_system", *(a for f in using for a in f.arms)]))
        return plan

    @property
    def censored(self) -> list[str]:
        return sorted({f.measure.removeprefix("rmst_") for f in self.findings if f.measure.startswith("rmst_")})

    @property
    def outcomes(self) -> list[str]:
        return sorted({f.measure for f in self.findings if f.measure in REGISTRY})

    def variants(self) -> list[dict[str, Any]]:
        """Scenario variants in point order (a point's arms share its warm-up: the warm state is
        cached by everything but the mechanisms, and the first arm computes it)."""
        out = []
        for pt in self.points:
            for a in self.needs[pt.tag]:
                arm = self.arms[a]
                sets = dict(arm.set)
                if pt.parameter is not None:
                    sets[pt.parameter] = pt.value
                out.append({"file": str(arm.file), "name": f"{a}@{pt.tag}", "set": sets})
        return out


class Progress:
    """A line on stderr every twentieth of the runs (the engine's bar shows only on a terminal)."""

    def __init__(self, total: int, stream: Any = None) -> None:
        self.total, self.done, self.t0 = total, 0, time.perf_counter()
        self.every, self.stream = max(1, total // 20), stream

    def __call__(self, _record: Any) -> None:
        self.done += 1
        if self.done % self.every and self.done != self.total:
            return
        wall = time.perf_counter() - self.t0
        left = wall / self.done * (self.total - self.done)
        print(f"robustness: {self.done:,} of at most {self.total:,} runs done in this call, {wall / 60:.1f} min; "
              f"at most {left / 60:.0f} min left", file=self.stream or sys.stderr, flush=True)


def run(plan: Plan, *, seeds: int, residents: int, days: int, out: Path, workers: int | None = None,
        quiet: bool = False) -> tuple[dict[str, dict[str, np.ndarray]], Any]:
    """Every variant × seed on the sweep engine (resumable in ``out``): measured values by variant
    name (``arm@point``) and measure, censored measures included; and the engine's result (runs
    done now and resumed)."""
    from sim.sweep.engine import run_experiment
    from sim.sweep.experiment import Experiment

    exp = Experiment.build(plan.variants(), name="robustness", set={"population.residents": residents, "days": days},
                           replications=seeds, outcomes=plan.outcomes, issues=survival.COLUMNS if plan.censored else False)
    result = run_experiment(exp, out, workers=workers, quiet=quiet, on_done=None if quiet else Progress(exp.n_runs))
    table: dict[str, dict[str, np.ndarray]] = {}
    for outcome in exp.outcomes:
        for (_, name), values in result.values(outcome).items():
            table.setdefault(name, {})[outcome] = values
    if plan.censored:
        tables = {name: t for (_, name), t in result.issue_tables().items()}
        for pt in plan.points:  # one horizon per point, shared by its arms
            names = [f"{a}@{pt.tag}" for a in plan.needs[pt.tag]]
            for name, measures in ex.censored_measures({n: tables[n] for n in names}, plan.censored).items():
                table[name].update(measures)
    return table, result


# --------------------------------------------------------------------------- effects and verdicts


def effect(finding: Finding, values: Mapping[str, np.ndarray]) -> PairedDiff:
    """The finding's paired effect from each arm's values over seeds (several contrasts: the
    one with the smallest mean in the ``better`` direction, i.e. the peak against its worse end)."""
    diffs = [paired_difference(finding.better * np.asarray(values[a], float), finding.better * np.asarray(values[b], float))
             for a, b in finding.contrasts]
    d = min(diffs, key=lambda x: x.mean if math.isfinite(x.mean) else -math.inf)
    if finding.better == 1 or len(diffs) > 1:
        return d
    return PairedDiff(d.n, -d.mean, -d.high, -d.low, d.p_t, d.p_wilcoxon, d.d_z)


ROBUST, FLIPS, INCONCLUSIVE = "robust", "not robust (sign flips)", "inconclusive"


def classify(cis: Sequence[tuple[float, float]], *, sign: int | None = None, margin: float = 0.0) -> str:
    """A finding's status from its 95% CIs (low, high) at every level (module docstring)."""
    cis = [(lo, hi) for lo, hi in cis]
    if not cis:
        raise ValueError("no confidence interval to classify")
    finite = all(math.isfinite(lo) and math.isfinite(hi) for lo, hi in cis)
    if sign == 0:
        if finite and all(-margin <= lo and hi <= margin for lo, hi in cis):
            return ROBUST
        return FLIPS if any(lo > margin or hi < -margin for lo, hi in cis) else INCONCLUSIVE
    above = [lo > 0 for lo, _ in cis]
    below = [hi < 0 for _, hi in cis]
    if any(above) and any(below):
        return FLIPS
    if finite and (all(above) or all(below)):
        return ROBUST
    return INCONCLUSIVE


@dataclass(frozen=True)
class Cell:
    """A finding's effect at one level of one parameter."""

    finding: Finding
    choice: Choice | None  #: None: the default point
    level: str
    value: float | int | None
    diff: PairedDiff


def cells(plan: Plan, table: Mapping[str, Mapping[str, np.ndarray]]) -> dict[str, list[Cell]]:
    """Per finding: the default cell, then low and high of each of its parameters."""
    out: dict[str, list[Cell]] = {}
    for f in plan.findings:
        def at(tag: str, f: Finding = f) -> PairedDiff:
            return effect(f, {a: table[f"{a}@{tag}"][f.measure] for a in f.arms})

        row = [Cell(f, None, "default", None, at("default"))]
        for c in plan.chosen[f.id]:
            for lvl in ("low", "high"):
                row.append(Cell(f, c, lvl, plan.values[c.parameter][lvl], at(f"{c.parameter}={lvl}")))
        out[f.id] = row
    return out


def status(cs: Sequence[Cell]) -> str:
    f = cs[0].finding
    return classify([(c.diff.low, c.diff.high) for c in cs], sign=f.sign, margin=f.margin)


def direction(f: Finding, d: PairedDiff) -> str:
    """How the default effect reads against the article's expected direction."""
    if f.sign is None:
        return ""
    if f.sign == 0:
        return "as expected" if -f.margin <= d.low and d.high <= f.margin else "not shown"
    if (d.low > 0 and f.sign > 0) or (d.high < 0 and f.sign < 0):
        return "as expected"
    if (d.low > 0 and f.sign < 0) or (d.high < 0 and f.sign > 0):
        return "against the expectation"
    return "not shown (CI spans 0)"


# --------------------------------------------------------------------------- reporting

FIELDS = ("finding", "group", "claim", "measure", "expected", "parameter", "influence", "identification", "fitted", "level",
          "value", "n", "diff", "ci_low", "ci_high", "p_t", "status", "default_reading")


def _unit(measure: str) -> str:
    return "days" if measure.startswith("rmst_") else (REGISTRY[measure].unit if measure in REGISTRY else "")


def rows(plan: Plan, by: Mapping[str, list[Cell]]) -> list[dict[str, Any]]:
    """Tidy rows: each finding × parameter × level (the default repeated for each parameter)."""
    out = []
    for f in plan.findings:
        cs = by[f.id]
        st, reading = status(cs), direction(f, cs[0].diff)
        for c in plan.chosen[f.id]:
            for cell in (cs[0], *[x for x in cs[1:] if x.choice == c]):
                d = cell.diff
                value = plan.values[c.parameter]["default"] if cell.level == "default" else cell.value
                out.append({"finding": f.id, "group": f.group, "claim": f.claim, "measure": f.measure, "expected": f.expected,
                            "parameter": c.parameter, "influence": round(c.influence, 4),
                            "identification": round(c.identification, 4), "fitted": c.fitted, "level": cell.level,
                            "value": value, "n": d.n, "diff": d.mean, "ci_low": d.low, "ci_high": d.high, "p_t": d.p_t,
                            "status": st, "default_reading": reading})
    return out


def write_csv(rows_: Sequence[Mapping[str, Any]], path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", newline="", encoding="utf-8") as fh:
        w = csv.DictWriter(fh, fieldnames=FIELDS)
        w.writeheader()
        for r in rows_:
            w.writerow({k: ("true" if v is True else "false" if v is False else
                            "" if isinstance(v, float) and math.isnan(v) else v) for k, v in r.items()})
    return path


def _ci(d: PairedDiff) -> str:
    return f"{d.mean:+.3g} [{d.low:+.3g}, {d.high:+.3g}]"


def _short(p: str) -> str:
    return p.removeprefix("behaviour.")


def _rel(path: Path) -> str:
    path = Path(path).resolve()
    return str(path.relative_to(ROOT)) if path.is_relative_to(ROOT) else str(path)


def rule_text(plan: Plan | None = None) -> str:
    base, posterior = (plan.base, plan.posterior) if plan else (BASELINE, POSTERIOR)
    value = "the library's value" if Path(base).resolve() == BASELINE.resolve() else f"the value in {_rel(base)}"
    return (f"Parameters per finding: of the screened parameters ({SCREENING.relative_to(ROOT)}), those the finding's "
            f"outcome depends on (relative Morris mu* ≥ {DEPENDS:g} in either regime), poorly identified first "
            f"(posterior 95% width ≥ {WIDE:g} × the prior's in {_rel(posterior)}; a parameter the calibration "
            f"did not fit counts 1), each group by influence; the first {PER_FINDING}. Outcomes the screening did not "
            "measure are read through: " + "; ".join(f"{k} → {', '.join(v)}" for k, v in PROXIES.items()) + ". "
            f"Levels: {1 - RELATIVE:g} and {1 + RELATIVE:g} × {value} within the key's allowed range (the "
            "screening's range).")


def compute_time(out: Path) -> tuple[float, float]:
    """CPU and worker wall minutes of every stored run of an engine folder (its timings.parquet),
    resumed runs included: the cost of the table whichever call made the runs."""
    import pyarrow.parquet as pq

    path = Path(out) / "timings.parquet"
    if not path.is_file():
        return math.nan, math.nan
    t = pq.read_table(path, columns=["cpu_s", "wall_s"])
    return (sum(v or 0.0 for v in t.column("cpu_s").to_pylist()) / 60,
            sum(v or 0.0 for v in t.column("wall_s").to_pylist()) / 60)


def markdown(plan: Plan, by: Mapping[str, list[Cell]], *, seeds: int, residents: int, days: int, wall: float,
             ran: int, resumed: int = 0, cpu_min: float = math.nan, worker_min: float = math.nan, flags: str = "") -> str:
    cost = f" ({cpu_min:.1f} CPU-min, {worker_min:.0f} worker-min in all)" if math.isfinite(cpu_min) else ""
    when = (f"{resumed:,} of them resumed from an earlier call, this call {wall / 60:.1f} min" if resumed
            else f"in {wall / 60:.1f} min")
    lines = ["# Robustness of the headline comparison and the article's expectations", "",
             f"Made by `python experiments/robustness.py --seeds {seeds} --residents {residents} --days {days}{flags}`: "
             f"{residents:,} residents, {days} days after the library's warm-up, {seeds} paired seeds per level "
             f"(common random numbers): {ran + resumed:,} runs{cost}, {when}. A modest scale: the "
             "effects' sizes differ from the curated 10,000-resident runs, and a CI over few seeds is wide; what is "
             "tested is the sign.", "",
             rule_text(plan), "",
             "Status: **robust**, every 95% CI excludes 0 on the same side; **not robust (sign flips)**, one CI lies above 0 "
             "and another below; **inconclusive**, some CI spans 0. For \"unchanged\": robust when every CI lies within ± "
             "the margin, not robust when one lies wholly outside it.", "",
             "| finding | expected | Δ at default [95% CI] | reading | parameters (identification) | Δ range over levels | status |",
             "|---|---|---|---|---|---|---|"]
    for f in plan.findings:
        cs = by[f.id]
        means = [c.diff.mean for c in cs]
        params = ", ".join(f"`{_short(c.parameter)}` ({c.identification:.2f}{'' if c.depends else ', weak'})"
                           for c in plan.chosen[f.id])
        lines.append(f"| {f.id} | {f.expected} | {_ci(cs[0].diff)} | {direction(f, cs[0].diff) or '–'} | {params} | "
                     f"{min(means):+.3g} … {max(means):+.3g} | {status(cs)} |")
    lines += ["", "Identification 1.00: not fitted by the calibration. \"weak\": the finding's outcome depends on fewer "
              f"than {PER_FINDING} parameters by the rule; filled up by influence.", "", "## By finding", ""]
    for f in plan.findings:
        cs = by[f.id]
        lines += [f"### {f.id}: {f.claim}", "", f"Effect on `{f.measure}` ({_unit(f.measure) or 'value'}), expected "
                  f"{f.expected}; status **{status(cs)}**.", "",
                  "| parameter | influence | identification | low | default | high |", "|---|---|---|---|---|---|"]
        for c in plan.chosen[f.id]:
            v = plan.values[c.parameter]
            lo, hi = (next(x for x in cs if x.choice == c and x.level == lvl) for lvl in ("low", "high"))
            lines.append(f"| `{c.parameter}` | {c.influence:.2f} | {c.identification:.2f} | {v['low']:g}: {_ci(lo.diff)} | "
                         f"{v['default']:g}: {_ci(cs[0].diff)} | {v['high']:g}: {_ci(hi.diff)} |")
        lines.append("")
    return "\n".join(lines)


def plot(plan: Plan, by: Mapping[str, list[Cell]], path: Path, *, title: str, only: Sequence[Finding]) -> Path:
    """One panel per finding: the effect and its 95% CI at low, default and high of each parameter."""
    from sim.analysis.plotting import PALETTE, grid, legend_below, save_figure, suptitle, wrap
    from sim.output.labels import outcome_label

    fig, axes = grid(len(only), ncols=4, panel_height=1.75, extra=1.1)
    colours = {"low": PALETTE[0], "default": "#000000", "high": PALETTE[1]}
    handles: dict[str, Any] = {}
    for ax, f in zip(axes.flat, only, strict=False):
        cs, chosen = by[f.id], plan.chosen[f.id]
        for i, c in enumerate(chosen):
            for j, lvl in enumerate(LEVELS):
                cell = cs[0] if lvl == "default" else next(x for x in cs if x.choice == c and x.level == lvl)
                d = cell.diff
                x = 4 * i + j
                handles[lvl] = ax.errorbar(x, d.mean, yerr=[[max(d.mean - d.low, 0)], [max(d.high - d.mean, 0)]],
                                           fmt="os^"[j], color=colours[lvl], ms=3, capsize=1.5, lw=0.9)
        ax.axhline(0, color="k", lw=0.6)
        if f.sign == 0:
            ax.axhspan(-f.margin, f.margin, color="#999999", alpha=0.2, lw=0)
        ax.set_xticks([4 * i + 1 for i in range(len(chosen))],
                      [textwrap.fill(_short(c.parameter).replace("_", " ").replace(".", " "), 11, break_long_words=False)
                       for c in chosen], fontsize=5)
        name = f.measure if f.measure in REGISTRY else f.measure.replace("rmst_", "RMST ")
        label = outcome_label(name, unit=False) if f.measure in REGISTRY else name.replace("_", " ")
        ax.set_title(wrap(f"{f.group}: {label} — {status(cs)}", 1.6, 6, max_lines=3), fontsize=6)
        ax.tick_params(axis="y", labelsize=5)
        unit = _unit(f.measure)
        ax.set_ylabel(f"Δ ({unit})" if unit else "Δ", fontsize=6)
        ax.grid(axis="y", alpha=0.3)
    suptitle(fig, title)
    legend_below(fig, [handles[k] for k in LEVELS if k in handles],
                 [{"low": "parameter at its low end (0.5 × default)", "default": "every parameter at its default",
                   "high": "parameter at its high end (1.5 × default)"}[k] for k in LEVELS if k in handles],
                 title="Paired effect with 95% CI over seeds")
    return save_figure(fig, path, formats=("pdf", "svg"))[0]


# --------------------------------------------------------------------------- command line


def describe_plan(plan: Plan, *, seeds: int) -> str:
    lines = [rule_text(plan), ""]
    w = max(len(f.id) for f in plan.findings) + 2
    for f in plan.findings:
        lines.append(f"{f.id:<{w}}" + "  ".join(
            f"{_short(c.parameter)} (infl {c.influence:.2f}, ident {c.identification:.2f}{'' if c.depends else ', weak'})"
            for c in plan.chosen[f.id]))
    lines.append("")
    for p, v in plan.values.items():
        lines.append(f"  {p}: low {v['low']:g}, default {v['default']:g}, high {v['high']:g}")
    n = sum(len(v) for v in plan.needs.values())
    lines.append(f"\n{len(plan.points)} points × their arms: {n} variants × {seeds} seeds = {n * seeds:,} runs "
                 f"({len(plan.points) * seeds} warm-ups)")
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--seeds", type=int, default=5, help="paired seeds per level (default 5)")
    p.add_argument("--residents", type=int, default=3000)
    p.add_argument("--days", type=int, default=365)
    p.add_argument("--only", default=None, help="comma-separated groups (headline, exp1, ...) or finding ids")
    p.add_argument("--screening", type=Path, default=SCREENING, help="Morris screening table (morris.csv)")
    p.add_argument("--posterior", type=Path, default=POSTERIOR, help="calibration posterior (posterior.csv)")
    p.add_argument("--baseline", type=Path, default=BASELINE, help="the scenario the arms vary (default: the community system)")
    p.add_argument("--package", type=Path, default=PARTY_LED, help="the headline's other arm (default: party_led_full)")
    p.add_argument("--expectations", type=Path, default=EXPECTATIONS_CSV,
                   help="the expectations table whose leadership peaks are tested (expectations.csv)")
    p.add_argument("--workers", type=int, default=None, help="worker processes (default: all cores)")
    p.add_argument("--out", type=Path, default=Path("results/robustness"))
    p.add_argument("--list", action="store_true", help="list the findings, their parameters and the runs, and stop")
    args = p.parse_args(argv)
    try:
        if args.seeds < 2:
            raise ScenarioError(f"--seeds {args.seeds}: a paired CI needs at least 2 seeds; give --seeds 5")
        for flag, path in (("--baseline", args.baseline), ("--package", args.package)):
            if not path.is_file():
                raise ScenarioError(f"{flag} {path}: no such scenario file")
        every, arms = findings(leadership_peaks(args.expectations), baseline=args.baseline.resolve(),
                               package=args.package.resolve())
        chosen = pick(every, args.only)
        plan = Plan.build(chosen, arms, load_screening(args.screening), load_identification(args.posterior),
                          base=args.baseline.resolve(), posterior=args.posterior)
        flags = "".join(f" --{k} {_rel(v)}" for k, v, d in (("baseline", args.baseline, BASELINE), ("package", args.package, PARTY_LED),
                                                           ("posterior", args.posterior, POSTERIOR),
                                                           ("expectations", args.expectations, EXPECTATIONS_CSV))
                        if Path(v).resolve() != d.resolve())
        print(f"{len(chosen)} findings; {args.seeds} paired seeds, {args.residents:,} residents, {args.days} days after the "
              "warm-up (a modest scale: signs are tested, sizes differ from the curated runs)\n", flush=True)
        print(describe_plan(plan, seeds=args.seeds) + "\n", flush=True)
        if args.list:
            return 0
        key = hashlib.sha256(json.dumps([plan.variants(), args.residents, args.days], sort_keys=True,
                                        default=str).encode()).hexdigest()[:10]
        t0 = time.perf_counter()
        table, done = run(plan, seeds=args.seeds, residents=args.residents, days=args.days, out=args.out / "runs" / key,
                    workers=args.workers, quiet=False)
        wall = time.perf_counter() - t0
        by = cells(plan, table)
        rows_ = rows(plan, by)
        files = [write_csv(rows_, args.out / "robustness.csv")]
        cpu_min, worker_min = compute_time(done.out)
        md = markdown(plan, by, seeds=args.seeds, residents=args.residents, days=args.days, wall=wall,
                      ran=done.ran, resumed=done.resumed, cpu_min=cpu_min, worker_min=worker_min, flags=flags)
        (args.out / "robustness.md").write_text(md + "\n", encoding="utf-8")
        files.append(args.out / "robustness.md")
        scale = f"{args.residents:,} residents, {args.seeds} seeds"
        head = [f for f in plan.findings if f.group == "headline"]
        rest = [f for f in plan.findings if f.group != "headline"]
        if head:
            files.append(plot(plan, by, args.out / "robustness_headline.png", only=head,
                              title=f"Robustness: party-led − community system at low, default and high of each finding's "
                                    f"three least-identified parameters ({scale})"))
        if rest:
            files.append(plot(plan, by, args.out / "robustness_expectations.png", only=rest,
                              title=f"Robustness: the article's expectations at low, default and high of each check's "
                                    f"three least-identified parameters ({scale})"))
    except ScenarioError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    print(summary(plan, by))
    print(f"\n{wall:,.0f} s ({done.ran:,} runs now, {done.resumed:,} resumed; {cpu_min:.1f} CPU-min, "
          f"{worker_min:.0f} worker-min over every run); wrote " + ", ".join(str(f) for f in files))
    return 0


def summary(plan: Plan, by: Mapping[str, list[Cell]]) -> str:
    w = max(len(f.id) for f in plan.findings) + 2
    lines = [f"{'finding':<{w}}{'Δ at default [95% CI]':<34}{'Δ range over levels':<24}status"]
    for f in plan.findings:
        cs = by[f.id]
        means = [c.diff.mean for c in cs]
        lines.append(f"{f.id:<{w}}{_ci(cs[0].diff):<34}{f'{min(means):+.3g} … {max(means):+.3g}':<24}{status(cs)}")
    return "\n".join(lines)


if __name__ == "__main__":
    raise SystemExit(main())
