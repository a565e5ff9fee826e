"""Each mechanism moves what its rule targets, through the rule and nothing else:

* switched on, it moves its target in the stated direction for every seed (common random
  numbers, paired seed by seed);
* its null variant (on, paying its costs, rule off) does not: the effect vanishes;
* both the mechanism and its null variant spend hours or budget on the uses its rule names;
* a null variant made cost-free leaves every table identical to the baseline's (a
  mechanism draws only from its own random stream, so the core's draws never shift);
* no mechanism breaks the invariants at the extremes of its ranges, alone or in random
  combinations, and none changes the population.

Configs are small (1,500 residents, 90 days) and runs are cached per worker, so baselines
are shared between tests.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings

from sim.contacts import COVERAGE_TIE, OUTREACH_TIE
from sim.issues import Status
from sim.mechanisms import REGISTRY
from sim.mechanisms.base import Target
from sim.model import GovernanceModel
from sim.run import RunResult, run
from sim.schema import ScenarioConfig
from tests.invariants import check_invariants
from tests.measures import measure, spent
from tests.strategies import mechanism_params, small_configs

SEEDS = (0, 1, 2)


# --------------------------------------------------------------------------- running
def config(seed: int, *, residents: int = 1500, days: int = 90, mechanisms: dict[str, Any] | None = None,
           **sections: Any) -> ScenarioConfig:
    """A small street; ``sections`` are schema sections (``capacity={...}``, ``issues={...}``)."""
    return ScenarioConfig(seed=seed, days=days, population={"residents": residents},
                          mechanisms=mechanisms or {}, **sections)


@lru_cache(maxsize=512)
def _run_json(cfg_json: str) -> RunResult:
    return run(ScenarioConfig.model_validate_json(cfg_json), keep_model=True)


def simulate(cfg: ScenarioConfig) -> RunResult:
    """Run ``cfg`` (cached per worker: baselines are shared between tests)."""
    return _run_json(cfg.model_dump_json())


# --------------------------------------------------------------------------- targets
@dataclass(frozen=True)
class Case:
    """A target a mechanism declares (``MECHANISM.targets``), run on its small street."""

    key: str
    target: Target

    @property
    def id(self) -> str:
        return f"{self.key}-{self.target.measure}"

    def config(self, seed: int, variant: str) -> ScenarioConfig:
        """``variant``: "off", "on" or "null"."""
        t = self.target
        mech = {} if variant == "off" else {self.key: {"enabled": True, "null_variant": variant == "null", **t.params}}
        return config(seed, residents=t.residents, days=t.days, mechanisms=mech, **t.sections)

    def values(self, variant: str) -> np.ndarray:
        f = measure(self.target.measure)
        return np.array([f(simulate(self.config(s, variant))) for s in SEEDS])


def _declared(key: str, what: str) -> Any:
    """A mechanism's declaration, or a one-line failure naming its module and what is missing."""
    mech = REGISTRY[key]
    value = getattr(mech, what)
    if what == "targets" and not value:
        pytest.fail(f"{mech.module} declares no targets: add MECHANISM.targets=(Target('<measure>', +1 or -1), ...)")
    if what == "costs" and not value and not mech.spends_nothing:
        pytest.fail(f"{mech.module} declares no costs: add MECHANISM.costs={{('<pool>', '<use>'): <paid by its null "
                    "variant>}} or spends_nothing='<why>'")
    if what == "free" and not value:
        pytest.fail(f"{mech.module} declares no free parameters: add MECHANISM.free={{<parameter>: 0.0}} (values that "
                    "make its null variant cost nothing)")
    return value


CASES: tuple[Case, ...] = tuple(Case(key, t) for key, m in REGISTRY.items() for t in m.targets)


@pytest.mark.parametrize("key", sorted(REGISTRY))
def test_every_mechanism_declares_its_targets_costs_and_free_parameters(key: str) -> None:
    for what in ("targets", "costs", "free"):
        _declared(key, what)
    for t in REGISTRY[key].targets:
        measure(t.measure)  # a clear error if no instrument has that name
        assert t.direction in (-1, 1), f"{REGISTRY[key].module}: Target('{t.measure}') direction must be +1 or -1"


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.id)
def test_mechanism_moves_its_target(case: Case) -> None:
    """Switching the mechanism on moves its target in the stated direction for every seed."""
    off, on = case.values("off"), case.values("on")
    assert np.all(np.sign(on - off) == case.target.direction), f"{case.id}: off {off}, on {on}"


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.id)
def test_rule_beats_its_null_variant(case: Case) -> None:
    """The behavioural rule, not what it costs, moves the target: against its null variant
    (same costs, rule off) the mechanism moves it the stated way for every seed."""
    null, on = case.values("null"), case.values("on")
    assert np.all(np.sign(on - null) == case.target.direction), f"{case.id}: null {null}, on {on}"


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.id)
def test_null_variant_removes_the_effect(case: Case) -> None:
    """With its rule switched off (still paying its costs) the mechanism's paired effect is
    gone: under a quarter of the rule's effect in the stated direction, or the other way."""
    off, on, null = case.values("off"), case.values("on"), case.values("null")
    d = case.target.direction
    effect, null_effect = np.mean(on - off) * d, np.mean(null - off) * d
    assert null_effect < 0.25 * effect, f"{case.id}: off {off}, on {on}, null {null}"


