"""Robustness tables (experiments/robustness.py): the classifier, the parameter choice from the
screening and calibration files, the levels, the command's one-line errors, and one tiny run
end to end (300 residents, 2 seeds, 30 days)."""

from __future__ import annotations

import csv
import math
import sys
from pathlib import Path

import numpy as np
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from experiments import robustness as rb  # noqa: E402
from sim.errors import ScenarioError  # noqa: E402

# --------------------------------------------------------------------------- classifier


def test_a_sign_that_flips_inside_the_range_is_not_robust() -> None:
    # significant at the default and at the low end, significant the other way at the high end
    assert rb.classify([(0.1, 0.3), (0.05, 0.2), (-0.4, -0.1)]) == rb.FLIPS
    assert rb.classify([(-0.4, -0.1), (0.1, 0.3)], sign=-1) == rb.FLIPS


def test_the_same_sign_at_every_level_is_robust_either_way() -> None:
    assert rb.classify([(0.1, 0.3), (0.05, 0.2), (0.01, 0.9)]) == rb.ROBUST
    assert rb.classify([(-3.0, -1.0), (-0.5, -0.01)], sign=+1) == rb.ROBUST  # robustly against the expectation


def test_a_ci_spanning_zero_somewhere_is_inconclusive() -> None:
    assert rb.classify([(0.1, 0.3), (-0.05, 0.2), (0.2, 0.4)]) == rb.INCONCLUSIVE
    assert rb.classify([(0.1, 0.3), (math.nan, math.nan)]) == rb.INCONCLUSIVE
    assert rb.classify([(0.0, 0.0), (0.0, 0.0)]) == rb.INCONCLUSIVE  # no difference at all is not a sign


def test_unchanged_checks_are_judged_against_their_margin() -> None:
    assert rb.classify([(-0.5, 0.5), (-0.9, 0.2)], sign=0, margin=1.0) == rb.ROBUST
    assert rb.classify([(-0.5, 0.5), (1.2, 2.0)], sign=0, margin=1.0) == rb.FLIPS
    assert rb.classify([(-0.5, 0.5), (0.5, 1.5)], sign=0, margin=1.0) == rb.INCONCLUSIVE


def test_an_inverted_u_is_judged_on_the_peak_against_its_worse_end() -> None:
    f = rb.Finding("exp5/x", "exp5", "peak", "trust_mean", (("lo", "peak"), ("hi", "peak")), +1)
    vals = {"lo": np.array([1.0, 1.1, 0.9]), "hi": np.array([2.0, 2.2, 1.9]), "peak": np.array([3.0, 3.0, 3.0])}
    d = rb.effect(f, vals)
    assert d.mean == pytest.approx(np.mean(vals["peak"] - vals["hi"]))  # the smaller advantage
    vals["hi"] = np.array([3.5, 3.4, 3.6])  # an end above the peak: the effect turns negative
    assert rb.effect(f, vals).mean < 0


def test_a_plain_effect_is_b_minus_a_by_seed() -> None:
    f = rb.Finding("headline/backlog", "headline", "c", "backlog", (("a", "b"),))
    d = rb.effect(f, {"a": np.array([10.0, 20.0, 30.0]), "b": np.array([12.0, 21.0, 33.0])})
    assert d.mean == pytest.approx(2.0) and d.n == 3


# --------------------------------------------------------------------------- parameter choice


def _screening(path: Path, rows: list[tuple[str, str, str, float]]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["scenario", "outcome", "factor", "mu_star", "mu_star_low", "mu_star_high", "mu", "sigma"])
        for sc, o, f, mu in rows:
            w.writerow([sc, o, f, mu, 0, 0, 0, 0])
    return path


def _posterior(path: Path, rows: list[tuple[str, float, float, float, float]]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["parameter", "low", "high", "median", "q025", "q975", "integer"])
        for p, lo, hi, q1, q2 in rows:
            w.writerow([p, lo, hi, (q1 + q2) / 2, q1, q2, "false"])
    return path


