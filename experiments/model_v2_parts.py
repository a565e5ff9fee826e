"""Which of model v2's rules moves the headline comparison, and which way?

``experiments/model_v2.yaml`` runs the headline comparison with every v2 rule on at its preview
values. This script reads those values from that file (they are written once, there), splits
them into three groups of rules, and runs the same scenarios with v1's defaults, with each
group alone, and with all of them, on the same seeds (common random numbers, the package's
engine: :func:`sim.sweep.engine.run_experiment`):

- ``handlers``: duties from above, closure by reply, requests outside the street's authority
  (ODD 7.1.9, 7.1.12; every ``capacity.*`` and ``issues.*`` key of the file);
- ``efficacy``: no unit-wide broadcast, internal efficacy in the threshold, being heard, crowding
  out only of those not consulted (ODD 7.3–7.5, 7.8.16);
- ``trust``: treatment and contacts' case outcomes as experiences (ODD 7.2).

For each setting it reports the paired difference (mechanism − baseline, 95% t-interval over
seeds) of party-led governance, its realised-use control and its null variant against the
community system, on the headline outcomes.

    python experiments/model_v2_parts.py [--seeds 10] [--residents 10000] [--out DIR] [--workers N]
                                         [--vary KEY=V1,V2,...]

``--vary`` runs every rule on with one of them at each value given instead of the groups (is a
finding robust to that rule's value within its documented range?).

prints the table and writes ``OUT/model_v2_parts.csv`` and ``OUT/model_v2_parts.md`` (default
OUT: ``results/model-v2-parts``; curated through ``experiments/curate.py model-v2-parts``).
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import yaml

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sim.analysis.stats import paired_difference, verdict  # noqa: E402
from sim.output.tables import write_csv  # noqa: E402
from sim.sweep.engine import run_experiment  # noqa: E402
from sim.sweep.experiment import Experiment  # noqa: E402
from sim.sweep.store import read_runs  # noqa: E402

PREVIEW = ROOT / "experiments" / "model_v2.yaml"
OUTCOMES = ("resolution_days_rmst", "hotline_resolution_rate", "trust_mean", "participation_rate", "efficacy_mean")
#: The v2 keys of the preview that are not model v2's rules.
NOT_RULES = ("population.",)
#: Group of each v2 rule key of the preview (a key the file gains must be placed here).
GROUP_OF = {
    "capacity.duties_from_above_share": "handlers",
    "capacity.reply_closure": "handlers",
    "issues.outside_authority_share": "handlers",
    "behaviour.unit_broadcast": "efficacy",
    "behaviour.internal_threshold_weight": "efficacy",
    "behaviour.heard_efficacy_gain": "efficacy",
    "mechanisms.leadership_intensity.consult_days": "efficacy",
    "behaviour.procedural_weight": "trust",
    "behaviour.vicarious_weight": "trust",
}
GROUPS = ("handlers", "efficacy", "trust")
FIELDS = ("setting", "scenario", "outcome", "n", "diff", "ci_low", "ci_high", "verdict")


def preview() -> tuple[list[str], dict[str, Any]]:
    """The preview's scenarios (absolute paths) and its v2 rule values."""
    data = yaml.safe_load(PREVIEW.read_text(encoding="utf-8"))
    scenarios = [str((PREVIEW.parent / s).resolve()) for s in data["scenarios"]]
    rules = {k: v for k, v in data["set"].items() if not k.startswith(NOT_RULES)}
    unplaced = sorted(set(rules) - set(GROUP_OF))
    if unplaced:
        raise SystemExit(f"{PREVIEW.relative_to(ROOT)}: place {', '.join(unplaced)} in a group of "
                         f"experiments/model_v2_parts.py (GROUP_OF)")
    return scenarios, rules


def settings(rules: Mapping[str, Any]) -> dict[str, dict[str, Any]]:
    """v1 (no rule), each group alone, and every rule."""
    out: dict[str, dict[str, Any]] = {"v1": {}}
    for g in GROUPS:
        out[f"{g} only"] = {k: v for k, v in rules.items() if GROUP_OF[k] == g}
    out["all of v2"] = dict(rules)
    return out


