"""Calibration targets (``experiments/targets.yaml``): the public figures, read and checked
like every govsim file, and how each is compared with the model.

A target maps a published figure to a registered outcome (``maps_to``, :mod:`sim.outcomes.registry`) in
a regime (a scenario file named in the file's ``calibration`` section), with a tolerance in
the figure's unit. Its ``use`` says what the calibration does with it:

* ``calibration``: in the distance the search minimises, unless ``input_check`` (the figure
  sets an input no behavioural parameter moves: reported, not fitted);
* ``validation``: held out, reported at the calibrated values;
* ``resource_anchor``: an input (the size of a pool), reported as such, never compared.

A figure whose outcome the registry lacks (``new_outcome: true``) has no model value and is
reported as not reachable by the model's definitions. ``reading`` says which part of a run is
compared (:meth:`Target.read`). Bad input ends with one line naming file, line, key path and
fix (:class:`sim.errors.ScenarioError`), as for scenarios and experiments.
"""

from __future__ import annotations

import difflib
import math
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import numpy as np
from pydantic import BaseModel, ConfigDict, Field, model_validator

from sim.errors import ScenarioError
from sim.outcomes.registry import REGISTRY
from sim.scenario.loading import RawScenario, load_raw, read_yaml, resolve, validate_model
from sim.sweep.experiment import Range

__all__ = ["HANDLER_KEYS", "RESIDENT_KEYS", "Calibration", "HistoryMatching", "Posterior", "Target", "Targets", "load_targets", "rms"]

