"""Hypothesis strategies shared by the test modules (one place, Axelrod style)."""

from __future__ import annotations

from typing import Any

from hypothesis import strategies as st
from pydantic.fields import FieldInfo

from sim.mechanisms import REGISTRY
from sim.schema import GROUPS, GroupShares, PopulationConfig, ScenarioConfig, TieConfig, field_bounds


def _bounds(info: FieldInfo) -> tuple[float | None, float | None]:
    """Closed bounds of a field (open bounds nudged inwards)."""
    lo, lo_open, hi, hi_open = field_bounds(info.metadata)
    lo = lo + 1e-3 if lo is not None and lo_open else lo
    hi = hi - 1e-3 if hi is not None and hi_open else hi
    return lo, hi


def _value(name: str, info: FieldInfo, extreme: bool) -> st.SearchStrategy[Any]:
    ann = info.annotation
    lo, hi = _bounds(info)
    if ann is bool:
        return st.booleans()
    if ann is int:
        lo_i, hi_i = int(lo if lo is not None else 0), int(min(hi if hi is not None else 60, 60))
        return st.sampled_from([lo_i, hi_i]) if extreme else st.integers(lo_i, hi_i)
    if ann is float:
        lo_f = float(lo if lo is not None else 0.0)
        hi_f = float(min(hi if hi is not None else 10.0, 50.0))
        return st.sampled_from([lo_f, hi_f]) if extreme else st.floats(lo_f, hi_f, allow_nan=False)
    return st.just(info.get_default(call_default_factory=True))


def mechanism_params(key: str, *, extreme: bool = False) -> st.SearchStrategy[dict[str, Any]]:
    """Parameters of one mechanism, switched on, anywhere in (or at the ends of) their ranges."""
    params = REGISTRY[key].params
    fields = {n: _value(n, f, extreme) for n, f in params.model_fields.items() if n not in ("enabled", "timeline")}
    if key == "events":
        fields["timeline"] = st.lists(st.one_of(
            st.fixed_dictionaries({
                "day": st.integers(0, 30),
                "kind": st.just("emotional_climate"),
                "magnitude": st.floats(-1, 3) if not extreme else st.sampled_from([-1.0, 10.0]),
                "duration_days": st.integers(1, 20),
            }),
            st.fixed_dictionaries({
                "day": st.integers(0, 30),
                "kind": st.sampled_from(["crisis", "demolition"]),
                "magnitude": st.floats(0, 3) if not extreme else st.sampled_from([0.0, 10.0]),
                "duration_days": st.integers(1, 20),
            })), max_size=3)
    return st.fixed_dictionaries({"enabled": st.just(True), **fields})


@st.composite
def mechanism_sets(draw: st.DrawFn, *, extreme: bool = False) -> dict[str, Any]:
    """A random subset of mechanisms, each with random parameters."""
    keys = draw(st.lists(st.sampled_from(sorted(REGISTRY)), unique=True, max_size=len(REGISTRY)))
    return {k: draw(mechanism_params(k, extreme=extreme)) for k in keys}


@st.composite
def every_mechanism(draw: st.DrawFn) -> dict[str, Any]:
    """Every mechanism on, each at any allowed intensity (null variants included)."""
    return {k: draw(mechanism_params(k)) for k in sorted(REGISTRY)}


@st.composite
def resource_configs(draw: st.DrawFn) -> ScenarioConfig:
    """Small scenarios with every mechanism on and the pools anywhere from scarce to ample."""
    return ScenarioConfig(
        seed=draw(st.integers(0, 2**32)),
        days=draw(st.integers(3, 20)),
        population={"residents": draw(st.integers(50, 600)), "party_member_share": draw(st.floats(0, 0.3))},
        issues={"rate_per_resident_day": draw(st.floats(0.0, 0.05))},
        capacity={
            "grid_worker_hours_per_day": draw(st.floats(0, 8)),
            "community_staff_hours_per_day": draw(st.floats(0, 20)),
            "street_staff_hours_per_10k": draw(st.floats(0, 40)),
            "department_hours_per_10k": draw(st.floats(0, 30)),
            "member_hours_per_year": draw(st.floats(0, 200)),
            "community_budget_per_day": draw(st.floats(0, 3)),
            "street_budget_per_10k": draw(st.floats(0, 10)),
        },
        mechanisms=draw(every_mechanism()),
    )


