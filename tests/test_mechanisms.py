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

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings

from sim.contacts import COVERAGE_TIE, OUTREACH_TIE
from sim.issues import Status
from sim.lifecycle import COLLECTIVE_SCOPES
from sim.mechanisms import REGISTRY
from sim.model import GovernanceModel
from sim.run import RunResult, run
from sim.schema import ScenarioConfig
from sim.vocab import CATEGORIES, GROUPS
from tests.invariants import check_invariants
from tests.strategies import mechanism_params, small_configs

SEEDS = (0, 1, 2)
LIFT = CATEGORIES.index("lift_renovation")
#: Hours low enough that handlers fall behind and handling fails often enough that handlers
#: under pressure close on paper (false closures need both).
LOW_CAPACITY = {"community_staff_hours_per_day": 3.0, "department_hours_per_10k": 6.0, "resolve_quality": 0.6}
#: A street budget that binds, so that handlers short of money for costly fixes exist.
SCARCE_STREET_BUDGET = {"capacity": {"street_budget_per_10k": 3.0}}
CLIMATE = {"day": 30, "kind": "emotional_climate", "magnitude": 0.5, "duration_days": 30}
CRISIS = {"day": 20, "kind": "crisis", "magnitude": 2.0, "duration_days": 20}
EVENTS = {"timeline": [CLIMATE, CRISIS]}


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


def col(result: RunResult, name: str, table: str = "issues") -> np.ndarray:
    """A column as numpy (nulls: None in text columns, NaN in numeric ones)."""
    return getattr(result, table).column(name).to_numpy(zero_copy_only=False)


def present(result: RunResult, name: str) -> np.ndarray:
    """Where an issue column is not null."""
    return result.issues.column(name).is_valid().to_numpy(zero_copy_only=False)


def daily(result: RunResult, name: str) -> np.ndarray:
    return col(result, name, "daily")


def spent(r: RunResult, pool: str, use: str) -> float:
    """Hours or budget spent since day 0 on ``use`` from ``pool``."""
    t = r.resources
    mask = (np.asarray(t.column("pool")) == pool) & (np.asarray(t.column("use")) == use)
    return float(np.asarray(t.column("total"))[mask].sum())


# --------------------------------------------------------------------------- measures
def _named(name: str, doc: str, f: Callable[[RunResult], float]) -> Callable[[RunResult], float]:
    f.__name__, f.__doc__ = name, doc
    return f


def _handled_closures(r: RunResult) -> np.ndarray:
    return np.isin(col(r, "status"), ["resolved", "false_closed"]) & ~col(r, "self_resolved")


def feedback_share(r: RunResult) -> float:
    """Share of closures by a handler whose reporter was told the outcome."""
    return float(col(r, "feedback")[_handled_closures(r)].mean())


def heard_mean(r: RunResult) -> float:
    """Mean 'being heard' (0, 0.5 told, 1 told and adopted) of closures by a handler."""
    return float(r.model.issues.col("heard")[_handled_closures(r)].mean())


def _routed(r: RunResult) -> np.ndarray:
    return present(r, "handler_path")


def devolved_share_above_community(r: RunResult) -> float:
    """Share of routed single-department issues of the devolved categories whose handler
    path reaches a department."""
    extra = REGISTRY["devolved_authority"].params().extra_categories
    mine = _routed(r) & np.isin(col(r, "category"), extra) & ~present(r, "second_department")
    return float(np.mean(["department:" in p for p in col(r, "handler_path")[mine]]))


def community_budget_spent(r: RunResult) -> float:
    return spent(r, "community_budget", "fixes")


def _digital_gainers(r: RunResult) -> np.ndarray:
    """Residents whose channel access a fully used platform raises (literacy beats the
    offline channel of their group); the same residents whether or not it is on."""
    pop, cfg = r.model.pop, r.config
    access = REGISTRY["digital_platform"].params().digital_access
    offline = np.asarray(cfg.behaviour.channel_access.as_tuple())[pop.group]
    return access * pop.digital_literacy.astype(np.float64) > offline


