"""Experiment files: which scenarios, which factors over which values, which design.

An experiment file (``experiments/*.yaml``) is read like a scenario file (same YAML rules,
same one-line errors naming file, line, key path and fix) and validated against
:class:`ExperimentFile`::

    name: leadership                       # names the output folder and figures
    scenarios: [../scenarios/community_system.yaml]   # paths relative to this file, or
                                           #   {file: ..., name: ..., set: {key: value}} variants
    set: {population.residents: 3000}      # overrides applied to every run (dotted key paths)
    factors:                               # key path -> list of values (factorial) or {low, high}
      mechanisms.leadership_intensity.level: [0.0, 0.25, 0.5, 0.75, 1.0]
    design: {method: factorial}            # factorial | lhs | sobol | morris (+ samples, seed, levels)
    replications: 10                       # seeds 0..9 for every point and scenario (common random numbers)
    outcomes: [trust_mean, resolution_rate]   # registered outcomes (default: the headline set)
    daily: [trust_mean]                    # optional daily series kept per run (true: every outcome)
    issues: [status, day_arisen, day_closed]   # optional per-issue columns kept per run (true: every column)

Designs (:func:`design_points`): ``factorial`` crosses the lists (enumerated lazily);
``points`` takes the lists position by position (equal lengths: point ``i`` has every
factor's ``i``-th value; what ``govsim optimize`` runs for each batch of candidates);
``lhs`` draws ``samples`` points by Latin hypercube (scipy); ``sobol`` uses Saltelli's
scheme with ``samples`` base points, ``samples * (D + 2)`` points (``* (2D + 2)`` with
``second_order``), and ``morris`` ``samples`` trajectories of ``D + 1`` points, both through
SALib so that ``govsim report`` can compute the indices. A factor whose schema type is an
integer gets sampled values rounded to the nearest integer.

Python use (the engine's API, see ``sim.sweep.engine``)::

    exp = Experiment.build(["scenarios/community_system.yaml"], set={"population.residents": 3000},
                           factors={"mechanisms.supervision.enabled": [False, True]}, replications=10)
"""

from __future__ import annotations

import difflib
import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import numpy as np
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from sim.errors import ScenarioError
from sim.outcomes.registry import HEADLINE, REGISTRY, RESOURCE_USE
from sim.output.datadict import ISSUE_COLUMNS
from sim.output.provenance import canonical_json, config_hash, sha256_text
from sim.scenario.loading import RawScenario, dotted, load_raw, read_yaml, resolve, validate_model
from sim.sweep.designs import design_bytes, design_limit_bytes, design_matrix, design_points, design_size, point_lookup, salib_problem

__all__ = ["Design", "Experiment", "ExperimentFile", "Range", "Relative", "Scenario", "design_matrix", "design_points",
           "load_experiment", "point_lookup", "salib_problem"]

Scalar = bool | int | float | str


def _scenario_keys() -> frozenset[str]:
    from sim.schema import ScenarioConfig

    return frozenset(ScenarioConfig.model_fields) | {"extends"}


_SCENARIO_KEYS = _scenario_keys()
#: Outcomes kept when an experiment names none: the headline set and resource use by pool.
DEFAULT_OUTCOMES: tuple[str, ...] = (*HEADLINE, *RESOURCE_USE)


#: Fewest samples a sampled design accepts (below them its indices cannot be estimated).
MIN_SAMPLES = {"sobol": 8, "morris": 2, "lhs": 2}
MIN_SAMPLES_WHY = {
    "sobol": "base samples: the bootstrap CIs of the Sobol indices resample them; 64 or more, a power of 2, for stable indices",
    "morris": "trajectories: mu* and sigma need two elementary effects per factor",
    "lhs": "points: one point is not a design",
}


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Range(_Strict):
    """A factor's range for sampled designs."""

    low: float = Field(description="Lowest value.")
    high: float = Field(description="Highest value (above low).")

    @model_validator(mode="after")
    def _ordered(self) -> Range:
        if not (math.isfinite(self.low) and math.isfinite(self.high) and self.low < self.high):
            raise ValueError(f"low ({self.low:g}) must be below high ({self.high:g})")
        return self


