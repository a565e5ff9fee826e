"""Censored days to real resolution (sim.analysis.survival): Kaplan–Meier against a textbook
example, RMST, log-rank against scipy and the textbook, the cohort drawn from an issue table,
properties under censoring, and two tiny model runs through the real run function and the engine."""

from __future__ import annotations

import math

import numpy as np
import pyarrow as pa
import pytest
from hypothesis import given
from hypothesis import strategies as st
from scipy import stats as sps

from sim.analysis.survival import (
    COLUMNS,
    Durations,
    durations,
    horizon,
    kaplan_meier,
    logrank,
    paired_rmst,
    rmst_values,
    run_durations,
    survival_rows,
)
from sim.run import run
from sim.schema import ScenarioConfig

# Freireich et al. (1963) leukaemia remission data as in Gehan (1965) and Kleinbaum & Klein,
# *Survival Analysis* (3rd ed., ch. 2): weeks in remission; 0 = censored.
MP6_T = [6, 6, 6, 6, 7, 9, 10, 10, 11, 13, 16, 17, 19, 20, 22, 23, 25, 32, 32, 34, 35]
MP6_E = [1, 1, 1, 0, 1, 0, 1, 0, 0, 1, 1, 0, 0, 0, 1, 1, 0, 0, 0, 0, 0]
PLACEBO_T = [1, 1, 2, 2, 3, 4, 4, 5, 5, 8, 8, 8, 8, 11, 11, 12, 12, 15, 17, 22, 23]


def test_kaplan_meier_textbook_6mp() -> None:
    # By hand, S(t) = Π (1 − d/n) over event times (censored at a tie stay at risk):
    #   t=6:  n=21, d=3 → 18/21              = 0.8571
    #   t=7:  n=17 (3 events and 1 censored at 6 gone), d=1 → × 16/17 = 0.8067
    #   t=10: n=15 (censored at 9 gone), d=1 → × 14/15       = 0.7529
    #   t=13: n=12 (censored at 10 and 11 gone), d=1 → × 11/12 = 0.6902
    #   t=16: n=11, d=1 → × 10/11                            = 0.6275
    #   t=22: n=7 (censored at 17, 19, 20 gone), d=1 → × 6/7  = 0.5378
    #   t=23: n=6, d=1 → × 5/6                               = 0.4482
    # median: the first t with S ≤ 0.5 → 23 weeks (the textbook's value).
    # RMST to 10: 6 × 1 + 1 × 18/21 + 3 × (18/21 · 16/17) = 6 + 6/7 + 288/119 = 9.27731
    km = kaplan_meier(Durations(MP6_T, MP6_E))
    assert km.time.tolist() == [6, 7, 10, 13, 16, 22, 23]
    assert km.at_risk.tolist() == [21, 17, 15, 12, 11, 7, 6]
    assert km.events.tolist() == [3, 1, 1, 1, 1, 1, 1]
    np.testing.assert_allclose(km.survival, [0.8571, 0.8067, 0.7529, 0.6902, 0.6275, 0.5378, 0.4482], atol=5e-5)
    assert km.median == 23
    assert km.rmst(10) == pytest.approx(6 + 6 / 7 + 288 / 119, rel=1e-12)
    assert km.at([0, 5.9, 6, 8, 23, 40]).tolist() == pytest.approx([1, 1, 18 / 21, 96 / 119, km.survival[-1], km.survival[-1]])
    # beyond the last observed time (35) with S > 0 the restricted mean would be an extrapolation
    assert math.isnan(km.rmst(36)) and not math.isnan(km.rmst(35))


def test_median_conventions() -> None:
    assert kaplan_meier(Durations([1, 2, 3, 4], [1, 1, 1, 1])).median == 2  # S(2) = 0.5 exactly
    assert kaplan_meier(Durations([1, 2, 3, 4], [1, 0, 0, 0])).median == math.inf  # never half resolved
    assert math.isnan(kaplan_meier(Durations([], [])).median)
    assert math.isnan(kaplan_meier(Durations([], [])).rmst(10))