def self_report_share_digital_gainers(r: RunResult) -> float:
    """Share of the gainers' issues that they reported themselves."""
    mine = _digital_gainers(r)[col(r, "reporter")]
    return float((col(r, "channel")[mine] == "self_report").mean())


def self_report_share_gig(r: RunResult) -> float:
    """Share of gig workers' issues that they reported themselves."""
    gig = col(r, "group") == "gig"
    return float((col(r, "channel")[gig] == "self_report").mean())


def gig_deliberated(r: RunResult) -> float:
    """Gig workers who attended a session (or meeting) at least once."""
    gig = r.model.pop.group == GROUPS.index("gig")
    return float((r.model.state.last_deliberation[gig] >= 0).sum())


def outcome(name: str) -> Callable[[RunResult], float]:
    """A registered outcome, read for the whole run (``sim.outcomes.registry``)."""
    return _named(name, f"The run's {name} (sim.outcomes.registry).", lambda r: float(r.outcomes[name]))


def channel_count(channel: str) -> Callable[[RunResult], float]:
    return _named(f"detections_{channel}", f"Issues detected through the {channel} channel.",
                  lambda r: float((col(r, "channel") == channel).sum()))


def column_count(name: str) -> Callable[[RunResult], float]:
    return _named(f"issues_{name}", f"Issues with '{name}' set.", lambda r: float(col(r, name).astype(bool).sum()))


def path_count(level: str) -> Callable[[RunResult], float]:
    return _named(f"issues_via_{level}", f"Issues whose handler path passes a {level}-level handler.",
                  lambda r: float(sum(f"{level}:" in p for p in col(r, "handler_path")[_routed(r)])))


def _cross_department(r: RunResult) -> np.ndarray:
    return present(r, "second_department") & _routed(r)


def cross_department_reassignments(r: RunResult) -> float:
    return float(col(r, "reassignments")[_cross_department(r)].mean())


def regional_spending(r: RunResult) -> float:
    return spent(r, "regional_fund", "fixes")


def member_tie_strength(groups: tuple[str, ...]) -> Callable[[RunResult], float]:
    def measure(r: RunResult) -> float:
        pop, t = r.model.pop, r.model.state.ties.tocoo()
        reached = np.isin(pop.group, [GROUPS.index(g) for g in groups])
        return float(t.data[pop.party_member[t.row] & reached[t.col] & ~pop.party_member[t.col]].sum())
    return _named(f"member_tie_strength_{'_'.join(groups)}",
                  f"Summed strength of party members' ties to {', '.join(groups)} residents.", measure)


def lift_consent_share(r: RunResult) -> float:
    """Share of collective lift/renovation issues with the residents' consent."""
    iss = r.model.issues
    lift = (iss.col("category") == LIFT) & np.isin(iss.col("scope"), COLLECTIVE_SCOPES)
    return float(iss.col("consent")[lift].mean())


def residents_deliberated(r: RunResult) -> float:
    return float((r.model.state.last_deliberation >= 0).sum())


def trust_during_climate(r: RunResult) -> float:
    """Mean trust over the days of the emotional-climate event."""
    days = daily(r, "day")
    during = (days >= CLIMATE["day"]) & (days < CLIMATE["day"] + CLIMATE["duration_days"])
    return float(daily(r, "trust_mean")[during].mean())


# --------------------------------------------------------------------------- targets
@dataclass(frozen=True)
class Target:
    """A quantity a mechanism's rule targets, and the direction switching it on moves it."""

    key: str
    measure: Callable[[RunResult], float]
    direction: int  # +1: up, -1: down
    params: dict[str, Any] = field(default_factory=dict)
    residents: int = 1500
    days: int = 90
    sections: dict[str, Any] = field(default_factory=dict)

    @property
    def id(self) -> str:
        return f"{self.key}-{self.measure.__name__}"

    def config(self, seed: int, variant: str) -> ScenarioConfig:
        """``variant``: "off", "on" or "null"."""
        mech = {} if variant == "off" else {
            self.key: {"enabled": True, "null_variant": variant == "null", **self.params}}
        return config(seed, residents=self.residents, days=self.days, mechanisms=mech, **self.sections)

    def values(self, variant: str) -> np.ndarray:
        return np.array([self.measure(simulate(self.config(s, variant))) for s in SEEDS])


