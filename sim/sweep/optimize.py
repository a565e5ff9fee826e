"""Policy optimisation: the cheapest mix of mechanisms and intensities that reaches a target,
and the Pareto frontier of cost against outcomes (``govsim optimize FILE``).

An optimisation file (``experiments/optimize.yaml``) is read like an experiment file (same
YAML rules, one-line errors naming file, line, key path and fix) and validated against
:class:`OptimizeFile`::

    name: optimize                                   # names the output folder and figures
    scenario: ../scenarios/community_system.yaml     # the base scenario (relative to this file)
    set: {population.residents: 2000, days: 90}      # overrides of every run (dotted key paths)
    variables:                                       # the decision variables
      mechanisms.service_closed_loop.enabled: [false, true]      # a switch (or any list of values)
      mechanisms.leadership_intensity.level: {low: 0, high: 1, step: 0.1}   # a bounded intensity
    objectives:                                      # two or more; costs are means per day
      - {minimize: hours}                            #   hours used, all hour pools (or pools: [...])
      - {minimize: budget, pools: [street_budget]}   #   budget units used, named pools
      - {minimize: used_grid_workers}                #   one pool's use (a cost as well)
      - {minimize: resolution_days_rmst}             #   any registered outcome
    constraints:                                     # on the mean over seeds
      - resolution_days_rmst <= 12
      - trust_mean >= baseline                       #   paired with the base scenario, seed by seed
    replications: 6                                  # seeds 0..N-1 for every candidate
    generations: 4                                   # NSGA-II generations
    population: 8                                    # candidates per generation
    seed: 0                                          # the optimiser's seed (not the runs')

Method. Optuna's NSGA-II sampler proposes a generation of ``population`` candidates through
its ask/tell interface; each generation's candidates not evaluated before run as one sweep of
explicit points (``design: points``) through the one engine (:func:`~sim.sweep.engine.run_experiment`:
local processes or Dask) into ``OUT/runs/gen-NNN``, every candidate with the same seeds
0..N-1 (common random numbers: the same seed gives the same arriving issues whatever is
switched on), and their means over seeds are told back, constraints included (NSGA-II's
constrained domination). The base scenario runs once into ``OUT/runs/baseline`` for the
constraints against ``baseline``. A variable under a switched-off mechanism is set to the base
scenario's value (it does nothing there), so such mixes are one candidate and run once.

Resuming. The study lives in memory and is rebuilt on every invocation by replaying the
generations: the sampler is seeded, candidates are proposed in the same order and the values
told are read back from the stored runs (the engine verifies them and runs only what is
missing), so a killed optimisation rerun with the same command continues where it stopped and
ends with the same frontier as one never interrupted; same file and seed, same frontier.
"""

from __future__ import annotations

import difflib
import math
import re
import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal, TextIO

import numpy as np
import pyarrow as pa
from pydantic import BaseModel, ConfigDict, Field, model_validator

from sim.errors import ScenarioError
from sim.outcomes.registry import HEADLINE, REGISTRY, RESOURCE_USE
from sim.output.provenance import canonical_json, config_hash, sha256_text
from sim.output.results import atomic_write, check_output_dir, safe_name, write_json
from sim.resources import BUDGET_POOLS, HOUR_POOLS, SPEC
from sim.scenario.export import scenario_yaml
from sim.scenario.loading import RawScenario, dotted, load_raw, read_yaml, resolve, validate_model
from sim.schema import ScenarioConfig

__all__ = ["Candidate", "Constraint", "Objective", "OptimizeFile", "OptimizeResult", "Optimization", "load_optimization",
           "optimize"]

COSTS: dict[str, tuple[str, ...]] = {"hours": HOUR_POOLS, "budget": BUDGET_POOLS}
_OPS: dict[str, Callable[[float, float], bool]] = {"<=": lambda a, b: a <= b, ">=": lambda a, b: a >= b,
                                                   "<": lambda a, b: a < b, ">": lambda a, b: a > b}
_CONSTRAINT = re.compile(r"^\s*([A-Za-z_][\w]*)\s*(<=|>=|<|>)\s*(.+?)\s*$")
_BASELINE = re.compile(r"^baseline(?:\s*([+-])\s*([0-9.eE+-]+))?$")


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Bounds(_Strict):
    """A bounded numeric decision variable."""

    low: float = Field(description="Lowest value.")
    high: float = Field(description="Highest value (above low).")
    step: float | None = Field(None, gt=0, description="Grid step (default: continuous; whole numbers for integer keys).")

    @model_validator(mode="after")
    def _ordered(self) -> Bounds:
        if not (math.isfinite(self.low) and math.isfinite(self.high) and self.low < self.high):
            raise ValueError(f"low ({self.low:g}) must be below high ({self.high:g})")
        return self


