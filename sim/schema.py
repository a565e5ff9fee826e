"""The one parameter schema: defaults, ranges and descriptions of every scenario key.

YAML files, the CLI and the browser app all read this module; no default is written
anywhere else. Mechanism parameters live beside their rules in ``sim.mechanisms.*`` and
are assembled here from the explicit registry.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Annotated, Any, NamedTuple

from pydantic import BaseModel, ConfigDict, Field, create_model, model_validator

from sim.mechanisms import REGISTRY
from sim.vocab import CATEGORIES, GROUPS, LEVELS, SCOPES

__all__ = ["CATEGORIES", "GROUPS", "LEVELS", "SCOPES", "Bounds", "ScenarioConfig", "field_bounds", "json_schema"]

Prob = Annotated[float, Field(ge=0.0, le=1.0)]
PosFloat = Annotated[float, Field(ge=0.0)]


class Bounds(NamedTuple):
    """A field's numeric range from its ge/gt/le/lt constraints (None: unbounded)."""

    lo: float | None
    lo_open: bool
    hi: float | None
    hi_open: bool


def field_bounds(metadata: Iterable[Any]) -> Bounds:
    """The range a pydantic field's constraint metadata allows (used by errors, docs, tests)."""
    lo = hi = None
    lo_open = hi_open = False
    for m in metadata:
        if getattr(m, "ge", None) is not None:
            lo, lo_open = m.ge, False
        if getattr(m, "gt", None) is not None:
            lo, lo_open = m.gt, True
        if getattr(m, "le", None) is not None:
            hi, hi_open = m.le, False
        if getattr(m, "lt", None) is not None:
            hi, hi_open = m.lt, True
    return Bounds(lo, lo_open, hi, hi_open)


class Strict(BaseModel):
    """Base: unknown keys are errors, values are immutable once validated."""

    model_config = ConfigDict(extra="forbid", frozen=True, validate_default=True)


class GroupShares(Strict):
    """Population shares of the resident groups; they must sum to 1."""

    local: Prob = Field(0.55, description="Long-term local residents.")
    migrant: Prob = Field(0.25, description="Migrant tenants.")
    gig: Prob = Field(0.08, description="Gig workers (delivery riders, drivers).")
    elderly: Prob = Field(0.12, description="Elderly residents living alone or as couples.")

    @model_validator(mode="after")
    def _sum_to_one(self) -> GroupShares:
        total = self.local + self.migrant + self.gig + self.elderly
        if abs(total - 1.0) > 1e-6:
            raise ValueError(f"group shares must sum to 1, they sum to {total:.4g}")
        return self


class GroupValues(Strict):
    """A value in [0, 1] per resident group."""

    local: Prob = Field(description="Value for long-term local residents.")
    migrant: Prob = Field(description="Value for migrant tenants.")
    gig: Prob = Field(description="Value for gig workers.")
    elderly: Prob = Field(description="Value for elderly residents.")

    def as_tuple(self) -> tuple[float, float, float, float]:
        return (self.local, self.migrant, self.gig, self.elderly)


def _group_field(local: float, migrant: float, gig: float, elderly: float, desc: str) -> Any:
    return Field(
        default_factory=lambda: GroupValues(local=local, migrant=migrant, gig=gig, elderly=elderly),
        description=desc,
    )


class TieConfig(Strict):
    """Social ties of the spatial hierarchy (dense within households and
    buildings, sparser across compounds, a few long-range ties)."""

    building_degree: PosFloat = Field(4.0, le=50, description="Mean ties per resident to others in the same building.")
    compound_degree: PosFloat = Field(2.0, le=50, description="Mean ties per resident to others in the same compound, other buildings.")
    community_degree: PosFloat = Field(1.0, le=50, description="Mean ties per resident to other compounds of the community (school, work, interest groups).")
    long_range_degree: PosFloat = Field(0.3, le=20, description="Mean long-range ties per resident anywhere in the street (small-world shortcuts).")
    household_strength: Prob = Field(0.9, description="Initial strength of household ties (close).")
    building_strength: Prob = Field(0.35, description="Mean initial strength of building ties.")
    compound_strength: Prob = Field(0.2, description="Mean initial strength of compound ties.")
    community_strength: Prob = Field(0.3, description="Mean initial strength of community ties.")
    long_range_strength: Prob = Field(0.45, description="Mean initial strength of long-range ties.")
    acquaintance_threshold: Prob = Field(1 / 3, description="Strength from which a tie counts as acquaintance (below: stranger).")
    close_threshold: Prob = Field(2 / 3, description="Strength from which a tie counts as close.")