# --------------------------------------------------------------------------- costs
@pytest.mark.parametrize("key", sorted(k for k, m in REGISTRY.items() if not m.spends_nothing))
def test_rule_and_null_variant_spend_on_the_uses_named(key: str) -> None:
    """The mechanism spends on each declared use; its null variant pays the same costs except
    those that only the rule's consequences cause; without the mechanism nothing is spent
    on a use the mechanism adds (the baseline's feedback calls excepted: there, more)."""
    uses = _declared(key, "costs")
    case = Case(key, _declared(key, "targets")[0])
    off, on, null = (simulate(case.config(0, v)) for v in ("off", "on", "null"))
    for (pool, use), paid_by_null in uses.items():
        assert spent(on, pool, use) > spent(off, pool, use), (pool, use)
        if paid_by_null:
            assert spent(null, pool, use) > spent(off, pool, use), (pool, use)


def test_devolution_moves_money_and_creates_none() -> None:
    """Devolved funds come out of the street's budget: the daily total is unchanged."""
    cfg = config(0, days=5)
    base = GovernanceModel(cfg)
    moved = GovernanceModel(config(0, days=5, mechanisms={"devolved_authority": {"enabled": True}}))
    rate = {name: m.pools[name].rate.sum() for m in (base, moved) for name in ("community_budget", "street_budget")}
    total = [m.pools["community_budget"].rate.sum() + m.pools["street_budget"].rate.sum() for m in (base, moved)]
    assert total[0] == pytest.approx(total[1])
    assert moved.pools["street_budget"].rate.sum() < base.pools["street_budget"].rate.sum(), rate


@pytest.mark.parametrize("key", sorted(REGISTRY))
def test_cost_free_null_variant_leaves_every_table_identical(key: str) -> None:
    """A mechanism whose rule is off and whose costs are zero changes nothing at all: its own
    random stream keeps every draw of the core where it was (common random numbers)."""
    free = _declared(key, "free")
    base = run(config(4, residents=800, days=40))
    inert = run(config(4, residents=800, days=40, mechanisms={key: {"enabled": True, "null_variant": True, **free}}))
    for table in ("daily", "issues", "categories"):
        a, b = getattr(base, table), getattr(inert, table)
        assert a.column_names == b.column_names
        for name in a.column_names:  # NaN-aware, unlike Table.equals
            np.testing.assert_array_equal(a.column(name).to_numpy(zero_copy_only=False),
                                          b.column(name).to_numpy(zero_copy_only=False), err_msg=f"{key}: {table}.{name}")


# --------------------------------------------------------------------------- population
@pytest.mark.parametrize("key", sorted(REGISTRY))
def test_mechanism_leaves_population_identical(key: str) -> None:
    """Common random numbers: a mechanism never changes who lives where, with whom, and
    how they start (groups, households, party membership, initial trust and ties)."""
    cfg = config(3, residents=1500, days=10)
    a = GovernanceModel(cfg)
    extra = REGISTRY[key].targets[0].params if key == "events" else {}
    b = GovernanceModel(config(3, residents=1500, days=10, mechanisms={key: {"enabled": True, **extra}}))
    for name in ("household", "building", "compound", "community", "area", "grid_cell", "group",
                 "party_member", "digital_literacy"):
        np.testing.assert_array_equal(getattr(a.pop, name), getattr(b.pop, name), err_msg=name)
    assert (a.pop.ties != b.pop.ties).nnz == 0
    for name in ("trust", "efficacy", "expectation", "threshold", "participating"):
        np.testing.assert_array_equal(getattr(a.state, name), getattr(b.state, name), err_msg=name)


