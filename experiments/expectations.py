"""The article's expectations as three-arm experiments on common random numbers.

Each expectation names a mechanism and the outcomes it should move (names from the outcome
registry, ``sim.outcomes.registry``) with the direction the article expects. Every expectation runs
three arms with the same seeds: the **baseline** (the community system, mechanism off), the
**mechanism** (on, at its defaults), and its **null variant** (on and paying its costs, with
its behavioural rule switched off). The pass rule, stated before anything is measured:

* *effect*: the paired difference mechanism − baseline has the expected sign at the 1% level
  (paired t-test); for "unchanged", its 95% CI lies within ± the stated margin;
* *vanishes without the rule*: the 95% CI of null − baseline contains 0, or lies on the
  other side;
* verdict: **holds** (effect, and it vanishes), **holds, but its costs alone move it too**
  (effect, mechanism beats null at the 1% level, yet null − baseline excludes 0 the expected
  way), or **does not hold**.

A check on time to resolution is judged on a censored measure (``Check.censored``): the per-seed
restricted mean days to real resolution (RMST to τ = 90 days, or the shortest follow-up) of
the cohort's issues, paired by seed, where issues closed on paper, abandoned or still open are
censored rather than dropped (``sim.analysis.survival``). The registry's resolved-only mean is
shown beside it (rows "… (resolved only, not judged)"): it selects on the outcome, since a rule
that resolves slow cases instead of closing them on paper raises it.

Leadership intensity (the inverted U) runs the grid of levels with and without its rule;
one peak criterion for every outcome: the seeds are split in two halves; on the first half
the interior level (0.25, 0.5 or 0.75) with the best mean is chosen, on the second half it
must beat both ends (level 0 and level 1) at the 1% level (paired t, in the outcome's better
direction). The null variant's grid goes through the same criterion and must fail it.

    python experiments/expectations.py [--seeds 20] [--residents 10000] [--days 365] [--out DIR]
    python experiments/expectations.py --baseline scenarios/posterior/community_system.yaml   # at other values

prints one row per check and arm with the paired difference, its 95% CI, p and d_z, and the
verdict, and writes them to ``OUT/expectations.csv`` with a figure. The model is untouched
here: the experiment lives outside it (EMA Workbench style).
"""

from __future__ import annotations

import argparse
import csv
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sim.analysis import survival  # noqa: E402
from sim.analysis.stats import PairedDiff, paired_difference  # noqa: E402
from sim.outcomes.registry import REGISTRY  # noqa: E402

ALPHA = 0.01  #: significance level of every directional test
LEVELS = (0.0, 0.25, 0.5, 0.75, 1.0)  #: leadership intensity grid


@dataclass(frozen=True)
class Check:
    """An outcome (``sim.outcomes.registry`` name) and the direction the article expects:
    +1 higher, −1 lower, 0 unchanged (within ± ``margin``). With ``censored`` (a cohort of
    ``sim.analysis.survival.COHORTS``) the check is judged on the paired restricted mean days
    to real resolution of that cohort (:attr:`measure`), and ``outcome`` (resolved only) is
    shown beside it."""

    outcome: str
    sign: int
    margin: float = 0.0
    censored: str | None = None

    def __post_init__(self) -> None:
        if self.outcome not in REGISTRY:
            raise KeyError(f"unknown outcome '{self.outcome}'")
        if self.censored is not None and self.censored not in survival.COHORTS:
            raise KeyError(f"unknown cohort '{self.censored}' (one of {', '.join(survival.COHORTS)})")

    @property
    def measure(self) -> str:
        """What the verdict is judged on: the outcome, or ``rmst_<cohort>`` (censored)."""
        return f"rmst_{self.censored}" if self.censored else self.outcome


