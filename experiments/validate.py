"""The validation report: ``docs/validation.md`` and its figures (``docs/validation/``), rendered
from curated result files only, and the two runs behind them that ``govsim calibrate`` does not do.

    python experiments/validate.py                   # render docs/validation.md and its figures (seconds)
    python experiments/validate.py --check           # exit 1 when the document is stale or the curated
                                                     #   results were made by other model code
    python experiments/validate.py --screen          # the Morris screening (experiments/screening.yaml)
                                                     #   -> results/curated/screening/, then render
    python experiments/validate.py --run             # the calibrated scenarios, 10 seeds at their own scale:
                                                     #   targets, patterns, anchors -> results/curated/validation/
    python experiments/validate.py --run-history     # the same for history matching's posterior medians
                                                     #   (results/curated/history_pre_reform/) -> validation_history/

The full chain after a change of the model (each step resumes when run again with the same
``--out``): ``--screen``, then ``govsim calibrate experiments/targets.yaml --workers 2 --publish``,
then ``--run``. Every curated file records ``sim.warmup.code_fingerprint()``; ``--check`` (and
``tests/test_validation_doc.py``) fails when it differs from the current code.
"""

from __future__ import annotations

import argparse
import datetime
import json
import math
import sys
import time
from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from experiments import patterns  # noqa: E402
from sim.output.tables import write_csv  # noqa: E402
from sim.sweep.store import wall_seconds  # noqa: E402
from sim.warmup import code_fingerprint  # noqa: E402

CURATED = ROOT / "results" / "curated"
DOC = ROOT / "docs" / "validation.md"
FIGURES = ROOT / "docs" / "validation"
TARGETS = ROOT / "experiments" / "targets.yaml"
SCREENING = ROOT / "experiments" / "screening.yaml"
#: Curated files that record the code that made them.
STAMPED = ("screening/meta.json", "calibration/calibration.json", "validation/validation.json",
           "history_matching/history.json", "history_pre_reform/history.json", "validation_history/validation.json")
#: The scenarios history matching calibrated (the posterior medians), curated with it.
HISTORY_SCENARIOS = CURATED / "history_pre_reform"


def _now() -> str:
    return datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d")


def screen(out: Path, curated: Path, *, workers: int | None, quiet: bool, experiment: Path = SCREENING,
           sets: dict[str, Any] | None = None) -> None:
    """Run the screening sweep on the engine and curate its Morris indices."""
    from sim.analysis import methods as analysis
    from sim.sweep.designs import design_matrix, salib_problem
    from sim.sweep.engine import run_experiment
    from sim.sweep.experiment import load_experiment

    exp = load_experiment(experiment, sets=sets)
    result = run_experiment(exp, out, workers=workers, quiet=quiet, manifest={"command": sys.argv})
    cols = analysis.columns(result.runs())
    rows = analysis.morris_indices(cols, salib_problem(exp), design_matrix(exp), list(exp.outcomes), levels=exp.design.levels,
                                   design_seed=exp.design.seed)  # the bootstrap seeded as govsim report seeds it
    dest = curated / "screening"
    write_csv(rows, None, dest / "morris.csv", digits=6)
    meta = {"command": "python experiments/validate.py --screen --workers 2", "date": _now(),
            "wall_s": round(wall_seconds(out), 1), "runs": result.planned, "workers": workers,
            "code_fingerprint": code_fingerprint(), "experiment": "experiments/screening.yaml",
            "set": dict(exp.set), "design": exp.design.model_dump(), "replications": exp.replications}
    (dest / "meta.json").write_text(json.dumps(meta, indent=1) + "\n", encoding="utf-8")


def anchors(values: dict[str, dict[str, np.ndarray]], cfg: Any) -> list[dict[str, Any]]:
    """The resource anchors against the inputs that size them in the calibrated party-led street
    (and, for members' hours, the hours realised in the runs)."""
    from sim.calibration.targets import load_targets

    pop, cap, mech = cfg.population, cfg.capacity, cfg.mechanisms
    per_community = pop.households_per_building * pop.buildings_per_compound * pop.compounds_per_community * pop.household_size
    plf = values[patterns.PLF]
    used = float(np.nanmean(plf["used_party_volunteers"]) / np.nanmean(plf["available_party_volunteers"]))
    inputs = {
        "party_member_hours_per_member_year": (f"capacity.member_hours_per_year = {cap.member_hours_per_year:g}; realised "
                                               f"{used * cap.member_hours_per_year:.1f} (share used {used:.2f})",
                                               cap.member_hours_per_year),
        "members_per_community": ("full community × population.party_member_share × capacity.active_member_share = "
                                  f"{per_community:.0f} × {pop.party_member_share:g} × {cap.active_member_share:g}",
                                  per_community * pop.party_member_share * cap.active_member_share),
        "member_check_ins_per_member_year": ("not represented: members' hours are one pool per community", math.nan),
        "community_activities_per_community_month": (
            f"population.compounds_per_community × 30.4 / mechanisms.community_activities.interval_days = "
            f"{pop.compounds_per_community} × 30.4 / {mech.community_activities.interval_days}",
            pop.compounds_per_community * 30.4 / mech.community_activities.interval_days),
        "outreach_households_per_member": ("mechanisms.emotional_outreach.contact_households_per_member",
                                           mech.emotional_outreach.contact_households_per_member),
    }
    rows = []
    for t in load_targets(TARGETS).targets:
        if t.use == "resource_anchor":
            how, x = inputs.get(t.maps_to, ("not represented", math.nan))
            rows.append({"id": t.id, "maps_to": t.maps_to, "value": t.value, "unit": t.unit, "comparison": t.comparison,
                         "tolerance": t.tolerance, "input": how, "model": x,
                         "within": t.within(x) if math.isfinite(x) else None})
    return rows


