"""History matching (``govsim calibrate --method history``): which values of the free
parameters of residents *and* handlers the public figures do not rule out (Vernon, Goldstein &
Bower 2010, Bayesian Analysis 5(4); Andrianakis et al. 2015, PLoS Comput Biol 11(1);
McCulloch et al. 2022, JASSS 25(2)).

Waves (:func:`history_match`): wave 1 runs a Latin hypercube of ``points`` over the prior box,
each point in every regime with ``seeds`` seeds (common random numbers); each matched target
gets a Gaussian-process emulator (:mod:`sim.calibration.emulator`) of its mean over seeds,
trained on the runs so far inside the current region, and each point x its implausibility

    I_t(x) = |z_t − E[f_t(x)]| / sqrt(Var_emulator(x) + Var_seed + Var_discrepancy + Var_observation)

against figure z_t. The discrepancy SD is ``discrepancy`` tolerances of the target (1/3 by
default, so that with a perfect emulator and no noise, the cutoff 3 is the tolerance) or its own
``discrepancy_sd``; the observation SD is ``observation_sd``. A point is non-implausible when
the maximum (or second maximum) of I_t over targets is at most ``cutoff`` (3, Pukelsheim's
rule) under every wave's emulators so far. The region is estimated on one sample of ``candidates``
Latin-hypercube points of the prior box, the same for every wave (its share of the prior, nested
wave by wave, resolved to 1 / candidates: "empty" means no candidate is left), and the next wave's points are
chosen from it (rejection sampling, topped up by jittering survivors when they are few, then a
maximin subset). Stop after ``waves``, when the region is empty, or when a wave shrinks it
by less than ``min_shrink``. When it is empty, :func:`conflicts` says which target alone rules
out the most and which pairs cannot be met together.

Every model run goes through :func:`sim.sweep.engine.run_experiment` (one explicit-points
experiment per wave and regime under ``out/wave-K/REGIME``), so a run resumes and gives the same
numbers for any number of workers; each wave's points are kept in ``out/wave-K/points.json``
and reused when the runs before them are unchanged.
"""

from __future__ import annotations

import datetime
import hashlib
import json
import math
import sys
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Any, Literal, TextIO

import numpy as np

from sim.calibration.emulator import Emulator, Figure, combine, conflicts, fit_emulator, implausibility
from sim.calibration.history_report import FILES, describe, write_outputs
from sim.calibration.targets import HistoryMatching, Targets, load_targets
from sim.errors import ScenarioError
from sim.output.provenance import command_line
from sim.sweep.experiment import Experiment
from sim.sweep.store import wall_seconds
from sim.warmup import code_fingerprint

__all__ = ["Figure", "HistoryResult", "Settings", "Space", "Wave", "conflicts", "history_match"]

#: The model: (wave, points in parameter units, n × d) -> per target id, its value in every run (n × seeds).
Simulate = Callable[[int, np.ndarray], Mapping[str, np.ndarray]]


@dataclass(frozen=True)
class Space:
    """The prior box of the free parameters; integer parameters are rounded when run."""

    names: tuple[str, ...]
    low: np.ndarray
    high: np.ndarray
    integer: frozenset[str] = frozenset()

    def to_unit(self, x: np.ndarray) -> np.ndarray:
        return (np.asarray(x, dtype=np.float64) - self.low) / (self.high - self.low)

    def from_unit(self, u: np.ndarray) -> np.ndarray:
        x = self.low + np.asarray(u, dtype=np.float64) * (self.high - self.low)
        for j, name in enumerate(self.names):
            if name in self.integer:
                x[:, j] = np.clip(np.rint(x[:, j]), math.ceil(self.low[j]), math.floor(self.high[j]))
        return x


@dataclass(frozen=True)
class Settings:
    """How the waves run (the defaults of ``calibration.history``)."""

    waves: int = 4
    points: int = 60
    seeds: int = 2
    candidates: int = 20_000
    cutoff: float = 3.0
    rank: Literal["max", "second"] = "max"
    min_shrink: float = 0.1
    design_seed: int = 0
    keep: int = 2000  #: most non-implausible points written