class Relative(_Strict):
    """A factor's range as a share around the scenario's own value (``{relative: 0.5}``:
    from half to one and a half times it, within the key's allowed range). On a key path
    ending in ``.*`` it expands to every number below that path (``behaviour.*``)."""

    relative: float = Field(gt=0, lt=1, description="Half-width of the range as a share of the scenario's value.")


class Design(_Strict):
    """How the factor space is sampled."""

    method: Literal["factorial", "lhs", "sobol", "morris", "points"] = Field(
        "factorial", description="Sampling design (points: the factors' lists zipped, one explicit point per position).")
    samples: int | None = Field(None, ge=1, le=10_000_000, description="lhs: points; sobol: base samples N; morris: trajectories.")
    seed: int = Field(0, ge=0, le=2**32 - 1, description="Seed of the sampling design (not of the runs).")
    levels: int = Field(4, ge=2, le=100, description="morris: grid levels.")
    second_order: bool = Field(False, description="sobol: also second-order indices (2D + 2 points per base sample).")


class ScenarioEntry(_Strict):
    """A scenario file, optionally renamed and with its own overrides (a variant)."""

    file: str = Field(description="Scenario file, relative to the experiment file.")
    name: str | None = Field(None, min_length=1, max_length=200, description="Name in tables (default: the scenario's name).")
    set: dict[str, Any] = Field(default_factory=dict, description="Overrides for this scenario only.")


class ExperimentFile(_Strict):
    """An experiment file's keys (see the module docstring)."""

    name: str = Field(min_length=1, max_length=200, description="Experiment name (output folder, titles).")
    description: str = Field("", max_length=5000, description="What the experiment asks.")
    scenarios: list[str | ScenarioEntry] = Field(min_length=1, description="Scenario files (relative to this file) or variants.")
    set: dict[str, Any] = Field(default_factory=dict, description="Overrides applied to every run (dotted key paths).")
    factors: dict[str, Any] = Field(
        default_factory=dict, description="Key path -> list of values (factorial), {low, high} or {relative: r} (sampled designs).")
    design: Design = Field(default_factory=Design, description="Sampling design.")
    replications: int = Field(10, ge=1, le=10**9, description="Seeds 0..N-1 per point and scenario (common random numbers).")
    outcomes: list[str] | None = Field(None, min_length=1, description="Registered outcomes to keep (default: headline and resource use).")
    daily: list[str] | bool = Field(False, description="Daily series kept per run: outcome names, or true for all.")
    issues: list[str] | bool = Field(False, description="Per-issue columns kept per run (issues/<run>.parquet, for "
                                                        "survival analysis): column names, or true for all.")


def experiment_json_schema() -> dict[str, Any]:
    """JSON Schema of experiment files (for editors)."""
    schema = ExperimentFile.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "govsim experiment"
    return schema


@dataclass(frozen=True)
class Scenario:
    """One scenario of an experiment: its display name, file and overrides, and the raw
    merged data (files read once)."""

    name: str
    path: Path
    set: tuple[tuple[str, Any], ...]
    raw: RawScenario = field(repr=False, compare=False)


