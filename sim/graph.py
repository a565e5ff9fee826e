"""The street's residents, their spatial hierarchy and their social graph (ODD section 2.2).

A street (街道) holds areas (片区), communities (社区), compounds (小区),
buildings (楼栋) and households; residents belong to groups (local, migrant, gig,
elderly); social ties are dense within households and buildings, sparser across
compounds, with a few long-range ties (a small world).

Construction is vectorised and linear in the number of ties apart from one sort of them:
residents are numbered so that every unit of the hierarchy is a contiguous range of
resident ids, which lets a partner "in the same unit but outside the sub-unit" be drawn
with one uniform integer per tie. All randomness comes from the ``numpy`` Generator
passed in, in a fixed order, so a seed fixes the population exactly.

Tie kinds (``TIE_KINDS``), each drawn independently and then merged:

* household  -- every pair of the same household (cliques), strength ``household_strength``;
* building   -- others of the same building, outside one's household;
* compound   -- others of the same compound, outside one's building;
* community  -- others of the same community, outside one's compound;
* long_range -- anyone else in the street.

The four sets of pairs are disjoint apart from long-range ties, so a kind's mean degree
is close to its configured ``*_degree`` (less only where units are too small to hold
that many distinct partners).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import networkx as nx
import numpy as np
import scipy.sparse as sp

from sim import vocab
from sim.vocab import GROUPS

if TYPE_CHECKING:
    from sim.schema import PopulationConfig

#: Kinds of tie, in the order of ``Population.tie_kind`` codes.
TIE_KINDS: tuple[str, ...] = ("household", "building", "compound", "community", "long_range")
#: Concentration (alpha + beta) of the Beta law of non-household tie strengths.
STRENGTH_CONCENTRATION: float = 5.0
#: Concentration of the Beta law of digital literacy around its group mean.
LITERACY_CONCENTRATION: float = 6.0
#: Strengths are clipped to [MIN_STRENGTH, 1] so that every stored tie is positive.
MIN_STRENGTH: float = vocab.MIN_STRENGTH
#: Mean size of an elderly household (alone or as a couple: size 1 or 2), at most household_size.
ELDERLY_HOUSEHOLD_MEAN: float = 1.5

_ELDERLY = GROUPS.index("elderly")


@dataclass(frozen=True, slots=True, eq=False)
class Population:
    """Residents, their units and groups, and the weighted tie graph.

    Resident ids are ordered by household, and household ids by building, so each unit
    (household, building, compound, community, area, grid cell) is a contiguous id range.
    Arrays are shared with the simulation: treat them as read-only (copy to mutate).
    """

    n: int
    household: np.ndarray  # int32, resident -> household
    building: np.ndarray  # int32, resident -> building
    compound: np.ndarray  # int32, resident -> compound
    community: np.ndarray  # int32, resident -> community
    area: np.ndarray  # int32, resident -> area (片区)
    grid_cell: np.ndarray  # int32, resident -> grid worker's cell
    group: np.ndarray  # int8, index into GROUPS
    party_member: np.ndarray  # bool
    digital_literacy: np.ndarray  # float32 in [0, 1]
    ties: sp.csr_matrix  # float32, symmetric, zero diagonal, data in (0, 1]
    tie_kind: np.ndarray  # int8 aligned with ties.data, index into TIE_KINDS
    building_compound: np.ndarray  # int32, building -> compound
    compound_community: np.ndarray  # int32, compound -> community
    community_area: np.ndarray  # int32, community -> area
    n_households: int
    n_buildings: int
    n_compounds: int
    n_communities: int
    n_areas: int
    n_grid_cells: int
    household_building: np.ndarray  # int32, household -> building
    grid_cell_community: np.ndarray  # int32, grid cell -> community
    household_cell: np.ndarray  # int32, household -> grid cell

    @property
    def n_ties(self) -> int:
        """Number of undirected ties."""
        return int(self.ties.nnz // 2)

    def degree(self) -> np.ndarray:
        """Number of ties of each resident (int64)."""
        return np.diff(self.ties.indptr).astype(np.int64)

    def weighted_degree(self) -> np.ndarray:
        """Sum of tie strengths of each resident (float64)."""
        rows = np.repeat(np.arange(self.n), np.diff(self.ties.indptr))
        return np.bincount(rows, weights=self.ties.data, minlength=self.n)

    def neighbours(self, i: int) -> np.ndarray:
        """Ids of resident ``i``'s tie partners (sorted)."""
        return self.ties.indices[self.ties.indptr[i] : self.ties.indptr[i + 1]]

    def degree_by_kind(self) -> np.ndarray:
        """Mean degree per resident of each tie kind, shape ``(len(TIE_KINDS),)``."""
        counts = np.bincount(self.tie_kind, minlength=len(TIE_KINDS))
        return counts / max(self.n, 1)

    @property
    def nbytes(self) -> int:
        """Bytes held by the arrays of this population."""
        arrays = [getattr(self, f) for f in self.__slots__ if isinstance(getattr(self, f), np.ndarray)]
        return int(
            sum(a.nbytes for a in arrays)
            + self.ties.data.nbytes
            + self.ties.indices.nbytes
            + self.ties.indptr.nbytes
        )


