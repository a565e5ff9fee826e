"""Tests of sim.graph: hierarchy, groups, ties and sizing of the street's population (ODD 2.2–2.4)."""

from __future__ import annotations

import numpy as np
import pytest
import scipy.sparse as sp
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from scipy.sparse import csgraph

from sim.graph import (
    TIE_KINDS,
    Population,
    build_population,
    estimate_bytes,
    to_networkx,
)
from sim.schema import GROUPS, GroupShares, PopulationConfig, TieConfig
from tests.strategies import population_configs

HPGW = 400.0


def build(cfg: PopulationConfig, seed: int = 0, hpgw: float = HPGW) -> Population:
    return build_population(cfg, np.random.default_rng(seed), households_per_grid_worker=hpgw)


@pytest.fixture(scope="module")
def default_pop() -> Population:
    return build(PopulationConfig(residents=20_000), seed=1)


def check_structure(pop: Population, cfg: PopulationConfig, hpgw: float = HPGW) -> None:
    """Invariants that hold for every configuration."""
    n = cfg.residents
    assert pop.n == n
    per_resident = ("household", "building", "compound", "community", "area", "grid_cell")
    for name in per_resident:
        a = getattr(pop, name)
        assert a.shape == (n,) and a.dtype == np.int32, name
        # Ids are 0..k-1, each used, and in nondecreasing order (units are contiguous ranges).
        assert a[0] == 0 and np.all(np.diff(a) >= 0) and np.all(np.diff(a) <= 1), name
    assert pop.household[-1] + 1 == pop.n_households
    assert pop.building[-1] + 1 == pop.n_buildings
    assert pop.compound[-1] + 1 == pop.n_compounds
    assert pop.community[-1] + 1 == pop.n_communities
    assert pop.area[-1] + 1 == pop.n_areas
    assert pop.grid_cell[-1] + 1 == pop.n_grid_cells

    # Nesting: each child's parent array agrees with the residents' ids.
    assert pop.household_building.shape == (pop.n_households,)
    assert np.array_equal(pop.household_building[pop.household], pop.building)
    assert np.array_equal(pop.building_compound[pop.building], pop.compound)
    assert np.array_equal(pop.compound_community[pop.compound], pop.community)
    assert np.array_equal(pop.community_area[pop.community], pop.area)
    assert np.array_equal(pop.grid_cell_community[pop.grid_cell], pop.community)
    assert pop.building_compound.shape == (pop.n_buildings,)
    assert pop.compound_community.shape == (pop.n_compounds,)
    assert pop.community_area.shape == (pop.n_communities,)
    # Unit sizes as configured (only the last unit may be partial).
    for child, size in (
        (pop.household_building, cfg.households_per_building),
        (pop.building_compound, cfg.buildings_per_compound),
        (pop.compound_community, cfg.compounds_per_community),
        (pop.community_area, cfg.communities_per_area),
    ):
        counts = np.bincount(child)
        assert np.all(counts[:-1] == size) and 1 <= counts[-1] <= size
    # Grid cells: within a community, chunks of roughly hpgw households.
    hh_cell = pop.grid_cell[np.searchsorted(pop.household, np.arange(pop.n_households))]
    cell_hh = np.bincount(hh_cell, minlength=pop.n_grid_cells)
    com_hh = np.bincount(pop.compound_community[pop.building_compound[pop.household_building]])
    assert np.all(cell_hh >= 1)
    for c in np.unique(pop.grid_cell_community):
        sizes = cell_hh[pop.grid_cell_community == c]
        assert sizes.max() - sizes.min() <= 1
        if sizes.size > 1:
            assert sizes.min() >= hpgw / 2 - 1
        assert sizes.sum() == com_hh[c]

    # Groups: one per household, shared by its members; attributes in range.
    assert pop.group.dtype == np.int8 and pop.group.min() >= 0 and pop.group.max() < len(GROUPS)
    first = np.searchsorted(pop.household, pop.household)
    assert np.array_equal(pop.group, pop.group[first])
    assert pop.party_member.dtype == np.bool_ and pop.party_member.shape == (n,)
    dl = pop.digital_literacy
    assert dl.dtype == np.float32 and dl.shape == (n,) and np.all((dl >= 0) & (dl <= 1))

    # Ties: symmetric canonical CSR, zero diagonal, strengths in (0, 1], kinds aligned.
    t = pop.ties
    assert isinstance(t, sp.csr_matrix) and t.shape == (n, n) and t.dtype == np.float32
    assert t.has_canonical_format
    t.check_format(full_check=True)
    assert np.all(t.data > 0) and np.all(t.data <= 1)
    assert t.diagonal().sum() == 0
    assert (t != t.T).nnz == 0
    assert pop.tie_kind.dtype == np.int8 and pop.tie_kind.shape == t.data.shape
    assert pop.tie_kind.min(initial=0) >= 0 and pop.tie_kind.max(initial=0) < len(TIE_KINDS)
    kind_mat = sp.csr_matrix((pop.tie_kind.astype(np.float64) + 1, t.indices, t.indptr), shape=t.shape)
    assert (kind_mat != kind_mat.T).nnz == 0
    assert pop.n_ties * 2 == t.nnz
    assert pop.degree().sum() == t.nnz

    # Kinds respect the hierarchy: a household tie joins one household, a building tie
    # one building but two households, and so on.
    rows = np.repeat(np.arange(n), np.diff(t.indptr))
    cols = t.indices
    k = pop.tie_kind
    same = {name: getattr(pop, name)[rows] == getattr(pop, name)[cols] for name in ("household", "building", "compound", "community")}
    assert np.all(same["household"][k == 0])
    assert np.all(same["building"][k == 1] & ~same["household"][k == 1])
    assert np.all(same["compound"][k == 2] & ~same["building"][k == 2])
    assert np.all(same["community"][k == 3] & ~same["compound"][k == 3])

    # Every household is a clique of ties at least as strong as household_strength.
    hh_pairs = same["household"]
    hh_sizes = np.bincount(pop.household)
    assert hh_pairs.sum() == int(np.sum(hh_sizes * (hh_sizes - 1)))
    hs = np.float32(max(cfg.ties.household_strength, 0.01))
    assert np.all(t.data[hh_pairs] >= hs)

    assert estimate_bytes(cfg) >= pop.nbytes


