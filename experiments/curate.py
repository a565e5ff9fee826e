"""Regenerate the curated results (``results/curated/``) that the README and the ODD cite.

Each job runs one command of the project's own tools into ``results/<job>`` (kept out of git)
and copies its small outputs (tables, figures in PNG, PDF and SVG, reports, manifests; never
Parquet tables or journals) into the curated folder, with ``CURATED.md`` recording the
command, the commit and the wall time. The commands write nothing into ``results/curated/``
themselves, and the copy is refused from a checkout with uncommitted changes
(``sim.output.provenance.require_clean``), so what the curated files say made them is what made
them.

    python experiments/curate.py                    # every job
    python experiments/curate.py comparison district   # some
    python experiments/curate.py --list
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CURATED = ROOT / "results" / "curated"
GOVSIM = [sys.executable, "-m", "sim"]
#: What a curated folder keeps of an output folder.
KEEP = (".csv", ".tex", ".md", ".txt", ".png", ".pdf", ".svg", ".yaml")
KEEP_NAMES = ("manifest.json", "experiment.json")


@dataclass(frozen=True)
class Job:
    """One curated result: the commands that make it, where their outputs are, what is copied."""

    commands: tuple[tuple[str, ...], ...]
    out: str  #: output folder of the commands (below results/)
    dest: str  #: curated folder (below results/curated/; "" for its top level)
    files: tuple[str, ...] = ()  #: the files copied (default: every small output, the report folder's too)
    stdout: str = ""  #: the first command's output saved under this name
    sub: tuple[str, ...] = field(default=("", "report"))  #: folders of ``out`` whose files are copied


COMPARE = ("compare", "scenarios/community_system.yaml", "scenarios/party_led_full.yaml",
           "scenarios/controls/party_led_full_control.yaml", "scenarios/controls/realised/party_led_full_realised.yaml",
           "scenarios/nulls/party_led_full_null.yaml", "--seeds", "20", "--out", "results/compare", "--quiet")
#: What a comparison job keeps.
JOBS_COMPARISON_FILES = (tuple(f"{n}.{e}" for n in ("comparison", "comparison_summary") for e in ("png", "pdf", "svg"))
                         + ("comparison.csv", "comparison.tex", "costs.csv", "costs.tex", "survival.csv", "survival.tex"))
JOBS: dict[str, Job] = {
    "comparison": Job(commands=(COMPARE,), out="compare", dest="", stdout="comparison.txt", files=JOBS_COMPARISON_FILES),
    "leadership": Job(commands=(("sweep", "experiments/leadership.yaml", "--out", "results/leadership", "--quiet"),
                                ("report", "results/leadership")), out="leadership", dest="leadership"),
    "mechanisms": Job(commands=(("sweep", "experiments/mechanisms.yaml", "--out", "results/mechanisms", "--quiet"),
                                ("report", "results/mechanisms")), out="mechanisms", dest="mechanisms"),
    "district": Job(commands=(("sweep", "experiments/district.yaml", "--out", "results/district", "--quiet"),
                              ("report", "results/district", "--per", "grid_workers")), out="district", dest="district"),
    "sensitivity": Job(commands=(("sweep", "experiments/sensitivity.yaml", "--out", "results/sensitivity", "--quiet"),
                                 ("report", "results/sensitivity", "--discover", "trust_mean>=0.5")),
                       out="sensitivity", dest="sensitivity"),
    "sensitivity-sobol": Job(commands=(("sweep", "experiments/sensitivity_sobol.yaml", "--out", "results/sensitivity-sobol",
                                        "--quiet"), ("report", "results/sensitivity-sobol")),
                             out="sensitivity-sobol", dest="sensitivity-sobol"),
    "convergence": Job(commands=(("@experiments/convergence.py", "--out", "results/convergence"),), out="convergence", dest="",
                       stdout="convergence.txt", files=("convergence.csv", "convergence.png", "convergence.pdf", "convergence.svg")),
    "handler-record": Job(commands=(("sweep", "experiments/handler_record.yaml", "--out", "results/handler_record",
                                     "--quiet"), ("@experiments/handler_record.py", "results/handler_record")),
                          out="handler_record", dest="handler_record", sub=("",)),
    "model-v2": Job(commands=(("sweep", "experiments/model_v2.yaml", "--out", "results/model_v2", "--quiet"),
                              ("report", "results/model_v2")), out="model_v2", dest="model_v2"),
    "model-v2-parts": Job(commands=(("@experiments/model_v2_parts.py", "--out", "results/model-v2-parts"),),
                          out="model-v2-parts", dest="model_v2_parts", files=("model_v2_parts.csv", "model_v2_parts.md")),
    "history-matching": Job(commands=(("calibrate", "experiments/targets.yaml", "--method", "history", "--out",
                                       "results/history-matching", "--quiet"),),
                            out="history-matching", dest="history_matching",
                            files=("waves.csv", "emulators.csv", "history.json", "history.md", "history.png")),
    "model-v2-procedural": Job(commands=(("@experiments/model_v2_parts.py", "--vary", "behaviour.procedural_weight=0,0.25,0.5,1",
                                           "--seeds", "5", "--residents", "3000", "--out", "results/model-v2-procedural"),),
                               out="model-v2-procedural", dest="model_v2_procedural",
                               files=("model_v2_parts.csv", "model_v2_parts.md")),
    "history-pre-reform": Job(commands=(("calibrate", "experiments/targets.yaml", "--method", "history", "--match",
                                         "community_system", "--out", "results/history-pre-reform", "--quiet"),),
                              out="history-pre-reform", dest="history_pre_reform", sub=("", "calibrated"),
                              files=("waves.csv", "emulators.csv", "history.json", "history.md", "history.png",
                                     "posterior.csv", "predictions.csv", "changes.csv", "checks.csv", "posterior.png",
                                     "community_system.yaml", "party_led_full.yaml")),
    # the verdict of the joint history matching against its least certain analysis choice (wave 1 only)
    **{f"history-discrepancy-{d}": Job(commands=(("calibrate", "experiments/targets.yaml", "--method", "history", "--waves",
                                                  "1", "--discrepancy", d, "--out", f"results/history-discrepancy-{d}",
                                                  "--quiet"),),
                                       out=f"history-discrepancy-{d}", dest=f"history_discrepancy/{d}",
                                       files=("history.md", "history.json", "checks.csv", "changes.csv"))
       for d in ("0.5", "1.0")},
    # the headline, the expectations and their robustness at the pre-reform posterior's medians (scenarios/posterior/)
    "comparison-posterior": Job(commands=(("compare", *(f"scenarios/posterior/{f}.yaml" for f in (
                                    "community_system", "party_led_full", "controls/party_led_full_posterior_control",
                                    "controls/realised/party_led_full_posterior_realised", "party_led_full_null")),
                                    "--seeds", "20", "--out", "results/compare-posterior", "--quiet"),),
                                out="compare-posterior", dest="posterior/comparison", stdout="comparison.txt",
                                files=JOBS_COMPARISON_FILES),
    "expectations-posterior": Job(commands=(("@experiments/expectations.py", "--baseline", "scenarios/posterior/community_system.yaml",
                                             "--residents", "10000", "--seeds", "10", "--out", "results/expectations-posterior"),),
                                  out="expectations-posterior", dest="posterior/expectations", stdout="expectations.txt",
                                  files=("expectations.csv", "expectations.png", "expectations.pdf", "expectations.svg")),
    "robustness-posterior": Job(commands=(("@experiments/robustness.py", "--residents", "3000", "--seeds", "5",
                                           "--baseline", "scenarios/posterior/community_system.yaml",
                                           "--package", "scenarios/posterior/party_led_full.yaml",
                                           "--posterior", "results/curated/history_pre_reform/posterior.csv",
                                           "--expectations", "results/curated/posterior/expectations/expectations.csv",
                                           "--out", "results/robustness-posterior"),),
                                out="robustness-posterior", dest="posterior/robustness", stdout="robustness.txt",
                                files=("robustness.csv", "robustness.md",
                                       *(f"robustness_{n}.{e}" for n in ("headline", "expectations") for e in ("png", "pdf", "svg")))),
    # the reform's candidate structure: party-led governance plus callback ranking, at the posterior and in history matching
    "comparison-ranking": Job(commands=(("compare", *(f"scenarios/posterior/{f}.yaml" for f in (
                                  "community_system", "party_led_full", "party_led_full_ranking", "party_led_full_ranking_null")),
                                  "--seeds", "20", "--out", "results/compare-ranking", "--quiet"),),
                              out="compare-ranking", dest="posterior/ranking", stdout="comparison.txt", files=JOBS_COMPARISON_FILES),
    "ranking-priority": Job(commands=(("sweep", "experiments/ranking_priority.yaml", "--out", "results/ranking_priority",
                                       "--quiet"), ("report", "results/ranking_priority")),
                            out="ranking_priority", dest="posterior/ranking_priority"),
    "history-ranking": Job(commands=(("calibrate", "experiments/targets.yaml", "--method", "history", "--regime",
                                      "party_led_full=scenarios/posterior/party_led_full_ranking.yaml", "--out",
                                      "results/history-ranking", "--quiet"),),
                           out="history-ranking", dest="history_ranking", sub=("", "calibrated"),
                           files=("waves.csv", "emulators.csv", "history.json", "history.md", "history.png",
                                  "posterior.csv", "predictions.csv", "changes.csv", "checks.csv", "posterior.png",
                                  "community_system.yaml", "party_led_full.yaml")),
    "rmst-tau": Job(commands=(("@experiments/rmst_tau.py", "--seeds", "10", "--residents", "10000", "--out", "results/rmst-tau"),),
                    out="rmst-tau", dest="rmst_tau", files=("rmst_tau.csv", "rmst_tau.md")),
    "expectations": Job(commands=(("@experiments/expectations.py", "--residents", "10000", "--seeds", "10", "--odd",
                                   "--out", "results/expectations"),),
                        out="expectations", dest="expectations", stdout="expectations.txt",
                        files=("expectations.csv", "expectations.png", "expectations.pdf", "expectations.svg")),
    "robustness": Job(commands=(("@experiments/robustness.py", "--residents", "3000", "--seeds", "5",
                                 "--out", "results/robustness"),),
                      out="robustness", dest="robustness", stdout="robustness.txt",
                      files=("robustness.csv", "robustness.md",
                             *(f"robustness_{n}.{e}" for n in ("headline", "expectations") for e in ("png", "pdf", "svg")))),
}


def _argv(command: tuple[str, ...]) -> list[str]:
    """A job's command: ``govsim ...``, or a script of the project (``@path``)."""
    if command[0].startswith("@"):
        return [sys.executable, str(ROOT / command[0][1:]), *command[1:]]
    return [*GOVSIM, *command]


