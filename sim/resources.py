"""Finite resources: the hours and budgets every action of the model draws from.

Every regime has the same pools (the community-system baseline included); a mechanism
never creates hours or money, it only changes what they are spent on. A mechanism that
really brings new money (a platform's running cost, a regional fund paid by member units)
declares it as a scenario input, which fills a pool of its own (``platform_fund``,
``regional_fund``), so that resource use is reported beside every outcome and a
budget-matched control can give the baseline the same money.

Hours do not keep: a pool's hours are what its people have today, and unused hours are
lost (work in progress is kept on the issue instead, see ``lifecycle.due_today``). Budgets
accrue daily up to a carry-over cap. Draws are granted first come, first served per unit,
in the order the day's phases run (the stated priority rule, see the ODD, section 7.7): an
action whose hours are not there today does not happen today. With ``capacity.casework_first``
the hours today's queued cases need are held back from every other action until handlers have
worked (:meth:`Pool.reserve`).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np


@dataclass(frozen=True)
class PoolSpec:
    """A named pool: what it holds, at which level it is kept, and who spends it."""

    name: str
    unit: str  #: "hours" or "budget units"
    level: str  #: "community", "compound", "street" or "department": one account per unit of this level
    description: str


#: Every pool of the model, in a fixed order (the order of daily columns and reports).
POOLS: tuple[PoolSpec, ...] = (
    PoolSpec("grid_workers", "hours", "community",
             "Grid workers' hours for residents' issues: patrols, follow-up calls, home visits."),
    PoolSpec("community_staff", "hours", "community",
             "Community committee staff hours for residents' issues: cases, meetings, sessions, lists."),
    PoolSpec("party_volunteers", "hours", "community",
             "Volunteer hours of the community's party members (building heads, stewards, visits, steering)."),
    PoolSpec("property_staff", "hours", "compound", "Property-management staff hours for residents' issues."),
    PoolSpec("street_staff", "hours", "street",
             "Street office staff hours: cases, summons, audits, area offices, platform dispatch."),
    PoolSpec("departments", "hours", "department", "Functional departments' hours for residents' cases."),
    PoolSpec("community_budget", "budget units", "community", "Communities' budget for fixes."),
    PoolSpec("street_budget", "budget units", "street", "The street's and departments' budget for fixes."),
    PoolSpec("regional_fund", "budget units", "street",
             "Fund paid in by member units under regional party-building (a declared new resource)."),
    PoolSpec("platform_fund", "budget units", "street",
             "Running funds of digital platforms (a declared new resource)."),
)
POOL_NAMES: tuple[str, ...] = tuple(p.name for p in POOLS)
HOUR_POOLS: tuple[str, ...] = tuple(p.name for p in POOLS if p.unit == "hours")
BUDGET_POOLS: tuple[str, ...] = tuple(p.name for p in POOLS if p.unit != "hours")
SPEC: dict[str, PoolSpec] = {p.name: p for p in POOLS}


def fifo_grant(level: np.ndarray, units: np.ndarray, need: np.ndarray, *, partial: bool = False) -> np.ndarray:
    """What each request gets, first come first served within its unit (requests in the
    order given; no overtaking: once a unit's level is used up, later requests get nothing).

    ``partial=False``: a request is granted whole or not at all. ``partial=True``: the
    request at the boundary gets what is left (work in progress).
    """
    n = len(need)
    if n == 0:
        return np.zeros(0, dtype=np.float64)
    need = np.asarray(need, dtype=np.float64)
    if np.all(np.bincount(units, weights=need, minlength=len(level)) <= level + 1e-9):
        return need.copy()  # every unit holds enough: all granted
    order = np.argsort(units, kind="stable")
    u, w = units[order], need[order]
    cw = np.cumsum(w)
    starts = np.flatnonzero(np.r_[True, u[1:] != u[:-1]])
    before = cw - w - np.repeat(cw[starts] - w[starts], np.diff(np.r_[starts, n]))
    left = np.maximum(level[u] - before, 0.0)
    # Cumulative need counts refused requests too, so nothing after a refusal overtakes it.
    got = np.minimum(left, w) if partial else np.where(before + w <= level[u] + 1e-9, w, 0.0)
    out = np.empty(n, dtype=np.float64)
    out[order] = got
    return out


@dataclass
class Pool:
    """One pool: a level per unit, a daily accrual and a carry-over cap, and today's use."""

    spec: PoolSpec
    rate: np.ndarray  #: accrual per unit per day
    cap: np.ndarray  #: most a unit may hold (hours: ``rate``, nothing keeps)
    level: np.ndarray = field(init=False)  #: what each unit holds now
    available: np.ndarray = field(init=False)  #: what each unit held at the start of today
    used: np.ndarray = field(init=False)  #: what each unit spent today
    reserved: np.ndarray = field(init=False)  #: held back for today's casework until handlers work (cases first)
    by_use: dict[str, float] = field(init=False)  #: today's spending by use
    total_by_use: dict[str, float] = field(init=False)  #: spending by use since day 0

    def __post_init__(self) -> None:
        self.rate = np.asarray(self.rate, dtype=np.float64)
        self.cap = np.maximum(np.asarray(self.cap, dtype=np.float64), self.rate)
        self.level = np.zeros_like(self.rate)
        self.reserved = np.zeros_like(self.rate)
        self.available = np.zeros_like(self.rate)
        self.used = np.zeros_like(self.rate)
        self.by_use = {}
        self.total_by_use = {}

    def move_rate(self, amount: np.ndarray) -> None:
        """Add ``amount`` (per unit, may be negative) to the daily accrual, keeping the
        carry-over in days (used to move money between pools, never to create it)."""
        days = self.cap / np.maximum(self.rate, 1e-12)
        self.rate = np.maximum(self.rate + amount, 0.0)
        self.cap = np.maximum(self.rate * np.where(self.rate > 0, days, 1.0), self.rate)

    def new_day(self) -> None:
        """Accrue a day's resources up to the cap; reset today's spending."""
        self.level = np.minimum(self.level + self.rate, self.cap)
        self.reserved = np.zeros_like(self.rate)
        self.available = self.level.copy()
        self.used = np.zeros_like(self.rate)
        self.by_use = {}

    def _spend(self, units: np.ndarray, amounts: np.ndarray, use: str) -> None:
        np.add.at(self.used, units, amounts)
        np.subtract.at(self.level, units, amounts)
        np.maximum(self.level, 0.0, out=self.level)
        total = float(np.sum(amounts))
        if total:
            self.by_use[use] = self.by_use.get(use, 0.0) + total
            self.total_by_use[use] = self.total_by_use.get(use, 0.0) + total

    @property
    def free(self) -> np.ndarray:
        """What each unit may still spend on anything but the reserved casework."""
        return np.maximum(self.level - self.reserved, 0.0)

    def reserve(self, amounts: np.ndarray) -> None:
        """Hold back up to ``amounts`` per unit for today's casework (released by :meth:`release`)."""
        self.reserved = np.minimum(np.maximum(np.asarray(amounts, dtype=np.float64), 0.0), self.level)

    def release(self) -> None:
        self.reserved = np.zeros_like(self.rate)

    def draw(self, units: np.ndarray, need: np.ndarray, use: str, *, partial: bool = False) -> np.ndarray:
        """Grant requests first come first served (see :func:`fifo_grant`) from what is not
        reserved, and spend them."""
        units = np.asarray(units, dtype=np.int64)
        got = fifo_grant(self.free, units, need, partial=partial)
        self._spend(units, got, use)
        return got

    def draw_first(self, units: np.ndarray, need: np.ndarray, use: str) -> np.ndarray:
        """Grant requests whole or not at all, first come first served, from what each unit
        holds ahead of the hours held back for today's casework (a summons from above that
        comes before cases), and spend them; the hold shrinks to what is left."""
        units = np.asarray(units, dtype=np.int64)
        got = fifo_grant(self.level, units, need)
        self._spend(units, got, use)
        np.minimum(self.reserved, self.level, out=self.reserved)
        return got

    def draw_upto(self, amounts: np.ndarray, use: str) -> np.ndarray:
        """Each unit spends up to ``amounts[unit]`` of what it has free; returns what was spent."""
        got = np.minimum(np.asarray(amounts, dtype=np.float64), self.free)
        self._spend(np.arange(len(self.level)), got, use)
        return got


class Pools:
    """All pools of a model, by name."""

    def __init__(self, pools: dict[str, Pool]) -> None:
        missing = set(POOL_NAMES) - set(pools)
        if missing:
            raise ValueError(f"pools missing: {sorted(missing)}")
        self._pools = pools

    def __getitem__(self, name: str) -> Pool:
        return self._pools[name]

    def __iter__(self):  # noqa: ANN204
        return (self._pools[n] for n in POOL_NAMES)

    def new_day(self) -> None:
        for pool in self:
            pool.new_day()

    def resize(self, new: Pools) -> None:
        """Take ``new``'s rates and caps; what each pool holds is kept, up to its new cap."""
        for pool in self:
            other = new[pool.spec.name]
            pool.rate, pool.cap = other.rate, other.cap
            pool.level = np.minimum(pool.level, pool.cap)

    def used_today(self) -> dict[str, float]:
        """Spent today, by pool."""
        return {p.spec.name: float(p.used.sum()) for p in self}

    def use_table(self) -> list[tuple[str, str, float]]:
        """(pool, use, amount spent since day 0) for every use of every pool."""
        return [(p.spec.name, use, amount) for p in self for use, amount in sorted(p.total_by_use.items())]

    def available_today(self) -> dict[str, float]:
        """Held at the start of today, by pool."""
        return {p.spec.name: float(p.available.sum()) for p in self}