@dataclass
class Wave:
    """One wave: its runs, emulators, and the region after it (on the candidate sample)."""

    number: int
    x: np.ndarray  #: unit-box points run in this wave
    emulators: dict[str, Emulator | None]
    entering: int  #: candidates inside the region before this wave
    survivors: int  #: candidates inside the region after it (pure Latin hypercube)
    share: float  #: survivors / candidates: the non-implausible share of the prior
    ruled_out: dict[str, float]  #: per target: share of the entering candidates its I alone rules out
    min_combined: float  #: smallest combined implausibility among the entering candidates
    conflicts: dict[str, Any]
    pool: np.ndarray = field(repr=False, default_factory=lambda: np.empty((0, 0)))  #: region sample (LHS + jitter)

    def summary(self) -> dict[str, Any]:
        worst = max(self.ruled_out, key=lambda t: self.ruled_out[t]) if self.ruled_out else None
        return {"wave": self.number, "points": len(self.x), "entering": self.entering, "survivors": self.survivors,
                "share_of_prior": self.share, "rules_out_most": worst,
                "rules_out_most_share": self.ruled_out.get(worst, math.nan) if worst else math.nan,
                "min_combined_implausibility": self.min_combined}


@dataclass
class HistoryResult:
    """The waves, the verdict and the final region's sample (unit box)."""

    settings: Settings
    space: Space
    figures: tuple[Figure, ...]
    waves: list[Wave]
    stopped: str
    region: np.ndarray
    predicted: tuple[Figure, ...] = ()  #: emulated every wave, never matched (out-of-sample figures)

    @property
    def empty(self) -> bool:
        return self.waves[-1].share == 0 and len(self.region) == 0

    def inside(self, u: np.ndarray) -> np.ndarray:
        """Which unit-box points ``u`` every wave's emulators leave non-implausible."""
        return _inside(self.waves, self.figures, u, self.settings)


def _lhs(n: int, d: int, seed: int) -> np.ndarray:
    from scipy.stats import qmc

    return qmc.LatinHypercube(d=d, seed=np.random.default_rng(seed)).random(n)


def _wave_imp(wave: Wave, figures: Sequence[Figure], u: np.ndarray) -> np.ndarray:
    """Per target, the implausibility under one wave's emulators (n × targets)."""
    return np.column_stack([implausibility(wave.emulators[f.id], u, value=f.value, other_var=f.other_var,
                                           comparison=f.comparison) for f in figures]) if len(u) else \
        np.empty((0, len(figures)))


def _inside(waves: Sequence[Wave], figures: Sequence[Figure], u: np.ndarray, s: Settings) -> np.ndarray:
    """Which points pass every wave's emulators (evaluated wave by wave on the survivors)."""
    ok = np.ones(len(u), dtype=bool)
    for w in waves:
        idx = np.flatnonzero(ok)
        if not len(idx):
            break
        ok[idx] = combine(_wave_imp(w, figures, u[idx]), s.rank) <= s.cutoff
    return ok


def _maximin(pool: np.ndarray, k: int, seed: int) -> np.ndarray:
    """``k`` points of ``pool`` chosen greedily far apart (the first one at random)."""
    if len(pool) <= k:
        return pool
    rng = np.random.default_rng(seed)
    chosen = [int(rng.integers(len(pool)))]
    dist = np.linalg.norm(pool - pool[chosen[0]], axis=1)
    for _ in range(k - 1):
        i = int(np.argmax(dist))
        chosen.append(i)
        dist = np.minimum(dist, np.linalg.norm(pool - pool[i], axis=1))
    return pool[sorted(chosen)]