class PopulationConfig(Strict):
    """Population and the spatial hierarchy street → area → community → compound → building → household."""

    residents: int = Field(10_000, ge=10, le=5_000_000, description="Residents of the street (a street has tens of thousands to ~100,000).")
    household_size: float = Field(2.6, ge=1.0, le=8.0, description="Mean household size (China 2020 census: 2.62).")
    households_per_building: int = Field(24, ge=1, le=1000, description="Households per residential building.")
    buildings_per_compound: int = Field(12, ge=1, le=1000, description="Buildings per compound (小区).")
    compounds_per_community: int = Field(4, ge=1, le=1000, description="Compounds per community (社区).")
    communities_per_area: int = Field(3, ge=1, le=1000, description="Communities per area (片区) of the five-level grid.")
    group_shares: GroupShares = Field(default_factory=GroupShares, description="Shares of resident groups.")
    party_member_share: Prob = Field(0.07, description="Share of residents who are party members (national ~7%).")
    digital_literacy: GroupValues = _group_field(0.7, 0.75, 0.9, 0.3, "Mean digital literacy (0..1) by group.")
    ties: TieConfig = Field(default_factory=TieConfig, description="Social-tie generator.")


class CategoryConfig(Strict):
    """One issue category: how often it arises, what it needs."""

    share: Prob = Field(description="Share of arising issues in this category.")
    resource_cost: PosFloat = Field(description="Mean budget units a resolution costs.")
    cross_department: Prob = Field(description="Probability the issue needs a second department.")
    scope: tuple[Prob, Prob, Prob, Prob] = Field(description="Probabilities of household, building, compound, cross-community scope.")

    @model_validator(mode="after")
    def _scope_sums(self) -> CategoryConfig:
        if abs(sum(self.scope) - 1.0) > 1e-6:
            raise ValueError(f"scope probabilities must sum to 1, they sum to {sum(self.scope):.4g}")
        return self


def _default_categories() -> dict[str, CategoryConfig]:
    # Shares follow the Shanghai large-estate survey (pets most named, 17.7%) and Beijing
    # 12345's top domains (docs/calibration-targets.md); costs and scopes are the author's assumptions.
    c = CategoryConfig
    return {
        "sanitation": c(share=0.18, resource_cost=0.3, cross_department=0.15, scope=(0.3, 0.4, 0.3, 0.0)),
        "pets": c(share=0.17, resource_cost=0.1, cross_department=0.05, scope=(0.4, 0.5, 0.1, 0.0)),
        "lift_renovation": c(share=0.07, resource_cost=6.0, cross_department=0.6, scope=(0.0, 0.7, 0.3, 0.0)),
        "parking": c(share=0.12, resource_cost=1.0, cross_department=0.4, scope=(0.0, 0.2, 0.6, 0.2)),
        "property": c(share=0.14, resource_cost=0.8, cross_department=0.2, scope=(0.3, 0.3, 0.4, 0.0)),
        "neighbour_dispute": c(share=0.12, resource_cost=0.1, cross_department=0.1, scope=(0.7, 0.3, 0.0, 0.0)),
        "care": c(share=0.12, resource_cost=0.5, cross_department=0.2, scope=(0.9, 0.1, 0.0, 0.0)),
        "public_safety": c(share=0.08, resource_cost=0.6, cross_department=0.5, scope=(0.1, 0.2, 0.4, 0.3)),
    }