@dataclass(frozen=True)
class Experiment:
    """A validated experiment: scenarios, overrides, factors, design, replications, outputs."""

    name: str
    scenarios: tuple[Scenario, ...]
    set: tuple[tuple[str, Any], ...] = ()
    factors: tuple[tuple[str, tuple[Scalar, ...] | Range], ...] = ()
    design: Design = Design()
    replications: int = 10
    outcomes: tuple[str, ...] = DEFAULT_OUTCOMES
    daily: tuple[str, ...] = ()
    issues: tuple[str, ...] = ()
    source: str = "<python>"
    description: str = ""
    integer_factors: frozenset[str] = frozenset()
    notes: tuple[str, ...] = ()  #: what a user should know about the file (e.g. a name taken from a file's stem)

    @classmethod
    def build(cls, scenarios: Sequence[str | Path | Mapping[str, Any]], *, name: str = "experiment",
              set: Mapping[str, Any] | None = None, factors: Mapping[str, Any] | None = None,
              design: Mapping[str, Any] | None = None, replications: int = 10,
              outcomes: Sequence[str] | None = None, daily: Sequence[str] | bool = False,
              issues: Sequence[str] | bool = False) -> Experiment:
        """An experiment from Python values (paths relative to the working directory)."""
        data = {"name": name, "scenarios": [str(s) if isinstance(s, str | Path) else dict(s) for s in scenarios],
                "set": dict(set or {}), "factors": {k: (list(v) if isinstance(v, list | tuple) else v) for k, v in (factors or {}).items()},
                "design": dict(design or {}), "replications": replications, "daily": daily if isinstance(daily, bool) else list(daily),
                "issues": issues if isinstance(issues, bool) else list(issues)}
        if outcomes is not None:
            data["outcomes"] = list(outcomes)
        return _from_raw(RawScenario(data, {}, "<python>"), Path.cwd())

    # ------------------------------------------------------------------ properties

    @property
    def factor_names(self) -> tuple[str, ...]:
        return tuple(k for k, _ in self.factors)

    @property
    def n_points(self) -> int:
        """Number of design points (1 without factors)."""
        return design_size(self)

    @property
    def n_runs(self) -> int:
        """Upper bound of the runs: points × scenarios × replications."""
        return self.n_points * len(self.scenarios) * self.replications

    def identity(self) -> dict[str, Any]:
        """What makes two experiments the same (the output folder refuses a different one):
        every scenario's resolved configuration, the overrides, factors and design. The
        number of replications, the outcomes kept and daily series are not part of it
        (more seeds extend an experiment)."""
        def resolved(s: Scenario) -> str:
            return config_hash(resolve(s.raw, {**dict(self.set), **dict(s.set)}, check_memory=False))

        return {
            "scenarios": [{"name": s.name, "config_hash": resolved(s)} for s in self.scenarios],
            "set": {k: v for k, v in self.set},
            "factors": [[k, v.model_dump() if isinstance(v, Range) else list(v)] for k, v in self.factors],
            "design": self.design.model_dump() if self.factors else None,
        }

    def identity_hash(self) -> str:
        return sha256_text(canonical_json(self.identity()))

    def overrides(self, scenario: int, point: Mapping[str, Any]) -> dict[str, Any]:
        """The dotted overrides of one run (without its seed)."""
        return {**dict(self.set), **dict(self.scenarios[scenario].set), **point}


# --------------------------------------------------------------------------- loading


def load_experiment(path: str | Path, *, sets: Mapping[str, Any] | None = None,
                    replications: int | None = None) -> Experiment:
    """Read and validate an experiment file; ``sets`` (``--set``) are added to its ``set``.
    Raises ScenarioError (one line) for anything wrong with it or its scenarios."""
    raw = read_yaml(path)
    if sets:
        raw = RawScenario({**raw.data, "set": {**(raw.data.get("set") or {}), **dict(sets)}}, raw.marks, raw.source)
    if replications is not None:
        raw = RawScenario({**raw.data, "replications": replications}, raw.marks, raw.source)
    return _from_raw(raw, Path(path).parent)