@dataclass(frozen=True)
class Expectation:
    """An expectation of the article: the mechanism, the article part it comes from, and
    its checks."""

    number: str
    claim: str
    article: str  #: anchor in docs/article.md
    mechanism: str
    checks: tuple[Check, ...]
    params: Mapping[str, Any] = field(default_factory=dict)

    def arms(self) -> dict[str, dict[str, Any]]:
        """Mechanism settings of the three arms."""
        on = {"enabled": True, **self.params}
        return {"baseline": {}, "mechanism": {self.mechanism: on},
                "null": {self.mechanism: {**on, "null_variant": True}}}


EXPECTATIONS: tuple[Expectation, ...] = (
    Expectation("1", "Whistle-summoning shortens resolution of cross-department issues", "part-2-3", "whistle_summon",
                (Check("resolution_days_cross_department", -1, censored="cross_department"),)),
    Expectation("2a", "Digital platforms cut reporting friction and time", "part-2-2", "digital_platform",
                (Check("self_report_delay_days", -1),)),
    Expectation("2b", "The gig-worker platform narrows the participation gap of gig workers", "part-2-2",
                "gig_worker_platform", (Check("participation_gap_gig", -1),)),
    Expectation("3", "Regional resource sharing raises resolution of resource-heavy issues", "part-2-3",
                "regional_party_building", (Check("lift_resolution_rate", +1),)),
    Expectation("4", "Emotional outreach raises trust, turns strangers into acquaintances, and with them participation",
                "part-3-4", "emotional_outreach",
                (Check("trust_mean", +1), Check("acquaintances_per_resident", +1), Check("participation_rate", +1))),
    Expectation("6a", "Responsibility lists cut reassignments", "part-3-3", "responsibility_lists",
                (Check("reassignments_per_issue", -1),)),
    Expectation("6b", "Supervision cuts false closures", "part-3-3", "supervision", (Check("false_closure_rate", -1),)),
    Expectation("7", "Closed-loop feedback raises trust even when resolution time is unchanged", "part-2-1",
                "service_closed_loop", (Check("trust_mean", +1), Check("resolution_days_median", 0, margin=1.0))),
)
#: Outcomes of the leadership inverted U (expectation 5), each read in its better direction.
LEADERSHIP_OUTCOMES: tuple[str, ...] = ("resolution_rate", "participation_rate", "efficacy_mean", "trust_mean")


def leadership_arms() -> dict[str, dict[str, Any]]:
    """The intensity grid with the rule (``rule_<level>``) and without (``null_<level>``)."""
    return {f"{arm}_{lvl:g}": {"leadership_intensity": {"enabled": True, "level": lvl, "null_variant": arm == "null"}}
            for arm in ("rule", "null") for lvl in LEVELS}


# --------------------------------------------------------------------------- running

BASELINE = Path(__file__).resolve().parents[1] / "scenarios" / "community_system.yaml"


def _on(mechanisms: Mapping[str, Any]) -> dict[str, Any]:
    """A variant's mechanism settings as dotted overrides of the baseline scenario."""
    return {f"mechanisms.{key}.{k}": v for key, params in mechanisms.items() for k, v in params.items()}


def variant_name(mechanisms: Mapping[str, Any]) -> str:
    """A stable, folder-safe name for a variant: ``baseline``, ``whistle_summon``,
    ``whistle_summon-null``, ``leadership_intensity-level0.25``."""
    if not mechanisms:
        return "baseline"
    parts = []
    for key, params in sorted(mechanisms.items()):
        bits = [f"{k}{v:g}" for k, v in sorted(params.items()) if k not in ("enabled", "null_variant")]
        parts.append("-".join([key, *bits, *(["null"] if params.get("null_variant") else [])]))
    return "+".join(parts)


def all_variants() -> list[Mapping[str, Any]]:
    """Every arm of every expectation, the leadership grid included, once each."""
    arms = [a for e in EXPECTATIONS for a in e.arms().values()] + list(leadership_arms().values())
    return list({variant_name(a): a for a in arms}.values())


def outcomes_needed() -> list[str]:
    return sorted({c.outcome for e in EXPECTATIONS for c in e.checks} | set(LEADERSHIP_OUTCOMES))


def cohorts_needed() -> list[str]:
    return sorted({c.censored for e in EXPECTATIONS for c in e.checks if c.censored})