TARGETS: tuple[Target, ...] = (
    Target("service_closed_loop", feedback_share, +1),
    Target("service_closed_loop", heard_mean, +1),
    Target("devolved_authority", devolved_share_above_community, -1),
    Target("devolved_authority", community_budget_spent, +1),
    Target("digital_platform", self_report_share_digital_gainers, +1),
    Target("digital_platform", outcome("reassignments_per_issue"), -1, residents=4000, days=180),
    Target("gig_worker_platform", self_report_share_gig, +1),
    Target("gig_worker_platform", gig_deliberated, +1),
    Target("proactive_analysis", channel_count("proactive"), +1),
    Target("proactive_analysis", column_count("batched"), +1),
    Target("five_level_grid", path_count("building"), +1),
    Target("whistle_summon", column_count("summoned"), +1),
    Target("whistle_summon", cross_department_reassignments, -1),
    Target("regional_party_building", regional_spending, +1, residents=3000, days=180, sections=SCARCE_STREET_BUDGET),
    Target("regional_party_building", outcome("lift_resolution_rate"), +1, residents=4000, days=365,
           sections=SCARCE_STREET_BUDGET),
    Target("vanguard_linkage", channel_count("party_member"), +1),
    Target("vanguard_linkage", path_count("compound"), +1),
    Target("flexible_coverage", member_tie_strength(("migrant", "gig")), +1),
    Target("emotional_outreach", channel_count("outreach"), +1),
    Target("emotional_outreach", member_tie_strength(GROUPS), +1),
    Target("community_activities", lift_consent_share, +1),
    Target("community_activities", residents_deliberated, +1),
    Target("responsibility_lists", outcome("reassignments_per_issue"), -1, residents=4000, days=180),
    Target("supervision", column_count("reopened"), +1, residents=3000, days=180, sections={"capacity": LOW_CAPACITY}),
    Target("supervision", outcome("false_closure_rate"), -1, params={"audit_rate": 0.4}, residents=3000, days=180,
           sections={"capacity": LOW_CAPACITY}),
    Target("leadership_intensity", column_count("taken_over"), +1),
    Target("events", trust_during_climate, +1, params=EVENTS),
    Target("events", column_count("exogenous"), +1, params=EVENTS),
)


def test_every_mechanism_has_a_target() -> None:
    assert {t.key for t in TARGETS} == set(REGISTRY)


@pytest.mark.parametrize("target", TARGETS, ids=lambda t: t.id)
def test_mechanism_moves_its_target(target: Target) -> None:
    """Switching the mechanism on moves its target in the stated direction for every seed."""
    off, on = target.values("off"), target.values("on")
    assert np.all(np.sign(on - off) == target.direction), f"{target.id}: off {off}, on {on}"


@pytest.mark.parametrize("target", TARGETS, ids=lambda t: t.id)
def test_rule_beats_its_null_variant(target: Target) -> None:
    """The behavioural rule, not what it costs, moves the target: against its null variant
    (same costs, rule off) the mechanism moves it the stated way for every seed."""
    null, on = target.values("null"), target.values("on")
    assert np.all(np.sign(on - null) == target.direction), f"{target.id}: null {null}, on {on}"


@pytest.mark.parametrize("target", TARGETS, ids=lambda t: t.id)
def test_null_variant_removes_the_effect(target: Target) -> None:
    """With its rule switched off (still paying its costs) the mechanism's paired effect is
    gone: under a quarter of the rule's effect in the stated direction, or the other way."""
    off, on, null = target.values("off"), target.values("on"), target.values("null")
    effect, null_effect = np.mean(on - off) * target.direction, np.mean(null - off) * target.direction
    assert null_effect < 0.25 * effect, f"{target.id}: off {off}, on {on}, null {null}"