class ObjectiveEntry(_Strict):
    """One objective: ``{minimize: NAME}`` or ``{maximize: NAME}``; NAME is a registered
    outcome, or ``hours`` / ``budget`` (used per day, summed over ``pools``)."""

    minimize: str | None = Field(None, description="Outcome (or hours, budget) to minimise.")
    maximize: str | None = Field(None, description="Outcome to maximise.")
    pools: list[str] | Literal["all"] = Field("all", description="hours or budget: the pools summed (default: all).")


class OptimizeFile(_Strict):
    """An optimisation file's keys (see the module docstring)."""

    name: str = Field(min_length=1, max_length=200, description="Name (output folder, titles).")
    description: str = Field("", max_length=5000, description="What the optimisation asks.")
    scenario: str = Field(description="Base scenario file, relative to this file.")
    set: dict[str, Any] = Field(default_factory=dict, description="Overrides applied to every run (dotted key paths).")
    variables: dict[str, Any] = Field(min_length=1, description="Key path -> list of values, or {low, high, step}.")
    objectives: list[ObjectiveEntry] = Field(min_length=2, description="Two or more objectives (a frontier needs two).")
    constraints: list[str] = Field(default_factory=list, description="'OUTCOME <= X', 'OUTCOME >= baseline', ...")
    replications: int = Field(6, ge=2, le=10_000, description="Seeds 0..N-1 per candidate (common random numbers).")
    generations: int = Field(4, ge=1, le=10_000, description="NSGA-II generations.")
    population: int = Field(8, ge=2, le=10_000, description="Candidates per generation.")
    seed: int = Field(0, ge=0, le=2**32 - 1, description="Seed of the optimiser (not of the runs).")


@dataclass(frozen=True)
class Objective:
    """A validated objective: its column name, label, unit, direction and (costs) pools."""

    name: str
    direction: Literal["minimize", "maximize"]
    pools: tuple[str, ...] = ()  #: cost objectives: the pools summed

    @property
    def is_cost(self) -> bool:
        return bool(self.pools)

    @property
    def label(self) -> str:
        if self.is_cost and self.name not in COSTS:
            return REGISTRY[self.name].label
        if self.is_cost:
            which = "all pools" if set(self.pools) == set(COSTS[self.name]) else ", ".join(p.replace("_", " ") for p in self.pools)
            return f"{'Hours' if self.name == 'hours' else 'Budget'} used ({which})"
        return REGISTRY[self.name].label

    @property
    def unit(self) -> str:
        if self.is_cost:
            return f"{SPEC[self.pools[0]].unit} / day"
        return REGISTRY[self.name].unit


@dataclass(frozen=True)
class Constraint:
    """``name op bound`` or ``name op baseline ± offset`` (paired with the base scenario)."""

    text: str
    name: str
    op: str
    bound: float = 0.0
    baseline: bool = False

    def margin(self, value: float, base: float) -> float:
        """How far the constraint is violated (<= 0: met): Optuna's constraint value."""
        target = base + self.bound if self.baseline else self.bound
        if not math.isfinite(value) or not math.isfinite(target):
            return 1e9
        return value - target if self.op in ("<=", "<") else target - value

    def holds(self, value: float, base: float) -> bool:
        target = base + self.bound if self.baseline else self.bound
        return math.isfinite(value) and math.isfinite(target) and _OPS[self.op](value, target)


@dataclass(frozen=True)
class Variable:
    """A decision variable: its key and either its values or its bounds."""

    key: str
    values: tuple[Any, ...] = ()
    low: float = 0.0
    high: float = 0.0
    step: float | None = None
    integer: bool = False

    def distribution(self) -> Any:
        import optuna

        if self.values:
            return optuna.distributions.CategoricalDistribution(self.values)
        if self.integer:
            return optuna.distributions.IntDistribution(int(self.low), int(self.high), step=int(self.step or 1))
        return optuna.distributions.FloatDistribution(self.low, self.high, step=self.step)