@st.composite
def small_configs(draw: st.DrawFn, *, extreme: bool = False) -> ScenarioConfig:
    """Small, quick scenarios: a few hundred residents, a few weeks, random mechanisms."""
    return ScenarioConfig(
        seed=draw(st.integers(0, 2**32)),
        days=draw(st.integers(3, 25)),
        population={
            "residents": draw(st.integers(20, 400)),
            "party_member_share": draw(st.floats(0, 0.3)),
        },
        issues={"rate_per_resident_day": draw(st.floats(0.0, 0.05)),
                "outside_authority_share": draw(st.sampled_from([0.0, 0.3]))},
        capacity={"handoff_days": draw(st.floats(0, 5)), "routing_accuracy": draw(st.floats(0, 1)),
                  "duties_from_above_share": draw(st.sampled_from([0.0, 0.5])),
                  "duty_priority": draw(st.floats(0, 1)), "reply_closure": draw(st.sampled_from([0.0, 0.5]))},
        mechanisms=draw(mechanism_sets(extreme=extreme)),
    )


def tiny(**overrides: Any) -> ScenarioConfig:
    """A fixed small scenario for example-based tests."""
    base: dict[str, Any] = {"days": 30, "seed": 1, "population": {"residents": 400}}
    base.update(overrides)
    return ScenarioConfig(**base)


@st.composite
def population_configs(draw: st.DrawFn) -> tuple[PopulationConfig, float]:
    """Random population structures (and households per grid worker), degenerate ones included."""
    weights = draw(st.lists(st.integers(0, 10), min_size=4, max_size=4).filter(lambda w: sum(w) > 0))
    total = sum(weights)
    shares = dict(zip(GROUPS, (w / total for w in weights), strict=True))
    ties = TieConfig(
        building_degree=draw(st.floats(0, 10)),
        compound_degree=draw(st.floats(0, 10)),
        community_degree=draw(st.floats(0, 10)),
        long_range_degree=draw(st.floats(0, 5)),
        household_strength=draw(st.floats(0, 1)),
        building_strength=draw(st.floats(0, 1)),
        compound_strength=draw(st.floats(0, 1)),
        community_strength=draw(st.floats(0, 1)),
        long_range_strength=draw(st.floats(0, 1)),
    )
    cfg = PopulationConfig(
        residents=draw(st.integers(10, 2_000)),
        household_size=draw(st.floats(1.0, 8.0)),
        households_per_building=draw(st.integers(1, 40)),
        buildings_per_compound=draw(st.integers(1, 10)),
        compounds_per_community=draw(st.integers(1, 6)),
        communities_per_area=draw(st.integers(1, 4)),
        group_shares=GroupShares(**shares),
        party_member_share=draw(st.floats(0, 1)),
        ties=ties,
    )
    return cfg, draw(st.floats(50, 1_000))


# --------------------------------------------------------------------------- experiments

#: Scenario keys safe to vary in small experiment tests (numbers with a range).
FACTOR_KEYS: tuple[str, ...] = ("capacity.routing_accuracy", "capacity.resolve_quality", "behaviour.trust_learning_rate",
                                "capacity.retry_days", "behaviour.voice_weight")


@st.composite
def factorial_factors(draw: st.DrawFn) -> dict[str, list[Any]]:
    """One to three factors with one to four distinct values each (integers for integer keys)."""
    keys = draw(st.lists(st.sampled_from(FACTOR_KEYS), min_size=1, max_size=3, unique=True))
    out: dict[str, list[Any]] = {}
    for k in keys:
        if k == "capacity.retry_days":
            out[k] = draw(st.lists(st.integers(1, 30), min_size=1, max_size=4, unique=True))
        else:
            out[k] = draw(st.lists(st.floats(0.0, 1.0, allow_nan=False).map(lambda x: round(x, 3)), min_size=1, max_size=4, unique=True))
    return out


@st.composite
def sampled_factors(draw: st.DrawFn) -> dict[str, dict[str, float]]:
    """One to four factors with a {low, high} range inside the key's allowed range."""
    keys = draw(st.lists(st.sampled_from(FACTOR_KEYS), min_size=1, max_size=4, unique=True))
    out = {}
    for k in keys:
        top = 30.0 if k == "capacity.retry_days" else 1.0
        lo = draw(st.floats(1.0 if top > 1 else 0.0, top / 2, allow_nan=False))
        out[k] = {"low": round(lo, 3), "high": round(draw(st.floats(lo + 0.01 * top, top, allow_nan=False)), 3)}
    return out


@st.composite
def targets(draw: st.DrawFn) -> dict[str, Any]:
    """A calibration target entry (sim.calibration.targets.Target fields) with a share value and tolerance."""
    value = draw(st.floats(0, 1, allow_nan=False))
    return {"id": "t", "figure": "a figure", "value": value, "unit": "share", "year": 2020,
            "regime": draw(st.sampled_from(["community_system", "party_led_full"])), "source": "a source",
            "maps_to": "resolution_rate_reported", "mapping": "the mapping", "use": "calibration",
            "tolerance": draw(st.floats(0.001, 0.2, allow_nan=False)),
            "comparison": draw(st.sampled_from(["within", "at_least", "at_most"]))}