def varied(rules: Mapping[str, Any], spec: str) -> dict[str, dict[str, Any]]:
    """Every rule on, with one of them (``KEY=V1,V2,...``) at each of the values given: is a
    finding robust to that rule's value within its range?"""
    key, _, values = spec.partition("=")
    if key not in rules or not values:
        raise SystemExit(f"--vary {spec}: give KEY=V1,V2,... with KEY one of {', '.join(rules)}")
    return {f"all of v2, {key.rsplit('.', 1)[-1]} = {v}": {**rules, key: yaml.safe_load(v)} for v in values.split(",")}


def rows_of(out: Path, setting: str, names: Sequence[str], seeds: Sequence[int]) -> list[dict[str, Any]]:
    """Paired differences of every scenario after the first against the first."""
    runs = read_runs(out, outcomes=OUTCOMES).to_pydict()
    rows = []
    for outcome in OUTCOMES:
        by = {(s, seed): v for s, seed, v in zip(runs["scenario"], runs["seed"], runs[outcome], strict=True)}
        base = np.array([by[(names[0], seed)] for seed in seeds], dtype=np.float64)
        for name in names[1:]:
            d = paired_difference(base, np.array([by[(name, seed)] for seed in seeds], dtype=np.float64))
            rows.append({"setting": setting, "scenario": name, "outcome": outcome, "n": d.n, "diff": d.mean,
                         "ci_low": d.low, "ci_high": d.high, "verdict": verdict(d.low, d.high, d.n)})
    return rows


def markdown(rows: Sequence[Mapping[str, Any]], *, seeds: int, residents: int, wall: float,
             what: str = "group by group") -> str:
    """One table per outcome: settings down, comparisons across."""
    names = list(dict.fromkeys(r["scenario"] for r in rows))
    lines = [f"# Model v2's rules, {what} ({residents:,} residents, {seeds} paired seeds, {wall / 60:.1f} min)",
             "", "Paired difference against `community_system` (95% CI over seeds; * where the CI excludes 0). "
             "Rule values: `experiments/model_v2.yaml`; groups: `experiments/model_v2_parts.py`.", ""]
    for outcome in OUTCOMES:
        lines += [f"## {outcome}", "", "| setting | " + " | ".join(names) + " |", "|---|" + "---|" * len(names)]
        for setting in dict.fromkeys(r["setting"] for r in rows):
            cells = []
            for name in names:
                r = next(r for r in rows if (r["setting"], r["scenario"], r["outcome"]) == (setting, name, outcome))
                star = "*" if r["verdict"] in ("higher", "lower") else ""
                cells.append(f"{r['diff']:+.3g} [{r['ci_low']:+.3g}, {r['ci_high']:+.3g}]{star}")
            lines.append(f"| {setting} | " + " | ".join(cells) + " |")
        lines.append("")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--seeds", type=int, default=10)
    p.add_argument("--residents", type=int, default=10_000)
    p.add_argument("--workers", type=int, default=None)
    p.add_argument("--out", type=Path, default=ROOT / "results" / "model-v2-parts")
    p.add_argument("--vary", metavar="KEY=V1,V2,...", help="instead of the groups: every rule on, KEY at each value")
    args = p.parse_args(argv)
    scenarios, rules = preview()
    t0 = time.perf_counter()
    rows: list[dict[str, Any]] = []
    chosen = varied(rules, args.vary) if args.vary else settings(rules)
    for i, (setting, values) in enumerate(chosen.items()):
        exp = Experiment.build(scenarios, name=f"model-v2-parts-{i}",
                               set={"population.residents": args.residents, **values},
                               replications=args.seeds, outcomes=list(OUTCOMES))
        out = args.out / f"setting-{i}"
        print(f"[{setting}] {len(exp.scenarios) * args.seeds} runs", file=sys.stderr, flush=True)
        run_experiment(exp, out, workers=args.workers, quiet=True)
        rows += rows_of(out, setting, [s.name for s in exp.scenarios], list(range(args.seeds)))
    wall = time.perf_counter() - t0
    write_csv(rows, FIELDS, args.out / "model_v2_parts.csv")
    what = f"every one on, {args.vary.partition('=')[0]} varied" if args.vary else "group by group"
    text = markdown(rows, seeds=args.seeds, residents=args.residents, wall=wall, what=what)
    (args.out / "model_v2_parts.md").write_text(text, encoding="utf-8")
    print(text, end="")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