def _top_up(lhs_in: np.ndarray, waves: Sequence[Wave], figures: Sequence[Figure], s: Settings, seed: int) -> np.ndarray:
    """The region's sample: its Latin-hypercube survivors, and when fewer than five times a
    wave's points, jittered copies of them that pass every wave (at most 20 rounds)."""
    pool, rng = lhs_in, np.random.default_rng(seed)
    for _ in range(20):
        if len(pool) == 0 or len(pool) >= 5 * s.points:
            break
        prop = np.clip(pool[rng.integers(len(pool), size=10 * s.points)] + rng.normal(0, 0.05, (10 * s.points, pool.shape[1])),
                       0, 1)
        pool = np.vstack([pool, prop[_inside(waves, figures, prop, s)]])
    return pool


def _digest(*parts: Any) -> str:
    h = hashlib.sha256()
    for p in parts:
        h.update(np.ascontiguousarray(p).tobytes() if isinstance(p, np.ndarray) else json.dumps(p, sort_keys=True).encode())
    return h.hexdigest()


def history_match(simulate: Simulate, space: Space, figures: Sequence[Figure], settings: Settings, *,
                  predicted: Sequence[Figure] = (), store: Path | None = None, log: TextIO | None = None) -> HistoryResult:
    """The waves of the module docstring; ``predicted`` figures are emulated on the same runs but
    never matched; ``store`` keeps each wave's points (reused on resume)."""
    s, d = settings, len(space.names)
    figures, predicted = tuple(figures), tuple(predicted)
    ids = [f.id for f in figures + predicted]
    matched = ids[:len(figures)]
    xs: list[np.ndarray] = []
    runs: dict[str, list[np.ndarray]] = {t: [] for t in ids}
    waves: list[Wave] = []
    design = _lhs(s.points, d, s.design_seed)
    stopped = f"after {s.waves} wave(s), the most asked for"
    region = np.empty((0, d))
    cand = _lhs(s.candidates, d, s.design_seed + 1000)  # one sample of the prior for every wave: nested estimates
    alive = np.ones(len(cand), dtype=bool)
    for k in range(1, s.waves + 1):
        key = _digest(asdict(s), [asdict(f) for f in figures], list(space.names), *xs, *(r for t in ids for r in runs[t]))
        saved = store / f"wave-{k}" / "points.json" if store else None
        kept = json.loads(saved.read_text()) if saved is not None and saved.is_file() else None
        if kept is not None and kept["key"] == key:
            # the values run, as run: mapping the unit points again may move a value by a rounding
            # error, and the engine's store would then refuse it as another experiment
            x_run = np.asarray(kept["values"], dtype=np.float64).reshape(-1, d)
        else:
            x_run = space.from_unit(design)
        u = space.to_unit(x_run)
        if saved is not None:
            saved.parent.mkdir(parents=True, exist_ok=True)
            saved.write_text(json.dumps({"key": key, "unit": u.tolist(), "names": list(space.names), "values": x_run.tolist()}))
        got = simulate(k, x_run)
        xs.append(u)
        for t in ids:
            runs[t].append(np.asarray(got[t], dtype=np.float64).reshape(len(u), -1))
        allx = np.vstack(xs)
        train = _inside(waves, figures, allx, s)
        emus = {t: fit_emulator(allx[train], np.vstack(runs[t])[train], random_state=s.design_seed) for t in ids}
        wave = Wave(k, u, emus, 0, 0, 0.0, {}, math.nan, {})
        cin = cand[alive]
        imp = _wave_imp(wave, figures, cin)
        comb = combine(imp, s.rank) if len(cin) else np.empty(0)
        alive[np.flatnonzero(alive)[comb > s.cutoff]] = False
        lhs_in = cand[alive]
        wave.entering, wave.survivors, wave.share = len(cin), len(lhs_in), len(lhs_in) / s.candidates
        wave.ruled_out = {t: float(np.mean(imp[:, j] > s.cutoff)) if len(cin) else math.nan for j, t in enumerate(matched)}
        wave.min_combined = float(comb.min()) if len(comb) else math.nan
        wave.conflicts = conflicts(imp, matched, s.cutoff)
        waves.append(wave)
        region = _top_up(lhs_in, waves, figures, s, s.design_seed + 7 * k)
        wave.pool = region
        if log is not None:
            print(f"wave {k}: {len(u)} points, non-implausible share of the prior {wave.share:.4g} "
                  f"({wave.survivors} of {s.candidates:,} candidates)", file=log, flush=True)
        before = waves[-2].share if len(waves) > 1 else 1.0
        if len(region) == 0:
            stopped = f"wave {k}: the non-implausible space is empty"
            break
        if k > 1 and wave.share > (1 - s.min_shrink) * before:
            stopped = f"wave {k}: the region shrank by less than {s.min_shrink:.0%} (from {before:.4g} to {wave.share:.4g})"
            break
        if k == s.waves:
            break
        design = _maximin(region, s.points, s.design_seed + k)
    return HistoryResult(s, space, figures, waves, stopped, region, predicted)


