"""The data dictionary: unit and definition of every column govsim writes.

One source for three readers: the Parquet field metadata of every table (``unit``,
``definition``, ``aggregation``), ``docs/data-dictionary.md`` (generated here; ``python -m
sim.output.datadict --check`` fails when it is stale) and the tests. Outcome columns are read from
the outcome registry (``sim.outcomes.registry``); the other columns are declared below.

Missing values are nulls in every file: the per-issue table is built with nulls
(``sim.outcomes.daily.issue_table``), and :data:`ISSUE_COLUMNS` names any other in-memory sentinel
(``""`` or NaN) that becomes a null on writing (``sim.output.results``).
"""

from __future__ import annotations

import argparse
import re
import sys
from dataclasses import dataclass
from pathlib import Path

from sim.outcomes.registry import REGISTRY, WINDOW, Outcome

DOC = Path(__file__).resolve().parents[2] / "docs" / "data-dictionary.md"


@dataclass(frozen=True)
class Column:
    """A column: unit, definition, and the in-memory value that means 'missing' (None: never missing)."""

    name: str
    unit: str
    definition: str
    missing: float | str | None = None


def _c(name: str, unit: str, definition: str, missing: float | str | None = None) -> Column:
    return Column(name, unit, definition, missing)


NAN = float("nan")

#: ``issues.parquet``: one row per issue.
ISSUE_COLUMNS: dict[str, Column] = {c.name: c for c in (
    _c("issue", "id", "Issue number, in order of arising."),
    _c("reporter", "resident id", "The resident the issue concerns (who may report it)."),
    _c("group", "group", "The reporter's group: local, migrant, gig or elderly."),
    _c("category", "category", "Issue category (sanitation, pets, lift_renovation, ...)."),
    _c("scope", "scope", "Who the issue concerns: household, building, compound or cross-community."),
    _c("second_department", "category", "The second department a cross-department issue needs; null: one department.", ""),
    _c("cost", "budget units", "Budget a resolution costs."),
    _c("status", "status", "Where the issue ended the run: latent, reported, queued, resolved, false_closed or abandoned."),
    _c("channel", "channel", "Who detected it: self_report, grid_patrol, party_member, proactive, outreach; null: not detected."),
    _c("day_arisen", "day", "Day the issue arose (day 0 is the first day after the warm-up; negative: during the warm-up)."),
    _c("day_detected", "day", "Day a handler first knew of it; null: never detected."),
    _c("day_routed", "day", "Day it was first routed to a handler; null: never routed."),
    _c("day_closed", "day", "Day it ended (resolved, closed on paper or abandoned); null: still open."),
    _c("day_feedback", "day", "Day the reporter was told the outcome; null: never told."),
    _c("reassignments", "reassignments", "Referrals, escalations, buck-passing and sequential-referral steps it went through."),
    _c("handler_path", "handlers", "Handlers in the order they held the issue (kind:unit, '>'-separated); null: never routed.", ""),
    _c("summoned", "true/false", "Whether a whistle summons called departments to it."),
    _c("coordinated", "true/false", "Whether the street office took up this cross-department issue."),
    _c("via_platform", "true/false", "Whether a digital platform dispatched it."),
    _c("batched", "true/false", "Whether it was handled in a batch with a cluster of similar issues."),
    _c("taken_over", "true/false", "Whether the community's party organisation took it over (leadership intensity)."),
    _c("self_resolved", "true/false", "Whether residents resolved it themselves."),
    _c("feedback", "true/false", "Whether the reporter was told the outcome."),
    _c("discovered_false_closure", "true/false", "Whether the reporter found out it was closed on paper only."),
    _c("reopened", "times", "Times an audit reopened it after a paper closure."),
    _c("satisfaction", "performance − expectation", "The reporter's satisfaction with the experience; null: no experience yet.", NAN),
    _c("exogenous", "true/false", "Whether an exogenous event (crisis, demolition) created it."),
    _c("outside_authority", "true/false", "Whether the request lies outside the street's authority or policy: no handler "
       "of the street can fix it (issues.outside_authority_share)."),
    _c("by_reply", "true/false", "Whether a handler closed it by reply (答复: an answer, not a fix; its status is false_closed)."),
    _c("callback_resolved", "true/false", "Whether the reporter told the hotline's callback it was resolved after a "
       "closure (a paper closure not found out, a reply accepted; the measurement model). A really resolved issue counts "
       "as resolved whatever this says."),
)}

#: Written columns that come from an in-memory issue column of another name (``sim.issues.COLUMNS``).
WRITTEN_AS: dict[str, str] = {"dept2": "second_department", "discovered": "discovered_false_closure",
                              "outside": "outside_authority"}

#: ``runs.parquet`` (sweeps and comparisons): the columns besides factors and outcomes.
RUN_COLUMNS: dict[str, Column] = {c.name: c for c in (
    _c("point", "index", "Design point (0-based, in design order); every scenario and seed of a point has the same factor values."),
    _c("scenario", "name", "Scenario name (unique within the experiment)."),
    _c("seed", "seed", "Replication seed; the same seed gives every scenario and point the same arriving issues (common random numbers)."),
    _c("config_hash", "sha256", "SHA-256 of the run's fully resolved scenario (sorted-key JSON)."),
)}

