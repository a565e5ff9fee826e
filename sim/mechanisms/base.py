"""What a mechanism is: parameters with an on/off switch, rules hooked into named phases, and
what it declares about itself (its text, the quantities its rule targets, what it spends).

A mechanism never writes an outcome. It may (a) change the institutional rules agents
follow (``configure``: who may decide what, how reports are routed, what a channel costs,
what agents know) and (b) add actions to the day's phases (``hooks``: visits, meetings,
sessions, audits), each drawing hours or budget from a finite pool (``sim.resources``).
Every mechanism has a *null variant* (``null_variant: true``): it runs and pays its costs,
with its behavioural rule switched off, so that an effect can be told from the cost of
producing it.

A mechanism is one module: its docstring is its ODD section (a title line, then ``*Article.*``,
``*Rule (...).*``, ``*Costs.*`` and ``*Null variant.*`` paragraphs in Markdown), its
``MECHANISM`` declares the rest, and registering it is one line in ``sim.mechanisms.REGISTRY``.
The ODD, the app and the tests read everything else from the declaration.
"""

from __future__ import annotations

import inspect
import re
import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np
from pydantic import BaseModel, ConfigDict, Field

if TYPE_CHECKING:
    from sim.model import GovernanceModel
    from sim.rules import Rules

#: Phases at which mechanisms may act: ``setup`` once after the population exists, then the
#: day's phases in the order ``model.step`` runs them.
PHASES: tuple[str, ...] = ("setup", "events", "detect", "route", "handle", "close", "social")


class MechanismParams(BaseModel):
    """Base of every mechanism's parameters: an ``enabled`` switch plus its own keys."""

    model_config = ConfigDict(extra="forbid", frozen=True, validate_default=True)
    enabled: bool = Field(False, description="Switch the mechanism on.")
    null_variant: bool = Field(False, description="Null variant: the mechanism runs and pays its costs, but its behavioural rule is switched off (its effects must then vanish).")

    @property
    def rule(self) -> bool:
        """Whether the behavioural rule acts (on, and not the null variant)."""
        return self.enabled and not self.null_variant


#: Points inside the core's phases where a mechanism's rule takes a decision the baseline takes
#: otherwise (or takes none). The phase calls each enabled mechanism's function for the point, in
#: registry order, as ``value = decide(model, params, value, *args)``, starting from the
#: baseline's value; the function may act (draw hours, mark issues) and returns the new value.
DECISIONS: dict[str, str] = {
    "routing_accuracy": "route: the probability each report (ids) reaches a handler with authority (value: per report)",
    "case_hours": "take-up: the hours each attempt (ids) needs at its handler (value: per attempt)",
    "joint_work": "handle, before the day's cases: issues whose coordinated parts are done, to be fixed today "
                  "(value: issue ids)",
    "coordinate": "handle: cross-department issues (ids) the street office takes up that the mechanism handles "
                  "itself instead of the sequential referral (value: per issue, taken)",
    "paper_closure": "fix: the probability each failing attempt (ids), if its handler is under pressure, is closed on "
                     "paper (value: per attempt)",
    "reply_closure": "fix: the probability each failed attempt (ids) not closed on paper is closed by reply "
                     "(value: per attempt)",
    "failed_fix": "fix: attempts (ids) that failed and will be tried again (value: the ids)",
    "shortfall": "pay: which fixes (ids, their cost) are paid for when the handler's budget is short "
                 "(value: per fix, paid)",
    "adopt": "feedback: which told reporters' suggestions (closed ids, told, a uniform per closure, community) "
             "are adopted (value: per closure, adopted)",
}

Configure = Callable[["Rules", Any], None]  # noqa: F821 - resolved by type checkers only
Hook = Callable[["GovernanceModel", Any], None]
Decide = Callable[..., Any]


#: A street whose handlers fall behind and fail often enough that, under pressure, they close on
#: paper (paper closures need both): where targets of rules about paper closures are tested.
LOW_CAPACITY: dict[str, dict[str, float]] = {
    "capacity": {"community_staff_hours_per_day": 3.0, "department_hours_per_10k": 6.0, "resolve_quality": 0.6}}