#: The expected form of each experiment-file key, shown with every "must be" error about it.
EXAMPLES: dict[str, str] = {
    "name": "name: leadership",
    "description": "description: what the experiment asks",
    "scenarios": "scenarios: [../scenarios/community_system.yaml]",
    "scenarios[]": "- ../scenarios/community_system.yaml  or  - {file: ../scenarios/community_system.yaml, name: strict, "
                   "set: {mechanisms.supervision.enabled: true}}",
    "scenarios[].file": "- {file: ../scenarios/community_system.yaml}",
    "scenarios[].name": "- {file: ../scenarios/community_system.yaml, name: strict}",
    "scenarios[].set": "- {file: ../scenarios/community_system.yaml, set: {mechanisms.supervision.enabled: true}}",
    "set": "set: {population.residents: 3000}",
    "factors": "factors: {capacity.routing_accuracy: [0.5, 0.9]}  or  {capacity.routing_accuracy: {low: 0.5, high: 0.9}}",
    "design": "design: {method: factorial}",
    "design.method": "design: {method: sobol, samples: 64}",
    "design.samples": "design: {method: sobol, samples: 64}",
    "design.seed": "design: {method: lhs, samples: 100, seed: 1}",
    "design.levels": "design: {method: morris, samples: 10, levels: 4}",
    "design.second_order": "design: {method: sobol, samples: 64, second_order: true}",
    "replications": "replications: 10",
    "outcomes": "outcomes: [trust_mean, resolution_rate]",
    "outcomes[]": "outcomes: [trust_mean, resolution_rate]",
    "daily": "daily: [trust_mean]  or  daily: true",
    "daily[]": "daily: [trust_mean]",
}
_UNION_TAG = re.compile(r"\.(?:list\[[^\]]*\]|bool|str|ScenarioEntry|function-after\[[^\]]*\])(?=[.\s=:\[]|$)")


def _example_for(key: str | None, detail: str) -> str | None:
    """The expected form for an error about ``key`` (a dotted path such as ``scenarios[1].file``)."""
    if not key:
        return None
    shape = _UNION_TAG.sub("", re.sub(r"\[\d+\]", "[]", key))
    if shape == "design" and "'" in detail:
        given = detail.split("'")[1]
        if given in ("factorial", "lhs", "sobol", "morris"):
            return f"design: {{method: {given}}}" if given == "factorial" else f"design: {{method: {given}, samples: 64}}"
    return EXAMPLES.get(shape)


def _validated(raw: RawScenario) -> ExperimentFile:
    """``raw`` as an :class:`ExperimentFile`; a "must be" error also shows the expected form."""
    try:
        return validate_model(raw, ExperimentFile)
    except ScenarioError as exc:
        detail = exc.detail
        if exc.key and exc.key.startswith("daily"):
            detail = re.sub(r"must be a list \(and \d+ more problems?\)", "must be a list of outcome names or true/false",
                            _UNION_TAG.sub("", detail))
        if exc.key == "scenarios" and isinstance(raw.data.get("scenarios"), str):
            detail = detail.replace("must be a list", "must be a list of files")
        example = _example_for(exc.key, detail) if "must" in detail or "has no value" in detail else None
        if example is None and detail == exc.detail:
            raise
        raise ScenarioError(detail + (f"; expected form: `{example}`" if example else ""), source=exc.source, line=exc.line,
                            key=exc.key) from None