class IssueConfig(Strict):
    """Arrival of issues (诉求) and residents' patience (ODD section 7.1)."""

    rate_per_resident_day: float = Field(
        0.003, ge=0.0, le=1.0,
        description="Issues arising per resident per day (Beijing 12345 2023: ~1 call per resident-year, 41.5% requests; most issues never reach the hotline).",
    )
    categories: dict[str, CategoryConfig] = Field(default_factory=_default_categories, description="Per-category shares, costs and scopes.")
    patience_days: float = Field(60.0, gt=0, le=3650, description="Mean days a reporter waits on an open issue before giving up.")
    latent_lifetime_days: float = Field(90.0, gt=0, le=3650, description="Mean days an unreported issue lingers before the resident lives with it (abandoned).")
    outside_authority_share: float = Field(0.0, ge=0, le=0.6, description="Share of requests that lie outside the street's authority or policy (a rule made higher up, a private dispute, a demand against policy): no handler of the street can fix them, and a handler can only answer them by reply (Beijing 12345 lists such 'unreasonable or beyond-policy' requests apart; model v2; 0 keeps every request fixable, as in v1).")

    @model_validator(mode="before")
    @classmethod
    def _merge_categories(cls, data: Any) -> Any:
        """A scenario names only the categories (and keys) it changes; the rest keep defaults."""
        if isinstance(data, dict) and isinstance(data.get("categories"), dict):
            merged = {k: v.model_dump() for k, v in _default_categories().items()}
            for name, given in data["categories"].items():
                merged[name] = {**merged.get(name, {}), **given} if isinstance(given, dict) else given
            data = {**data, "categories": merged}
        return data

    @model_validator(mode="after")
    def _categories_complete(self) -> IssueConfig:
        keys = set(self.categories)
        if keys != set(CATEGORIES):
            missing = sorted(set(CATEGORIES) - keys)
            extra = sorted(keys - set(CATEGORIES))
            raise ValueError(f"categories must be exactly {list(CATEGORIES)}; missing {missing}, unknown {extra}")
        total = sum(c.share for c in self.categories.values())
        if abs(total - 1.0) > 1e-6:
            raise ValueError(f"category shares must sum to 1, they sum to {total:.4g}")
        return self


class CaseHours(Strict):
    """Hours one handling attempt takes, by handler kind (assumptions; a referral or a
    refusal at intake takes ``capacity.triage_hours`` instead)."""

    building: float = Field(1.0, gt=0, le=100, description="A building head's case (five-level grid).")
    compound: float = Field(1.5, gt=0, le=100, description="A property manager's or compound steward's case.")
    community: float = Field(2.0, gt=0, le=100, description="A community committee's case.")
    area: float = Field(2.0, gt=0, le=100, description="An area office's case (five-level grid).")
    street: float = Field(2.0, gt=0, le=100, description="A street office's case (coordination of cross-department and cross-community issues).")
    department: float = Field(3.0, gt=0, le=100, description="A functional department's case, or its part of a cross-department case.")

    def as_array(self) -> tuple[float, ...]:
        """Hours per case in the order of ``sim.vocab.KIND_NAMES``."""
        return (self.building, self.compound, self.community, self.area, self.street, self.department)


