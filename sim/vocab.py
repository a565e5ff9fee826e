"""Fixed vocabularies of the model: issue categories, scopes, resident groups, grid levels.

The order of each tuple fixes array indices; append, never reorder."""

from __future__ import annotations

import numpy as np

#: Issue categories (order fixes array indices and department ids; ODD section 2.6).
CATEGORIES: tuple[str, ...] = (
    "sanitation",
    "pets",
    "lift_renovation",
    "parking",
    "property",
    "neighbour_dispute",
    "care",
    "public_safety",
)
#: Issue scopes, narrowest first.
SCOPES: tuple[str, ...] = ("household", "building", "compound", "cross_community")
#: Resident groups (ODD section 2.3).
GROUPS: tuple[str, ...] = ("local", "migrant", "gig", "elderly")
#: Handler levels, lowest first. Building heads and area offices exist only under the
#: five-level grid (the article, part 2(3): 街镇—片区(网格)—社区—小区—楼栋); the area is the 片区
#: between street and community; compounds (property managers) exist in every regime.
LEVELS: tuple[str, ...] = ("building", "compound", "community", "area", "street")


class Kind:
    """Handler kinds (organisations that handle issues); the level of each is :data:`KIND_LEVEL`."""

    BUILDING = 0  #: building head (楼栋长), five-level grid only
    COMPOUND = 1  #: property manager, plus a compound steward under the five-level grid
    COMMUNITY = 2  #: community party committee / residents' committee with its grid workers
    AREA = 3  #: area office (片区), five-level grid only
    STREET = 4  #: street office (summons departments under whistle_summon)
    DEPARTMENT = 5  #: one functional department per issue category


KIND_NAMES: tuple[str, ...] = ("building", "compound", "community", "area", "street", "department")
#: Level (index into LEVELS) of each handler kind.
KIND_LEVEL = np.array([0, 1, 2, 3, 4, 4], dtype=np.int8)

#: Categories simple enough for first-line handlers (building heads, stewards, volunteers).
SIMPLE: tuple[str, ...] = ("sanitation", "pets", "neighbour_dispute", "care")

#: Weakest stored tie strength (strangers); every stored tie is at least this strong.
MIN_STRENGTH: float = 0.01