@dataclass(frozen=True)
class Optimization:
    """A validated optimisation file."""

    name: str
    scenario: Path
    raw: RawScenario = field(repr=False, compare=False)
    set: tuple[tuple[str, Any], ...]
    variables: tuple[Variable, ...]
    objectives: tuple[Objective, ...]
    constraints: tuple[Constraint, ...]
    replications: int
    generations: int
    population: int
    seed: int
    description: str = ""
    source: str = "<python>"
    defaults: tuple[tuple[str, Any], ...] = ()  #: each variable's value in the base scenario

    @property
    def outcomes(self) -> tuple[str, ...]:
        """Registered outcomes kept in the runs: the headline set, resource use, and every
        outcome an objective or constraint names."""
        named = [o.name for o in self.objectives if not o.is_cost] + [c.name for c in self.constraints if c.name in REGISTRY]
        return tuple(dict.fromkeys((*HEADLINE, *RESOURCE_USE, *named)))

    @property
    def cost(self) -> Objective | None:
        """The first cost objective (hours, budget or one pool's use): what 'cheapest' means."""
        return next((o for o in self.objectives if o.is_cost), None)

    def identity(self) -> dict[str, Any]:
        """What makes two optimisations the same (a different one is refused in the same --out)."""
        return {"scenario": config_hash(resolve(self.raw, dict(self.set), check_memory=False)),
                "set": dict(self.set),
                "variables": [[v.key, list(v.values) if v.values else [v.low, v.high, v.step]] for v in self.variables],
                "objectives": [[o.name, o.direction, list(o.pools)] for o in self.objectives],
                "constraints": [c.text for c in self.constraints], "replications": self.replications,
                "population": self.population, "seed": self.seed}

    def cost_of(self, obj: Objective, arrays: Mapping[str, np.ndarray]) -> np.ndarray:
        return np.sum([arrays[f"used_{p}"] for p in obj.pools], axis=0)

    def series(self, name: str, arrays: Mapping[str, np.ndarray]) -> np.ndarray:
        """An objective's or constraint's values over seeds."""
        for o in self.objectives:
            if o.name == name and o.is_cost:
                return self.cost_of(o, arrays)
        if name in COSTS:
            return np.sum([arrays[f"used_{p}"] for p in COSTS[name]], axis=0)
        return arrays[name]

    def normalise(self, params: Mapping[str, Any]) -> dict[str, Any]:
        """A candidate's overrides: a variable under a switched-off mechanism takes the base
        scenario's value (it has no effect there), floats rounded to 12 digits."""
        out = {v.key: _plain(params[v.key]) for v in self.variables}
        defaults = dict(self.defaults)
        for key in out:
            parts = key.split(".")
            if parts[0] == "mechanisms" and len(parts) > 2 and parts[2] != "enabled":
                switch = ".".join([*parts[:2], "enabled"])
                if out.get(switch, defaults.get(switch)) is False:
                    out[key] = defaults[key]
        return out


def _plain(v: Any) -> Any:
    if isinstance(v, bool | np.bool_):
        return bool(v)
    if isinstance(v, int | np.integer):
        return int(v)
    if isinstance(v, float | np.floating):
        return round(float(v), 12)
    return v


# --------------------------------------------------------------------------- loading


def load_optimization(path: str | Path, *, sets: Mapping[str, Any] | None = None) -> Optimization:
    """Read and validate an optimisation file; ``sets`` (``--set``) are added to its ``set``.
    Raises ScenarioError (one line) for anything wrong with it or its scenario."""
    raw = read_yaml(path)
    if sets:
        raw = RawScenario({**raw.data, "set": {**(raw.data.get("set") or {}), **dict(sets)}}, raw.marks, raw.source)
    return _from_raw(raw, Path(path).parent)


def _did_you_mean(name: str, options: list[str]) -> str:
    guess = difflib.get_close_matches(name, options, n=1)
    return f"did you mean '{guess[0]}'?" if guess else "see docs/data-dictionary.md for the outcome names"