@dataclass(frozen=True)
class Target:
    """A quantity the mechanism's rule targets, the direction switching it on moves it, and the
    small street on which a test shows it (against the baseline and the null variant).

    ``measure`` names an outcome of ``sim.outcomes.registry`` or an instrument of the test
    suite's measures (``tests/measures.py``); ``sections`` are schema sections of the test's
    street (``{"capacity": {...}}``)."""

    measure: str
    direction: int  #: +1: up, -1: down
    params: Mapping[str, Any] = field(default_factory=dict)
    residents: int = 1500
    days: int = 90
    sections: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Mechanism:
    """A registered mechanism: its key, a one-line summary, its source in the article, its
    parameter model, the rules it changes, and what it declares about itself.

    ``targets``: what its rule moves (at least one). ``costs``: each (pool, use) of
    ``sim.resources`` it spends on, and whether its null variant spends on it too (True) or only
    the rule's consequences do (False); empty only with ``spends_nothing`` saying why.
    ``free``: parameter values that make its null variant cost nothing (a test checks that it
    then changes no table at all)."""

    key: str
    summary: str
    source: str
    params: type[MechanismParams]
    article: tuple[str, ...] = ()  #: anchors of the article parts it comes from, in ``docs/article.md``
    configure: Configure | None = None
    hooks: Mapping[str, Hook] = field(default_factory=dict)
    decides: Mapping[str, Decide] = field(default_factory=dict)  #: decision point (``DECISIONS``) -> its rule
    targets: tuple[Target, ...] = ()
    costs: Mapping[tuple[str, str], bool] = field(default_factory=dict)
    spends_nothing: str = ""  #: why it spends no hours or budget itself (then ``costs`` is empty)
    free: Mapping[str, Any] = field(default_factory=dict)
    #: An event outside the governance system (not a lever of policy): left out of the full
    #: regime, the one-mechanism sweep and the budget-matched controls.
    exogenous: bool = False
    #: Part of the article's full regime (``scenarios/party_led_full.yaml`` switches on exactly
    #: these). False for a lever the article does not name, taken from elsewhere and studied on
    #: its own (the one-mechanism sweep and its control still include it).
    full_regime: bool = True

    def __post_init__(self) -> None:
        unknown = set(self.hooks) - set(PHASES)
        if unknown:
            raise ValueError(f"mechanism {self.key}: unknown phases {sorted(unknown)}")
        unknown = set(self.decides) - set(DECISIONS)
        if unknown:
            raise ValueError(f"mechanism {self.key}: unknown decision points {sorted(unknown)}")

    @property
    def module(self) -> str:
        """The module that defines it (``sim.mechanisms.<key>``)."""
        return self.params.__module__

    @property
    def doc(self) -> str:
        """Its module docstring: the mechanism's ODD section."""
        return inspect.cleandoc(sys.modules[self.module].__doc__ or "")

    @property
    def title(self) -> str:
        """The docstring's first line, without its full stop."""
        return self.doc.split("\n", 1)[0].rstrip(".")

    def paragraph(self, label: str) -> str:
        """The docstring paragraph labelled ``*<label>.*`` or ``*<label> (...).*`` (e.g. "Rule",
        "Costs", "Null variant"), without its label and with lines joined; "" if absent."""
        for para in self.doc.split("\n\n"):
            match = re.match(rf"\*{re.escape(label)}(\s*\([^)]*\))?\.\*\s*", para)
            if match:
                return " ".join(para[match.end():].split())
        return ""

    def sections(self) -> list[str]:
        """The docstring's paragraphs after the title, as written (Markdown)."""
        return [p.strip() for p in self.doc.split("\n\n")[1:] if p.strip()]


def pay_running_cost(model: GovernanceModel, per_community_day: float, use: str) -> None:
    """Spend a platform's declared running cost for today from the platform fund it fills."""
    model.pools["platform_fund"].draw_upto(np.array([per_community_day * model.pop.n_communities]), use)