def censored_measures(issues: Mapping[str, Sequence[Any]], cohorts: Sequence[str], tau: float = survival.TAU) -> Table:
    """Per variant: ``rmst_<cohort>`` (restricted mean days to real resolution per seed) and
    ``tau_<cohort>`` (the horizon, the same for every variant: ``tau`` or the shortest follow-up)
    from each seed's issue table (None: seed missing, NaN)."""
    out: Table = {name: {} for name in issues}
    for cohort in cohorts:
        where = survival.COHORTS[cohort][0]
        samples = {n: [survival.durations(t, where=where) if t is not None else None for t in ts] for n, ts in issues.items()}
        h = survival.horizon([d for ds in samples.values() for d in ds], tau)
        for n, ds in samples.items():
            out[n][f"rmst_{cohort}"] = np.array([survival.kaplan_meier(d).rmst(h) if d is not None else np.nan for d in ds])
            out[n][f"tau_{cohort}"] = np.full(len(ds), h)
    return out


def run_all(variants: Sequence[Mapping[str, Any]], *, seeds: int, residents: int, days: int, out: Path,
            workers: int | None = None, quiet: bool = True, baseline: Path = BASELINE) -> Table:
    """Every variant × seed 0..seeds-1 on the engine (``sim.sweep.engine``; resumable in ``out``),
    each a variant of the ``baseline`` scenario (its warm-up included; the community system by
    default). Returns the measured outcomes by variant name: ``{name: {outcome: values over seeds}}``."""
    from sim.sweep.engine import run_experiment
    from sim.sweep.experiment import Experiment

    scenarios = [{"file": str(baseline), "name": variant_name(v), "set": _on(v)} for v in variants]
    cohorts = cohorts_needed()
    exp = Experiment.build(scenarios, name="expectations", set={"population.residents": residents, "days": days},
                           replications=seeds, outcomes=outcomes_needed(), issues=survival.COLUMNS if cohorts else False)
    result = run_experiment(exp, out, workers=workers, quiet=quiet)
    table: dict[str, dict[str, np.ndarray]] = {}
    for outcome in exp.outcomes:
        for (_, name), values in result.values(outcome).items():
            table.setdefault(name, {})[outcome] = values
    if cohorts:
        issues = {name: tables for (_, name), tables in result.issue_tables().items()}
        for name, measures in censored_measures(issues, cohorts).items():
            table.setdefault(name, {}).update(measures)
    return table


#: Measured outcomes: variant name -> outcome -> values over seeds 0..N-1.
Table = dict[str, dict[str, np.ndarray]]


# --------------------------------------------------------------------------- evaluating


@dataclass(frozen=True)
class Result:
    """One check of one expectation: the paired differences of the three arms and the verdict."""

    expectation: Expectation
    check: Check
    effect: PairedDiff  #: mechanism − baseline
    null_effect: PairedDiff  #: null − baseline
    beyond_null: PairedDiff  #: mechanism − null
    resolved_only: PairedDiff | None = None  #: censored checks: mechanism − baseline on the resolved-only outcome

    @property
    def holds(self) -> bool:
        d, c = self.effect, self.check
        if c.sign == 0:
            return bool(-c.margin <= d.low and d.high <= c.margin)
        return bool(np.sign(d.mean) == c.sign and d.p_t < ALPHA)

    @property
    def vanishes(self) -> bool:
        d, c = self.null_effect, self.check
        if c.sign == 0:
            return True
        return bool(d.low <= 0 <= d.high or np.sign(d.mean) == -c.sign)

    @property
    def rule_beats_null(self) -> bool:
        d, c = self.beyond_null, self.check
        return c.sign == 0 or bool(np.sign(d.mean) == c.sign and d.p_t < ALPHA)

    @property
    def verdict(self) -> str:
        if not self.holds:
            return "does not hold"
        if self.vanishes:
            return "holds"
        return "holds, but its costs alone move it too" if self.rule_beats_null else "does not hold (costs alone do it)"


