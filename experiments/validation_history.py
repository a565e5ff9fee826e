"""Section 9 of ``docs/validation.md``: history matching over residents' and handlers'
parameters, and the posterior, rendered from ``results/curated/history_matching/`` (both
regimes matched) and ``results/curated/history_pre_reform/`` (the pre-reform figures matched,
the reform predicted)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from experiments.validation_report import fmt, read_csv, table

#: The curated history matchings the section reads (RANKING: a candidate reform structure, shown when curated).
JOINT, PRE, RANKING = "history_matching", "history_pre_reform", "history_ranking"

#: Why a figure stays out of reach at the posterior, from the model's rules and the figures'
#: mappings (kept true by hand; a figure outside tolerance without an entry says so).
_REFORM = (
    "Party-led governance at the pre-reform values raises the callback's resolved share only by what its extra hours, "
    "channels and coordination fix. What the pre-reform 53% needs (requests outside the street's authority, "
    "`issues.outside_authority_share`; failed cases closed by reply, `capacity.reply_closure`; duties from above taking "
    "handlers' hours) is shared by both regimes, and no mechanism of the package devolves that authority, holds handlers "
    "to the callback or changes what the callback counts: the structure the reform changed is missing (section 9.2).")
WHY = {
    "beijing_12345_resolution_2021_11": _REFORM,
    "beijing_12345_resolution_2019": "The first reform year lies between the two levels; " + _REFORM[0].lower() + _REFORM[1:],
    "beijing_12345_resolution_2024_09": "A later, higher point of the same series; " + _REFORM[0].lower() + _REFORM[1:],
    "beijing_12345_resolution_2025": "A later, higher point of the same series; " + _REFORM[0].lower() + _REFORM[1:],
    "beijing_12345_satisfaction_2021": (
        "The satisfied share of callbacks follows the resolved share and the waits: with the reform's resolution out of "
        "reach, so is its satisfaction."),
    "beijing_12345_satisfaction_2019": "As `beijing_12345_satisfaction_2021`.",
    "beijing_12345_satisfaction_2024_09": "As `beijing_12345_satisfaction_2021`.",
    "beijing_12345_satisfaction_2025": "As `beijing_12345_satisfaction_2021`.",
    "shanghai_rc_election_turnout_party_members": (
        "A mapping gap, not a rule: the model has no election turnout by party membership yet, so this figure is still "
        "read as the members' daily participation, which is not a yearly turnout (docs/calibration-targets.md)."),
    "shanghai_rc_election_turnout_non_members": "As `shanghai_rc_election_turnout_party_members`.",
    "shanghai_rc_election_turnout_age_70_79": (
        "The model's elderly group votes less often than the 70-79 band: its availability "
        "(`behaviour.availability.elderly`) is not free, and the group is wider than the band."),
    "kunming_inspector_found_share_2024": (
        "A different case population: Kunming's cases are public-space city-management cases that paid inspectors are "
        "employed to find, while the model's public-space issues are mostly reported by residents before a patrol "
        "passes; the figure bounds the order of magnitude only."),
    "kunming_closure_rate_2024": (
        "City-management cases are not given up, while the model's reporters abandon issues when their patience runs "
        "out; at the posterior the patience is short (`issues.patience_days`), so fewer issues reach a closure."),
    "hotline_first_contact_resolution_range_2024": (
        "Just above the cities' range: at the posterior most resolved issues need no reassignment; whether the "
        "figure's 'first contact' means the first unit a request was dispatched to, which is what the model measures, "
        "is not certain (docs/calibration-targets.md)."),
}


def load(curated: Path) -> dict[str, Any]:
    """The two records and their emulator tables."""
    out = {}
    for name in (JOINT, PRE):
        out[name] = json.loads((curated / name / "history.json").read_text(encoding="utf-8"))
        out[name]["emulators"] = read_csv(curated / name / "emulators.csv")
    out["discrepancy"] = {d.name: json.loads((d / "history.json").read_text(encoding="utf-8"))
                          for d in sorted((curated / "history_discrepancy").iterdir()) if (d / "history.json").is_file()}
    if (curated / RANKING / "history.json").is_file():
        out[RANKING] = json.loads((curated / RANKING / "history.json").read_text(encoding="utf-8"))
        out[RANKING]["emulators"] = read_csv(curated / RANKING / "emulators.csv")
    out["runs"] = json.loads((curated / "validation_history" / "validation.json").read_text(encoding="utf-8"))
    out["patterns"] = read_csv(curated / "validation_history" / "patterns.csv")
    out["abc_patterns"] = {r["id"]: r for r in read_csv(curated / "validation" / "patterns.csv")}
    return out


def in_short(h: dict[str, Any]) -> str:
    """The sentence of the document's summary."""
    joint, pre = h[JOINT], h[PRE]
    text = (f"History matching over residents' and handlers' parameters (section 9): at one set of values for both "
            f"regimes the non-implausible space is {'empty' if joint['empty'] else 'not empty'}")
    p = pre.get("posterior")
    if not p:
        return text + f"; with the pre-reform figures alone, {pre['verdict']}."
    c = next((c for c in p["changes"] if c["series"] == "beijing_12345_resolution"), None)
    text += (f"; fitted to the pre-reform figures alone, the posterior is {'converged' if p['converged'] else 'not converged'}")
    if c:
        text += (f" and predicts the hotline's resolution to change by {c['median']:+.2f} [{c['q025']:+.2f}, {c['q975']:+.2f}] "
                 f"under party-led governance, against Beijing's {c['observed']:+.2f}")
    return text + "."