def test_logrank_textbook_and_scipy() -> None:
    mp6, placebo = Durations(MP6_T, MP6_E), Durations(PLACEBO_T, [1] * len(PLACEBO_T))
    r = logrank(placebo, mp6)
    # Kleinbaum & Klein, ch. 2: log-rank chi-squared 16.79 (1 df), p < 0.0001; expected remissions
    # ending in the 6-MP group 19.25 against 9 observed.
    assert r.chi2 == pytest.approx(16.79, abs=0.01)
    assert r.observed == 9 and r.expected == pytest.approx(19.25, abs=0.01)
    ref = sps.logrank(sps.CensoredData.right_censored(MP6_T, 1 - np.array(MP6_E)),
                      sps.CensoredData.right_censored(PLACEBO_T, np.zeros(len(PLACEBO_T))))
    assert r.p == pytest.approx(ref.pvalue, rel=1e-9)
    assert logrank(mp6, placebo).chi2 == pytest.approx(r.chi2)  # symmetric


samples = st.lists(st.tuples(st.integers(0, 40), st.booleans()), min_size=1, max_size=40)


def _d(pairs: list[tuple[int, bool]]) -> Durations:
    return Durations([p[0] for p in pairs], [p[1] for p in pairs])


@given(samples, st.floats(0, 45))
def test_properties_under_censoring(pairs: list[tuple[int, bool]], tau: float) -> None:
    d = _d(pairs)
    km = kaplan_meier(d)
    s = km.survival
    assert np.all((s >= 0) & (s <= 1)) and np.all(np.diff(s) <= 1e-15)
    r = km.rmst(tau)
    if tau <= km.max_time:
        assert 0 <= r <= tau + 1e-9
    # a censored observation after the last resolution never lowers the restricted mean
    last = max([t for t, e in pairs if e], default=-1)
    later = _d([*pairs, (max(last + 1, int(km.max_time)), False)])
    r2 = kaplan_meier(later).rmst(tau)
    if tau <= km.max_time:  # within the follow-up both are defined
        assert r2 >= r - 1e-9


@given(st.lists(st.integers(0, 40), min_size=1, max_size=40), st.integers(0, 20))
def test_rmst_is_the_mean_without_censoring(times: list[int], extra: int) -> None:
    km = kaplan_meier(Durations(times, [True] * len(times)))
    tau = max(times) + extra
    assert km.rmst(tau) == pytest.approx(np.mean(times), abs=1e-9)
    # and the mean of min(T, τ) below the largest time
    cap = max(times) / 2
    assert km.rmst(cap) == pytest.approx(np.mean(np.minimum(times, cap)), abs=1e-9)


@given(samples, samples)
def test_logrank_matches_scipy(a: list[tuple[int, bool]], b: list[tuple[int, bool]]) -> None:
    da, db = _d(a), _d(b)
    r = logrank(da, db)
    if math.isnan(r.p):
        assert r.variance == 0
        return
    ref = sps.logrank(sps.CensoredData.right_censored(db.time, ~db.event), sps.CensoredData.right_censored(da.time, ~da.event))
    assert r.p == pytest.approx(ref.pvalue, rel=1e-6, abs=1e-12)


def test_stratified_logrank_sums_the_strata() -> None:
    a1, b1 = Durations([1, 2, 3], [1, 1, 0]), Durations([2, 4, 5], [1, 1, 1])
    a2, b2 = Durations([2, 3, 7], [1, 1, 1]), Durations([1, 6, 8], [1, 0, 1])
    one, two = logrank(a1, b1), logrank(a2, b2)
    both = logrank([a1, a2], [b1, b2])
    assert both.strata == 2
    assert both.observed == one.observed + two.observed
    assert both.expected == pytest.approx(one.expected + two.expected)
    assert both.variance == pytest.approx(one.variance + two.variance)
    with pytest.raises(ValueError, match="strata"):
        logrank([a1], [b1, b2])


def _table(rows: list[tuple[str, int, int | None, int | None, str | None]]) -> pa.Table:
    status, arisen, detected, closed, dept2 = zip(*rows)
    return pa.table({"status": list(status), "day_arisen": pa.array(arisen, pa.int32()),
                     "day_detected": pa.array(detected, pa.int32()), "day_closed": pa.array(closed, pa.int32()),
                     "second_department": pa.array(dept2, pa.string())})