def _values(table: Table, mech: Mapping[str, Any], outcome: str) -> np.ndarray:
    return np.asarray(table[variant_name(mech)][outcome], dtype=np.float64)


def evaluate(exp: Expectation, table: Table) -> list[Result]:
    """The checks of ``exp`` on measured runs (:func:`run_all`)."""
    arms = exp.arms()
    out = []
    for check in exp.checks:
        base, mech, null = (_values(table, arms[a], check.measure) for a in ("baseline", "mechanism", "null"))
        old = None
        if check.censored:
            old = paired_difference(_values(table, arms["baseline"], check.outcome),
                                    _values(table, arms["mechanism"], check.outcome))
        out.append(Result(exp, check, paired_difference(base, mech), paired_difference(base, null),
                          paired_difference(null, mech), old))
    return out


@dataclass(frozen=True)
class PeakResult:
    """The inverted-U criterion on one outcome, for the rule's grid or the null variant's."""

    outcome: str
    arm: str  #: "rule" or "null"
    peak: float  #: interior level chosen on the selection seeds
    means: tuple[float, ...]  #: mean per level on the test seeds
    vs_low: PairedDiff  #: peak − level 0 on the test seeds (in the better direction)
    vs_high: PairedDiff  #: peak − level 1 on the test seeds (in the better direction)

    @property
    def interior_peak(self) -> bool:
        return all(d.mean > 0 and d.p_t < ALPHA for d in (self.vs_low, self.vs_high))


def inverted_u(table: Table, *, arm: str = "rule") -> list[PeakResult]:
    """The pre-stated peak criterion (module docstring) for every leadership outcome: the
    first half of the seeds chooses the peak, the second half tests it."""
    grid = leadership_arms()
    out = []
    for outcome in LEADERSHIP_OUTCOMES:
        better = REGISTRY[outcome].direction or 1
        vals = {lvl: better * _values(table, grid[f"{arm}_{lvl:g}"], outcome) for lvl in LEVELS}
        half = len(vals[LEVELS[0]]) // 2
        sel = {lvl: v[:half] for lvl, v in vals.items()}
        tst = {lvl: v[half:] for lvl, v in vals.items()}
        peak = max(LEVELS[1:-1], key=lambda lvl: float(np.mean(sel[lvl])))
        out.append(PeakResult(outcome, arm, peak, tuple(float(np.mean(better * tst[lvl])) for lvl in LEVELS),
                              paired_difference(tst[0.0], tst[peak]), paired_difference(tst[1.0], tst[peak])))
    return out


# --------------------------------------------------------------------------- reporting

#: The comparison label of a censored check's resolved-only measure (shown, not judged).
RESOLVED_ONLY = "mechanism − baseline (resolved only, not judged)"
ROW_FIELDS = ("expectation", "claim", "outcome", "expected", "comparison", "mean_a", "mean_b", "diff", "ci_low",
              "ci_high", "p_t", "d_z", "verdict")