def _waves(rec: dict[str, Any]) -> str:
    rows = [[w["wave"], w["points"], w["share_of_prior"], f"`{w['rules_out_most']}` ({fmt(w['rules_out_most_share'], 2)})",
             w["min_combined_implausibility"]] for w in rec["waves"]]
    return table(["wave", "points", "non-implausible share of the prior", "rules out most (share of the entering region)",
                  "min combined implausibility"], rows)


def _loo(rec: dict[str, Any]) -> str:
    last = rec["waves"][-1]["wave"]
    rows = [[f"`{r['target']}`", r.get("role", "matched"), int(r["n_train"]), r.get("loo_r2"), r.get("loo_within2"),
             r.get("seed_sd")] for r in rec["emulators"] if r["wave"] == last]
    return table(["target", "role", "training points", "LOO R²", "LOO within ±2 SD", "seed SD"], rows)


def _conflicts(rec: dict[str, Any]) -> str:
    c = rec["conflicts"][f"wave {rec['waves'][-1]['wave']}"]
    pairs = [p for p in c["pairs"] if [p["a"], p["b"]] in c["conflicting_pairs"]]
    alone = [[f"`{t}`", v["rules_out"], v["min_implausibility"]] for t, v in c["targets"].items()]
    text = table(["figure", "share of the region it rules out alone", "smallest implausibility"], alone)
    if pairs:
        text += "\n\nPairs that cannot be met together (each can alone): " + "; ".join(
            f"`{p['a']}` + `{p['b']}` (smallest larger implausibility {fmt(p['min_max_implausibility'], 2)})" for p in pairs) + "."
    return text