def _from_raw(raw: RawScenario, base: Path) -> Optimization:
    spec = validate_model(raw, OptimizeFile)
    path = Path(spec.scenario) if Path(spec.scenario).is_absolute() else base / spec.scenario
    if not path.is_file():
        raise raw.error(f"scenario: file not found: {path}; give the base scenario's path relative to this file", ("scenario",))
    sraw = load_raw(path)
    for section in ("set", "variables"):
        for key in getattr(spec, section):
            if key == "seed" or key.startswith("seed."):
                raise raw.error(f"{section}: 'seed' is set by replications (seeds 0..N-1), not here", (section, key))
            if not key or not all(key.split(".")):
                raise raw.error(f"{section}: {key!r} is not a dotted key path like 'population.residents'", (section, key))

    def check(overrides: Mapping[str, Any], where: tuple[str | int, ...]) -> ScenarioConfig:
        try:
            return resolve(sraw, overrides, check_memory=False)
        except ScenarioError as exc:
            raise raw.error(f"{dotted(where)}: {exc.detail}", where) from None

    cfg = check(spec.set, ("set",))
    variables, defaults = [], []
    for key, given in spec.variables.items():
        where = ("variables", key)
        try:
            current = _get(cfg, key)
        except (AttributeError, KeyError):
            probe = given[0] if isinstance(given, list) and given else given.get("low") if isinstance(given, dict) else given
            check({**spec.set, key: probe}, where)  # the loader names the unknown key, with did-you-mean
            current = None
        if current is None or isinstance(current, BaseModel | dict | list | tuple):
            raise raw.error(f"variables.{key}: not a scenario value (a switch, a number or a choice); "
                            "name a key like 'mechanisms.supervision.enabled'", where)
        defaults.append((key, current))
        parts = key.split(".")
        if parts[0] == "mechanisms" and len(parts) > 2:
            switch = ".".join([*parts[:2], "enabled"])
            defaults.append((switch, _get(cfg, switch)))
        if isinstance(given, list):
            if not given:
                raise raw.error(f"variables.{key}: no values; list at least two", where)
            bad = [v for v in given if isinstance(v, dict | list) or v is None]
            if bad:
                raise raw.error(f"variables.{key}: values must be numbers, true/false or text, not {bad[0]!r}", where)
            for v in given:
                check({**spec.set, key: v}, where)
            values = tuple(float(v) if isinstance(current, float) and isinstance(v, int) and not isinstance(v, bool) else v
                           for v in given)
            if len(set(values)) != len(values):
                raise raw.error(f"variables.{key}: a value is listed twice; list each value once", where)
            variables.append(Variable(key, values=values))
            continue
        if not isinstance(given, dict):
            raise raw.error(f"variables.{key}: give a list of values (e.g. [false, true]) or {{low: ..., high: ...}}", where)
        try:
            b = Bounds.model_validate(given)
        except Exception as exc:  # pydantic ValidationError
            err = exc.errors(include_url=False)[0]  # type: ignore[attr-defined]
            loc = ".".join(str(p) for p in err["loc"])
            raise raw.error(f"variables.{key}{'.' + loc if loc else ''}: {err['msg'].removeprefix('Value error, ')}", where) from None
        if isinstance(current, bool) or not isinstance(current, int | float):
            raise raw.error(f"variables.{key}: {{low, high}} needs a number, and this key is {current!r}; list its values instead",
                            where)
        integer = isinstance(current, int)
        for bound in (b.low, b.high):
            check({**spec.set, key: int(bound) if integer and float(bound).is_integer() else bound}, where)
        if integer and not (float(b.low).is_integer() and float(b.high).is_integer()):
            raise raw.error(f"variables.{key}: an integer key needs whole-number bounds", where)
        variables.append(Variable(key, low=b.low, high=b.high, step=b.step, integer=integer))

    names, base_values = {v.key for v in variables}, dict(defaults)
    for v in variables:
        parts = v.key.split(".")
        switch = ".".join([*parts[:2], "enabled"])
        if parts[0] == "mechanisms" and len(parts) > 2 and parts[2] != "enabled" and switch not in names \
                and base_values.get(switch) is False:
            raise raw.error(f"variables.{v.key}: the mechanism is off in the base scenario, so this does nothing; add "
                            f"'{switch}: [false, true]' to variables or '{switch}: true' to set", ("variables", v.key))
    costs = list(COSTS)
    objectives: list[Objective] = []
    for i, o in enumerate(spec.objectives):
        where = ("objectives", i)
        if (o.minimize is None) == (o.maximize is None):
            raise raw.error(f"objectives[{i}]: give exactly one of minimize or maximize, e.g. {{minimize: hours}}", where)
        name = o.minimize or o.maximize or ""
        direction: Literal["minimize", "maximize"] = "minimize" if o.minimize else "maximize"
        key = "minimize" if o.minimize else "maximize"
        if name in COSTS:
            pools = COSTS[name] if o.pools == "all" else tuple(o.pools)
            for j, p in enumerate(pools):
                if p not in COSTS[name]:
                    guess = difflib.get_close_matches(p, COSTS[name], n=1)
                    hint = f"did you mean '{guess[0]}'?" if guess else f"{name} pools: {', '.join(COSTS[name])}"
                    raise raw.error(f"objectives[{i}].pools[{j}]: '{p}' is not a pool of {name}; {hint}", (*where, "pools", j))
            if not pools:
                raise raw.error(f"objectives[{i}].pools: empty; name pools or write 'all'", (*where, "pools"))
            if direction != "minimize":
                raise raw.error(f"objectives[{i}]: a cost is minimised; write {{minimize: {name}}}", (*where, key))
            if any(x.name == name for x in objectives):
                raise raw.error(f"objectives[{i}]: '{name}' is already an objective; give each cost once", where)
            objectives.append(Objective(name, direction, tuple(pools)))
            continue
        if name in RESOURCE_USE:  # one pool's use: a cost too
            if direction != "minimize":
                raise raw.error(f"objectives[{i}]: a cost is minimised; write {{minimize: {name}}}", (*where, key))
            if o.pools != "all":
                raise raw.error(f"objectives[{i}].pools: '{name}' is one pool already; remove pools", (*where, "pools"))
            if any(x.name == name for x in objectives):
                raise raw.error(f"objectives[{i}]: '{name}' is already an objective; give each once", where)
            objectives.append(Objective(name, direction, (REGISTRY[name].pool,)))
            continue
        if name not in REGISTRY:
            raise raw.error(f"objectives[{i}].{key}: unknown outcome '{name}'; {_did_you_mean(name, [*REGISTRY, *costs])}",
                            (*where, key))
        if o.pools != "all":
            raise raw.error(f"objectives[{i}].pools: only hours and budget sum pools; remove it", (*where, "pools"))
        if any(x.name == name for x in objectives):
            raise raw.error(f"objectives[{i}]: '{name}' is already an objective; give each once", where)
        objectives.append(Objective(name, direction))

    constraints = []
    for i, text in enumerate(spec.constraints):
        where = ("constraints", i)
        m = _CONSTRAINT.match(text)
        if not m:
            raise raw.error(f"constraints[{i}]: {text!r} is not 'OUTCOME OP VALUE'; write e.g. 'resolution_days_rmst <= 12' "
                            "or 'trust_mean >= baseline'", where)
        name, op, rhs = m.groups()
        if name not in REGISTRY and name not in COSTS:
            raise raw.error(f"constraints[{i}]: unknown outcome '{name}'; {_did_you_mean(name, [*REGISTRY, *costs])}", where)
        b = _BASELINE.match(rhs)
        try:
            if b:
                bound = (-1 if b.group(1) == "-" else 1) * float(b.group(2)) if b.group(2) else 0.0
            else:
                bound = float(rhs)
        except ValueError:
            bound = float("nan")
        if not math.isfinite(bound):
            raise raw.error(f"constraints[{i}]: {rhs!r} is not a number or 'baseline' (optionally 'baseline - 0.01')", where)
        constraints.append(Constraint(text.strip(), name, op, bound, baseline=bool(b)))
    return Optimization(
        name=spec.name, description=spec.description, scenario=path, raw=sraw, set=tuple(sorted(spec.set.items())),
        variables=tuple(variables), objectives=tuple(objectives), constraints=tuple(constraints),
        replications=spec.replications, generations=spec.generations, population=spec.population, seed=spec.seed,
        source=raw.source, defaults=tuple(dict(defaults).items()))