def test_contact_slots_start_as_strangers() -> None:
    """Coverage and outreach add potential contacts at the weakest strength only: they are
    strangers until contact strengthens them."""
    model = GovernanceModel(config(0, days=5, mechanisms={"flexible_coverage": {"enabled": True},
                                                          "emotional_outreach": {"enabled": True}}))
    st = model.state
    for kind in (COVERAGE_TIE, OUTREACH_TIE):
        slots = st.tie_kind == kind
        assert slots.any() and np.all(st.ties.data[slots] <= 0.01 + 1e-12), kind


# --------------------------------------------------------------------------- invariants
def _one_mechanism(key: str, params: dict[str, Any], seed: int = 7) -> ScenarioConfig:
    return ScenarioConfig(seed=seed, days=20, population={"residents": 300},
                          issues={"rate_per_resident_day": 0.02}, mechanisms={key: params})


@pytest.mark.parametrize("key", sorted(REGISTRY))
def test_mechanism_extremes_keep_invariants(key: str) -> None:
    """Every parameter at an end of its range: no crash, invariants every step (including
    no pool ever overdrawn)."""

    @settings(max_examples=10, deadline=None, database=None,
              suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
    @given(params=mechanism_params(key, extreme=True))
    def check(params: dict[str, Any]) -> None:
        model = GovernanceModel(_one_mechanism(key, params))
        for _ in range(model.config.days):
            model.step()
            check_invariants(model)

    check()


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(cfg=small_configs())
def test_random_combinations_keep_invariants_and_are_deterministic(cfg: ScenarioConfig) -> None:
    model = GovernanceModel(cfg)
    rows: dict[str, list[float]] = {}
    for _ in range(cfg.days):
        model.step()
        for k, v in check_invariants(model).items():
            rows.setdefault(k, []).append(v)
    again = run(cfg)
    assert again.daily.column_names == list(rows)
    for name in again.daily.column_names:
        np.testing.assert_array_equal(np.asarray(again.daily.column(name), dtype=np.float64),
                                      np.asarray(rows[name], dtype=np.float64), err_msg=name)


# --------------------------------------------------------------------------- day windows
def _issues(model: GovernanceModel, reporter: np.ndarray, status: Status, **cols: np.ndarray) -> np.ndarray:
    """Household sanitation issues of ``reporter`` moved to ``status``, with extra columns set."""
    iss, n = model.issues, len(reporter)
    ids = iss.add(day=0, reporter=reporter.astype(np.int32), category=np.zeros(n, dtype=np.int8),
                  scope=np.zeros(n, dtype=np.int8), dept2=np.full(n, -1, dtype=np.int8))
    iss.move(ids, Status.REPORTED)
    iss.move(ids, Status.QUEUED)
    if status != Status.QUEUED:
        iss.move(ids, status)
    for name, values in cols.items():
        getattr(iss, name)[ids] = values
    return ids


def test_proactive_window_counts_only_the_last_window_days() -> None:
    """``window_days`` days back means days ``day - window_days + 1 .. day`` (the metrics'
    convention): with a one-day window, a report from yesterday does not make a cluster."""
    cfg = config(0, residents=400, days=10, issues={"rate_per_resident_day": 0.0},
                 mechanisms={"proactive_analysis": {"enabled": True, "cluster_threshold": 2, "window_days": 1}})
    hook = REGISTRY["proactive_analysis"].hooks["detect"]
    for detected, clustered in (([5, 5], True), ([5, 4], False)):
        model = GovernanceModel(cfg)
        model.day = 5
        model.pools.new_day()
        ids = _issues(model, np.zeros(2, dtype=np.int32), Status.QUEUED, day_detected=np.array(detected))
        hook(model, cfg.mechanisms.proactive_analysis)
        assert model.issues.batched[ids].any() == clustered, detected


def test_outreach_visits_open_issues_first_and_informs_their_reporters() -> None:
    """Grid workers visit reporters of open issues before anyone else; the visit keeps them
    informed, so that they give up less often."""
    cfg = config(0, residents=400, days=10, issues={"rate_per_resident_day": 0.0},
                 mechanisms={"emotional_outreach": {"enabled": True, "visits_per_grid_worker_day": 4.0,
                                                    "visits_per_member_month": 0.0}})
    model = GovernanceModel(cfg)
    model.day = day = 5
    model.pools.new_day()
    waiting = np.arange(0, 400, 97)[:3]
    _issues(model, waiting, Status.QUEUED)
    REGISTRY["emotional_outreach"].hooks["detect"](model, cfg.mechanisms.emotional_outreach)
    visited = np.flatnonzero(model.state.last_deliberation == day)
    assert set(waiting.tolist()) <= set(visited.tolist())
    assert np.all(model.state.informed_until[waiting] == day + cfg.behaviour.informed_days)