def _shown(command: tuple[str, ...]) -> str:
    return ("python " + command[0][1:] if command[0].startswith("@") else "govsim " + command[0]) + " " + " ".join(command[1:])


def curate(name: str) -> Path:
    """Run job ``name`` and copy its small outputs into the curated folder; returns the folder."""
    from sim.output.provenance import require_clean

    commit = require_clean(f"curated results ({name})")
    job = JOBS[name]
    t0 = time.perf_counter()
    printed = ""
    for i, command in enumerate(job.commands):
        print(f"[{name}] {_shown(command)}", file=sys.stderr, flush=True)
        p = subprocess.run(_argv(command), cwd=ROOT, text=True, stdout=subprocess.PIPE if i == 0 and job.stdout else None)
        if p.returncode != 0:
            raise SystemExit(f"[{name}] failed (exit {p.returncode}): {_shown(command)}")
        if i == 0 and job.stdout:
            printed = p.stdout
    wall = time.perf_counter() - t0
    src, dest = ROOT / "results" / job.out, CURATED / job.dest
    dest.mkdir(parents=True, exist_ok=True)
    copied = []
    for sub in job.sub:
        folder = src / sub
        if not folder.is_dir():
            continue
        for f in sorted(folder.iterdir()):
            wanted = f.name in job.files if job.files else (f.suffix in KEEP or f.name in KEEP_NAMES)
            if f.is_file() and wanted:
                target = dest / f.name
                shutil.copyfile(f, target)
                copied.append(target.name)
    if job.stdout:
        (dest / job.stdout).write_text(printed, encoding="utf-8")
        copied.append(job.stdout)
    record = dest / ("CURATED.md" if job.dest else f"CURATED-{name}.md")
    record.write_text(f"# Curated: {name}\n\nMade by `python experiments/curate.py {name}` from commit `{commit}` "
                      f"in {wall:,.0f} s ({wall / 60:.1f} min) on {_machine()}:\n\n"
                      + "".join(f"    {_shown(c)}\n" for c in job.commands)
                      + f"\nFiles: {', '.join(sorted(set(copied)))}.\n", encoding="utf-8")
    print(f"[{name}] {wall:,.0f} s; {len(set(copied))} files into {dest.relative_to(ROOT)}/", file=sys.stderr)
    return dest


def _machine() -> str:
    import os
    import platform

    return f"{os.cpu_count()} cores, {platform.machine()}, Python {platform.python_version()}"


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("jobs", nargs="*", help=f"jobs to run (default: all): {', '.join(JOBS)}")
    p.add_argument("--list", action="store_true", help="list the jobs and their commands")
    args = p.parse_args(argv)
    if args.list:
        for name, job in JOBS.items():
            print(f"{name}: " + "; ".join(_shown(c) for c in job.commands))
        return 0
    unknown = [j for j in args.jobs if j not in JOBS]
    if unknown:
        print(f"error: unknown job {', '.join(unknown)}: choose from {', '.join(JOBS)}", file=sys.stderr)
        return 2
    from sim.errors import ScenarioError

    try:
        for name in args.jobs or list(JOBS):
            curate(name)
    except ScenarioError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