def _get(cfg: Any, key: str) -> Any:
    for part in key.split("."):
        cfg = cfg[part] if isinstance(cfg, dict) else getattr(cfg, part)
    return cfg


# --------------------------------------------------------------------------- running


@dataclass
class Candidate:
    """One evaluated mix: its overrides, the generation it was first proposed in, its values
    over seeds for every kept outcome, and what the optimiser made of it."""

    id: int
    point: dict[str, Any]
    generation: int
    arrays: dict[str, np.ndarray] = field(repr=False)
    trials: int = 0
    feasible: bool = False
    frontier: bool = False


@dataclass
class OptimizeResult:
    """What :func:`optimize` did."""

    opt: Optimization
    out: Path
    baseline: dict[str, np.ndarray]
    candidates: list[Candidate]
    ran: int = 0
    resumed: int = 0
    seconds: float = 0.0
    files: list[Path] = field(default_factory=list)

    @property
    def frontier(self) -> list[Candidate]:
        """The frontier's candidates, cheapest first (by the objectives in order)."""
        keys = [o.name for o in self.opt.objectives]
        sign = [1 if o.direction == "minimize" else -1 for o in self.opt.objectives]
        return sorted((c for c in self.candidates if c.frontier),
                      key=lambda c: [s * mean(self.opt.series(k, c.arrays)) for s, k in zip(sign, keys)] + [c.id])

    @property
    def cheapest(self) -> Candidate | None:
        """The feasible mix of least cost (the first cost objective; ties by the others)."""
        front = self.frontier
        if not front:
            return None
        cost = self.opt.cost
        if cost is None:
            return front[0]
        return min(front, key=lambda c: (mean(self.opt.series(cost.name, c.arrays)), front.index(c)))