#: Free parameters outside ``behaviour`` that are residents' behaviour too (how long they wait).
RESIDENT_KEYS: tuple[str, ...] = ("issues.patience_days", "issues.latent_lifetime_days")
#: Handlers' parameters that history matching (``calibration.history.handlers``) may free: how
#: handlers work (success, pressure, passing, hours, priorities, duties from above, replies) and
#: what lies outside the street's authority, shared by both regimes, which
#: differ only in their mechanisms. Pool sizes and budgets stay fixed.
HANDLER_KEYS: tuple[str, ...] = (
    "capacity.resolve_quality", "capacity.buck_passing", "capacity.false_closure_pressure", "capacity.pressure_days",
    "capacity.routing_accuracy", "capacity.feedback_probability", "capacity.handoff_days", "capacity.duty_priority",
    "capacity.reply_closure", "capacity.community_staff_hours_per_day", "capacity.grid_worker_hours_per_day",
    "capacity.case_hours.building", "capacity.case_hours.compound", "capacity.case_hours.community",
    "capacity.case_hours.area", "capacity.case_hours.street", "capacity.case_hours.department",
    "capacity.duties_from_above_share", "issues.outside_authority_share",
)
_SNAKE = r"^[a-z][a-z0-9]*(_[a-z0-9]+)*$"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Target(_Strict):
    """One public figure and the model quantity it is compared with."""

    id: str = Field(pattern=_SNAKE, description="Unique snake_case id.")
    figure: str = Field(min_length=1, description="What the figure is, as published.")
    value: float = Field(description="The figure (shares as fractions).")
    unit: str = Field(min_length=1, description="Unit of value and tolerance.")
    year: int | None = Field(None, ge=1990, le=2100, description="Calendar year.")
    period: str | None = Field(None, description="Month, range or 'not stated' when there is no year.")
    regime: Literal["community_system", "party_led_full"] = Field(description="The regime the figure speaks for.")
    series: str | None = Field(None, description="Time series the figure belongs to.")
    source: str = Field(min_length=1, description="Who published it, as quoted.")
    maps_to: str = Field(pattern=_SNAKE, description="The registered outcome compared with it.")
    mapping: str = Field(min_length=1, description="Which model quantity this is and what does not match.")
    use: Literal["calibration", "validation", "resource_anchor"] = Field(description="Fitted, held out or an input.")
    tolerance: float = Field(ge=0, description="Absolute tolerance in the figure's unit.")
    tolerance_reason: str | None = Field(None, description="Why the tolerance departs from the rule.")
    comparison: Literal["within", "at_least", "at_most"] = Field("within", description="Level, floor or ceiling.")
    range: tuple[float, float] | None = Field(None, description="Published range; value is its midpoint.")
    new_outcome: bool = Field(False, description="The registry lacks the outcome (not reachable).")
    derived_from: dict[str, float] | None = Field(None, description="Numbers the value was derived from.")
    reading: Literal["steady", "first_year"] = Field("steady", description="Which part of a run is compared.")
    input_check: bool = Field(False, description="The figure sets an input: reported, not in the distance.")

    @property
    def mapped(self) -> bool:
        """Compared with a model outcome (not an anchor, and the registry has the outcome)."""
        return self.use != "resource_anchor" and not self.new_outcome and self.maps_to in REGISTRY

    @property
    def in_distance(self) -> bool:
        """Part of the distance the calibration minimises."""
        return self.use == "calibration" and self.mapped and not self.input_check

    def within(self, x: float) -> bool:
        """Whether the model value ``x`` meets the figure within tolerance (at most one
        tolerance away; above a floor or below a ceiling counts as no gap)."""
        return math.isfinite(x) and abs(self.z(x)) <= 1 + 1e-9

    def z(self, x: float) -> float:
        """Distance of ``x`` from the figure in tolerances (signed; 0 inside a floor or ceiling)."""
        gap = x - self.value
        if (self.comparison == "at_least" and gap > 0) or (self.comparison == "at_most" and gap < 0):
            gap = 0.0
        return gap / self.tolerance if self.tolerance > 0 else (0.0 if gap == 0 else math.copysign(math.inf, gap))

    def read(self, summary: Mapping[str, float], daily: np.ndarray | None) -> float:
        """The model's value in one run: ``first_year`` the run's value over its whole measured
        year (its summary); ``steady`` the mean of the daily 30-day values over the second half
        of the run (the steady, or mature, state)."""
        if self.reading == "first_year" or daily is None:
            return float(summary[self.maps_to])
        tail = np.asarray(daily, dtype=np.float64)[len(daily) // 2:]
        tail = tail[np.isfinite(tail)]
        return float(tail.mean()) if len(tail) else math.nan


class Note(_Strict):
    """A figure that cannot be compared with any model quantity, and why."""

    id: str = Field(pattern=_SNAKE)
    figure: str
    value: float | None
    unit: str
    year: int | None = None
    period: str | None = None
    regime: Literal["community_system", "party_led_full"]
    source: str
    reason: str = Field(min_length=1)


class Posterior(_Strict):
    """How ``govsim calibrate --method history`` samples the posterior inside the non-implausible
    region and checks it with model runs (:mod:`sim.calibration.posterior`)."""

    chains: int = Field(4, ge=2, le=64, description="Independent Metropolis chains (at least two, for the split R-hat).")
    steps: int = Field(4000, ge=100, le=10_000_000, description="Steps a chain, burn-in included.")
    burn: int = Field(1000, ge=0, le=9_999_999, description="Steps a chain discards at its start.")
    thin: int = Field(1, ge=1, le=10_000, description="Keep every thin-th step after the burn-in (the statistics use the kept draws).")
    seed: int = Field(0, ge=0, le=2**32 - 1, description="Seed of the chains' starts and proposals.")
    draws: int = Field(20, ge=0, le=10_000, description="Posterior draws run through the model for the predictive checks (0: none).")
    draw_seeds: int = Field(2, ge=1, le=1000, description="Seeds per posterior draw and regime.")
    fit_seeds: int = Field(10, ge=2, le=1000, description="Seeds of the fit at the posterior medians.")
    set: dict[str, Any] = Field(default_factory=dict, description=(
        "Overrides of the checks' runs over calibration.set (the reported scale, e.g. population.residents: 10000); "
        "the command line's --set wins over both."))

    @model_validator(mode="after")
    def _burn_below_steps(self) -> Posterior:
        if self.burn >= self.steps:
            raise ValueError(f"burn ({self.burn}) must be smaller than steps ({self.steps})")
        return self


class HistoryMatching(_Strict):
    """How ``govsim calibrate --method history`` runs its waves (:mod:`sim.calibration.history`)."""

    handlers: dict[str, Range] = Field(default_factory=dict, description="Handlers' parameters free besides calibration.free.")
    targets: list[str] | None = Field(None, min_length=1, description="Ids of the matched targets (default: the distance targets).")
    match: list[str] | None = Field(None, min_length=1, description=(
        "Regimes whose figures are matched (default: every regime). The other distance targets are emulated and "
        "predicted, not matched: fitting the pre-reform regime alone predicts the reform out of sample."))
    posterior: Posterior | None = Field(None, description="The posterior inside a non-empty region and its checks.")
    waves: int = Field(4, ge=1, le=50, description="Most waves.")
    points: int = Field(60, ge=4, le=100_000, description="Design points per wave.")
    seeds: int = Field(2, ge=1, le=1000, description="Seeds per point and regime (replicates give the seed variance).")
    candidates: int = Field(20_000, ge=100, le=5_000_000, description="Latin-hypercube candidates a wave screens.")
    cutoff: float = Field(3.0, gt=0, le=100, description="Implausibility cutoff (3: Pukelsheim's three-sigma rule).")
    rank: Literal["max", "second"] = Field("max", description="Implausibility over targets: its maximum or second maximum.")
    discrepancy: float = Field(1 / 3, ge=0, le=100, description="Model-discrepancy SD in tolerances (1/3: cutoff 3 = tolerance).")
    discrepancy_sd: dict[str, float] = Field(default_factory=dict, description="Per-target discrepancy SDs (figure units).")
    observation_sd: float = Field(0.003, ge=0, le=1e6, description="Observation-error SD of a figure (rounding to 1%).")
    min_shrink: float = Field(0.1, ge=0, lt=1, description="Stop once a wave shrinks the region by less than this share.")
    design_seed: int = Field(0, ge=0, le=2**32 - 1, description="Seed of the designs and candidates.")
    maps_to: dict[str, str] = Field(default_factory=dict, description=(
        "Target id -> the outcome history matching compares it with, where the measurement model gives a better "
        "reading than the target's own maps_to (kept for the ABC's curated fit): the hotline's figures are callbacks."))


class Calibration(_Strict):
    """How ``govsim calibrate`` searches: regimes, free parameters, budget."""

    scenarios: dict[str, str] = Field(min_length=1, description="Regime -> scenario file (relative to this file).")
    set: dict[str, Any] = Field(default_factory=dict, description="Overrides for every run (dotted key paths).")
    free: dict[str, Range] = Field(min_length=1, description="Free behavioural parameters and their uniform priors.")
    samples: int = Field(300, ge=1, le=1_000_000, description="Prior draws (Latin hypercube).")
    seeds: int = Field(1, ge=1, le=1000, description="Seeds per draw and regime (common random numbers).")
    accept: float = Field(0.1, gt=0, le=1, description="Share of draws accepted (the closest).")
    fit_seeds: int = Field(10, ge=2, le=1000, description="Seeds of the fit at the calibrated values.")
    design_seed: int = Field(0, ge=0, le=2**32 - 1, description="Seed of the Latin hypercube.")
    history: HistoryMatching | None = Field(None, description="Settings of --method history (sim.calibration.history).")


class TargetsFile(_Strict):
    targets: list[Target] = Field(min_length=1)
    notes: list[Note] = Field(default_factory=list)
    calibration: Calibration | None = None


@dataclass(frozen=True)
class Targets:
    """A checked targets file: entries, notes, the calibration section and the regimes'
    scenario files (resolved against the file's folder)."""

    path: Path
    targets: tuple[Target, ...]
    notes: tuple[Note, ...]
    calibration: Calibration | None
    scenarios: dict[str, Path]
    raw: RawScenario

    def of(self, regime: str, *, use: tuple[str, ...] = ("calibration", "validation")) -> list[Target]:
        """Mapped targets of ``regime`` with one of the uses."""
        return [t for t in self.targets if t.regime == regime and t.use in use and t.mapped]

    @property
    def distance_targets(self) -> list[Target]:
        return [t for t in self.targets if t.in_distance]


def rms(z: np.ndarray) -> np.ndarray:
    """Root mean square over the last axis: the calibration distance of z-scores."""
    return np.sqrt(np.mean(np.square(z), axis=-1))


def load_targets(path: str | Path) -> Targets:
    """Read and check a targets file; raises ScenarioError (one line) for anything wrong."""
    raw = read_yaml(path)
    spec = validate_model(raw, TargetsFile)
    seen: set[str] = set()
    for section, entries in (("targets", spec.targets), ("notes", spec.notes)):
        for i, e in enumerate(entries):
            if e.id in seen:
                raise raw.error(f"{section}[{i}].id: duplicate id '{e.id}'; ids must be unique", (section, i, "id"))
            seen.add(e.id)
    for i, t in enumerate(spec.targets):
        if t.use != "resource_anchor" and not t.new_outcome and t.maps_to not in REGISTRY:
            guess = difflib.get_close_matches(t.maps_to, REGISTRY, n=1)
            hint = f"did you mean '{guess[0]}'?" if guess else "mark new_outcome: true if the model has no such quantity"
            raise raw.error(f"targets[{i}].maps_to: unknown outcome '{t.maps_to}'; {hint}", ("targets", i, "maps_to"))
    scenarios: dict[str, Path] = {}
    if spec.calibration is not None:
        scenarios = _check_calibration(raw, spec, Path(path).parent)
    return Targets(Path(path), tuple(spec.targets), tuple(spec.notes), spec.calibration, scenarios, raw)


def _check_calibration(raw: RawScenario, spec: TargetsFile, base: Path) -> dict[str, Path]:
    """Scenario files exist and cover every compared regime; free keys are residents'
    behaviour and their ranges load."""
    cal = spec.calibration
    assert cal is not None
    scenarios = {}
    for regime, file in cal.scenarios.items():
        p = Path(file) if Path(file).is_absolute() else base / file
        if not p.is_file():
            raise raw.error(f"calibration.scenarios.{regime}: file not found: {p}", ("calibration", "scenarios", regime))
        scenarios[regime] = p
    for i, t in enumerate(spec.targets):
        if t.mapped and t.regime not in scenarios:
            raise raw.error(f"targets[{i}].regime: '{t.regime}' has no scenario; add it under calibration.scenarios",
                            ("targets", i, "regime"))
    first = load_raw(next(iter(scenarios.values())))
    for key, prior in cal.free.items():
        where = ("calibration", "free", key)
        if not (key.startswith("behaviour.") or key in RESIDENT_KEYS):
            raise raw.error(f"calibration.free: '{key}' is not a behavioural parameter; only behaviour.* and "
                            f"{', '.join(RESIDENT_KEYS)} may be free (the regimes' institutions and resources stay fixed)",
                            where)
        if key in cal.set:
            raise raw.error(f"calibration.free: '{key}' is also under calibration.set; a free parameter is searched, "
                            "not set", where)
        for bound in (prior.low, prior.high):
            try:
                resolve(first, {**cal.set, key: bound}, check_memory=False)
            except ScenarioError as exc:
                raise raw.error(f"calibration.free.{key}: {exc.detail}", where) from None
    try:
        resolve(first, cal.set, check_memory=False)
    except ScenarioError as exc:
        raise raw.error(f"calibration.set: {exc.detail}", ("calibration", "set")) from None
    if cal.history is not None:
        _check_history(raw, spec, first)
    return scenarios


def _check_history(raw: RawScenario, spec: TargetsFile, first: RawScenario) -> None:
    """``calibration.history``: handler keys among :data:`HANDLER_KEYS` with loading ranges,
    matched and discrepancy ids among the distance targets."""
    cal = spec.calibration
    assert cal is not None and cal.history is not None
    h = cal.history
    for key, prior in h.handlers.items():
        where = ("calibration", "history", "handlers", key)
        if key not in HANDLER_KEYS:
            guess = difflib.get_close_matches(key, HANDLER_KEYS, n=1)
            hint = f"did you mean '{guess[0]}'?" if guess else f"choose among {', '.join(HANDLER_KEYS)}"
            raise raw.error(f"calibration.history.handlers: '{key}' is not a handler parameter history matching may free; {hint}",
                            where)
        if key in cal.set or key in cal.free:
            raise raw.error(f"calibration.history.handlers: '{key}' is also under calibration.set or calibration.free", where)
        for bound in (prior.low, prior.high):
            try:
                resolve(first, {**cal.set, key: bound}, check_memory=False)
            except ScenarioError as exc:
                raise raw.error(f"calibration.history.handlers.{key}: {exc.detail}", where) from None
    fitted = [t.id for t in spec.targets if t.in_distance]
    compared = [t.id for t in spec.targets if t.mapped]
    for tid, outcome in h.maps_to.items():
        where = ("calibration", "history", "maps_to", tid)
        if tid not in compared:
            guess = difflib.get_close_matches(tid, compared, n=1)
            hint = f"did you mean '{guess[0]}'?" if guess else "choose a calibration or validation target with a model outcome"
            raise raw.error(f"calibration.history.maps_to: '{tid}' is not a target compared with the model; {hint}", where)
        if outcome not in REGISTRY:
            guess = difflib.get_close_matches(outcome, REGISTRY, n=1)
            hint = f"did you mean '{guess[0]}'?" if guess else "see docs/data-dictionary.md for the outcomes"
            raise raw.error(f"calibration.history.maps_to.{tid}: unknown outcome '{outcome}'; {hint}", where)
    if h.posterior is not None and h.posterior.set:
        try:
            resolve(first, {**cal.set, **h.posterior.set}, check_memory=False)
        except ScenarioError as exc:
            raise raw.error(f"calibration.history.posterior.set: {exc.detail}", ("calibration", "history", "posterior", "set")) from None
    for i, regime in enumerate(h.match or []):
        if regime not in cal.scenarios:
            raise raw.error(f"calibration.history.match: unknown regime '{regime}'; choose among {', '.join(cal.scenarios)}",
                            ("calibration", "history", "match", i))
    for name, ids in (("targets", h.targets or []), ("discrepancy_sd", list(h.discrepancy_sd))):
        for i, tid in enumerate(ids):
            if tid not in fitted:
                guess = difflib.get_close_matches(tid, fitted, n=1)
                hint = f"did you mean '{guess[0]}'?" if guess else f"choose among {', '.join(fitted)}"
                raise raw.error(f"calibration.history.{name}: '{tid}' is not a calibration target in the distance; {hint}",
                                ("calibration", "history", name, *((i,) if name == "targets" else (tid,))))