SCREEN = [("community_system", "trust_mean", "behaviour.a", 1.0), ("community_system", "trust_mean", "behaviour.e", 0.9),
          ("community_system", "trust_mean", "behaviour.b", 0.5), ("community_system", "trust_mean", "behaviour.c", 0.3),
          ("community_system", "trust_mean", "behaviour.d", 0.2),
          # party-led: d matters there (relative 0.8), which is enough to depend on it
          ("party_led_full", "trust_mean", "behaviour.a", 0.1), ("party_led_full", "trust_mean", "behaviour.d", 0.08),
          ("community_system", "backlog", "behaviour.a", 0.01), ("community_system", "backlog", "behaviour.z", 2.0)]
TRUST = rb.Finding("headline/trust_mean", "headline", "c", "trust_mean", (("community_system", "party_led_full"),))


def test_the_parameters_follow_the_screening_and_the_posterior(tmp_path: Path) -> None:
    scr = rb.load_screening(_screening(tmp_path / "morris.csv", SCREEN))
    # e is well identified (posterior a fifth of its prior), c nearly as wide as its prior
    ident = rb.load_identification(_posterior(tmp_path / "post.csv", [("behaviour.e", 0, 1, 0.4, 0.6),
                                                                      ("behaviour.c", 0, 1, 0.05, 0.95)]))
    assert ident == pytest.approx({"behaviour.e": 0.2, "behaviour.c": 0.9})
    chosen = rb.choose(TRUST, scr, ident)
    # a (1.0), d (0.8 in party-led), b (0.5): all poorly identified; e, though more influential, is identified
    assert [c.parameter for c in chosen] == ["behaviour.a", "behaviour.d", "behaviour.b"]
    assert chosen[1].influence == pytest.approx(0.8) and chosen[0].identification == 1.0 and not chosen[0].fitted
    # the same screening with e's posterior as wide as its prior: e is chosen, by its influence
    ident = rb.load_identification(_posterior(tmp_path / "post2.csv", [("behaviour.e", 0, 1, 0.0, 0.95)]))
    assert [c.parameter for c in rb.choose(TRUST, scr, ident)] == ["behaviour.a", "behaviour.e", "behaviour.d"]


def test_too_few_dependent_parameters_are_filled_up_and_marked(tmp_path: Path) -> None:
    scr = rb.load_screening(_screening(tmp_path / "morris.csv", SCREEN))
    f = rb.Finding("headline/backlog", "headline", "c", "backlog", (("community_system", "party_led_full"),))
    chosen = rb.choose(f, scr, {})
    assert [c.parameter for c in chosen] == ["behaviour.z", "behaviour.a"]  # only two screened on backlog
    assert chosen[0].depends and not chosen[1].depends


def test_an_unscreened_outcome_is_read_through_its_proxies(tmp_path: Path) -> None:
    scr = rb.load_screening(_screening(tmp_path / "morris.csv", SCREEN))
    f = rb.Finding("exp1/rmst_cross_department", "exp1", "c", "rmst_cross_department", (("a", "b"),), -1)
    assert f.screened == rb.PROXIES["rmst_cross_department"]
    with pytest.raises(ScenarioError, match="PROXIES"):
        rb.choose(f, scr, {})


def test_the_curated_files_give_every_finding_three_parameters() -> None:
    every, _ = rb.findings()
    scr, ident = rb.load_screening(), rb.load_identification()
    for f in every:
        chosen = rb.choose(f, scr, ident)
        assert len(chosen) == 3 and len({c.parameter for c in chosen}) == 3, f.id
        assert all(c.identification >= rb.WIDE for c in chosen if c.depends), f.id


def test_levels_are_the_screening_range_within_the_allowed_bounds() -> None:
    v = rb.level_values(["behaviour.trust_initial.local", "behaviour.availability.elderly", "behaviour.informed_days"])
    t = v["behaviour.trust_initial.local"]
    assert t["low"] == pytest.approx(0.5 * t["default"]) and t["high"] == pytest.approx(1.5 * t["default"])
    e = v["behaviour.availability.elderly"]
    assert e["default"] * 1.5 > 1 and e["high"] == 1.0  # a probability stops at 1
    assert all(isinstance(x, int) for x in v["behaviour.informed_days"].values())