def mean(x: np.ndarray) -> float:
    x = np.asarray(x, dtype=float)
    x = x[np.isfinite(x)]
    return float(np.mean(x)) if len(x) else float("nan")


def ci95(x: np.ndarray) -> tuple[float, float, float]:
    """Mean and 95% t interval over the finite values (NaN bounds with fewer than two)."""
    from scipy import stats

    x = np.asarray(x, dtype=float)
    x = x[np.isfinite(x)]
    if len(x) == 0:
        return (float("nan"),) * 3
    m = float(np.mean(x))
    if len(x) < 2:
        return m, float("nan"), float("nan")
    h = float(stats.t.ppf(0.975, len(x) - 1) * np.std(x, ddof=1) / math.sqrt(len(x)))
    return m, m - h, m + h


def optimize(opt: Optimization, out: str | Path, *, executor: Any = None, workers: int | None = None, quiet: bool = True,
             log: TextIO | None = None, manifest: dict[str, Any] | None = None) -> OptimizeResult:
    """Run (or resume) the optimisation into ``out`` and write its tables and scenario files.

    Raises ScenarioError (one line) for a bad output folder before anything runs; the
    engine's :class:`~sim.sweep.engine.Interrupted` or KeyboardInterrupt on a signal (every
    finished run is kept; the same call resumes)."""
    import time

    import optuna

    from sim.sweep.engine import run_experiment
    from sim.sweep.experiment import Experiment

    t0 = time.perf_counter()
    log = log if log is not None else sys.stderr
    out = Path(out)
    check_output_dir(out, need_bytes=(opt.generations * opt.population + 1) * opt.replications * 4_000)
    ident = opt.identity()
    ident_path = out / "optimize.json"
    if ident_path.exists():
        import json

        try:
            held = json.loads(ident_path.read_text(encoding="utf-8")).get("identity")
        except (OSError, ValueError, AttributeError):
            held = None
        if held != ident:
            what = ", ".join(k for k in ident if not isinstance(held, dict) or held.get(k) != ident[k]) or "unreadable optimize.json"
            raise ScenarioError(f"--out {out}: holds a different optimisation ({what} differ); choose another --out, or delete "
                                "the folder to start again")
    write_json({"identity": ident, "identity_sha256": sha256_text(canonical_json(ident)), "file": opt.source,
                "generations": opt.generations, "optuna": optuna.__version__}, ident_path)
    result = OptimizeResult(opt=opt, out=out, baseline={}, candidates=[])
    extra = {"command": (manifest or {}).get("command", sys.argv), "optimisation": opt.source}

    def sweep(label: str, points: list[dict[str, Any]]) -> dict[int, dict[str, np.ndarray]]:
        factors = {v.key: [p[v.key] for p in points] for v in opt.variables} if points else {}
        exp = Experiment.build([str(opt.scenario)], name=f"{opt.name}-{label}", set=dict(opt.set), factors=factors,
                               design={"method": "points"} if points else None, replications=opt.replications,
                               outcomes=list(opt.outcomes))
        res = run_experiment(exp, out / "runs" / label, executor=executor, workers=workers, log=log, quiet=quiet,
                             manifest=extra)
        result.ran += res.ran
        result.resumed += res.resumed
        if res.ran + res.resumed < res.planned:
            raise ScenarioError(f"{out / 'runs' / label}: only {res.ran + res.resumed} of {res.planned} runs stored; "
                                "run the same command again")
        values = {o: res.values(o) for o in opt.outcomes}
        n = max(1, len(points))
        return {p: {o: values[o][(p, exp.scenarios[0].name)] for o in opt.outcomes} for p in range(n)}

    if not quiet:
        print(f"{opt.name}: baseline, then {opt.generations} generation(s) of {opt.population} candidates, "
              f"{opt.replications} seeds each, into {out}", file=log, flush=True)
    result.baseline = sweep("baseline", [])[0]

    optuna.logging.set_verbosity(optuna.logging.WARNING)
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # constraints_func is marked experimental
        sampler = optuna.samplers.NSGAIISampler(
            population_size=opt.population, seed=opt.seed,
            constraints_func=(lambda t: t.user_attrs["constraints"]) if opt.constraints else None)
    study = optuna.create_study(directions=[o.direction for o in opt.objectives], sampler=sampler)
    dists = {v.key: v.distribution() for v in opt.variables}
    seen: dict[str, Candidate] = {}
    for g in range(opt.generations):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # Optuna's experimental-feature notes
            trials = [study.ask(dists) for _ in range(opt.population)]
        points = [opt.normalise(t.params) for t in trials]
        new: list[dict[str, Any]] = []
        for p in points:
            k = canonical_json(p)
            if k not in seen and all(canonical_json(q) != k for q in new):
                new.append(p)
        if not quiet:
            print(f"generation {g + 1}/{opt.generations}: {len(points)} candidates, {len(new)} new mixes "
                  f"({len(new) * opt.replications} runs)", file=log, flush=True)
        if new:
            for i, arrays in sweep(f"gen-{g:03d}", new).items():
                seen[canonical_json(new[i])] = Candidate(id=len(seen), point=new[i], generation=g, arrays=arrays)
        for trial, p in zip(trials, points):
            cand = seen[canonical_json(p)]
            cand.trials += 1
            values = [mean(opt.series(o.name, cand.arrays)) for o in opt.objectives]
            if opt.constraints:
                trial.set_user_attr("constraints", [_margin(opt, c, cand.arrays, result.baseline) for c in opt.constraints])
            if all(math.isfinite(v) for v in values):
                study.tell(trial, values)
            else:
                study.tell(trial, state=optuna.trial.TrialState.FAIL)
    result.candidates = sorted(seen.values(), key=lambda c: c.id)
    _mark(result)
    result.files += write_tables(result)
    result.files += write_scenarios(result)
    result.seconds = time.perf_counter() - t0
    return result


