"""``govsim report`` (sim.analysis.report, sim.analysis.methods) on small sweeps, and properties of its statistics."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sim.analysis import methods as analysis
from sim.cli import main
from sim.sweep.engine import run_experiment
from sim.sweep.executors import serial_executor
from sim.sweep.experiment import Experiment
from sim.sweep.store import RunRecord, _line, _parse
from tests.tables import rows

ROOT = Path(__file__).resolve().parents[1]
BASE = str(ROOT / "scenarios" / "community_system.yaml")
SMALL = {"population.residents": 150, "days": 15}
OUTCOMES = ["trust_mean", "resolution_rate", "backlog", "participation_rate"]


@pytest.fixture(scope="module")
def factorial(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("factorial") / "sweep"
    exp = Experiment.build([BASE, {"file": BASE, "name": "strict", "set": {"mechanisms.supervision.enabled": True}}],
                           name="fac", set=SMALL, factors={"capacity.routing_accuracy": [0.3, 0.9], "capacity.retry_days": [2, 10]},
                           replications=4, outcomes=OUTCOMES)
    run_experiment(exp, out, executor=serial_executor)
    return out


def test_factorial_report(factorial: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["report", str(factorial), "--formats", "png,pdf"]) == 0
    out = factorial / "report"
    for f in ("factor_capacity.routing_accuracy", "factor_capacity.retry_days", "heatmap_capacity.routing_accuracy__capacity.retry_days",
              "adequacy"):
        assert (out / f"{f}.png").read_bytes()[:4] == b"\x89PNG" and (out / f"{f}.pdf").read_bytes()[:5] == b"%PDF-", f
        assert not (out / f"{f}.svg").exists()
    effects = rows(out / "paired_effects.csv")
    contrasts = {r["contrast"] for r in effects}
    assert contrasts == {"scenario: strict − community_system", "capacity.routing_accuracy: 0.9 − 0.3",
                         "capacity.retry_days: 10 − 2"}
    for r in effects:
        if r["p"] and r["p_holm"]:
            assert float(r["p_holm"]) >= float(r["p"]) - 1e-15
        if r["ci_low"]:
            assert float(r["ci_low"]) <= float(r["diff"]) <= float(r["ci_high"])
    pairs = {(r["contrast"], r["outcome"]): int(r["n"]) for r in effects}
    assert pairs[("scenario: strict − community_system", "trust_mean")] == 4 * 4  # 4 points × 4 seeds
    assert pairs[("capacity.routing_accuracy: 0.9 − 0.3", "trust_mean")] == 2 * 2 * 4  # scenarios × other levels × seeds
    adequacy = rows(out / "adequacy.csv")
    assert len(adequacy) == len(effects)
    warned = [r for r in adequacy if r["warning"]]
    assert all("seeds" in r["warning"] for r in warned)
    assert (out / "paired_effects.tex").read_text().count("\\midrule") == 1
    index = (out / "report.md").read_text()
    assert "paired_effects.csv" in index and "## Warnings" in index
    assert "wrote" in capsys.readouterr().out


def test_adequacy_warns_when_a_verdict_rests_on_few_seeds() -> None:
    a = np.zeros(4)
    b = np.array([1.0, 1.1, 0.9, 1.05])
    row = analysis.adequacy([{"contrast": "x", "outcome": "o", "_a": a, "_b": b}])[0]
    assert row["verdict"] == "higher" and "rests on 4 seeds" in row["warning"]
    rng = np.random.default_rng(3)
    a, b = rng.normal(size=40), rng.normal(size=40) + 2
    row = analysis.adequacy([{"contrast": "x", "outcome": "o", "_a": a, "_b": b}])[0]
    assert row["warning"] == "" and row["half_width_half_seeds"] > row["half_width"]
    assert row["seeds_for_10pct"] >= 40


def test_sobol_report_and_prim(tmp_path: Path) -> None:
    exp = Experiment.build([BASE], name="sob", set=SMALL, replications=1, outcomes=OUTCOMES,
                           factors={"capacity.routing_accuracy": {"low": 0.1, "high": 1.0},
                                    "behaviour.trust_learning_rate": {"low": 0.01, "high": 0.6}},
                           design={"method": "sobol", "samples": 8})
    run_experiment(exp, tmp_path / "s", executor=serial_executor)
    assert main(["report", str(tmp_path / "s"), "--formats", "png", "--discover", "resolution_rate>=0.5"]) == 0
    out = tmp_path / "s" / "report"
    sobol = rows(out / "sobol.csv")
    assert {r["factor"] for r in sobol} == {"capacity.routing_accuracy", "behaviour.trust_learning_rate"}
    for r in sobol:
        assert float(r["S1_low"]) <= float(r["S1"]) <= float(r["S1_high"])
        assert float(r["ST_low"]) <= float(r["ST"]) <= float(r["ST_high"])
    ra = next(r for r in sobol if r["factor"] == "capacity.routing_accuracy" and r["outcome"] == "resolution_rate")
    tl = next(r for r in sobol if r["factor"] == "behaviour.trust_learning_rate" and r["outcome"] == "resolution_rate")
    assert float(ra["ST"]) > float(tl["ST"])  # routing decides resolution far more than trust learning
    limits = rows(out / "discovery_resolution_rate.csv")
    assert {r["factor"] for r in limits} == {"capacity.routing_accuracy", "behaviour.trust_learning_rate"}
    assert (out / "sobol.png").exists() and (out / "discovery_resolution_rate.png").exists()
    assert main(["report", str(tmp_path / "s"), "--out", str(tmp_path / "again"), "--formats", "png"]) == 0
    assert (tmp_path / "again" / "sobol.csv").read_bytes() == (out / "sobol.csv").read_bytes()  # the same CIs


def test_report_refuses_what_is_not_a_sweep(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["report", str(tmp_path)]) == 2
    assert "not a sweep or comparison folder" in capsys.readouterr().err
    assert main(["report", str(tmp_path), "--discover", "trust_mean=3"]) == 2


@settings(deadline=None)
@given(st.lists(st.one_of(st.floats(0, 1), st.just(float("nan"))), max_size=30))
def test_holm_bounds(ps: list[float]) -> None:
    adj = analysis.holm(ps)
    for p, q in zip(ps, adj):
        assert (np.isnan(p) and np.isnan(q)) or p - 1e-12 <= q <= 1.0
    finite = sorted((p, q) for p, q in zip(ps, adj) if not np.isnan(p))
    assert all(a[1] <= b[1] + 1e-12 for a, b in zip(finite, finite[1:]))  # order kept


@settings(deadline=None)
@given(st.dictionaries(st.sampled_from(["trust_mean", "backlog", "latent"]), st.floats(allow_nan=True, allow_infinity=False)),
       st.integers(0, 10**6), st.data())
def test_journal_line_round_trip_and_any_damage_is_caught(outcomes: dict, seed: int, data: st.DataObject) -> None:
    line = _line(RunRecord(key=(1, 2, seed), config_hash="ab" * 32, outcomes=outcomes), None)
    parsed = _parse(line)
    assert parsed is not None and parsed["key"] == [1, 2, seed]
    for k, v in outcomes.items():
        assert parsed["outcomes"][k] == (None if np.isnan(v) else v)
    i = data.draw(st.integers(0, len(line) - 2))
    damaged = line[:i] + ("x" if line[i] != "x" else "y") + line[i + 1:]
    assert _parse(damaged) is None or _parse(damaged) == parsed
    assert _parse(line[: data.draw(st.integers(0, len(line) - 2))]) is None  # torn


def test_report_survival_when_issue_columns_are_kept(factorial: Path, tmp_path: Path) -> None:
    from sim.analysis.survival import COLUMNS, SURVIVAL_COLUMNS

    assert not (factorial / "report" / "survival.csv").exists()  # that sweep kept no issue columns
    exp = Experiment.build([BASE, {"file": BASE, "name": "summon", "set": {"mechanisms.whistle_summon.enabled": True}}],
                           name="surv", set=SMALL, factors={"capacity.retry_days": [2, 10]}, replications=2,
                           outcomes=OUTCOMES, issues=COLUMNS)
    run_experiment(exp, tmp_path / "sweep", executor=serial_executor)
    assert main(["report", str(tmp_path / "sweep"), "--formats", "png"]) == 0
    got = rows(tmp_path / "sweep" / "report" / "survival.csv")
    assert list(got[0]) == ["point", *SURVIVAL_COLUMNS]
    assert {(r["point"], r["scenario"], r["cohort"]) for r in got} == {
        (str(p), s, c) for p in (0, 1) for s in ("community_system", "summon") for c in ("all", "cross_department")}
    for r in got:
        assert int(r["n_seeds"]) == 2 and (r["rmst_diff"] == "") == (r["scenario"] == "community_system")


def test_the_shared_csv_reader_reads_what_the_report_writes(tmp_path: Path) -> None:
    """tests.tables.rows (used by the report, decision and optimiser tests) reads write_csv's cells
    back as the writer meant them: UTF-8 text (the contrasts' minus sign), quoting, empty for NaN."""
    from sim.output.tables import write_csv

    written = [{"contrast": "scenario: strict − community_system", "note": 'a, "quoted" note', "diff": float("nan"), "n": 4},
               {"contrast": "社区", "note": "", "diff": -0.25, "n": 3}]
    got = rows(write_csv(written, None, tmp_path / "t.csv"))
    assert [r["contrast"] for r in got] == ["scenario: strict − community_system", "社区"]
    assert [r["note"] for r in got] == ['a, "quoted" note', ""]
    assert [r["diff"] for r in got] == ["", "-0.25"] and [int(r["n"]) for r in got] == [4, 3]


def _salib_runs(method: str, seed: int) -> tuple[dict[str, np.ndarray], dict, np.ndarray]:
    """Two seeds of a toy outcome on a Sobol or Morris design of two factors."""
    from SALib.sample import morris, sobol

    problem = {"num_vars": 2, "names": ["a", "b"], "bounds": [[0.0, 1.0], [0.0, 1.0]]}
    x = sobol.sample(problem, 16, calc_second_order=False, seed=seed) if method == "sobol" else morris.sample(
        problem, 8, num_levels=4, seed=seed)
    noise = np.random.default_rng(seed).normal(0, 0.05, (2, len(x)))
    y = np.concatenate([x[:, 0] + 0.3 * x[:, 1] ** 2 + noise[s] for s in (0, 1)])
    cols = {"scenario": np.array(["s"] * len(y), dtype=object), "point": np.tile(np.arange(len(x)), 2),
            "seed": np.repeat([0, 1], len(x)), "o": y}
    return cols, problem, x


@pytest.mark.parametrize("method", ["sobol", "morris"])
def test_the_same_runs_give_the_same_sensitivity_intervals(method: str) -> None:
    """The bootstrap is seeded from the design's seed: the same runs, the same CIs, every time;
    another design seed resamples differently."""
    cols, problem, x = _salib_runs(method, seed=1)

    def indices(design_seed: int) -> list[dict]:
        if method == "sobol":
            return analysis.sobol_indices(cols, problem, ["o"], n_points=len(x), second_order=False, design_seed=design_seed)
        return analysis.morris_indices(cols, problem, x, ["o"], levels=4, design_seed=design_seed)

    first, again, other = indices(1), indices(1), indices(2)
    assert first == again and len(first) == 2
    low = "S1_low" if method == "sobol" else "mu_star_low"
    assert [r[low] for r in first] != [r[low] for r in other]
    assert [r["S1" if method == "sobol" else "mu_star"] for r in first] == [r["S1" if method == "sobol" else "mu_star"] for r in other]
    assert analysis.bootstrap_seed(0) != 0 and analysis.bootstrap_seed(1) == analysis.bootstrap_seed(1) != analysis.bootstrap_seed(2)


def test_the_rmst_horizon_script_finds_a_sign_that_turns_with_tau() -> None:
    """experiments/rmst_tau.py on made-up seeds: a rule that resolves half the issues on day 2
    and leaves the rest open is faster within two weeks and slower within three months."""
    from experiments.rmst_tau import COHORT, markdown, tau_rows
    from sim.analysis.survival import Durations

    rng = np.random.default_rng(1)
    base = [Durations(rng.uniform(0, 40, 400), np.ones(400, bool)) for _ in range(4)]
    party = []
    for _ in range(4):
        fast = rng.integers(180, 220)
        time = np.r_[rng.uniform(1, 3, fast), np.full(400 - fast, 120.0)]
        party.append(Durations(time, np.r_[np.ones(fast, bool), np.zeros(400 - fast, bool)]))
    rows = tau_rows(base, party, [14, 90])
    assert [r["source"] for r in rows] == [COHORT, COHORT] and [r["n_seeds"] for r in rows] == [4, 4]
    assert rows[0]["sign"] == "− (CI excludes 0)" and rows[1]["sign"] == "+ (CI excludes 0)"
    assert rows[0]["ci_low"] <= rows[0]["diff"] <= rows[0]["ci_high"] < 0 < rows[1]["ci_low"]
    text = markdown(rows, seeds=4, residents=0, wall=0)
    assert "not stable across τ: 14: −, 90: +" in text and "excludes 0 at τ = 14, 90" in text