def section(h: dict[str, Any]) -> str:
    joint, pre = h[JOINT], h[PRE]
    p = pre["posterior"]
    free = [s["parameter"] for s in pre["space"]]
    handlers = [n for n in free if n.startswith("capacity.") or n == "issues.outside_authority_share"]
    reads = ", ".join(f"`{k}` → `{v}`" for k, v in pre["maps_to"].items())
    s = pre["settings"]
    head = f"""## 9 History matching over residents and handlers, and the posterior

The ABC of sections 4–5 frees residents' parameters only, and no draw fits. History matching (Vernon, Goldstein &
Bower 2010; Andrianakis et al. 2015; McCulloch et al. 2022) frees {len(free)} parameters: the {len(free) - len(handlers)}
residents' of section 4 and {len(handlers)} of the handlers ({', '.join(f'`{n}`' for n in handlers)}), shared by the
regimes, which differ only in their mechanisms. Each wave runs {s['points']} designed points × {s['seeds']} seeds in both
regimes at {', '.join(f'`{k}={v}`' for k, v in pre['set'].items())}; a Gaussian-process emulator per figure (scikit-learn;
the seeds' pooled variance as known noise) gives each point's implausibility with model-discrepancy SDs of
{', '.join(f"{fmt(f['discrepancy_sd'])} (`{f['id']}`)" for f in pre['figures'])} and an observation SD of
{fmt(pre['figures'][0]['observation_sd'])}, cutoff {fmt(s['cutoff'])} on the {s['rank']} over figures.
The hotline's figures are read as its callback reports them, turnout as the yearly election
(model v2's measurement model): {reads}. Commands, wall times and files: `results/curated/{JOINT}/CURATED.md` and
`results/curated/{PRE}/CURATED.md`."""
    jv = "empty" if joint["empty"] else f"not empty (share {fmt(joint['waves'][-1]['share_of_prior'])})"
    vary = []
    for name, rec in [("1/3 (the file's)", joint), *((k, r) for k, r in h["discrepancy"].items())]:
        checked = {r["id"]: r for r in (rec.get("posterior") or {}).get("checks", [])}
        pre_, post_ = (checked.get(i, {}).get("mean") for i in ("beijing_12345_resolution_2019_01",
                                                                  "beijing_12345_resolution_2021_11"))
        vary.append([name, rec["waves"][0]["share_of_prior"], rec["waves"][0]["min_combined_implausibility"],
                     pre_ if pre_ is not None else "–", post_ if post_ is not None else "–",
                     f"{post_ - pre_:+.3f}" if pre_ is not None and post_ is not None else "–"])
    robust = table(["discrepancy SD (tolerances)", "share of the prior after wave 1", "min combined implausibility",
                    "resolution 2019-01 at the medians", "resolution 2021-11 at the medians", "change (Beijing: +0.359)"],
                   vary)
    part1 = f"""### 9.1 Both regimes at shared values

`{joint['command']}` ({joint['date']}, {fmt(joint['wall_s'])} s, {joint['runs']['ran'] + joint['runs']['resumed']} runs): the
pre-reform figures with the community system and the later ones with party-led governance, at one set of values.
**Verdict: the non-implausible space is {jv}.** {joint['stopped']}.

{_waves(joint)}

{_loo(joint)}

{_conflicts(joint)}

**Against the discrepancy.** The model-discrepancy SD is the analysis choice the verdict rests on most. Wave 1 again
at larger SDs (`python experiments/curate.py history-discrepancy-0.5 history-discrepancy-1.0`, the same runs), with the
posterior's model checks at 10,000 residents where a region is left:

{robust}"""
    part2 = f"""### 9.2 The pre-reform figures alone; the reform predicted out of sample

`{pre['command']}` ({pre['date']}, {fmt(pre['wall_s'])} s, {pre['runs']['ran'] + pre['runs']['resumed']} runs of the waves):
the community system's figures matched, party-led governance's emulated at the same points and predicted. {pre['verdict']};
{pre['stopped']}. Figures: [`history.png`](../results/curated/{PRE}/history.png),
[`posterior.png`](../results/curated/{PRE}/posterior.png).

{_waves(pre)}

{_loo(pre)}"""
    if not p:
        return "\n\n".join([head, part1, part2, f"No posterior: {pre.get('posterior_skipped', 'not asked for')}."])
    ps = p["settings"]
    params = [[f"`{k}`", f"[{fmt(v['low'])}, {fmt(v['high'])}]", v["median"], f"[{fmt(v['q025'])}, {fmt(v['q975'])}]",
               v["width_share"], v["rhat"], v["ess"]] for k, v in p["parameters"].items()]
    conv = ("**converged**" if p["converged"] else "**not converged**")
    part3 = f"""**Posterior** (emulator-based, inside the region; `sim/calibration/posterior.py`): {ps['chains']} Metropolis
chains × {ps['steps'] - ps['burn']} steps after {ps['burn']} of burn-in, every {ps['thin']}-th kept, acceptance
{fmt(min(p['acceptance']), 2)}–{fmt(max(p['acceptance']), 2)};
largest split R-hat {fmt(p['max_rhat'])}, smallest effective size {fmt(p['min_ess'])}: {conv} (R-hat < 1.01 and effective
size ≥ 400). The calibrated scenarios at the medians: [`community_system.yaml`](../results/curated/{PRE}/community_system.yaml),
[`party_led_full.yaml`](../results/curated/{PRE}/party_led_full.yaml).

{table(['parameter', 'prior', 'median', '95% interval', 'width / prior', 'R-hat', 'ESS'], params)}"""
    preds = [[f"`{r['id']}`", r["role"], r["value"], r["median"], f"[{fmt(r['q025'])}, {fmt(r['q975'])}]", r["share_within"]]
             for r in p["predictions"]]
    changes = [[c["series"], f"`{c['from']}` → `{c['to']}`", f"{c['observed']:+.3f}", f"{c['median']:+.3f}",
                f"[{c['q025']:+.3f}, {c['q975']:+.3f}]", "yes" if c["observed_inside"] else "**no**",
                c["share_at_least_observed"]] for c in p["changes"]]
    part4 = f"""**The reform as a test of the structure.** By emulator over the posterior (each draw with its emulator and
seed noise), the figures and each series' change from the pre-reform figure to the reform's:

{table(['figure', 'role', 'value', 'median', '95% interval', 'share of draws within tolerance'], preds)}

{table(['series', 'change', 'observed', 'predicted median', '95% interval', 'observed inside',
        'share of draws at least as large'], changes)}"""
    scale = ", ".join(f"`{k}={v}`" for k, v in p["scale"].items())
    rows, out_of_reach = [], []
    for r in p["checks"]:
        if r["status"].startswith("input (") or not r["n"]:
            continue
        rows.append([f"`{r['id']}`", r["status"], r["value"], f"{fmt(r['mean'])} [{fmt(r['low'])}, {fmt(r['high'])}]",
                     "yes" if r["within"] else "no",
                     f"{fmt(r['draws_median'])} [{fmt(r['draws_q025'])}, {fmt(r['draws_q975'])}]" if r.get("draws") else "–",
                     r.get("draws_share_within")])
        if not r["within"] and r["status"] != "input check":
            out_of_reach.append(f"- `{r['id']}` ({r['status']}): {WHY.get(r['id'], 'no reason recorded yet.')}")
    part5 = f"""**Checks by model runs** at {scale} (the reported scale): the posterior medians with {ps['fit_seeds']} seeds
(mean and 95% interval) and {ps['draws']} posterior draws × {ps['draw_seeds']} seeds (the median and 95% range of the draws'
means: the posterior predictive interval), every figure fitted, predicted or held out:

{table(['figure', 'status', 'value', 'at the medians', 'within', 'posterior draws', 'share of draws within'], rows)}

Out of reach at the posterior medians:

""" + ("\n".join(out_of_reach) or "- none")
    v = h["runs"]
    prow = [[f"`{r['id']}`", f"{fmt(r['mean'])} [{fmt(r['low'])}, {fmt(r['high'])}]", f"**{r['verdict']}**",
             h["abc_patterns"].get(r["id"], {}).get("verdict", "–")] for r in h["patterns"]]
    part6 = f"""**Patterns at the posterior medians.** The validation patterns of section 7 (rules stated there), from the two
calibrated scenarios at their {v['residents']:,} residents, {v['seeds']} seeds (`{v['command']}`, {v['date']}):
{sum(r['verdict'] == 'holds' for r in h['patterns'])} of {len(prow)} hold.

{table(['pattern', 'statistic [95% CI]', 'at the posterior', 'at the ABC calibration (section 7)'], prow)}"""
    return "\n\n".join([head, part1, part2, part3, part4, part5, part6, *([ranking(h[RANKING])] if RANKING in h else [])])