class CapacityConfig(Strict):
    """Handlers' hours, budget and authority: the finite pools every regime draws on
    (``sim.resources``), and the institutional rules of handling."""

    grid_worker_hours_per_day: float = Field(4.0, ge=0, le=24, description="Hours a grid worker has per day for residents' issues (patrols, follow-up calls, visits); the rest of the working day goes to administrative tasks (assumption).")
    patrol_hours_per_day: float = Field(2.0, ge=0, le=24, description="Hours of a grid worker's day planned for patrolling (a duty drawn first each day).")
    volunteer_patrol_hours_per_day: float = Field(0.0, ge=0, le=1000, description="Hours a day of each community's active party members' volunteer time spent patrolling with the grid workers (志愿巡逻; a planned duty drawn with the patrols; 0 in the library's scenarios: their volunteer time goes to the mechanisms that use it; the realised-use control spends the extra volunteer hours of a package this way).")
    patrol_households_per_hour: float = Field(15.0, ge=0, le=500, description="Households a patrol passes per hour.")
    households_per_grid_worker: float = Field(400.0, ge=50, le=5000, description="Households per grid worker (real ratio 300-500).")
    community_staff_hours_per_day: float = Field(8.0, ge=0, le=10_000, description="Hours a community committee's staff give residents' requests per day: cases, meetings, sessions, lists (about one full-time post; most staff time goes to administrative tasks from above, 上面千条线; assumption).")
    property_staff_hours_per_day: float = Field(2.0, ge=0, le=1000, description="Hours a compound's property manager gives residents' property cases per day.")
    street_staff_hours_per_10k: float = Field(24.0, ge=0, le=100_000, description="Street office staff hours per day for residents' cases, audits and coordination, per 10,000 residents.")
    department_hours_per_10k: float = Field(12.0, ge=0, le=100_000, description="Hours each functional department gives residents' cases per day, per 10,000 residents.")
    member_hours_per_year: float = Field(50.0, ge=0, le=2000, description="Volunteer hours an active party member gives the community per year (Qiaoxi district, Xingtai: at least 50 hours a year under a points system).")
    active_member_share: Prob = Field(0.55, description="Share of resident party members active in their community (Foshan 2020: about 120 reporting per community, Hudong street: about 110, against about 200 members in a community of 3,000 at 7%).")
    case_hours: CaseHours = Field(default_factory=CaseHours, description="Hours a handling attempt takes, by handler kind.")
    casework_first: bool = Field(True, description="Hours that today's queued cases need are held back from planned activities (visits, meetings, sessions, steering, upkeep) until handlers have worked; false: planned activities draw first and cases get what is left.")
    triage_hours: float = Field(0.25, ge=0, le=24, description="Hours to refer on, or refuse, an issue at intake.")
    hours_per_feedback: float = Field(0.25, ge=0, le=10, description="Grid-worker hours a follow-up call telling a reporter the outcome takes.")
    community_budget_per_day: PosFloat = Field(1.0, le=1e6, description="Budget units a community can spend per day.")
    street_budget_per_10k: PosFloat = Field(6.0, le=1e6, description="Budget units the street and departments can spend per day, per 10,000 residents.")
    budget_carryover_days: float = Field(30.0, ge=1, le=3650, description="Unspent budget accumulates up to this many days' worth (a monthly budget; lets a pool save for a costly fix).")
    community_authority: tuple[str, ...] = Field(
        ("sanitation", "pets", "neighbour_dispute", "care", "property"),
        description="Categories the community may decide on itself (others need the street or a department).",
    )
    routing_accuracy: Prob = Field(0.7, description="Probability an issue is first sent to a handler with authority over it.")
    buck_passing: Prob = Field(0.15, description="Probability a handler with authority still refers an issue on at intake (推诿扯皮) when jurisdiction is unclear.")
    handoff_days: float = Field(2.0, ge=0, le=60, description="Days lost at each referral or escalation (files move, queues restart).")
    retry_days: int = Field(7, ge=1, le=365, description="Days before a handler looks again at an issue waiting for consent or budget.")
    false_closure_pressure: Prob = Field(0.3, description="Probability a handler under pressure closes on paper an issue it cannot resolve today, when it expects no audit.")
    pressure_days: float = Field(3.0, gt=0, le=365, description="Staff are under pressure when the work queued for them exceeds this many days of their hours.")
    resolve_quality: Prob = Field(0.9, description="Probability a handled issue with authority and resources is really resolved.")
    feedback_probability: Prob = Field(0.4, description="Probability a handler asks for a follow-up call telling the reporter the outcome, without a closed-loop rule.")
    duties_from_above_share: float = Field(0.0, ge=0, le=0.9, description="Share of the daily hours of community committees, the street office and departments demanded by tasks handed down from above (上面千条线, 下面一根针: reports, inspections, campaigns), in every regime (the article, part 3(3); model v2; 0: none, as in v1).")
    duty_priority: Prob = Field(1.0, description="Share of the day's duties from above that handlers serve before residents' cases (1: what superiors assess comes first, Lipsky 1980; 0: cases first, duties take what is left).")
    reply_closure: Prob = Field(0.0, description="Probability a handler whose attempt failed closes the case by reply (答复: an explanation, not a fix) instead of trying again, when nothing holds it to account (形式主义; model v2; 0: never, as in v1). Requests outside the street's authority are always answered by reply.")