# --------------------------------------------------------------------------- govsim calibrate --method history

def problem(targets: Targets, h: HistoryMatching) -> tuple[Space, tuple[Figure, ...], tuple[Figure, ...]]:
    """The prior box (``calibration.free`` and ``history.handlers``), the matched figures (those
    of ``targets`` in the ``match`` regimes) and the predicted ones (the other distance targets)."""
    cal = targets.calibration
    assert cal is not None
    box = {**cal.free, **h.handlers}
    probe = Experiment.build([str(next(iter(targets.scenarios.values())))], set=cal.set,
                             factors={k: {"low": r.low, "high": r.high} for k, r in box.items()},
                             design={"method": "lhs", "samples": 2}, replications=1)
    space = Space(tuple(box), np.array([r.low for r in box.values()]), np.array([r.high for r in box.values()]),
                  probe.integer_factors)
    def figure(t: Any) -> Figure:
        return Figure(t.id, t.value, h.observation_sd, h.discrepancy_sd.get(t.id, h.discrepancy * t.tolerance), t.comparison)

    chosen = [t for t in targets.distance_targets
              if (h.targets is None or t.id in h.targets) and (h.match is None or t.regime in h.match)]
    rest = [t for t in targets.distance_targets if t not in chosen]
    if not chosen:
        raise ScenarioError(f"{targets.path}: calibration.history matches no target (targets {h.targets}, match {h.match})")
    return space, tuple(map(figure, chosen)), tuple(map(figure, rest))


def engine_simulator(targets: Targets, out: Path, space: Space, figures: Sequence[Figure], *, seeds: int,
                     overrides: Mapping[str, Any], workers: int | None, quiet: bool, counts: dict[str, int]) -> Simulate:
    """The model as :func:`history_match` calls it: each wave one explicit-points experiment per
    regime on the engine (``out/wave-K/REGIME``); ``counts`` adds up runs done now and resumed."""
    from sim.calibration.abc import Budget, readings, run_regimes

    wanted = {f.id for f in figures}

    def simulate(k: int, x: np.ndarray) -> dict[str, np.ndarray]:
        factors = {n: [int(v) if n in space.integer else float(v) for v in x[:, j]] for j, n in enumerate(space.names)}
        budget = Budget(samples=len(x), seeds=seeds, accept=1.0, fit_seeds=2, workers=workers, quiet=quiet)
        results = run_regimes(targets, out, stage=f"wave-{k}", overrides=overrides, replications=seeds, budget=budget,
                              factors=factors, design={"method": "points"})
        got: dict[str, np.ndarray] = {}
        for regime, result in results.items():
            counts["ran"] += result.ran
            counts["resumed"] += result.resumed
            got.update(readings(result, [t for t in targets.of(regime) if t.id in wanted]))
        return got

    return simulate


def _settings(h: HistoryMatching, **given: int | None) -> Settings:
    base = {k: getattr(h, k) for k in ("waves", "points", "seeds", "candidates", "cutoff", "rank", "min_shrink", "design_seed")}
    for flag, least in (("waves", 1), ("points", 4), ("seeds", 1), ("candidates", 100)):
        if given.get(flag) is not None and given[flag] < least:  # type: ignore[operator]
            raise ScenarioError(f"--{flag} {given[flag]}: history matching needs at least {least}")
    return Settings(**{**base, **{k: v for k, v in given.items() if v is not None}})