def run(out: Path, curated: Path, *, seeds: int, workers: int | None, quiet: bool,
        scenarios: Path = ROOT / "scenarios" / "calibrated", sets: dict[str, Any] | None = None,
        dest: str = "validation", command: str = "--run") -> None:
    """The calibrated scenarios at their own scale: targets, patterns, anchors (into
    ``curated/dest``)."""
    from sim.calibration.abc import Budget, fit_row, readings, run_regimes
    from sim.calibration.targets import load_targets
    from sim.scenario.loading import load_scenario

    t0 = time.perf_counter()
    targets = load_targets(TARGETS)
    calibrated = {r: scenarios / f"{r}.yaml" for r in targets.scenarios}
    targets = replace(targets, scenarios=calibrated)
    budget = Budget(samples=1, seeds=seeds, accept=1.0, fit_seeds=seeds, workers=workers, quiet=quiet)
    extra = {patterns.CS: patterns.OUTCOMES[patterns.CS],
             patterns.PLF: (*patterns.OUTCOMES[patterns.PLF], "used_party_volunteers", "available_party_volunteers")}
    results = run_regimes(targets, out, stage="validation", overrides=sets or {}, replications=seeds, budget=budget,
                          extra=extra)
    values = {r: {o: res.values(o)[(0, res.exp.scenarios[0].name)] for o in res.exp.outcomes} for r, res in results.items()}
    read = {r: {t: v[0] for t, v in readings(res, targets.of(r)).items()} for r, res in results.items()}
    rows = [fit_row(t, read.get(t.regime, {}).get(t.id)) for t in targets.targets]
    found = patterns.evaluate(values, read)
    folder = curated / dest
    write_csv(rows, None, folder / "fit_scenarios.csv", digits=6)
    write_csv(found, None, folder / "patterns.csv", digits=6)
    anchor_rows = anchors(values, load_scenario(calibrated[patterns.PLF]))
    write_csv(anchor_rows, None, folder / "anchors.csv", digits=6)
    meta = {"command": f"python experiments/validate.py {command} --seeds {seeds} --workers 2", "date": _now(),
            "wall_s": round(time.perf_counter() - t0, 1), "seeds": seeds, "code_fingerprint": code_fingerprint(),
            "scenarios": {r: p.name for r, p in calibrated.items()},
            "residents": load_scenario(calibrated[patterns.CS], overrides=sets).population.residents}
    (folder / "validation.json").write_text(json.dumps(meta, indent=1) + "\n", encoding="utf-8")


def stale_results(curated: Path = CURATED) -> list[str]:
    """Curated files made by other model code than this checkout's (or missing)."""
    now, out = code_fingerprint(), []
    for name in STAMPED:
        path = curated / name
        if not path.is_file():
            out.append(f"{name} is missing")
        elif json.loads(path.read_text(encoding="utf-8")).get("code_fingerprint") != now:
            out.append(f"{name} was made by other model code")
    return out


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--screen", action="store_true", help="run the Morris screening first")
    p.add_argument("--run", action="store_true", help="run the calibrated scenarios first")
    p.add_argument("--run-history", action="store_true", help="run the scenarios of the history matching's posterior "
                   "(results/curated/history_pre_reform/) for the patterns of section 9")
    p.add_argument("--check", action="store_true", help="only check that the document and results are current")
    p.add_argument("--seeds", type=int, default=10, help="seeds of --run (default 10)")
    p.add_argument("--workers", type=int, default=None, help="worker processes (default: all cores)")
    p.add_argument("--out", type=Path, default=ROOT / "results" / "validation", help="run folders (default results/validation)")
    p.add_argument("--quiet", action="store_true")
    args = p.parse_args(argv)
    from experiments.validation_report import render

    if args.check:
        problems = stale_results()
        text = render(CURATED)
        if DOC.read_text(encoding="utf-8") != text:
            problems.append(f"{DOC.relative_to(ROOT)} is stale: run python experiments/validate.py")
        for line in problems:
            print(f"stale: {line}", file=sys.stderr)
        return 1 if problems else 0
    if args.screen or args.run or args.run_history:
        from sim.errors import ScenarioError
        from sim.output.provenance import require_clean

        try:
            require_clean("curated results (--screen, --run, --run-history)")
        except ScenarioError as exc:
            print(f"error: {exc}", file=sys.stderr)
            return 2
    if args.screen:
        screen(args.out / "screening", CURATED, workers=args.workers, quiet=args.quiet)
    if args.run:
        run(args.out, CURATED, seeds=args.seeds, workers=args.workers, quiet=args.quiet)
    if args.run_history:
        run(args.out / "history", CURATED, seeds=args.seeds, workers=args.workers, quiet=args.quiet,
            scenarios=HISTORY_SCENARIOS, dest="validation_history", command="--run-history")
    from experiments.validation_figures import draw_all

    figures = draw_all(CURATED, FIGURES)
    DOC.write_text(render(CURATED), encoding="utf-8")
    print(f"wrote {DOC.relative_to(ROOT)} and {len(figures)} figures in {FIGURES.relative_to(ROOT)}/")
    for line in stale_results():
        print(f"note: {line}; re-run the command in docs/validation.md", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