def _margin(opt: Optimization, c: Constraint, arrays: Mapping[str, np.ndarray], baseline: Mapping[str, np.ndarray]) -> float:
    return c.margin(*constraint_values(opt, c, arrays, baseline))


def constraint_values(opt: Optimization, c: Constraint, arrays: Mapping[str, np.ndarray],
                       baseline: Mapping[str, np.ndarray]) -> tuple[float, float]:
    """The candidate's value and the baseline's, paired seed by seed against the baseline
    (only seeds where both are finite) when the bound is the baseline."""
    x = np.asarray(opt.series(c.name, arrays), dtype=float)
    if not c.baseline:
        return mean(x), 0.0
    b = np.asarray(opt.series(c.name, baseline), dtype=float)
    ok = np.isfinite(x) & np.isfinite(b)
    if not ok.any():
        return float("nan"), float("nan")
    return float(np.mean(x[ok])), float(np.mean(b[ok]))


def feasible(opt: Optimization, arrays: Mapping[str, np.ndarray], baseline: Mapping[str, np.ndarray]) -> bool:
    """Whether every constraint holds on the means over seeds (paired against the baseline)."""
    return all(c.holds(*constraint_values(opt, c, arrays, baseline)) for c in opt.constraints) and all(
        math.isfinite(mean(opt.series(o.name, arrays))) for o in opt.objectives)


def _mark(result: OptimizeResult) -> None:
    """Feasibility and the Pareto frontier (non-dominated feasible candidates on the means)."""
    opt = result.opt
    for c in result.candidates:
        c.feasible = feasible(opt, c.arrays, result.baseline)
    sign = np.array([1.0 if o.direction == "minimize" else -1.0 for o in opt.objectives])
    ok = [c for c in result.candidates if c.feasible]
    vals = np.array([[mean(opt.series(o.name, c.arrays)) for o in opt.objectives] for c in ok]) * sign if ok else np.zeros((0, 0))
    for i, c in enumerate(ok):
        dominated = np.any(np.all(vals <= vals[i], axis=1) & np.any(vals < vals[i], axis=1))
        tied = np.any(np.all(vals[:i] == vals[i], axis=1))  # the same means as an earlier mix: one point
        c.frontier = not bool(dominated or tied)


# --------------------------------------------------------------------------- outputs


def _columns(result: OptimizeResult) -> list[str]:
    opt = result.opt
    names = [o.name for o in opt.objectives] + [c.name for c in opt.constraints]
    return list(dict.fromkeys(names))


