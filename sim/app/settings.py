"""Controls generated from the schema: one :class:`Control` per scenario key the page lets
students move, with its kind, default, range and description read from the pydantic
fields (``sim.schema`` and each mechanism's ``Params``), so nothing is written twice.

A change makes a new validated ``ScenarioConfig`` (:func:`with_value`; from a control,
:func:`apply_value`, which first holds the value to the control's own range, e.g. the app's
limit on residents); a refused value raises :class:`SettingError` with one line naming the
range.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, Literal, get_args, get_origin

from pydantic import BaseModel, ValidationError

from sim.mechanisms import REGISTRY
from sim.scenario.walk import info_at, without_none
from sim.schema import Bounds, ScenarioConfig, field_bounds

__all__ = ["APP_MAX_RESIDENTS", "COUNT_WORDS", "Control", "SettingError", "apply_value", "app_range", "controls_of", "get_value",
           "mechanism_controls", "run_controls", "with_value"]

Kind = Literal["switch", "int", "float", "choice", "fixed"]
Path = tuple[str, ...]

#: Largest population one browser session may run (the server holds many sessions at once;
#: bigger streets are for ``govsim run``).
APP_MAX_RESIDENTS = 100_000
#: Scenario keys shown under "run" (the rest of a scenario comes from its file).
RUN_KEYS: tuple[Path, ...] = (("seed",), ("days",), ("population", "residents"))
#: Largest integer range shown as a slider (wider ranges get a number field).
SLIDER_INT_SPAN = 400
#: A number parameter named ``<...these>_per_<...>`` counts things (visits, ties ...): its
#: slider moves in whole steps even when the schema allows fractions (an average).
COUNT_WORDS: tuple[str, ...] = ("visits", "ties", "contacts", "households", "sessions", "meetings", "members", "residents")


class SettingError(ValueError):
    """A value the schema refuses, explained on one line."""


@dataclass(frozen=True)
class Control:
    """One scenario key as a control: what kind, its default, range and description."""

    path: Path
    kind: Kind
    default: Any
    bounds: Bounds
    description: str
    choices: tuple[Any, ...] = ()

    @property
    def key(self) -> str:
        """Dotted key, as in a scenario file (``mechanisms.supervision.audit_rate``)."""
        return ".".join(self.path)

    @property
    def slider(self) -> bool:
        """Whether a slider fits: a number with both ends bounded, not too many integers, and
        a default on the slider's grid (else a number field, which takes any allowed value)."""
        lo, hi = self.bounds.lo, self.bounds.hi
        if self.kind not in ("int", "float") or lo is None or hi is None:
            return False
        if self.kind == "int":
            return hi - lo <= SLIDER_INT_SPAN
        return _on_grid(float(self.default), self.step)

    def slider_for(self, value: Any) -> bool:
        """Whether a slider can show ``value`` (the control fits one and the value is on its grid)."""
        return self.slider and _on_grid(float(value), self.step)

    @property
    def count_like(self) -> bool:
        """Whether the parameter counts things (an integer, or a number named after what it
        counts with a whole default, e.g. ``ties_per_attendee``)."""
        if self.kind == "int":
            return True
        counted = self.path[-1].split("_per_")[0].split("_")
        return self.kind == "float" and any(w in COUNT_WORDS for w in counted) and float(self.default).is_integer()

    @property
    def step(self) -> float:
        """Slider step: 1 for integers and counts; else the coarsest power of ten from 1/100
        down to 1/1000 of the range that has the default on its grid."""
        if self.count_like or self.bounds.lo is None or self.bounds.hi is None:
            return 1
        span = self.bounds.hi - self.bounds.lo
        if span <= 0:
            return 0.01
        step = 10.0 ** math.floor(math.log10(span / 100))
        while not _on_grid(float(self.default), step) and step / 10 >= span / 1000 * (1 - 1e-9):
            step /= 10
        return step

    def range_text(self) -> str:
        """``[0, 1]``, ``(0, 200]``, ``≥ 0`` or ``""``: the range the schema allows."""
        b = self.bounds
        if b.lo is not None and b.hi is not None:
            return f"{'(' if b.lo_open else '['}{_num(b.lo)}, {_num(b.hi)}{')' if b.hi_open else ']'}"
        if b.lo is not None:
            return f"{'>' if b.lo_open else '≥'} {_num(b.lo)}"
        if b.hi is not None:
            return f"{'<' if b.hi_open else '≤'} {_num(b.hi)}"
        return ""


    def allows(self, value: float) -> bool:
        """Whether ``value`` is inside the control's range."""
        b = self.bounds
        if b.lo is not None and (value < b.lo or (b.lo_open and value == b.lo)):
            return False
        return not (b.hi is not None and (value > b.hi or (b.hi_open and value == b.hi)))