def _from_raw(raw: RawScenario, base: Path) -> Experiment:
    if "scenarios" not in raw.data and raw.data and set(raw.data) <= _SCENARIO_KEYS:
        raise raw.error("this is a scenario file, not an experiment file (it has no 'scenarios' list); check it with "
                        "'govsim validate FILE' without --experiment, or list it under 'scenarios:' of an experiment file")
    spec = _validated(raw)
    _check_dotted(raw, spec)
    scenarios, notes = _scenarios(raw, spec, base)
    first = scenarios[0]
    spec = spec.model_copy(update={"factors": _expand(raw, spec, first)})

    def check(overrides: Mapping[str, Any], where: tuple[str | int, ...]) -> Any:
        try:
            return resolve(first.raw, {**dict(first.set), **overrides}, check_memory=False)
        except ScenarioError as exc:
            raise raw.error(f"{dotted(where)}: {exc.detail}", where) from None

    check(spec.set, ("set",))
    for s in scenarios:
        try:
            resolve(s.raw, {**spec.set, **dict(s.set)}, check_memory=False)
        except ScenarioError as exc:
            raise raw.error(f"scenario '{s.name}' with the experiment's set: {exc.detail}", ("scenarios",)) from None
    integers = set()
    for key, values in spec.factors.items():
        where = ("factors", key)
        sampled = spec.design.method not in ("factorial", "points")
        if sampled != isinstance(values, Range):
            want = "{low: ..., high: ...}" if sampled else "a list of values"
            form = f"{{{key}: {{low: 0.1, high: 0.9}}}}" if sampled else f"{{{key}: [0.1, 0.9]}}"
            raise raw.error(f"factor '{key}': the {spec.design.method} design needs {want}; expected form: `factors: {form}`"
                            + ("" if sampled else " (or choose a sampled design: `design: {method: lhs, samples: 100}`)"),
                            where)
        if isinstance(values, Range):
            try:
                current = _get(check(spec.set, where), key)
            except AttributeError:
                current = None
            if isinstance(current, bool) or not isinstance(current, int | float):
                raise raw.error(f"factor '{key}' is not a number: sample numbers only, or use a factorial design", where)
            as_int = isinstance(current, int)
            if as_int:
                integers.add(key)
            for bound in (values.low, values.high):
                check({**spec.set, key: int(np.rint(bound)) if as_int else bound}, where)
        else:
            if not values:
                raise raw.error(f"factor '{key}' has no values; list at least one", where)
            for v in values:
                check({**spec.set, key: v}, where)
    if spec.design.method == "points":
        lengths = {len(v) for v in spec.factors.values()}
        if len(lengths) > 1:
            raise raw.error("the points design needs lists of equal length (one value per point in each factor), "
                            f"got lengths {sorted(lengths)}", ("factors",))
    elif spec.design.method != "factorial":
        if not spec.factors:
            raise raw.error(f"the {spec.design.method} design needs factors with {{low, high}}; expected form: "
                            "`factors: {capacity.routing_accuracy: {low: 0.5, high: 0.9}}`", ("design",))
        if spec.design.samples is None:
            raise raw.error(f"design.samples is required for the {spec.design.method} design; expected form: "
                            f"`design: {{method: {spec.design.method}, samples: 64}}`", ("design",))
        least = MIN_SAMPLES.get(spec.design.method, 1)
        typical = max(least, 64 if spec.design.method == "sobol" else 10)
        if spec.design.samples < least:
            raise raw.error(f"design.samples = {spec.design.samples}: the {spec.design.method} design needs at least {least} "
                            f"({MIN_SAMPLES_WHY[spec.design.method]}); expected form: "
                            f"`design: {{method: {spec.design.method}, samples: {typical}}}`",
                            ("design", "samples"))
        size_check(raw, spec)
    outcomes = tuple(spec.outcomes or DEFAULT_OUTCOMES)
    daily = tuple(REGISTRY) if spec.daily is True else tuple(spec.daily or ())
    for key, names in (("outcomes", outcomes), ("daily", daily)):
        for i, name in enumerate(names):
            if name not in REGISTRY:
                guess = difflib.get_close_matches(name, REGISTRY, n=1)
                hint = f"did you mean '{guess[0]}'?" if guess else "see docs/data-dictionary.md for the names"
                raise raw.error(f"{key}[{i}]: unknown outcome '{name}'; {hint}", (key, i))
    issues = tuple(ISSUE_COLUMNS) if spec.issues is True else tuple(spec.issues or ())
    for i, name in enumerate(issues):
        if name not in ISSUE_COLUMNS:
            guess = difflib.get_close_matches(name, ISSUE_COLUMNS, n=1)
            hint = f"did you mean '{guess[0]}'?" if guess else "see the Issues table of docs/data-dictionary.md"
            raise raw.error(f"issues[{i}]: unknown issue column '{name}'; {hint}", ("issues", i))
    return Experiment(
        name=spec.name, description=spec.description, scenarios=scenarios, set=tuple(sorted(spec.set.items())),
        factors=tuple((k, v if isinstance(v, Range) else tuple(v)) for k, v in spec.factors.items()),
        design=spec.design, replications=spec.replications, outcomes=outcomes, daily=daily, issues=issues,
        source=raw.source, integer_factors=frozenset(integers), notes=notes)