#: ``timings.parquet``: what each run cost (changes from run to run; joined on point, scenario, seed).
TIMING_COLUMNS: dict[str, Column] = {c.name: c for c in (
    _c("wall_s", "seconds", "Wall time of the run in its worker (build, simulate, tables)."),
    _c("simulate_s", "seconds", "Wall time of the daily steps."),
    _c("cpu_s", "seconds", "CPU time of the worker process during the run."),
    _c("max_rss_mb", "MB", "Peak resident memory of the worker process so far."),
    _c("worker", "host:pid", "Where the run ran."),
)}


def daily_aggregation(o: Outcome) -> str:
    """What a value in the daily table means for outcome ``o``."""
    if o.kind == "flow":
        return f"over the issues that passed the event in the last {WINDOW} days"
    if o.kind == "resource":
        return "on the day"
    return "running total since day 0" if o.name.endswith("_total") else "on the day"


def run_aggregation(o: Outcome) -> str:
    """What a run's summary value (summary.json, runs.parquet) means for outcome ``o``."""
    if o.kind == "flow":
        return "over the issues that passed the event during the run"
    if o.kind == "resource":
        return "mean per day over the run"
    if o.name.endswith("_total"):
        return f"running total, mean of the last {WINDOW} days"
    return f"mean of the daily values over the last {WINDOW} days"


def outcome_metadata(name: str, *, summary: bool) -> dict[bytes, bytes]:
    """Parquet field metadata of outcome column ``name`` (daily table, or a run summary)."""
    o = REGISTRY[name]
    agg = run_aggregation(o) if summary else daily_aggregation(o)
    return {b"unit": o.unit.encode(), b"definition": o.definition.encode(), b"aggregation": agg.encode(),
            b"kind": o.kind.encode()}


def column_metadata(col: Column) -> dict[bytes, bytes]:
    """Parquet field metadata of a declared column."""
    return {b"unit": col.unit.encode(), b"definition": col.definition.encode()}


# --------------------------------------------------------------------------- document


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _table(rows: list[tuple[str, ...]], head: tuple[str, ...]) -> list[str]:
    out = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    out += ["| " + " | ".join(_cell(c) for c in r) + " |" for r in rows]
    return out


def render() -> str:
    """The whole of ``docs/data-dictionary.md``."""
    lines = [
        "# Data dictionary",
        "",
        "<!-- Generated by `python -m sim.output.datadict` from the outcome registry (sim/outcomes/registry.py) and the column",
        "     declarations in sim/output/datadict.py. Do not edit by hand; tests/test_datadict.py fails when stale. -->",
        "",
        "Every table govsim writes carries these units and definitions as Parquet field metadata (`unit`,",
        "`definition`, and for outcomes `aggregation` and `kind`), and as schema metadata the stable provenance",
        "(`govsim.commit`, `govsim.dirty`, `govsim.versions`, `govsim.config_hash` or `govsim.experiment`).",
        "Missing values are nulls (never -1, \"\" or NaN). Column names ending in `_total` are running totals",
        "since day 0; every other daily column is a value on the day, or a flow over a window as stated.",
        "",
        "## Outcomes",
        "",
        "Columns of `daily.parquet` (one row per day) and of run summaries (`summary.json`, `runs.parquet`).",
        "",
    ]
    rows = [(f"`{o.name}`", o.label, o.unit, {1: "higher", -1: "lower", 0: "neither"}[o.direction],
             o.definition, o.denominator or "–", daily_aggregation(o), run_aggregation(o)) for o in REGISTRY.values()]
    lines += _table(rows, ("column", "label", "unit", "better", "definition", "denominator", "in daily.parquet",
                           "in a run summary"))
    for title, intro, cols in (
        ("Issues", "`issues.parquet`: one row per issue.", ISSUE_COLUMNS),
        ("Runs", "`runs.parquet` of `govsim sweep` and `govsim compare`: one row per run, sorted by point, scenario and "
                 "seed; then one column per factor (its key path, e.g. `population.residents`) and one per outcome "
                 "(as in a run summary).", RUN_COLUMNS),
        ("Timings", "`timings.parquet`: what each run cost; not byte-stable, so kept apart from `runs.parquet`.",
         TIMING_COLUMNS),
    ):
        lines += ["", f"## {title}", "", intro, ""]
        lines += _table([(f"`{c.name}`", c.unit, c.definition) for c in cols.values()], ("column", "unit", "definition"))
    return "\n".join(lines) + "\n"


def _normalise(text: str) -> str:
    return re.sub(r"[ \t]+\n", "\n", text)


def is_current(path: Path = DOC) -> bool:
    """Whether ``path`` holds exactly what :func:`render` gives."""
    return path.is_file() and _normalise(path.read_text(encoding="utf-8")) == _normalise(render())


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="Write docs/data-dictionary.md (or check it).")
    ap.add_argument("--check", action="store_true", help="exit 1 if the file is stale")
    args = ap.parse_args(argv)
    if args.check:
        ok = is_current()
        print("data dictionary is current" if ok else f"{DOC} is stale: run `python -m sim.output.datadict`")
        return 0 if ok else 1
    DOC.write_text(render(), encoding="utf-8")
    print(f"wrote {DOC}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