def rows(results: Sequence[Result], peaks: Sequence[PeakResult], table: Table) -> list[dict[str, Any]]:
    """Tidy rows: each check × comparison (mechanism − baseline, null − baseline,
    mechanism − null), then each leadership outcome × arm × end."""
    out: list[dict[str, Any]] = []
    for r in results:
        exp, c = r.expectation, r.check
        arms = exp.arms()
        means = {a: float(np.mean(_values(table, arms[a], c.measure))) for a in arms}
        expected = {1: "higher", -1: "lower", 0: f"unchanged (±{c.margin:g})"}[c.sign]
        if c.censored:
            tau = float(_values(table, arms["baseline"], f"tau_{c.censored}")[0])
            expected += f" (censored: RMST to {tau:g} days)"
        for name, d, a, b in (("mechanism − baseline", r.effect, "baseline", "mechanism"),
                              ("null − baseline", r.null_effect, "baseline", "null"),
                              ("mechanism − null", r.beyond_null, "null", "mechanism")):
            out.append({"expectation": exp.number, "claim": exp.claim, "outcome": c.measure, "expected": expected,
                        "comparison": name, "mean_a": means[a], "mean_b": means[b], "diff": d.mean, "ci_low": d.low,
                        "ci_high": d.high, "p_t": d.p_t, "d_z": d.d_z, "verdict": r.verdict})
        if r.resolved_only is not None:
            d = r.resolved_only
            old = {a: float(np.mean(_values(table, arms[a], c.outcome))) for a in ("baseline", "mechanism")}
            out.append({"expectation": exp.number, "claim": exp.claim, "outcome": c.outcome,
                        "expected": expected.split(" (censored")[0], "comparison": RESOLVED_ONLY,
                        "mean_a": old["baseline"], "mean_b": old["mechanism"], "diff": d.mean, "ci_low": d.low,
                        "ci_high": d.high, "p_t": d.p_t, "d_z": d.d_z, "verdict": "not judged (selects on the outcome)"})
    for p in peaks:
        verdict = ("interior peak" if p.interior_peak else "no interior peak") + f" (peak at {p.peak:g})"
        for end, d in (("level 0", p.vs_low), ("level 1", p.vs_high)):
            out.append({"expectation": "5", "claim": "Leadership intensity has an inverted-U effect",
                        "outcome": p.outcome, "expected": "interior peak", "comparison": f"{p.arm}: peak − {end}",
                        "mean_a": p.means[0] if end == "level 0" else p.means[-1], "mean_b": p.means[LEVELS.index(p.peak)],
                        "diff": d.mean, "ci_low": d.low, "ci_high": d.high, "p_t": d.p_t, "d_z": d.d_z,
                        "verdict": verdict})
    return out


def write(rows_: Sequence[Mapping[str, Any]], out: Path) -> Path:
    out.mkdir(parents=True, exist_ok=True)
    path = out / "expectations.csv"
    with path.open("w", newline="", encoding="utf-8") as fh:
        w = csv.DictWriter(fh, fieldnames=ROW_FIELDS)
        w.writeheader()
        w.writerows(rows_)
    return path


def format_rows(rows_: Sequence[Mapping[str, Any]]) -> str:
    w = max([26, *(len(r["comparison"]) + 1 for r in rows_)])
    lines = [f"{'#':<4}{'outcome':<34}{'comparison':<{w}}{'A':>9}{'B':>9}{'Δ':>10}  {'95% CI of Δ':<22}{'p':>8}{'d_z':>7}  verdict"]
    for r in rows_:
        lines.append(f"{r['expectation']:<4}{r['outcome']:<34}{r['comparison']:<{w}}{r['mean_a']:>9.4g}{r['mean_b']:>9.4g}"
                     f"{r['diff']:>+10.3g}  [{r['ci_low']:+.3g}, {r['ci_high']:+.3g}]".ljust(87 + w)
                     + f"{r['p_t']:>8.2g}{r['d_z']:>+7.2f}  {r['verdict']}")
    return "\n".join(lines)


ODD = Path(__file__).resolve().parents[1] / "docs" / "ODD.md"