def candidate_rows(result: OptimizeResult) -> list[dict[str, Any]]:
    """One row per evaluated mix (the baseline first): its variables, means and 95% CIs over
    seeds of every objective and constrained outcome, feasibility, frontier membership."""
    opt = result.opt
    front = {c.id: i + 1 for i, c in enumerate(result.frontier)}
    cheapest = result.cheapest
    rows = []
    entries: list[tuple[str, dict[str, Any], dict[str, np.ndarray], Candidate | None]] = [
        ("baseline", dict(opt.defaults), result.baseline, None)]
    entries += [(f"c{c.id}", c.point, c.arrays, c) for c in result.candidates]
    for cid, point, arrays, cand in entries:
        row: dict[str, Any] = {"candidate": cid, "generation": cand.generation if cand else None,
                               "trials": cand.trials if cand else 0}
        row.update({v.key: point[v.key] for v in opt.variables})
        for name in _columns(result):
            m, lo, hi = ci95(opt.series(name, arrays))
            row.update({name: m, f"{name}_ci_low": lo, f"{name}_ci_high": hi})
        for i, c in enumerate(opt.constraints):
            if c.baseline:
                d = np.asarray(opt.series(c.name, arrays), float) - np.asarray(opt.series(c.name, result.baseline), float)
                m, lo, hi = ci95(d)
                row.update({f"constraint_{i}_diff": m, f"constraint_{i}_diff_ci_low": lo, f"constraint_{i}_diff_ci_high": hi})
        row["feasible"] = feasible(opt, arrays, result.baseline)
        row["frontier_point"] = front.get(cand.id) if cand else None
        row["cheapest"] = cand is not None and cheapest is not None and cand.id == cheapest.id
        rows.append(row)
    return rows


def _table(rows: list[dict[str, Any]]) -> pa.Table:
    if not rows:
        return pa.table({})
    cols = list(rows[0])
    return pa.table({c: [r.get(c) for r in rows] for c in cols})


def _csv(rows: list[dict[str, Any]], path: Path, columns: list[str]) -> Path:
    import csv
    import io

    buf = io.StringIO()
    w = csv.DictWriter(buf, fieldnames=columns, lineterminator="\n")
    w.writeheader()
    for r in rows:
        w.writerow({k: _fmt(v) for k, v in r.items()})
    text = buf.getvalue()
    return atomic_write(path, lambda p: p.write_text(text, encoding="utf-8"))


def _fmt(v: Any) -> Any:
    if isinstance(v, float):
        return "" if not math.isfinite(v) else f"{v:.10g}"
    if v is None:
        return ""
    return v


def write_tables(result: OptimizeResult) -> list[Path]:
    """``candidates.csv``/``.parquet`` (every mix) and ``frontier.csv``/``.parquet`` (its points, cheapest first)."""
    import pyarrow.parquet as pq

    rows = candidate_rows(result)
    front = sorted((r for r in rows if r["frontier_point"]), key=lambda r: r["frontier_point"])
    files = []
    for name, rs in (("candidates", rows), ("frontier", front)):
        files.append(_csv(rs, result.out / f"{name}.csv", list(rows[0])))
        table = _table(rs) if rs else _table([{k: None for k in rows[0]}]).slice(0, 0)
        files.append(atomic_write(result.out / f"{name}.parquet", lambda p, t=table: pq.write_table(t, p)))
    return files


def write_scenarios(result: OptimizeResult) -> list[Path]:
    """``frontier/point-N.yaml``: each frontier point as a scenario file (old points removed)."""
    opt = result.opt
    folder = result.out / "frontier"
    folder.mkdir(parents=True, exist_ok=True)
    for old in folder.glob("point-*.yaml"):
        old.unlink()
    files = []
    for i, c in enumerate(result.frontier, start=1):
        name = f"{safe_name(opt.name)}-point-{i}"
        means = "; ".join(f"{o.name} {mean(opt.series(o.name, c.arrays)):.4g}" for o in opt.objectives)
        mix = ", ".join(f"{k} = {_show(v)}" for k, v in c.point.items())
        cfg = resolve(opt.raw, {**dict(opt.set), **c.point, "name": name,
                                "description": f"Frontier point {i} of the optimisation '{opt.name}': {mix}. "
                                               f"Means over {opt.replications} seeds: {means}."}, check_memory=False)
        header = (f"# Frontier point {i} of govsim optimize '{opt.name}' (candidate c{c.id}): {mix}\n"
                  f"# Base scenario {opt.scenario.name} with the optimisation's set. Run it: govsim run <this file>\n")
        text = scenario_yaml(cfg, header)
        files.append(atomic_write(folder / f"point-{i}.yaml", lambda p, t=text: p.write_text(t, encoding="utf-8")))
    return files


def _show(v: Any) -> str:
    if isinstance(v, bool):
        return "on" if v else "off"
    if isinstance(v, float):
        return f"{v:g}"
    return str(v)