# --------------------------------------------------------------------------- costs
#: What each mechanism spends, as (pool, use) of ``sim.resources``; ``True``: the null
#: variant spends on it too (its costs), ``False``: only the rule does (it follows from the rule).
USES: dict[str, dict[tuple[str, str], bool]] = {
    "service_closed_loop": {("grid_workers", "feedback calls"): True, ("community_staff", "adopting suggestions"): True},
    "digital_platform": {("platform_fund", "platform running cost"): True, ("street_staff", "platform dispatch"): True},
    "gig_worker_platform": {("platform_fund", "gig platform running cost"): True, ("community_staff", "gig sessions"): True},
    "proactive_analysis": {("platform_fund", "analysis running cost"): True, ("grid_workers", "proactive searches"): True},
    "five_level_grid": {("party_volunteers", "grid meetings"): True, ("party_volunteers", "cases"): False},
    "whistle_summon": {("departments", "summoned parts"): False},  # summons hours are part of the street's case hours
    "regional_party_building": {("regional_fund", "fixes"): False, ("street_staff", "regional draws"): False},
    "vanguard_linkage": {("party_volunteers", "keeping in touch"): True, ("party_volunteers", "cases"): False},
    "flexible_coverage": {("party_volunteers", "coverage contacts"): True},
    "emotional_outreach": {("grid_workers", "home visits"): True, ("party_volunteers", "home visits"): True},
    "community_activities": {("community_staff", "meetings"): True, ("party_volunteers", "meetings"): True},
    "responsibility_lists": {("community_staff", "list upkeep"): True},
    "supervision": {("street_staff", "audits"): True},
    "leadership_intensity": {("party_volunteers", "steering"): True},
}
#: Mechanisms that spend nothing themselves: events are outside the system, devolution moves money.
SPEND_NOTHING = {"events", "devolved_authority"}


def test_every_mechanism_accounts_for_its_costs() -> None:
    assert set(USES) | SPEND_NOTHING == set(REGISTRY)


@pytest.mark.parametrize("key", sorted(USES))
def test_rule_and_null_variant_spend_on_the_uses_named(key: str) -> None:
    """The mechanism spends on each named use; its null variant pays the same costs except
    those that only the rule's consequences cause; without the mechanism nothing is spent
    on a use the mechanism adds (the baseline's feedback calls excepted: there, more)."""
    target = next(t for t in TARGETS if t.key == key)
    off, on, null = (simulate(target.config(0, v)) for v in ("off", "on", "null"))
    for (pool, use), paid_by_null in USES[key].items():
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


#: Parameters that make each mechanism's null variant cost nothing.
FREE: dict[str, dict[str, Any]] = {
    "service_closed_loop": {"feedback_probability": 0.0, "adoption_rate": 0.0},
    "devolved_authority": {"budget_transfer_share": 0.0},
    "digital_platform": {"funding_per_community_day": 0.0, "dispatch_hours": 0.0},
    "gig_worker_platform": {"funding_per_community_day": 0.0, "hours_per_session": 0.0},
    "proactive_analysis": {"funding_per_community_day": 0.0, "search_hours": 0.0},
    "five_level_grid": {"head_hours_per_week": 0.0},
    "whistle_summon": {"hours_per_summons": 0.0},
    "regional_party_building": {"pool_per_10k": 0.0},
    "vanguard_linkage": {"hours_per_member_day": 0.0},
    "flexible_coverage": {"hours_per_member_day": 0.0},
    "emotional_outreach": {"visits_per_grid_worker_day": 0.0, "visits_per_member_month": 0.0},
    "community_activities": {"staff_hours_per_meeting": 0.0, "member_hours_per_meeting": 0.0},
    "responsibility_lists": {"hours_per_day": 0.0},
    "supervision": {"hours_per_audit": 0.0},
    "leadership_intensity": {"level": 0.0},
    "events": EVENTS,
}


@pytest.mark.parametrize("key", sorted(REGISTRY))
def test_cost_free_null_variant_leaves_every_table_identical(key: str) -> None:
    """A mechanism whose rule is off and whose costs are zero changes nothing at all: its own
    random stream keeps every draw of the core where it was (common random numbers)."""
    base = run(config(4, residents=800, days=40))
    inert = run(config(4, residents=800, days=40, mechanisms={key: {"enabled": True, "null_variant": True, **FREE[key]}}))
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
    b = GovernanceModel(config(3, residents=1500, days=10, mechanisms={key: {"enabled": True, **(EVENTS if key == "events" else {})}}))
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