def odd_block(rows_: Sequence[Mapping[str, Any]], *, seeds: int, residents: int, days: int) -> str:
    """The results table of ODD section 1.2 (between its RESULTS markers) from the rows."""
    by = {(r["expectation"], r["outcome"], r["comparison"]): r for r in rows_}

    def ci(r: Mapping[str, Any]) -> str:
        return f"{r['diff']:+.3g} [{r['ci_low']:+.3g}, {r['ci_high']:+.3g}]"

    lines = ["| expectation | claim | outcome | expected | mechanism − baseline [95% CI] | null − baseline [95% CI] | verdict |",
             "|---|---|---|---|---|---|---|"]
    for e in EXPECTATIONS:
        for c in e.checks:
            m, n = by[(e.number, c.measure, "mechanism − baseline")], by[(e.number, c.measure, "null − baseline")]
            lines.append(f"| {e.number} | {e.claim} | `{c.measure}` | {m['expected']} | {ci(m)} | {ci(n)} | {m['verdict']} |")
            if c.censored:
                o = by[(e.number, c.outcome, RESOLVED_ONLY)]
                lines.append(f"| {e.number} | (beside it: resolved only) | `{c.outcome}` | {o['expected']} | {ci(o)} | – | "
                             f"{o['verdict']} |")
    for o in LEADERSHIP_OUTCOMES:
        rule = [by[("5", o, f"rule: peak − level {x}")] for x in (0, 1)]
        null = [by[("5", o, f"null: peak − level {x}")] for x in (0, 1)]
        holds = rule[0]["verdict"].startswith("interior") and not null[0]["verdict"].startswith("interior")
        lines.append(f"| 5 | inverted U in leadership intensity | `{o}` | interior peak | "
                     f"{rule[0]['verdict']}: vs 0 {ci(rule[0])}, vs 1 {ci(rule[1])} | "
                     f"{null[0]['verdict']}: vs 0 {ci(null[0])}, vs 1 {ci(null[1])} | {'holds' if holds else 'does not hold'} |")
    lines.append("")
    lines.append(f"Run: {seeds} paired seeds, {residents:,} residents, {days} days after the library's warm-up "
                 "(`python experiments/expectations.py`; curated in `results/curated/expectations/`).")
    return "\n".join(lines)


def write_odd(block: str, path: Path = ODD) -> Path:
    """Put ``block`` between the ``RESULTS: expectations`` markers of the ODD."""
    text = path.read_text(encoding="utf-8")
    start, end = "<!-- RESULTS: expectations -->", "<!-- /RESULTS -->"
    i = text.index(start) + len(start)
    j = text.index(end, i)
    path.write_text(text[:i] + "\n\n" + block + "\n\n" + text[j:], encoding="utf-8")
    return path


def main(argv: Sequence[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--seeds", type=int, default=10)
    p.add_argument("--residents", type=int, default=3000)
    p.add_argument("--days", type=int, default=365)
    p.add_argument("--workers", type=int, default=None, help="worker processes (default: all cores)")
    p.add_argument("--out", type=Path, default=Path("results/expectations"))
    p.add_argument("--odd", action="store_true", help="also write the results table into docs/ODD.md (section 1.2)")
    p.add_argument("--baseline", type=Path, default=BASELINE,
                   help="the scenario every arm varies (default: scenarios/community_system.yaml)")
    args = p.parse_args(argv)
    if not args.baseline.is_file():
        p.error(f"--baseline {args.baseline}: no such scenario file")
    if args.odd and args.baseline.resolve() != BASELINE.resolve():
        p.error("--odd writes the library's results into docs/ODD.md; leave it out with --baseline")
    print(f"{args.seeds} paired seeds, {args.residents:,} residents, {args.days} days after the warm-up, arms varying "
          f"{args.baseline}; pass rule: see the module docstring\n")
    table = run_all(all_variants(), seeds=args.seeds, residents=args.residents, days=args.days,
                    out=args.out / "runs", workers=args.workers, quiet=False, baseline=args.baseline.resolve())
    results = [r for e in EXPECTATIONS for r in evaluate(e, table)]
    peaks = inverted_u(table, arm="rule") + inverted_u(table, arm="null")
    table_rows = rows(results, peaks, table)
    print(format_rows(table_rows))
    files = [write(table_rows, args.out), plot(table_rows, args.out / "expectations.png")]
    if args.odd:
        files.append(write_odd(odd_block(table_rows, seeds=args.seeds, residents=args.residents, days=args.days)))
    print("\nwrote " + ", ".join(str(f) for f in files))
    return 0


def plot(rows_: Sequence[Mapping[str, Any]], path: Path) -> Path:
    """Each check's paired differences (mechanism and null variant against the baseline) with
    95% CIs, scaled by the baseline's mean, one row per check."""
    from sim.analysis.plotting import plot_expectations

    return plot_expectations(rows_, path)


if __name__ == "__main__":
    raise SystemExit(main())