def size_check(raw: RawScenario, spec: ExperimentFile) -> None:
    """Refuse, before anything is built or written, a sampled design too big to build: its
    size follows from the method, the samples and the number of factors."""
    d, k = spec.design, len(spec.factors)
    need, limit = design_bytes(d.method, d.samples or 0, k, second_order=d.second_order), design_limit_bytes()
    if need <= limit:
        return
    most = max(1, int(d.samples * limit / need)) if d.samples else 1
    raise raw.error(f"design.samples = {d.samples:,}: the {d.method} design over {k} factors would need about "
                    f"{need / 2**20:,.0f} MB to build, more than the {limit / 2**20:,.0f} MB allowed; lower design.samples "
                    f"to at most {most:,}", ("design", "samples"))


def _expand(raw: RawScenario, spec: ExperimentFile, first: Scenario) -> dict[str, Any]:
    """Factors with ``{relative: r}`` turned into ranges, ``prefix.*`` keys into one factor per number below."""
    from sim.scenario.walk import field_at
    from sim.schema import field_bounds

    cfg = None
    out: dict[str, Any] = {}
    for key, given in spec.factors.items():
        values = _factor(raw, key, given)
        if not isinstance(values, Relative):
            if key.endswith(".*"):
                raise raw.error(f"factor '{key}': a '.*' key needs {{relative: r}}", ("factors", key))
            out[key] = values
            continue
        if cfg is None:
            cfg = resolve(first.raw, {**spec.set, **dict(first.set)}, check_memory=False)
        prefix = key.removesuffix(".*")
        try:
            node = _get(cfg, prefix)
        except AttributeError:
            raise raw.error(f"factor '{key}': no scenario key '{prefix}'", ("factors", key)) from None
        leaves = _numbers(node, prefix) if key.endswith(".*") else [(prefix, node)]
        for leaf, v in leaves:
            if isinstance(v, bool) or not isinstance(v, int | float):
                raise raw.error(f"factor '{leaf}' is not a number; a relative range needs one", ("factors", key))
            field = field_at(tuple(leaf.split(".")))
            lo_b, lo_open, hi_b, hi_open = field_bounds(field[1] if field else ())
            lo, hi = v * (1 - values.relative), v * (1 + values.relative)
            lo = max(lo, lo_b + (1e-9 if lo_open else 0.0)) if lo_b is not None else lo
            hi = min(hi, hi_b - (1e-9 if hi_open else 0.0)) if hi_b is not None else hi
            if isinstance(v, int):
                lo, hi = math.ceil(lo), math.floor(hi)
            if hi > lo:
                out[leaf] = Range(low=round(lo, 12), high=round(hi, 12))
    return out


def _factor(raw: RawScenario, key: str, given: Any) -> tuple[Scalar, ...] | Range | Relative:
    """A factor's values: a list, ``{low, high}`` or ``{relative: r}``; one line otherwise."""
    where = ("factors", key)
    if isinstance(given, list):
        bad = [v for v in given if isinstance(v, dict | list) or v is None]
        if bad:
            raise raw.error(f"factor '{key}': values must be numbers, true/false or text, not {bad[0]!r}; expected form: "
                            f"`factors: {{{key}: [0.5, 0.9]}}`", where)
        return tuple(given)
    if isinstance(given, dict):
        model = Relative if "relative" in given else Range
        try:
            return model.model_validate(given)
        except ValidationError as exc:
            err = exc.errors(include_url=False)[0]
            loc = ".".join(str(p) for p in err["loc"])
            detail = err["msg"].removeprefix("Value error, ")
            form = f"{{{key}: {{relative: 0.5}}}}" if model is Relative else f"{{{key}: {{low: 0.1, high: 0.9}}}}"
            raise raw.error(f"factor '{key}'{': ' + loc if loc else ''}: {detail}; expected form: `factors: {form}`",
                            where) from None
    raise raw.error(f"factor '{key}': give a list of values, {{low: ..., high: ...}} or {{relative: ...}}", where)