# --------------------------------------------------------------------------- default street


def test_default_structure(default_pop: Population) -> None:
    check_structure(default_pop, PopulationConfig(residents=20_000))


def test_household_sizes(default_pop: Population) -> None:
    sizes = np.bincount(default_pop.household)
    assert sizes.min() >= 1
    assert abs(sizes.mean() - 2.6) < 0.08
    elderly = default_pop.group[np.searchsorted(default_pop.household, np.arange(default_pop.n_households))] == GROUPS.index("elderly")
    assert sizes[elderly].max() <= 2


def test_group_shares_default(default_pop: Population) -> None:
    shares = np.bincount(default_pop.group, minlength=len(GROUPS)) / default_pop.n
    want = np.array([getattr(PopulationConfig().group_shares, g) for g in GROUPS])
    assert np.allclose(shares, want, atol=0.02), shares


@pytest.mark.parametrize(
    ("shares", "household_size"),
    [
        ((0.25, 0.25, 0.25, 0.25), 2.6),
        ((0.1, 0.1, 0.1, 0.7), 3.0),
        ((0.0, 0.0, 0.0, 1.0), 2.6),
        ((0.9, 0.05, 0.05, 0.0), 4.0),
        ((0.4, 0.3, 0.2, 0.1), 1.0),
    ],
)
def test_group_shares_configured(shares: tuple[float, ...], household_size: float) -> None:
    cfg = PopulationConfig(
        residents=20_000,
        household_size=household_size,
        group_shares=GroupShares(**dict(zip(GROUPS, shares, strict=True))),
        ties=TieConfig(building_degree=0, compound_degree=0, community_degree=0, long_range_degree=0),
    )
    pop = build(cfg, seed=7)
    got = np.bincount(pop.group, minlength=len(GROUPS)) / pop.n
    assert np.allclose(got, shares, atol=0.025), got


