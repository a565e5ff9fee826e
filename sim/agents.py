"""Mesa agents: the object model people read and the browser app draws.

Their state lives in the model's arrays (``model.state``, ``model.handlers``), which the
day's phases update in vectorised form; an agent is a named view onto its row.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import (
    TYPE_CHECKING,  # noqa: I001
    overload,
)

import mesa
import numpy as np

from sim.vocab import CATEGORIES, GROUPS, KIND_NAMES

if TYPE_CHECKING:
    from sim.model import GovernanceModel


class Resident(mesa.Agent):
    """A resident (ODD section 2.3); party members are residents with ``is_party_member``."""

    model: GovernanceModel

    def __init__(self, model: GovernanceModel, index: int) -> None:
        super().__init__(model)
        self.index = index

    @property
    def group(self) -> str:
        return GROUPS[int(self.model.pop.group[self.index])]

    @property
    def is_party_member(self) -> bool:
        return bool(self.model.pop.party_member[self.index])

    @property
    def trust(self) -> float:
        return float(self.model.state.trust[self.index])

    @property
    def efficacy(self) -> float:
        """External efficacy (they listen)."""
        return float(self.model.state.efficacy[self.index])

    @property
    def internal_efficacy(self) -> float:
        """Internal efficacy (I can take part)."""
        return float(self.model.state.internal[self.index])

    @property
    def participating(self) -> bool:
        return bool(self.model.state.participating[self.index])

    @property
    def household(self) -> int:
        return int(self.model.pop.household[self.index])

    @property
    def building(self) -> int:
        return int(self.model.pop.building[self.index])


class ResidentViews(Sequence[Resident]):
    """The residents as Mesa agents, each created (and registered with the model) the first
    time it is asked for: a street of a million residents does not pay for a million Python
    objects it never reads. ``materialise()`` creates them all (for the browser app's space)."""

    def __init__(self, model: GovernanceModel) -> None:
        self._model = model
        self._made: dict[int, Resident] = {}

    def __len__(self) -> int:
        return self._model.pop.n

    @overload
    def __getitem__(self, i: int) -> Resident: ...
    @overload
    def __getitem__(self, i: slice) -> list[Resident]: ...

    def __getitem__(self, i: int | slice) -> Resident | list[Resident]:
        if isinstance(i, slice):
            return [self[j] for j in range(*i.indices(len(self)))]
        n = len(self)
        j = i + n if i < 0 else i
        if not 0 <= j < n:
            raise IndexError(f"resident {i} out of range (0..{n - 1})")
        if j not in self._made:
            self._made[j] = Resident(self._model, j)
        return self._made[j]

    def materialise(self) -> None:
        for j in range(len(self)):
            self[j]


class GridWorker(mesa.Agent):
    """A grid worker (网格员) assigned to one grid cell of a community (ODD section 2.4)."""

    def __init__(self, model: GovernanceModel, cell: int, community: int) -> None:
        super().__init__(model)
        self.cell = cell
        self.community = community


class Organisation(mesa.Agent):
    """A handler: building head, compound manager, community committee, area office,
    street office or department (ODD section 2.5)."""

    model: GovernanceModel

    def __init__(self, model: GovernanceModel, handler: int) -> None:
        super().__init__(model)
        self.handler = handler

    @property
    def kind(self) -> str:
        return KIND_NAMES[int(self.model.handlers.kind[self.handler])]

    @property
    def pool(self) -> str:
        """The pool its case hours come from (for property cases at a compound; see
        ``sim.handlers.work_account``)."""
        from sim.handlers import CASE_POOLS, work_account

        cat = np.array([CATEGORIES.index("property")], dtype=np.int8)
        return CASE_POOLS[int(work_account(self.model.handlers, np.array([self.handler]), cat)[0][0])]

    @property
    def queue_length(self) -> int:
        return int(self.model.queue_lengths()[self.handler])