def _numbers(node: Any, prefix: str) -> list[tuple[str, Any]]:
    """Every number below a scenario section, depth first in schema order."""
    if isinstance(node, BaseModel):
        return [x for name in type(node).model_fields for x in _numbers(getattr(node, name), f"{prefix}.{name}")]
    if isinstance(node, int | float) and not isinstance(node, bool):
        return [(prefix, node)]
    return []


def _check_dotted(raw: RawScenario, spec: ExperimentFile) -> None:
    for section in ("set", "factors"):
        for key in getattr(spec, section):
            if key == "seed" or key.startswith("seed."):
                raise raw.error(f"{section}: 'seed' is set by replications (seeds 0..N-1), not here", (section, key))
            if not key or not all(key.removesuffix(".*").split(".")):
                raise raw.error(f"{section}: {key!r} is not a dotted key path like 'population.residents'", (section, key))


def _scenarios(raw: RawScenario, spec: ExperimentFile, base: Path) -> tuple[tuple[Scenario, ...], tuple[str, ...]]:
    """The scenarios with their names, kept as written, and notes on names taken from a file's stem."""
    entries = [ScenarioEntry(file=e) if isinstance(e, str) else e for e in spec.scenarios]
    out = []
    for i, entry in enumerate(entries):
        path = Path(entry.file) if Path(entry.file).is_absolute() else base / entry.file
        if not path.exists():
            raise raw.error(f"scenarios[{i}]: file not found: {path}", ("scenarios", i))
        sraw = load_raw(path)
        name = entry.name if entry.name is not None else str(sraw.data.get("name") or path.stem)
        out.append((name, entry.name is not None, path, tuple(sorted(entry.set.items())), sraw))
    names, notes = scenario_names(raw, [(n, given, p) for n, given, p, *_ in out])
    return tuple(Scenario(n, p, s, r) for n, (_, _, p, s, r) in zip(names, out)), notes


def scenario_names(raw: RawScenario, entries: Sequence[tuple[str, bool, Path]]) -> tuple[list[str], tuple[str, ...]]:
    """Each scenario's name in tables, never rewritten silently: a name given with ``name:``
    is kept as written (``dp+pa`` stays ``dp+pa``) and must be unique; a name taken from the
    scenario file that another scenario shares becomes the file's stem when that is unique,
    with a note saying so; anything else is refused with the fix."""
    names: list[str] = []
    notes: list[str] = []
    counts: dict[str, int] = {}
    for name, _given, _path in entries:
        counts[name] = counts.get(name, 0) + 1
    for i, (name, given, path) in enumerate(entries):
        where = ("scenarios", i)
        if not name.strip() or any(not c.isprintable() for c in name):
            raise raw.error(f"scenarios[{i}]: name {name!r} must be one line of printable text; expected form: "
                            f"`- {{file: {path.name}, name: strict}}`", where)
        chosen = name
        if not given and counts[name] > 1:
            stems = [p.stem for n, g, p in entries if n == name and not g]
            if stems.count(path.stem) == 1 and path.stem not in counts:
                chosen = path.stem
                notes.append(f"scenarios[{i}] ({path}) is named '{chosen}' after its file: scenario '{name}' appears "
                             "more than once; give it a name with `- {file: ..., name: ...}` to choose another")
        if chosen in names:
            j = names.index(chosen)
            raise raw.error(f"scenarios[{i}]: the name '{chosen}' is already used by scenarios[{j}]; give each scenario "
                            f"its own name, e.g. `- {{file: {path.name}, name: {chosen}-2}}`", where)
        names.append(chosen)
    return names, tuple(notes)


def _get(cfg: Any, key: str) -> Any:
    for part in key.split("."):
        cfg = getattr(cfg, part)
    return cfg