def test_party_and_literacy(default_pop: Population) -> None:
    cfg = PopulationConfig()
    assert abs(default_pop.party_member.mean() - cfg.party_member_share) < 0.01
    means = cfg.digital_literacy.as_tuple()
    for gi in range(len(GROUPS)):
        dl = default_pop.digital_literacy[default_pop.group == gi]
        assert abs(dl.mean() - means[gi]) < 0.03
        assert dl.std() > 0.05  # spread, not a constant


def test_mean_degree_by_kind(default_pop: Population) -> None:
    tc = TieConfig()
    deg = default_pop.degree_by_kind()
    want = np.array([tc.building_degree, tc.compound_degree, tc.community_degree, tc.long_range_degree])
    assert np.allclose(deg[1:], want, rtol=0.1), deg
    # Strength means by kind (Beta means, slightly raised by the clip at 0.01).
    k = default_pop.tie_kind
    d = default_pop.ties.data
    assert np.allclose(d[k == 0], tc.household_strength)
    means = (tc.building_strength, tc.compound_strength, tc.community_strength, tc.long_range_strength)
    for kind, mean in zip(range(1, 5), means, strict=True):
        assert abs(d[k == kind].mean() - mean) < 0.02


def test_small_world(default_pop: Population) -> None:
    """Long-range shortcuts make the street one component with short paths."""
    _, labels = csgraph.connected_components(default_pop.ties, directed=False)
    assert np.bincount(labels).max() > 0.95 * default_pop.n
    dist = csgraph.shortest_path(default_pop.ties, unweighted=True, indices=[0, default_pop.n // 2])
    finite = dist[np.isfinite(dist)]
    assert finite.max() < 20


def test_determinism() -> None:
    cfg = PopulationConfig(residents=3_000)
    a, b, c = build(cfg, seed=5), build(cfg, seed=5), build(cfg, seed=6)
    for name in Population.__slots__:
        x, y = getattr(a, name), getattr(b, name)
        if isinstance(x, np.ndarray):
            assert np.array_equal(x, y) and x.dtype == y.dtype, name
        elif sp.issparse(x):
            assert np.array_equal(x.indptr, y.indptr)
            assert np.array_equal(x.indices, y.indices)
            assert np.array_equal(x.data, y.data)
        else:
            assert x == y, name
    assert not np.array_equal(a.group, c.group) or a.ties.nnz != c.ties.nnz or not np.array_equal(a.ties.indices, c.ties.indices)
    assert not np.array_equal(a.digital_literacy, c.digital_literacy)


def test_only_the_given_generator() -> None:
    """Global numpy state is neither read nor advanced."""
    cfg = PopulationConfig(residents=500)
    np.random.seed(0)
    before = np.random.get_state()[1].copy()
    a = build(cfg, seed=3)
    assert np.array_equal(np.random.get_state()[1], before)
    np.random.seed(123)
    b = build(cfg, seed=3)
    assert np.array_equal(a.ties.data, b.ties.data)


def test_to_networkx(default_pop: Population) -> None:
    small = build(PopulationConfig(residents=2_000), seed=2)
    g = to_networkx(small)
    assert g.number_of_nodes() == small.n
    assert g.number_of_edges() == small.n_ties
    i = int(small.ties.indices[0])
    row0 = int(np.searchsorted(small.ties.indptr, 0, side="right") - 1)
    assert g.edges[row0, i]["strength"] == pytest.approx(float(small.ties[row0, i]))
    assert g.edges[row0, i]["kind"] in TIE_KINDS
    attrs = g.nodes[0]
    assert set(attrs) >= {"group", "household", "building", "compound", "community", "party_member"}
    assert attrs["group"] in GROUPS

    # Induced subgraph: one community of the 20,000-resident street.
    nodes = np.flatnonzero(default_pop.community == 1)
    h = to_networkx(default_pop, nodes)
    assert set(h.nodes) == set(nodes.tolist())
    sub = default_pop.ties[nodes][:, nodes]
    assert h.number_of_edges() == sub.nnz // 2
    kinds = default_pop.tie_kind
    for u, v, d in list(h.edges(data=True))[:200]:
        assert d["strength"] == pytest.approx(float(default_pop.ties[u, v]))
        pos = default_pop.ties.indptr[u] + np.searchsorted(default_pop.neighbours(u), v)
        assert d["kind"] == TIE_KINDS[kinds[pos]]
    assert to_networkx(default_pop, np.array([], dtype=np.int64)).number_of_nodes() == 0
    with pytest.raises(ValueError):
        to_networkx(small, np.array([small.n]))


def test_weighted_degree(default_pop: Population) -> None:
    wd = default_pop.weighted_degree()
    assert np.allclose(wd, np.asarray(default_pop.ties.sum(axis=1)).ravel(), rtol=1e-5)


def test_estimate_bytes(default_pop: Population) -> None:
    cfg = PopulationConfig(residents=20_000)
    est = estimate_bytes(cfg)
    assert default_pop.nbytes <= est < 3 * default_pop.nbytes
    assert estimate_bytes(cfg, peak=True) > est
    big = PopulationConfig(residents=5_000_000)
    assert estimate_bytes(big) > 100 * est


def test_peak_estimate_covers_build() -> None:
    import tracemalloc

    cfg = PopulationConfig(residents=20_000, household_size=5.0, ties=TieConfig(building_degree=20))
    tracemalloc.start()
    try:
        build(cfg)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak <= estimate_bytes(cfg, peak=True)


def test_degenerate_units() -> None:
    """One household per building and one building per compound: rings are empty."""
    cfg = PopulationConfig(residents=300, households_per_building=1, buildings_per_compound=1, compounds_per_community=1)
    pop = build(cfg)
    check_structure(pop, cfg)
    k = pop.tie_kind
    assert not np.any((k == 2) | (k == 3))  # a compound has one building, a community one compound


def test_zero_strength_and_degree() -> None:
    ties = TieConfig(household_strength=0.0, building_strength=0.0, compound_strength=1.0, long_range_degree=0.0)
    cfg = PopulationConfig(residents=1_000, ties=ties)
    pop = build(cfg)
    check_structure(pop, cfg)
    assert np.all(pop.ties.data[pop.tie_kind == 1] == np.float32(0.01))
    assert np.all(pop.ties.data[pop.tie_kind == 2] == 1.0)
    assert not np.any(pop.tie_kind == 4)


def test_merge_keeps_strongest_duplicate() -> None:
    from sim.graph import _merge_to_csr

    i32, f32, i8 = np.int32, np.float32, np.int8
    parts = [
        (np.array([0, 1, 2, 3], i32), np.array([1, 0, 2, 4], i32), np.array([0.5, 0.7, 0.9, 0.2], f32), np.array([0, 0, 0, 0], i8)),
        (np.array([1, 4, 0], i32), np.array([0, 3, 4], i32), np.array([0.6, 0.2, 0.3], f32), np.array([1, 4, 3], i8)),
    ]
    mat, kind = _merge_to_csr(5, parts)
    assert parts == []
    dense = mat.toarray()
    expected = np.zeros((5, 5), np.float32)
    expected[0, 1] = expected[1, 0] = 0.7  # three draws of (0, 1); the strongest is household
    expected[3, 4] = expected[4, 3] = 0.2  # equal strengths: the lower kind wins
    expected[0, 4] = expected[4, 0] = 0.3  # the self-loop (2, 2) is dropped
    assert np.array_equal(dense, expected)
    kinds = sp.csr_matrix((kind.astype(float) + 1, mat.indices, mat.indptr), shape=mat.shape).toarray() - 1
    assert kinds[0, 1] == kinds[1, 0] == 0
    assert kinds[3, 4] == kinds[4, 3] == 0
    assert kinds[0, 4] == kinds[4, 0] == 3


# --------------------------------------------------------------------------- random configurations


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(population_configs(), st.integers(0, 2**32 - 1))
def test_random_configs_keep_invariants(cfg_hpgw: tuple[PopulationConfig, float], seed: int) -> None:
    cfg, hpgw = cfg_hpgw
    pop = build(cfg, seed=seed, hpgw=hpgw)
    check_structure(pop, cfg, hpgw)
    got = np.bincount(pop.group, minlength=len(GROUPS))
    for gi, g in enumerate(GROUPS):
        if getattr(cfg.group_shares, g) == 0:
            assert got[gi] == 0