def _regime_files(regimes: Mapping[str, str | Path], known: Mapping[str, Path]) -> dict[str, Path]:
    """``--regime REGIME=FILE``: each a known regime and a scenario file that loads (one-line errors)."""
    from sim.scenario.loading import load_scenario

    out = {}
    for regime, file in regimes.items():
        if regime not in known:
            raise ScenarioError(f"--regime {regime}={file}: unknown regime; choose among {', '.join(known)}")
        path = Path(file).resolve()
        if not path.is_file():
            raise ScenarioError(f"--regime {regime}={file}: no such scenario file")
        load_scenario(path)  # its own errors name the file, the key and the fix
        out[regime] = path
    return out


def run_history(path: str | Path, out: str | Path, *, sets: Mapping[str, Any] | None = None, workers: int | None = None,
                quiet: bool = True, log: TextIO | None = None, match: Sequence[str] | None = None,
                discrepancy: float | None = None, posterior: bool = True, regimes: Mapping[str, str | Path] | None = None,
                **given: int | None) -> dict[str, Any]:
    """The whole history matching of a targets file into ``out`` (``given``: waves, points,
    seeds, candidates over the file's ``calibration.history``; ``match``: the regimes matched;
    ``regimes``: regime -> another scenario file to run its figures on, a structure to test),
    then, unless ``posterior`` is False, the posterior (:mod:`sim.calibration.posterior`) when
    the file asks for one and the region is not empty; returns ``history.json``'s record."""
    t0, out = time.perf_counter(), Path(out)
    targets = load_targets(path)
    cal = targets.calibration
    if cal is None:
        raise ScenarioError(f"{path}: no 'calibration' section: name the regimes' scenarios and the free parameters")
    h = cal.history or HistoryMatching()
    if regimes:
        targets = replace(targets, scenarios={**targets.scenarios, **_regime_files(regimes, targets.scenarios)})
    if match is not None:
        unknown = sorted(set(match) - set(cal.scenarios))
        if unknown:
            raise ScenarioError(f"--match {unknown[0]}: unknown regime; choose among {', '.join(cal.scenarios)}")
        h = h.model_copy(update={"match": list(match)})
    if discrepancy is not None:  # the analysis choice the verdict is most sensitive to, varied from the command line
        if not 0 <= discrepancy <= 100:
            raise ScenarioError(f"--discrepancy {discrepancy:g}: a model-discrepancy SD in tolerances, between 0 and 100")
        h = h.model_copy(update={"discrepancy": discrepancy})
    if h.maps_to:  # the measurement model's reading of figures the ABC maps otherwise
        targets = replace(targets, targets=tuple(t.model_copy(update={"maps_to": h.maps_to.get(t.id, t.maps_to)})
                                                 for t in targets.targets))
    sets = dict(sets or {})
    clash = sorted(set(sets) & (set(cal.free) | set(h.handlers)))
    if clash:
        raise ScenarioError(f"--set {clash[0]}: a free parameter is searched, not set; drop the override")
    settings = _settings(h, **given)
    space, figures, predicted = problem(targets, h)
    counts = {"ran": 0, "resumed": 0}
    simulate = engine_simulator(targets, out, space, figures + predicted, seeds=settings.seeds, overrides={**cal.set, **sets},
                                workers=workers, quiet=quiet, counts=counts)
    result = history_match(simulate, space, figures, settings, predicted=predicted, store=out, log=log)
    record = {"command": command_line(), "date": datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d"),
              "wall_s": round(max(time.perf_counter() - t0, wall_seconds(out)), 1), "code_fingerprint": code_fingerprint(),
              "targets_file": str(path), "method": "history matching (Vernon et al. 2010; Andrianakis et al. 2015)",
              "settings": asdict(settings), "maps_to": dict(h.maps_to), "set": {**cal.set, **sets}, "runs": counts,
              "matched_regimes": list(h.match or cal.scenarios), **describe(result)}
    if regimes:
        record["regime_files"] = {r: str(f) for r, f in regimes.items()}  # as given: no machine path in the record
    if posterior and h.posterior is not None and len(result.region) >= 2:
        from sim.calibration import posterior as post

        header = (f"Calibrated by `{record['command']}` on {record['date']} (code {record['code_fingerprint'][:12]}):\n"
                  f"history matching, then an emulator-based posterior inside the non-implausible region; the values\n"
                  f"are the posterior medians of the figures of {', '.join(record['matched_regimes'])}; intervals and checks in\n"
                  "the output folder's history.md. Only the free parameters differ from the library's file.")
        record["posterior"] = post.run_posterior(result, targets, h.posterior, out, overrides={**cal.set, **h.posterior.set, **sets},
                                                 workers=workers, quiet=quiet, header=header)
    elif h.posterior is not None:
        record["posterior"] = None
        record["posterior_skipped"] = ("the non-implausible region is empty: no posterior inside it" if posterior
                                       else "skipped on request (--no-posterior)")
    record["wall_s"] = round(max(time.perf_counter() - t0, wall_seconds(out)), 1)
    write_outputs(result, record, out)
    return record