def test_cohort_from_an_issue_table() -> None:
    t = _table([
        ("resolved", 0, 1, 4, None),          # event at 4
        ("false_closed", 2, 2, 9, "parking"),  # censored at 7 (closed on paper)
        ("abandoned", 3, 5, 6, None),         # censored at 3
        ("queued", 5, 6, None, "sanitation"),  # open at the end (day 10): censored at 5
        ("latent", 8, None, None, None),      # open, never detected: censored at 2
        ("resolved", -4, -3, 2, None),        # arose in the warm-up: not in the cohort
        ("resolved", 1, 1, 1, "pets"),        # event at 0
    ])
    d = durations(t, end_day=10)
    assert d.time.tolist() == [4, 7, 3, 5, 2, 0] and d.event.tolist() == [True, False, False, False, False, True]
    assert dict(d.reason) == {"false_closed": 1, "abandoned": 1, "open": 2}
    cross = durations(t, end_day=10, where="cross_department")
    assert cross.time.tolist() == [7, 5, 0] and cross.event.tolist() == [False, False, True]
    reported = durations(t, end_day=10, origin="day_detected")
    assert reported.time.tolist() == [3, 7, 1, 4, 0]  # from the first report; the latent issue is left out
    # a sweep's issue table carries its end day
    meta = t.replace_schema_metadata({b"govsim.end_day": b"10"})
    assert durations(meta).time.tolist() == d.time.tolist()
    with pytest.raises(ValueError, match="end_day"):
        durations(t)
    with pytest.raises(KeyError, match="no column"):
        durations(t.drop(["day_closed"]), end_day=10)


def test_paired_rmst_and_rows() -> None:
    a = [Durations([1, 2, 3, 9], [1, 1, 1, 0]), Durations([2, 2, 5, 9], [1, 1, 1, 0]), Durations([1, 4, 4, 9], [1, 1, 0, 0])]
    b = [Durations([t + 1 for t in s.time], s.event) for s in a]  # every resolution a day later
    d = paired_rmst(a, b, tau=8)
    ra, rb = rmst_values(a, 8), rmst_values(b, 8)
    assert d.n == 3 and d.mean == pytest.approx(float(np.mean(rb - ra))) and d.mean > 0
    with pytest.raises(ValueError, match="length"):
        paired_rmst(a, b[:2])
    assert horizon([*a, None], tau=90) == 9 and horizon(a, tau=5) == 5


@pytest.fixture(scope="module")
def two_runs() -> dict[str, list]:
    """Two tiny model runs per scenario (300 residents, 30 days), baseline and whistle-summons."""
    base = {"population": {"residents": 300}, "days": 30}
    out: dict[str, list] = {"base": [], "summon": []}
    for seed in (0, 1):
        out["base"].append(run(ScenarioConfig(**base, seed=seed)))
        out["summon"].append(run(ScenarioConfig(**base, seed=seed, mechanisms={"whistle_summon": {"enabled": True}})))
    return out


def test_two_tiny_runs_through_the_run_function(two_runs: dict[str, list]) -> None:
    for results in two_runs.values():
        for r in results:
            d = run_durations(r)
            iss = r.issues
            arisen = np.asarray(iss.column("day_arisen").to_numpy(zero_copy_only=False), dtype=float)
            status = np.asarray(iss.column("status").to_pylist(), dtype=object)
            cohort = arisen >= 0
            assert len(d) == int(cohort.sum()) > 0
            assert d.n_events == int(np.sum(cohort & (status == "resolved")))
            assert d.n_events + sum(d.reason.values()) == len(d)
            assert d.time.max() <= r.config.days - 1
            km = kaplan_meier(d)
            tau = horizon([d], 90)
            assert 0 <= km.rmst(tau) <= tau
            # KM agrees with the raw counts before the first censoring
            first_cens = d.time[~d.event].min() if (~d.event).any() else np.inf
            t0 = km.time[km.time < first_cens]
            if len(t0):
                assert km.at(t0[-1]) == pytest.approx(1 - np.sum(d.event & (d.time <= t0[-1])) / len(d))
    base = [run_durations(r) for r in two_runs["base"]]
    summon = [run_durations(r) for r in two_runs["summon"]]
    # common random numbers: the same seed gives the same arriving issues in both scenarios
    assert [len(x) for x in base] == [len(x) for x in summon]
    tables = {"base": [r.issues.select(list(COLUMNS)).replace_schema_metadata({b"govsim.end_day": b"29"})
                       for r in two_runs["base"]],
              "summon": [r.issues.select(list(COLUMNS)).replace_schema_metadata({b"govsim.end_day": b"29"})
                         for r in two_runs["summon"]]}
    rows = survival_rows(["base", "summon"], tables)
    by = {(r["scenario"], r["cohort"]): r for r in rows}
    assert set(by) == {(s, c) for s in ("base", "summon") for c in ("all", "cross_department")}
    first, second = by[("base", "all")], by[("summon", "all")]
    assert first["rmst_diff"] is None and second["n_seeds"] == 2
    h = first["tau"]
    assert second["rmst_diff"] == pytest.approx(float(np.mean(rmst_values(summon, h) - rmst_values(base, h))))
    assert 0 <= second["logrank_p"] <= 1
    shares = [first[k] for k in ("resolved_share", "censored_false_closed", "censored_abandoned", "censored_open")]
    assert sum(shares) == pytest.approx(1.0)