class BehaviourConfig(Strict):
    """Residents' trust, efficacy and participation rules (functional forms cited in ODD section 7)."""

    trust_initial: GroupValues = _group_field(0.55, 0.45, 0.4, 0.6, "Initial mean trust in grassroots governance by group.")
    trust_sd: Prob = Field(0.12, description="SD of initial trust.")
    efficacy_initial: Prob = Field(0.4, description="Initial mean sense of efficacy.")
    expectation_initial: Prob = Field(0.5, description="Initial expected performance (Van Ryzin 2004).")
    expected_days: float = Field(10.0, gt=0, le=365, description="Resolution time residents take as normal; slower counts against performance.")
    trust_learning_rate: Prob = Field(0.2, description="Weight of one experience's disconfirmation on trust (expectancy-disconfirmation).")
    expectation_adaptation: Prob = Field(0.1, description="Rate at which expectations move toward experienced performance.")
    voice_weight: Prob = Field(0.3, description="Weight of being heard (feedback) in perceived performance (procedural justice).")
    false_closure_discovery: Prob = Field(0.6, description="Probability a reporter finds out an issue was closed on paper only.")
    reply_acceptance: Prob = Field(0.3, description="Probability a reporter whose case was closed by reply tells the hotline's callback it was resolved (measurement model: the callback figure counts it; assumption).")
    betrayal_penalty: PosFloat = Field(0.6, le=5, description="Extra performance loss when a paper closure is discovered (worse than slow honest work).")
    procedural_weight: Prob = Field(0.0, description="Weight, against a case's outcome, of how one is treated as an experience of its own: a home visit or a meeting attended today counts as an experience of performance 1 (procedural justice: Tyler 1990; Tyler & Huo 2002; the article, part 3(4): 生人 → 熟人; model v2; 0: treatment is no experience, as in v1).")
    vicarious_weight: Prob = Field(0.0, description="Weight of a contact's case outcome (closure or abandonment) on one's own experience-based trust, times the tie's strength (vicarious experience, Bandura 1977; model v2; 0: only opinions travel over ties, as in v1).")
    influence_rate: Prob = Field(0.03, description="Daily susceptibility to neighbours' trust (Friedkin–Johnsen weighted averaging).")
    memory_days: float = Field(365.0, gt=0, le=36500, description="Experiences fade: each resident's experience-based view relaxes toward their disposition (initial trust), and their expectation toward the common norm, with this time constant, so trust settles where new experiences balance forgetting (a balancing process; assumption of about a year's memory).")
    stubbornness: Prob = Field(0.03, description="Daily pull of trust back toward one's own experience-based view (Friedkin–Johnsen anchor; 0: pure averaging, trust converges to consensus).")
    report_base: Prob = Field(0.04, description="Daily probability that a resident with average trust reports a latent issue.")
    report_trust_slope: float = Field(3.0, ge=0, le=20, description="Log-odds change of reporting per unit trust.")
    report_efficacy_slope: float = Field(2.0, ge=0, le=20, description="Log-odds change of reporting per unit efficacy.")
    channel_access: GroupValues = _group_field(0.6, 0.45, 0.2, 0.6, "Ease of reaching an offline channel (office hours, hotline queues) by group; gig workers are away during office hours.")
    efficacy_gain: Prob = Field(0.08, description="Efficacy gained when one's own action leads to a resolution.")
    efficacy_loss: Prob = Field(0.05, description="Efficacy lost when a reported issue is abandoned or found falsely closed.")
    efficacy_reversion: Prob = Field(0.002, description="Daily reversion of efficacy, external and internal, toward its initial mean.")
    heard_efficacy_gain: Prob = Field(0.0, description="External efficacy (they listen) gained by a reporter told the outcome of their case, times 1 when their suggestion was adopted and 0.5 when they were only told (the article, part 2(1): 建议—采纳—反馈; Craig, Niemi & Silver 1990; model v2; 0: being told moves no one's efficacy, as in v1).")
    internal_gain: Prob = Field(0.05, description="Internal efficacy (I can take part) gained on a day one took part (a meeting, a session, a self-governed fix) or volunteered (learning by doing: Finkel 1985; model v2; read by the participation decision only through internal_threshold_weight).")
    internal_threshold_weight: Prob = Field(0.0, description="How far internal efficacy lowers one's participation threshold: threshold − weight × (internal efficacy − its initial mean) (Granovetter 1978; Finkel 1985; model v2; 0: internal efficacy does not enter the decision, as in v1).")
    unit_broadcast: bool = Field(True, description="v1's unit-wide broadcast: when a unit resolves a collective issue itself, every participating resident of the unit gains efficacy and counts as having taken part. False (model v2): only the fix crew took part and they gain internal efficacy; external efficacy is left to being heard.")
    fix_crew: int = Field(3, ge=1, le=100, description="Residents who do the work of a self-governed fix, drawn from the unit's participating residents, when the unit-wide broadcast is off (model v2; an assumption: a few neighbours, not the whole building).")
    election_interval_days: int = Field(365, ge=30, le=3650, description="Days between residents' committee elections, held half-way through each interval counted from the switch (measurement model: turnout is an election, not daily participation; model v2; an election a year by assumption, the statutory term being five years since 2018).")
    participation_base: Prob = Field(0.4, description="Daily participation probability of an available resident with average trust, efficacy and neighbours.")
    participation_trust_slope: float = Field(3.0, ge=0, le=20, description="Log-odds change of participating per unit trust.")
    participation_efficacy_slope: float = Field(3.0, ge=0, le=20, description="Log-odds change of participating per unit efficacy.")
    participation_social_slope: float = Field(4.0, ge=0, le=50, description="Log-odds change per unit of (participating share of contacts − own threshold) (Granovetter with noise).")
    participation_threshold_mean: Prob = Field(0.3, description="Mean Granovetter threshold on the tie-weighted share of participating contacts.")
    availability: GroupValues = _group_field(0.6, 0.45, 0.25, 0.75, "Time availability for community participation by group (Shanghai turnout: age 18–29 13.8% vs 70–79 77.7%).")
    patrol_visibility: Prob = Field(0.5, description="Probability a patrol passing a household notices a latent issue there (DeciUrban-style inspection).")
    consent_probability: Prob = Field(0.25, description="Probability a handling attempt obtains residents' consent for a collective issue without deliberation.")
    self_governance_rate: Prob = Field(0.5, description="Daily probability a fully participating, coordinated unit resolves one of its collective issues itself.")
    base_coordination: Prob = Field(0.3, description="Coordination residents manage without a steering organisation (0..1).")
    tie_reversion: Prob = Field(0.005, description="Daily reversion of tie strength toward its initial value without contact (a balancing process: an acquaintance not met for half a year fades most of the way back; assumption).")
    informed_patience: float = Field(2.0, ge=1, le=10, description="Reporters kept informed of an open issue's progress (a follow-up visit) wait this many times longer before giving up (procedural justice: Tyler 1990; an assumption on its size).")
    informed_days: int = Field(30, ge=1, le=365, description="Days a progress report keeps a reporter informed.")