def history_cli(args: Any, sets: Mapping[str, Any]) -> int:
    """``govsim calibrate TARGETS --method history``: the file's ``calibration.history`` unless overridden."""
    for flag in ("samples", "accept", "fit_seeds"):
        if getattr(args, flag, None) is not None:
            raise ScenarioError(f"--{flag.replace('_', '-')} applies to --method abc; history matching takes --waves, --points, "
                                "--seeds and --candidates")
    if getattr(args, "publish", False):
        raise ScenarioError("--publish applies to --method abc; history matching writes only its output folder")
    match = args.match.split(",") if getattr(args, "match", None) else None
    regimes = {}
    for given in getattr(args, "regime", None) or ():
        regime, sep, file = given.partition("=")
        if not sep or not regime or not file:
            raise ScenarioError(f"--regime {given}: give REGIME=FILE, e.g. party_led_full=scenarios/posterior/party_led_full_ranking.yaml")
        regimes[regime] = file
    record = run_history(args.targets, args.out, sets=sets, workers=args.workers, quiet=args.quiet,
                         log=None if args.quiet else sys.stderr, match=match, discrepancy=getattr(args, "discrepancy", None),
                         posterior=not getattr(args, "no_posterior", False), regimes=regimes,
                         waves=args.waves, points=args.points, seeds=args.seeds, candidates=args.candidates)
    print(f"history matching in {record['wall_s']:.0f} s: {record['runs']['ran']} runs done now, {record['runs']['resumed']} "
          f"resumed; {record['verdict']} ({record['stopped']})")
    for w in record["waves"]:
        print(f"  wave {w['wave']}: {w['points']} points, share of prior {w['share_of_prior']:.4g}, rules out most: "
              f"{w['rules_out_most']} ({w['rules_out_most_share']:.2f})")
    c = record["conflicts"][f"wave {record['waves'][-1]['wave']}"]
    if record["empty"]:
        print(f"  conflicts: cannot be met at all: {', '.join(c['unreachable']) or 'none'}; pairs: "
              f"{'; '.join(' + '.join(p) for p in c['conflicting_pairs']) or 'none'}")
    p = record.get("posterior")
    if p:
        print(f"  posterior: {'converged' if p['converged'] else 'NOT converged'} (max R-hat {p['max_rhat']:.3f}, "
              f"min ESS {p['min_ess']:.0f})")
        for c in p["changes"]:
            print(f"  {c['series']}: observed change {c['observed']:+.3f}, predicted {c['median']:+.3f} "
                  f"[{c['q025']:+.3f}, {c['q975']:+.3f}]")
    elif record.get("posterior_skipped"):
        print(f"  no posterior: {record['posterior_skipped']}")
    from sim.calibration.posterior import FILES as POSTERIOR_FILES

    print(f"wrote: {args.out}/" + ", ".join(FILES + (POSTERIOR_FILES + ("calibrated/",) if p else ())))
    return 0