def _on_grid(value: float, step: float) -> bool:
    ticks = value / step
    return abs(ticks - round(ticks)) < 1e-6


def _num(x: float) -> str:
    if isinstance(x, int) or (float(x).is_integer() and abs(x) >= 1000):
        return f"{int(x):,}"
    return f"{x:g}"


def _control(path: Path, info: Any, *, hi: float | None = None) -> Control:
    ann = without_none(info.annotation)
    bounds = field_bounds(info.metadata)
    if hi is not None and (bounds.hi is None or hi < bounds.hi):
        bounds = bounds._replace(hi=hi, hi_open=False)
    choices: tuple[Any, ...] = ()
    if ann is bool:
        kind: Kind = "switch"
    elif ann is int:
        kind = "int"
    elif ann is float:
        kind = "float"
    elif get_origin(ann) is Literal:
        kind, choices = "choice", get_args(ann)
    else:
        kind = "fixed"
    return Control(path, kind, info.get_default(call_default_factory=True), bounds, info.description or "", choices)


def run_controls() -> list[Control]:
    """Seed, days and residents (capped at :data:`APP_MAX_RESIDENTS`)."""
    caps = {("population", "residents"): APP_MAX_RESIDENTS}
    return [_control(p, info_at(p), hi=caps.get(p)) for p in RUN_KEYS]


def controls_of(params: type[BaseModel], prefix: Path) -> list[Control]:
    """A control per field of a parameter model, in declaration order, whatever its fields."""
    return [_control((*prefix, name), info) for name, info in params.model_fields.items()]


def mechanism_controls(key: str) -> list[Control]:
    """A control per parameter of mechanism ``key`` (``enabled`` first)."""
    return controls_of(REGISTRY[key].params, ("mechanisms", key))


def app_range(path: Path) -> str:
    """The range the app allows for run key ``path`` (``""``: not a run key)."""
    return next((c.range_text() for c in run_controls() if c.path == path), "")


def apply_value(cfg: ScenarioConfig, control: Control, value: Any) -> ScenarioConfig:
    """:func:`with_value` for a control: a number outside the control's range (which may be
    narrower than the schema's, e.g. residents) is refused naming that range."""
    if control.kind in ("int", "float") and not control.allows(value):
        if control.path == ("population", "residents"):
            raise SettingError(f"{control.key} = {_num(value)}: outside the app's allowed range {control.range_text()} "
                               "(use 'govsim run' for bigger streets)")
        raise SettingError(f"{control.key} = {_num(value)}: outside the allowed range {control.range_text()}")
    return with_value(cfg, control.path, value)


def get_value(cfg: BaseModel, path: Path) -> Any:
    """The value at ``path`` in a config."""
    value: Any = cfg
    for part in path:
        value = getattr(value, part)
    return value


def with_value(cfg: ScenarioConfig, path: Path, value: Any) -> ScenarioConfig:
    """A new validated config with ``path`` set to ``value``; SettingError if refused."""
    if get_value(cfg, path) == value:
        return cfg
    data = cfg.model_dump()
    node = data
    for part in path[:-1]:
        node = node[part]
    node[path[-1]] = value
    try:
        return ScenarioConfig.model_validate(data)
    except ValidationError as exc:
        err = exc.errors()[0]
        where = ".".join(str(p) for p in err["loc"]) or ".".join(path)
        raise SettingError(f"{where}: {err['msg']}") from None