_mech_fields: dict[str, Any] = {
    key: (m.params, Field(default_factory=m.params, description=m.summary)) for key, m in REGISTRY.items()
}
MechanismsConfig: type[Strict] = create_model(  # type: ignore[call-overload]
    "MechanismsConfig",
    __base__=Strict,
    __doc__="Switches and parameters of the governance mechanisms (ODD section 7.8).",
    **_mech_fields,
)


class ScenarioConfig(Strict):
    """One scenario: structure, rates, capacities, mechanisms, horizon and seed."""

    name: str = Field("scenario", min_length=1, max_length=200, description="Short name used in tables and figures.")
    description: str = Field("", max_length=5000, description="What the scenario represents and its sources.")
    days: int = Field(365, ge=1, le=36500, description="Simulated days (after the warm-up).")
    warmup_days: int = Field(0, ge=0, le=36500, description="Days simulated before day 0 under the pre-reform regime (every mechanism off), so that the scenario starts from the baseline's steady state; excluded from every output.")
    seed: int = Field(0, ge=0, le=2**63 - 1, description="Master seed; streams are split from it by purpose.")
    population: PopulationConfig = Field(default_factory=PopulationConfig, description="Population and spatial hierarchy.")
    issues: IssueConfig = Field(default_factory=IssueConfig, description="Issue arrivals and patience.")
    capacity: CapacityConfig = Field(default_factory=CapacityConfig, description="Handlers' capacity, budget and authority.")
    behaviour: BehaviourConfig = Field(default_factory=BehaviourConfig, description="Residents' behavioural rules.")
    mechanisms: MechanismsConfig = Field(default_factory=MechanismsConfig, description="Governance mechanisms (ODD section 7.8).")  # type: ignore[valid-type]

    @model_validator(mode="after")
    def _event_categories_arise(self) -> ScenarioConfig:
        from sim.mechanisms.events import CATEGORIES_OF

        events = self.mechanisms.events  # type: ignore[attr-defined]
        for i, ev in enumerate(events.timeline if events.enabled else ()):
            cats = CATEGORIES_OF.get(ev.kind, ())
            if cats and all(self.issues.categories[c].share == 0 for c in cats):
                raise ValueError(f"mechanisms.events.timeline[{i}]: a {ev.kind} adds {' and '.join(cats)} issues, "
                                 "but their shares in issues.categories are all 0")
        return self

    @model_validator(mode="after")
    def _authority_known(self) -> ScenarioConfig:
        bad = [c for c in self.capacity.community_authority if c not in CATEGORIES]
        if bad:
            raise ValueError(f"capacity.community_authority: unknown categories {bad}; known: {list(CATEGORIES)}")
        return self


def json_schema() -> dict[str, Any]:
    """JSON Schema of scenario files, for editors' completion and validation."""
    schema = ScenarioConfig.model_json_schema()
    schema["properties"]["extends"] = {
        "type": "string",
        "description": "Path (relative to this file) of a scenario this one builds on.",
    }
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "govsim scenario"
    return schema