# --------------------------------------------------------------------------- households


def _household_plan(cfg: PopulationConfig) -> tuple[np.ndarray, float, float]:
    """Household-level group probabilities and mean sizes (elderly, others).

    Elderly households have size 1 + Bernoulli(p) with mean ``min(1.5, household_size)``;
    other households 1 + Poisson(m - 1), with m raised so that the overall mean household
    size stays ``household_size`` (capped at twice it when the elderly share makes that
    infeasible). Household probabilities are proportional to resident share / mean size,
    so resident shares match ``group_shares`` in expectation.
    """
    h = float(cfg.household_size)
    shares = np.array([getattr(cfg.group_shares, g) for g in GROUPS], dtype=np.float64)
    s_e = shares[_ELDERLY]
    m_e = min(ELDERLY_HOUSEHOLD_MEAN, h)
    if s_e >= 1.0 - 1e-9:
        m_o = h
    else:
        denom = 1.0 / h - s_e / m_e
        m_o = (1.0 - s_e) / denom if denom > 0 else np.inf
        m_o = float(min(max(m_o, h), 2.0 * h))
    means = np.full(len(GROUPS), m_o)
    means[_ELDERLY] = m_e
    q = shares / means
    return q / q.sum(), m_e, m_o


def _draw_households(cfg: PopulationConfig, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """Group and size of each household, sizes truncated to sum to ``residents``."""
    n = cfg.residents
    q, m_e, m_o = _household_plan(cfg)
    mean_size = float(q[_ELDERLY] * m_e + (1 - q[_ELDERLY]) * m_o)
    groups: list[np.ndarray] = []
    sizes: list[np.ndarray] = []
    total = 0
    while total < n:
        remaining = n - total
        batch = int(np.ceil(remaining / mean_size * 1.05 + 4.0 * np.sqrt(remaining / mean_size) + 8))
        g = rng.choice(len(GROUPS), size=batch, p=q).astype(np.int8)
        s = np.empty(batch, dtype=np.int64)
        eld = g == _ELDERLY
        n_eld = int(eld.sum())
        s[eld] = 1 + (rng.random(n_eld) < (m_e - 1.0))
        s[~eld] = 1 + rng.poisson(m_o - 1.0, batch - n_eld)
        groups.append(g)
        sizes.append(s)
        total += int(s.sum())
    g_all = np.concatenate(groups)
    s_all = np.concatenate(sizes)
    cum = np.cumsum(s_all)
    k = int(np.searchsorted(cum, n))  # household k holds resident n-1
    s_all = s_all[: k + 1].copy()
    s_all[k] -= int(cum[k]) - n
    return g_all[: k + 1], s_all


# --------------------------------------------------------------------------- ties


def _starts(ids: np.ndarray, n_units: int) -> np.ndarray:
    """Offsets of contiguous units: residents of unit u are ``starts[u]:starts[u+1]``."""
    out = np.zeros(n_units + 1, dtype=np.int64)
    np.cumsum(np.bincount(ids, minlength=n_units), out=out[1:])
    return out


def _household_pairs(hh_end: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """All pairs (i < j) within each household; ``hh_end[i]`` is one past i's household."""
    n = hh_end.shape[0]
    ids = np.arange(n, dtype=np.int32)
    cnt = hh_end - 1 - ids
    u = np.repeat(ids, cnt)
    first = np.cumsum(cnt) - cnt
    v = np.arange(u.shape[0], dtype=np.int64)
    v -= np.repeat(first, cnt)
    v += u
    v += 1
    return u, v.astype(np.int32)


def _ring_pairs(
    rng: np.random.Generator,
    degree: float,
    unit_lo: np.ndarray,
    unit_hi: np.ndarray,
    excl_lo: np.ndarray,
    excl_hi: np.ndarray,
) -> tuple[np.ndarray, np.ndarray]:
    """Ties from each resident to uniform partners in [unit_lo, unit_hi) minus [excl_lo, excl_hi).

    Each resident starts Poisson(degree / 2) ties, so the mean degree (started plus
    received) is ``degree``. Residents whose ring is empty start none.
    """
    n = unit_lo.shape[0]
    ring = (unit_hi - unit_lo) - (excl_hi - excl_lo)
    cnt = rng.poisson(degree / 2.0, n) if degree > 0 else np.zeros(n, dtype=np.int64)
    cnt[ring <= 0] = 0
    u = np.repeat(np.arange(n, dtype=np.int32), cnt)
    if u.shape[0] == 0:
        return u, u.copy()
    v = rng.integers(0, ring[u]).astype(np.int32)
    v += unit_lo[u]
    v += (v >= excl_lo[u]) * (excl_hi - excl_lo)[u]
    return u, v


def _strengths(rng: np.random.Generator, mean: float, size: int) -> np.ndarray:
    """Tie strengths: Beta with the given mean (concentration 5), clipped to [0.01, 1]."""
    if mean <= 0.0:
        return np.full(size, MIN_STRENGTH, dtype=np.float32)
    if mean >= 1.0:
        return np.ones(size, dtype=np.float32)
    a = mean * STRENGTH_CONCENTRATION
    b = (1.0 - mean) * STRENGTH_CONCENTRATION
    return np.clip(rng.beta(a, b, size), MIN_STRENGTH, 1.0).astype(np.float32)


def _merge_to_csr(
    n: int, parts: list[tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]]
) -> tuple[sp.csr_matrix, np.ndarray]:
    """Symmetric CSR from undirected pairs: drop self-loops, keep the strongest duplicate.

    ``parts`` holds (u, v, s, k) per tie kind: int32 endpoints, float32 strengths, int8
    kinds; the list is emptied to free memory early.
    """
    u, v, s, k = (np.concatenate([p[j] for p in parts]) for j in range(4))
    parts.clear()
    keep = u != v
    lo = np.minimum(u, v)[keep]
    hi = np.maximum(u, v)[keep]
    s = s[keep]
    k = k[keep]
    del keep
    key = lo.astype(np.int64)
    key *= n
    key += hi
    del lo, hi
    # Group duplicates by pair; keep the strongest, ties in strength to the lower kind.
    order = np.argsort(key)
    key = key[order]
    s = s[order]
    k = k[order]
    del order
    first = np.empty(key.shape[0], dtype=bool)
    first[:1] = True
    np.not_equal(key[1:], key[:-1], out=first[1:])
    starts = np.flatnonzero(first)
    key = key[first]
    del first
    if starts.shape[0] < s.shape[0]:  # some pairs were drawn more than once
        s_max = np.maximum.reduceat(s, starts)
        counts = np.diff(np.append(starts, s.shape[0]))
        k = np.where(s == np.repeat(s_max, counts), k, np.int8(127)).astype(np.int8)
        k = np.minimum.reduceat(k, starts)
        s = s_max
    lo = (key // n).astype(np.int32)  # sorted by (lo, hi)
    hi = (key % n).astype(np.int32)
    del key, starts
    m = lo.shape[0]
    idx = np.int32 if max(n, 2 * m) < np.iinfo(np.int32).max else np.int64
    # Row r lists partners below r (from pairs (lo, r), in increasing lo) then above r
    # (from pairs (r, hi), in increasing hi): a stable sort by row yields sorted columns.
    rows = np.concatenate([hi, lo])
    perm = np.argsort(rows, kind="stable")
    indptr = np.zeros(n + 1, dtype=idx)
    np.cumsum(np.bincount(rows, minlength=n), out=indptr[1:])
    del rows
    indices = np.concatenate([lo, hi])[perm].astype(idx, copy=False)
    del lo, hi
    data = np.concatenate([s, s])[perm]
    kind = np.concatenate([k, k])[perm]
    mat = sp.csr_matrix((data, indices, indptr), shape=(n, n))
    mat.has_sorted_indices = True
    return mat, kind


# --------------------------------------------------------------------------- build


def build_population(
    cfg: PopulationConfig, rng: np.random.Generator, *, households_per_grid_worker: float
) -> Population:
    """Draw the residents, their hierarchy, groups and ties (ODD section 2) from ``rng``."""
    n = int(cfg.residents)
    tc = cfg.ties

    # Households, groups, nesting.
    hh_group, hh_size = _draw_households(cfg, rng)
    n_hh = int(hh_size.shape[0])
    household = np.repeat(np.arange(n_hh, dtype=np.int32), hh_size)
    household_building = (np.arange(n_hh, dtype=np.int64) // cfg.households_per_building).astype(np.int32)
    n_bld = int(household_building[-1]) + 1
    building_compound = (np.arange(n_bld, dtype=np.int64) // cfg.buildings_per_compound).astype(np.int32)
    n_cmp = int(building_compound[-1]) + 1
    compound_community = (np.arange(n_cmp, dtype=np.int64) // cfg.compounds_per_community).astype(np.int32)
    n_com = int(compound_community[-1]) + 1
    community_area = (np.arange(n_com, dtype=np.int64) // cfg.communities_per_area).astype(np.int32)
    n_area = int(community_area[-1]) + 1
    building = household_building[household]
    compound = building_compound[building]
    community = compound_community[compound]
    area = community_area[community]

    # Grid cells: consecutive chunks of ~households_per_grid_worker households per community.
    hh_community = compound_community[building_compound[household_building]]
    com_hh_start = _starts(hh_community, n_com)
    com_hh = np.diff(com_hh_start)
    cells = np.maximum(1, np.rint(com_hh / float(households_per_grid_worker))).astype(np.int64)
    cell_offset = np.concatenate([[0], np.cumsum(cells)])
    local = np.arange(n_hh, dtype=np.int64) - com_hh_start[hh_community]
    hh_cell = cell_offset[hh_community] + (local * cells[hh_community]) // com_hh[hh_community]
    grid_cell = hh_cell.astype(np.int32)[household]
    n_cells = int(cell_offset[-1])
    grid_cell_community = np.repeat(np.arange(n_com, dtype=np.int32), cells)

    # Resident attributes.
    group = hh_group[household]
    party_member = rng.random(n) < cfg.party_member_share
    lit_mean = np.clip(np.array(cfg.digital_literacy.as_tuple(), dtype=np.float64), 0.0, 1.0)[group]
    inner = (lit_mean > 0) & (lit_mean < 1)
    a = np.where(inner, lit_mean * LITERACY_CONCENTRATION, 1.0)
    b = np.where(inner, (1.0 - lit_mean) * LITERACY_CONCENTRATION, 1.0)
    digital_literacy = np.where(inner, rng.beta(a, b), lit_mean).astype(np.float32)

    # Ties, one kind at a time; ranges of each resident's units as int32 [lo, hi).
    def ranges(ids: np.ndarray, n_units: int) -> tuple[np.ndarray, np.ndarray]:
        start = _starts(ids, n_units).astype(np.int32)
        return start[ids], start[ids.astype(np.int64) + 1]

    h_lo, h_hi = ranges(household, n_hh)
    b_lo, b_hi = ranges(building, n_bld)
    c_lo, c_hi = ranges(compound, n_cmp)
    m_lo, m_hi = ranges(community, n_com)
    ids = np.arange(n, dtype=np.int32)

    parts: list[tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]] = []
    u, v = _household_pairs(h_hi)
    hs = np.full(u.shape[0], np.clip(tc.household_strength, MIN_STRENGTH, 1.0), dtype=np.float32)
    parts.append((u, v, hs, np.zeros(u.shape[0], dtype=np.int8)))
    rings = (
        (tc.building_degree, tc.building_strength, b_lo, b_hi, h_lo, h_hi),
        (tc.compound_degree, tc.compound_strength, c_lo, c_hi, b_lo, b_hi),
        (tc.community_degree, tc.community_strength, m_lo, m_hi, c_lo, c_hi),
        (tc.long_range_degree, tc.long_range_strength, np.zeros(n, np.int32), np.full(n, n, np.int32), ids, ids + 1),
    )
    for kind, (deg, mean, ulo, uhi, xlo, xhi) in enumerate(rings, start=1):
        u, v = _ring_pairs(rng, deg, ulo, uhi, xlo, xhi)
        parts.append((u, v, _strengths(rng, mean, u.shape[0]), np.full(u.shape[0], kind, dtype=np.int8)))
    del rings, u, v, hs, h_lo, h_hi, b_lo, b_hi, c_lo, c_hi, m_lo, m_hi, ids
    ties, tie_kind = _merge_to_csr(n, parts)

    return Population(
        n=n,
        household=household,
        building=building,
        compound=compound,
        community=community,
        area=area,
        grid_cell=grid_cell,
        group=group,
        party_member=party_member,
        digital_literacy=digital_literacy,
        ties=ties,
        tie_kind=tie_kind,
        building_compound=building_compound,
        compound_community=compound_community,
        community_area=community_area,
        n_households=n_hh,
        n_buildings=n_bld,
        n_compounds=n_cmp,
        n_communities=n_com,
        n_areas=n_area,
        n_grid_cells=n_cells,
        household_building=household_building,
        grid_cell_community=grid_cell_community,
        household_cell=hh_cell.astype(np.int32),
    )


# --------------------------------------------------------------------------- export, sizing


def to_networkx(pop: Population, nodes: np.ndarray | None = None) -> nx.Graph:
    """The tie graph (induced on ``nodes``, all residents if None) as a networkx Graph.

    Nodes keep their resident ids; node attributes: group (name), household, building,
    compound, community, party_member; edge attributes: strength, kind (name).
    """
    if nodes is None:
        sel = np.arange(pop.n, dtype=np.int64)
        sub = pop.ties
        kinds = pop.tie_kind
    else:
        sel = np.unique(np.asarray(nodes, dtype=np.int64))
        if sel.size and (sel[0] < 0 or sel[-1] >= pop.n):
            raise ValueError("nodes must be resident ids in [0, n)")
        # Carry the kind alongside by slicing a matrix of entry positions (1-based).
        pos = sp.csr_matrix(
            (np.arange(1, pop.ties.nnz + 1, dtype=np.int64), pop.ties.indices, pop.ties.indptr),
            shape=pop.ties.shape,
        )
        pos = pos[sel][:, sel].tocsr()
        entry = pos.data - 1
        sub = sp.csr_matrix((pop.ties.data[entry], pos.indices, pos.indptr), shape=pos.shape)
        kinds = pop.tie_kind[entry]
    g = nx.Graph()
    g.add_nodes_from(
        (
            int(i),
            {
                "group": GROUPS[int(pop.group[i])],
                "household": int(pop.household[i]),
                "building": int(pop.building[i]),
                "compound": int(pop.compound[i]),
                "community": int(pop.community[i]),
                "party_member": bool(pop.party_member[i]),
            },
        )
        for i in sel
    )
    rows = sel[np.repeat(np.arange(sub.shape[0]), np.diff(sub.indptr))]
    cols = sel[sub.indices]
    upper = rows < cols
    g.add_edges_from(
        (r, c, {"strength": s, "kind": TIE_KINDS[k]})
        for r, c, s, k in zip(
            rows[upper].tolist(),
            cols[upper].tolist(),
            sub.data[upper].astype(float).tolist(),
            np.asarray(kinds)[upper].tolist(),
            strict=True,
        )
    )
    return g


def estimate_bytes(cfg: PopulationConfig, *, peak: bool = False) -> int:
    """Upper estimate of the bytes a ``Population`` built from ``cfg`` holds.

    Cheap arithmetic only, for refusing scenarios before allocating. With ``peak=True``,
    the estimate covers instead the transient peak of ``build_population`` (measured at
    about 170 bytes per resident plus 75 per tie, final population included).
    """
    n = int(cfg.residents)
    tc = cfg.ties
    _, m_e, m_o = _household_plan(cfg)
    lam = max(m_o - 1.0, 0.0)
    # Mean household degree of a resident: E[S(S-1)] / E[S] <= lam + 1 for 1 + Poisson(lam).
    hh_deg = max(lam + 1.0, m_e - 1.0)
    mean_deg = hh_deg + tc.building_degree + tc.compound_degree + tc.community_degree + tc.long_range_degree
    nnz = n * mean_deg
    nnz_upper = int(np.ceil(1.15 * nnz + 12.0 * np.sqrt(nnz * (1.0 + lam)) + 64))
    nnz_upper = min(nnz_upper, n * (n - 1))
    if peak:
        return int(200 * n + 40 * nnz_upper + (1 << 20))
    idx = 4 if max(n, nnz_upper) < np.iinfo(np.int32).max else 8
    per_nnz = 4 + idx + 1  # data float32, index, kind int8
    per_resident = 6 * 4 + 1 + 1 + 4  # six int32 unit ids, group, party flag, literacy
    # Per-unit arrays (household_building, household_cell, building_compound, compound_community,
    # community_area, grid_cell_community): at most one int32 per household each,
    # and there are at most as many households as residents.
    small = 6 * 4 * n
    return int(per_resident * n + per_nnz * nnz_upper + idx * (n + 1) + small + 4096)