def ranking(rec: dict[str, Any]) -> str:
    """Section 9.3: both regimes matched again, the reform's regime run as party-led governance plus callback ranking."""
    files = ", ".join(f"`{k}` → `{v}`" for k, v in rec.get("regime_files", {}).items())
    verdict = "empty" if rec["empty"] else f"not empty (share {fmt(rec['waves'][-1]['share_of_prior'])})"
    text = f"""### 9.3 A candidate for the missing structure: the hotline reform's ranking

Beijing's 2019 reform (接诉即办) ranked streets, townships and departments monthly by the callback's figures. As a
structure to test, the post-reform regime is run as party-led governance plus `callback_ranking` (ODD 7.8.15: the bottom
named and reviewed; every assessed office serving residents' cases before duties from above), with every other choice of
section 9.1: {files}. `{rec['command']}` ({rec['date']}, {fmt(rec['wall_s'])} s,
{rec['runs']['ran'] + rec['runs']['resumed']} runs). **Verdict: the non-implausible space is {verdict}.** {rec['stopped']}.

{_waves(rec)}

{_conflicts(rec)}"""
    p = rec.get("posterior")
    if p:
        checked = {r["id"]: r for r in p["checks"]}
        rows = [[f"`{i}`", checked[i]["value"], f"{fmt(checked[i]['mean'])} [{fmt(checked[i]['low'])}, {fmt(checked[i]['high'])}]",
                 "yes" if checked[i]["within"] else "no"] for i in ("beijing_12345_resolution_2019_01", "beijing_12345_resolution_2021_11",
                                                                    "beijing_12345_satisfaction_2019_01", "beijing_12345_satisfaction_2021")
                if i in checked and checked[i]["n"]]
        changes = [[c["series"], f"{c['observed']:+.3f}", f"{c['median']:+.3f} [{c['q025']:+.3f}, {c['q975']:+.3f}]"]
                   for c in p["changes"]]
        text += f"""

Posterior inside the region ({'converged' if p['converged'] else 'not converged'}: largest R-hat {fmt(p['max_rhat'])}, smallest
effective size {fmt(p['min_ess'])}); the figures at its medians by model runs at the reported scale, and each series' change:

{table(['figure', 'value', 'at the medians', 'within'], rows)}

{table(['series', 'observed change', 'emulated change [95%]'], changes)}"""
    return text