def test_a_job_keeping_issue_columns_gets_them_without_the_daily_detail(two_runs: dict[str, list]) -> None:
    """A batch run that keeps issue columns but no daily series skips the full daily table
    (``sim.sweep.job``): its issue columns and every outcome are those of a detailed run."""
    from sim.output.provenance import config_hash
    from sim.output.results import issues_table
    from sim.sweep.job import Job, run_job

    cfg = two_runs["summon"][1].config.model_copy(update={"days": 45})  # longer than the outcomes' window
    rec = run_job(Job(0, 0, cfg.seed, cfg.name, cfg.model_dump(mode="json"), config_hash(cfg), issues=tuple(COLUMNS)))
    full = run(cfg)
    expected = issues_table(full.issues.select(list(COLUMNS)), config_hash=config_hash(cfg))
    assert rec.issues is not None and rec.issues.num_rows > 0
    assert rec.issues.replace_schema_metadata(None).equals(expected.replace_schema_metadata(None))
    assert rec.outcomes.keys() == full.outcomes.keys()
    assert all(rec.outcomes[k] == full.outcomes[k] or (math.isnan(rec.outcomes[k]) and math.isnan(full.outcomes[k]))
               for k in full.outcomes)


def test_engine_keeps_issue_columns_and_verifies_them(tmp_path) -> None:  # noqa: ANN001
    from sim.sweep.engine import run_experiment
    from sim.sweep.experiment import Experiment

    exp = Experiment.build([{"file": "scenarios/community_system.yaml", "name": "base"}],
                           set={"population.residents": 200, "days": 15}, replications=2,
                           outcomes=["resolution_rate"], issues=COLUMNS)
    res = run_experiment(exp, tmp_path / "out", workers=1)
    tables = res.issue_tables()[(0, "base")]
    assert all(t is not None and t.column_names == list(COLUMNS) for t in tables)
    d = durations(tables[0])  # end day from the table's metadata
    assert d.time.max() <= 14
    # a damaged issue file is found on resume and its run done again
    (tmp_path / "out" / "issues" / "p0-s0-seed1.parquet").write_bytes(b"damaged")
    again = run_experiment(exp, tmp_path / "out", workers=1)
    assert (again.resumed, again.ran) == (1, 1)
    assert res.issue_tables()[(0, "base")][1].num_rows == tables[1].num_rows


def test_experiment_file_names_unknown_issue_columns(tmp_path) -> None:  # noqa: ANN001
    from sim.errors import ScenarioError
    from sim.sweep.experiment import load_experiment

    (tmp_path / "s.yaml").write_text("name: s\npopulation: {residents: 100}\ndays: 3\n", encoding="utf-8")
    (tmp_path / "e.yaml").write_text("name: e\nscenarios: [s.yaml]\nissues: [status, day_clsed]\n", encoding="utf-8")
    with pytest.raises(ScenarioError, match=r"issues\[1\].*day_clsed.*did you mean 'day_closed'"):
        load_experiment(tmp_path / "e.yaml")