def test_a_parameter_runs_only_with_the_arms_of_its_findings() -> None:
    every, arms = rb.findings()
    plan = rb.Plan.build(rb.pick(every, "exp6b,exp5/trust_mean"), arms, rb.load_screening(), rb.load_identification())
    sup = [f for f in plan.findings if f.group == "exp6b"][0]
    only_sup = {c.parameter for c in plan.chosen[sup.id]} - {c.parameter for f in plan.findings[1:] for c in plan.chosen[f.id]}
    assert only_sup
    for p in only_sup:
        assert set(plan.needs[f"{p}=low"]) == set(sup.arms)
    assert set(plan.needs["default"]) == {a for f in plan.findings for a in f.arms}


# --------------------------------------------------------------------------- command line


def test_a_bad_only_name_is_a_one_line_error(capsys: pytest.CaptureFixture[str]) -> None:
    assert rb.main(["--only", "headline,exp9", "--list"]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "--only exp9" in err and "headline" in err


def test_a_bad_screening_file_is_a_one_line_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "morris.csv"
    bad.write_text("factor,mu\nbehaviour.a,1\n", encoding="utf-8")
    assert rb.main(["--screening", str(bad), "--list"]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and str(bad) in err and "mu_star" in err
    assert rb.main(["--screening", str(tmp_path / "none.csv"), "--list"]) == 2
    assert "validate.py --screen" in capsys.readouterr().err


def test_a_tiny_run_writes_tables_that_agree_with_the_classifier(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "rob"
    assert rb.main(["--only", "exp6b", "--seeds", "2", "--residents", "300", "--days", "30", "--workers", "1",
                    "--out", str(out)]) == 0
    printed = capsys.readouterr()
    assert "28 of at most 28 runs done" in printed.err  # 7 points x 2 arms x 2 seeds, progress without a terminal
    assert "behaviour.participation_base: low" in printed.out  # the levels are printed before anything runs
    with (out / "robustness.csv").open(encoding="utf-8") as fh:
        got = list(csv.DictReader(fh))
    assert {r["finding"] for r in got} == {"exp6b/false_closure_rate"}
    assert len(got) == 9 and len({r["parameter"] for r in got}) == 3
    defaults = {(r["diff"], r["ci_low"], r["ci_high"]) for r in got if r["level"] == "default"}
    assert len(defaults) == 1  # one default point, shared by the three parameters
    def num(x: str) -> float:
        return float(x) if x else math.nan
    cis = [(num(r["ci_low"]), num(r["ci_high"])) for r in got]
    assert {r["status"] for r in got} == {rb.classify(cis, sign=-1)}
    md = (out / "robustness.md").read_text(encoding="utf-8")
    assert "exp6b/false_closure_rate" in md and got[0]["status"] in md and "300 residents" in md
    assert (out / "robustness_expectations.png").stat().st_size > 0 and (out / "robustness_expectations.pdf").is_file()
    # a second call resumes every run instead of redoing it
    assert rb.main(["--only", "exp6b", "--seeds", "2", "--residents", "300", "--days", "30", "--workers", "1",
                    "--out", str(out)]) == 0
    md = (out / "robustness.md").read_text(encoding="utf-8")
    assert "28 runs (" in md and "CPU-min" in md and "28 of them resumed from an earlier call" in md


def test_another_baseline_moves_every_arm_and_the_levels(capsys: pytest.CaptureFixture[str]) -> None:
    """--baseline/--package: the arms vary the posterior library, and the levels are read around its values."""
    post = rb.ROOT / "scenarios" / "posterior"
    every, arms = rb.findings(baseline=post / "community_system.yaml", package=post / "party_led_full.yaml")
    assert {a.file for n, a in arms.items() if n != "party_led_full"} == {post / "community_system.yaml"}
    assert arms["party_led_full"].file == post / "party_led_full.yaml"
    v = rb.level_values(["behaviour.expectation_initial"], post / "community_system.yaml")
    assert v["behaviour.expectation_initial"]["default"] == pytest.approx(0.2947)
    assert rb.main(["--baseline", str(post / "nothing.yaml"), "--list"]) == 2
    assert "--baseline" in capsys.readouterr().err
