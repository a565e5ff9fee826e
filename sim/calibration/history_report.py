"""What a history matching writes (``history.json``, ``history.md``, ``waves.csv``,
``emulators.csv``, ``nonimplausible.parquet``, ``history.png``): the record, the report and the
figure of a :class:`sim.calibration.history.HistoryResult`. Imports only the output helpers and
the emulator's types; the waves themselves live in :mod:`sim.calibration.history`.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from dataclasses import asdict
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from sim.output.tables import write_csv

if TYPE_CHECKING:
    from sim.calibration.emulator import Figure
    from sim.calibration.history import HistoryResult

#: Files written into the output folder.
FILES = ("history.json", "history.md", "waves.csv", "emulators.csv", "nonimplausible.parquet", "history.png")



def loo_rows(result: HistoryResult) -> list[dict[str, Any]]:
    """``emulators.csv``: per wave and target, the emulator's training size, noise and LOO quality."""
    rows = []
    for w in result.waves:
        for f in result.figures + result.predicted:
            em = w.emulators[f.id]
            if em is None:
                rows.append({"wave": w.number, "target": f.id, "role": _role(result, f), "n_train": 0,
                             "status": "not emulated (fewer than 3 points with a value)"})
                continue
            loo = em.loo()
            rows.append({"wave": w.number, "target": f.id, "role": _role(result, f), "n_train": len(em.y), "seed_df": em.seed_df,
                         "seed_sd": math.sqrt(em.run_var), "white_sd": math.sqrt(em.white), "output_sd": float(np.std(em.y)),
                         "loo_r2": loo.r2, "loo_within2": loo.within2, "loo_max_abs_std_error": float(np.max(np.abs(loo.std_errors))),
                         "length_scales": " ".join(f"{v:.3g}" for v in em.length_scales), "status": "emulated"})
    return rows


def _role(result: HistoryResult, f: Figure) -> str:
    return "predicted" if f in result.predicted else "matched"


def describe(result: HistoryResult) -> dict[str, Any]:
    """What ``history.json`` says of a result: the space, figures, waves, verdict and conflicts."""
    sp = result.space
    last = result.waves[-1]
    verdict = ("empty: no value of the free parameters is non-implausible for every matched target at once "
               f"(none of {result.settings.candidates:,} candidates over the prior)"
               if result.empty else f"non-implausible share of the prior {last.share:.4g} after {len(result.waves)} wave(s)")
    return {"space": [{"parameter": n, "low": float(lo), "high": float(hi), "integer": n in sp.integer}
                      for n, lo, hi in zip(sp.names, sp.low, sp.high)],
            "figures": [asdict(f) for f in result.figures], "stopped": result.stopped, "empty": result.empty, "verdict": verdict,
            "waves": [w.summary() | {"ruled_out_alone": w.ruled_out} for w in result.waves],
            "conflicts": {"prior (wave 1 emulators)": result.waves[0].conflicts, f"wave {last.number}": last.conflicts},
            "region": _ranges(result)}


def _ranges(result: HistoryResult) -> dict[str, dict[str, float]]:
    if not len(result.region):
        return {}
    x = result.space.from_unit(result.region)
    return {n: {"min": float(x[:, j].min()), "median": float(np.median(x[:, j])), "max": float(x[:, j].max())}
            for j, n in enumerate(result.space.names)}


