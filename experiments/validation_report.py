"""``docs/validation.md`` rendered from the curated result files (no simulation, no plotting):
:func:`render` is a pure function of ``results/curated/`` and the targets file, so the staleness
test can render it again and compare."""

from __future__ import annotations

import csv
import json
import math
from pathlib import Path
from typing import Any

from experiments.patterns import PATTERNS

ROOT = Path(__file__).resolve().parents[1]
TARGETS = ROOT / "experiments" / "targets.yaml"
#: Behavioural parameters that are not residents' (grid workers' noticing): screened, never free.
NOT_RESIDENTS = ("behaviour.patrol_visibility",)
#: Screening selection: a parameter is free when its score reaches this share of the largest
#: effect on some calibration outcome, at most :data:`MAX_FREE` of them.
SCORE_MIN, MAX_FREE = 0.25, 8
HEADLINE = ("trust_mean", "participation_rate", "efficacy_mean", "resolution_rate", "resolution_days_median",
            "resolution_days_p90", "false_closure_rate", "reassignments_per_issue", "backlog", "latent", "satisfaction",
            "acquaintances_per_resident", "trust_gap_gig", "participation_gap_gig")

#: Why a figure outside tolerance is out of reach, from the model's rules (kept true by hand).
WHY = {
    "beijing_12345_resolution_2019_01": (
        "Among issues a handler knows of, the community system resolves most it takes up (`capacity.resolve_quality`), "
        "closes some on paper and loses the rest to reporters' patience; the free behavioural parameters move only the "
        "load (how many residents report) and the patience, while hours, authority and budgets are the regime's and "
        "stay fixed. The hotline's 53% is the old system in its first month under the hotline's dispatch and rating, "
        "a callback measure (docs/calibration-targets.md, caveats 2-4)."),
    "beijing_12345_resolution_2021_11": (
        "Party-led governance adds hours and channels but also more detected issues (patrols, members, platforms), "
        "so its resolution rate among reported issues moves with the load it finds; the same behavioural values must "
        "serve both regimes."),
    "beijing_12345_satisfaction_2021": (
        "Satisfaction is performance minus an expectation that adapts to performance "
        "(`behaviour.expectation_adaptation`), and abandonment counts as an experience with no performance: a share "
        "near 92% needs almost every reporter served faster than they expect."),
    "beijing_12345_satisfaction_2019_01": (
        "The satisfied share counts experiences of abandoned issues (performance 0) as well as closures; the hotline "
        "calls back closed requests only."),
    "shanghai_important_suggestions_adopted_2020": (
        "An input check: the adoption rate of `service_closed_loop` is an assumption (0.5 by default), and the "
        "figure is over a screened subset of important suggestions; no behavioural parameter moves it."),
}


def read_csv(path: Path) -> list[dict[str, Any]]:
    """A curated CSV (``sim.output.tables.write_csv``) with numbers as floats, true/false as booleans,
    empty (missing, NaN) as None."""
    def value(v: str) -> Any:
        if v in ("true", "false"):
            return v == "true"
        if v == "":
            return None
        try:
            return float(v)
        except ValueError:
            return v
    with path.open(encoding="utf-8") as f:
        return [{k: value(v) for k, v in row.items()} for row in csv.DictReader(f)]


def fmt(x: Any, digits: int = 3) -> str:
    if x is None or (isinstance(x, float) and not math.isfinite(x)):
        return "–"
    if isinstance(x, float):
        if x.is_integer() and abs(x) < 1e9:
            return str(int(x))
        if abs(x) >= 100:
            return f"{x:.1f}"
        return f"{x:.2e}" if x != 0 and abs(x) < 10 ** -digits else f"{x:.{digits}f}"
    return str(x)


def table(headers: list[str], rows: list[list[Any]]) -> str:
    out = ["| " + " | ".join(headers) + " |", "|" + "---|" * len(headers)]
    out += ["| " + " | ".join(fmt(c) if not isinstance(c, str) else c for c in r) + " |" for r in rows]
    return "\n".join(out)


def ci(r: dict[str, Any]) -> str:
    return f"{fmt(r['mean'])} [{fmt(r['low'])}, {fmt(r['high'])}]" if r.get("mean") is not None else "–"


def screening_scores(morris: list[dict[str, Any]], targets: Any) -> list[tuple[str, float, str]]:
    """Per parameter: its largest mu* relative to the most influential parameter on any
    calibration outcome in its regime (the outcomes and regimes of the distance targets), and
    which outcome that was; largest first."""
    pairs = {(t.regime, t.maps_to) for t in targets.distance_targets}
    best: dict[str, tuple[float, str]] = {}
    for regime, outcome in sorted(pairs):
        rows = [r for r in morris if r["scenario"] == regime and r["outcome"] == outcome]
        top = max((r["mu_star"] for r in rows), default=0.0)
        for r in rows:
            s = r["mu_star"] / top if top > 0 else 0.0
            if s > best.get(r["factor"], (-1.0, ""))[0]:
                best[r["factor"]] = (s, f"{outcome} ({regime})")
    return sorted(((f, s, o) for f, (s, o) in best.items()), key=lambda x: -x[1])


def selected(scores: list[tuple[str, float, str]]) -> list[str]:
    """The screening's rule: residents' parameters scoring at least SCORE_MIN, at most MAX_FREE."""
    return [f for f, s, _ in scores if s >= SCORE_MIN and f not in NOT_RESIDENTS][:MAX_FREE]


def render(curated: Path) -> str:
    """The whole document from ``curated`` (results/curated)."""
    from experiments.validation_sections import sections

    return "\n\n".join(sections(curated)).rstrip() + "\n"


def load(curated: Path) -> dict[str, Any]:
    """Every curated input of the document."""
    from sim.calibration.targets import load_targets

    data: dict[str, Any] = {"targets": load_targets(TARGETS)}
    data["screening"] = json.loads((curated / "screening" / "meta.json").read_text(encoding="utf-8"))
    data["morris"] = read_csv(curated / "screening" / "morris.csv")
    data["calibration"] = json.loads((curated / "calibration" / "calibration.json").read_text(encoding="utf-8"))
    data["draws"] = read_csv(curated / "calibration" / "draws.csv")
    data["validation"] = json.loads((curated / "validation" / "validation.json").read_text(encoding="utf-8"))
    for name in ("fit_scenarios", "patterns", "anchors"):
        data[name] = read_csv(curated / "validation" / f"{name}.csv")
    data["convergence"] = read_csv(curated / "convergence.csv")
    data["patterns_meta"] = {p.id: p for p in PATTERNS}
    return data