def write_outputs(result: HistoryResult, record: dict[str, Any], out: Path) -> list[Path]:
    """``history.json``, ``waves.csv``, ``emulators.csv``, ``nonimplausible.parquet``, ``history.md``, ``history.png``."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    out.mkdir(parents=True, exist_ok=True)
    (out / "history.json").write_text(json.dumps(record, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    write_csv([{k: v for k, v in w.summary().items()} for w in result.waves], None, out / "waves.csv", digits=6)
    rows = loo_rows(result)
    cols = ["wave", "target", "role", "n_train", "seed_df", "seed_sd", "white_sd", "output_sd", "loo_r2", "loo_within2",
            "loo_max_abs_std_error", "length_scales", "status"]
    write_csv(rows, cols, out / "emulators.csv", digits=6)
    x = result.space.from_unit(result.region[:result.settings.keep]) if len(result.region) else np.empty((0, len(result.space.names)))
    table = {n: pa.array(x[:, j], pa.float64()) for j, n in enumerate(result.space.names)}
    if len(x):
        last = result.waves[-1]
        for f in result.figures + result.predicted:
            em = last.emulators[f.id]
            table[f"{f.id}__mean"] = pa.array(em.predict(result.region[:len(x)])[0] if em else np.full(len(x), np.nan))
    pq.write_table(pa.table(table) if table else pa.table({"empty": pa.array([], pa.float64())}), out / "nonimplausible.parquet")
    (out / "history.md").write_text(markdown(result, record), encoding="utf-8")
    _figure(result, out / "history.png")
    return [out / f for f in FILES]


def markdown(result: HistoryResult, record: Mapping[str, Any]) -> str:
    """``history.md``: settings, the waves, emulator quality and the verdict with its conflicts."""
    s = result.settings
    lines = [f"# History matching of {record['targets_file']}", "",
             f"`{record['command']}` on {record['date']}, {record['wall_s']:.0f} s; {record['runs']['ran']} runs done, "
             f"{record['runs']['resumed']} resumed. {len(result.space.names)} free parameters, {len(result.figures)} targets, "
             f"{s.points} points a wave × {s.seeds} seed(s) × every regime; cutoff {s.cutoff:g} on the {s.rank} implausibility; "
             f"{s.candidates:,} candidates a wave.", "", f"**Verdict: {record['verdict']}.** Stopped: {result.stopped}.", "",
             "| wave | points | share of prior | rules out most (share of the entering region) | min combined I |",
             "| ---: | ---: | ---: | --- | ---: |"]
    for w in result.waves:
        m = w.summary()
        lines.append(f"| {m['wave']} | {m['points']} | {m['share_of_prior']:.4g} | {m['rules_out_most']} "
                     f"({m['rules_out_most_share']:.2f}) | {m['min_combined_implausibility']:.3g} |")
    lines += ["", "| wave | target | LOO R² | within ±2 | seed SD |", "| ---: | --- | ---: | ---: | ---: |"]
    lines += [f"| {r['wave']} | {r['target']} | {r.get('loo_r2', math.nan):.3f} | {r.get('loo_within2', math.nan):.2f} | "
              f"{r.get('seed_sd', math.nan):.3g} |" for r in loo_rows(result)]
    c = result.waves[-1].conflicts
    lines += ["", f"Conflicts in the region entering wave {result.waves[-1].number} ({c['sample']:,} candidates): "
              f"rules out most alone: {c['rules_out_most']}; cannot be met at all: {', '.join(c['unreachable']) or 'none'}; "
              f"pairs that cannot be met together: {'; '.join(' + '.join(p) for p in c['conflicting_pairs']) or 'none'}.", ""]
    if record.get("posterior"):
        from sim.calibration.posterior import markdown as posterior_lines

        lines += [*posterior_lines(record), ""]
    elif record.get("posterior_skipped"):
        lines += [f"No posterior: {record['posterior_skipped']}.", ""]
    return "\n".join(lines)


def _figure(result: HistoryResult, path: Path) -> None:
    """Share of the prior per wave and each target's share ruled out alone (matplotlib, output only)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, (a, b) = plt.subplots(1, 2, figsize=(10, 3.6))
    w = [x.number for x in result.waves]
    floor = 1 / result.settings.candidates / 3  # an empty region drawn below the sample's resolution
    shares = [1.0] + [max(x.share, floor) for x in result.waves]
    a.plot([0, *w], shares, "o-")
    a.set(yscale="log", xlabel="wave (0: the prior)", ylabel="non-implausible share of the prior", xticks=[0, *w],
          ylim=(min(shares) / 3, 1.5))
    for f in result.figures:
        b.plot(w, [x.ruled_out.get(f.id, math.nan) for x in result.waves], "o-", label=f.id)
    b.set(xlabel="wave", ylabel="share of the entering region ruled out alone", ylim=(-0.02, 1.02), xticks=w)
    b.legend(fontsize=6)
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    plt.close(fig)
