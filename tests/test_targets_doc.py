"""The calibration targets file is well formed and the readable table agrees with it.

Reads the real files, experiments/targets.yaml and docs/calibration-targets.md (and
docs/article.md for its anchors and mechanism table): a missing key, a wrong type, a duplicate id,
an id the table does not list, or a table row the file does not have fails here.
"""

from __future__ import annotations

import math
import numbers
import re
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
TARGETS = ROOT / "experiments" / "targets.yaml"
DOC = ROOT / "docs" / "calibration-targets.md"
ARTICLE = ROOT / "docs" / "article.md"

TARGET_KEYS = ("id", "figure", "value", "unit", "regime", "source", "maps_to", "mapping", "use", "tolerance")
NOTE_KEYS = ("id", "figure", "value", "unit", "regime", "source", "reason")
OPTIONAL_KEYS = {"year", "period", "series", "range", "comparison", "new_outcome", "derived_from", "tolerance_reason",
                 "reading", "input_check"}
UNITS = {
    "share",
    "count",
    "rank",
    "per_resident_year",
    "per_member_year",
    "per_community_month",
    "hours_per_member_year",
    "members_per_community",
    "households_per_member",
}
USES = {"calibration", "validation", "resource_anchor"}
REGIMES = {"community_system", "party_led_full"}
COMPARISONS = {"within", "at_least", "at_most"}
SNAKE = re.compile(r"^[a-z][a-z0-9]*(_[a-z0-9]+)*$")

# Outcome names the model's outcome registry defines; anything else must be marked new_outcome.
REGISTRY = {
    "resolution_rate_reported",
    "satisfaction_share",
    "satisfaction_share_closed",
    "suggestion_adoption_rate",
    "participation_rate",
    "participation_party_member",
    "participation_non_party_member",
    "patrol_detection_share_public_space",
    "self_report_share",
    "patrol_detection_share",
    "first_contact_resolution_share",
    "closure_rate",
    "issue_rate_per_resident_year",
    "party_member_hours_per_member_year",
    "members_per_community",
}
REGISTRY |= {f"participation_{g}" for g in ("local", "migrant", "gig", "elderly")}
REGISTRY |= {
    f"category_share_{c}"
    for c in ("sanitation", "pets", "lift_renovation", "parking", "property", "neighbour_dispute", "care", "public_safety")
}

MECHANISM_KEYS = (
    "service_closed_loop",
    "devolved_authority",
    "digital_platform",
    "gig_worker_platform",
    "proactive_analysis",
    "five_level_grid",
    "whistle_summon",
    "regional_party_building",
    "vanguard_linkage",
    "flexible_coverage",
    "emotional_outreach",
    "community_activities",
    "responsibility_lists",
    "supervision",
    "leadership_intensity",
    "events",
)


@pytest.fixture(scope="module")
def data() -> dict:
    loaded = yaml.safe_load(TARGETS.read_text(encoding="utf-8"))
    assert isinstance(loaded, dict), "targets.yaml must be a mapping"
    assert set(loaded) - {"calibration"} == {"targets", "notes"}, \
        f"top-level keys must be targets, notes and calibration, got {sorted(loaded)}"
    assert isinstance(loaded["targets"], list) and loaded["targets"], "targets must be a non-empty list"
    assert isinstance(loaded["notes"], list), "notes must be a list"
    return loaded


@pytest.fixture(scope="module")
def doc() -> str:
    return DOC.read_text(encoding="utf-8")


def _is_number(x: object) -> bool:
    return isinstance(x, numbers.Real) and not isinstance(x, bool) and math.isfinite(float(x))


def _is_text(x: object) -> bool:
    return isinstance(x, str) and x.strip() != ""


def _common_problems(e: dict, required: tuple[str, ...]) -> list[str]:
    """Problems shared by targets and notes: keys, id, unit, regime, date, source."""
    name = e.get("id", "<no id>")
    out = [f"{name}: missing key {k!r}" for k in required if k not in e]
    unknown = set(e) - set(required) - OPTIONAL_KEYS
    out += [f"{name}: unknown key {k!r}" for k in sorted(unknown)]
    if not (isinstance(e.get("id"), str) and SNAKE.match(e["id"])):
        out.append(f"{name}: id must be snake_case")
    for k in ("figure", "source"):
        if k in e and not _is_text(e[k]):
            out.append(f"{name}: {k} must be a non-empty string")
    if "unit" in e and e["unit"] not in UNITS:
        out.append(f"{name}: unit {e['unit']!r} not in {sorted(UNITS)}")
    if "regime" in e and e["regime"] not in REGIMES:
        out.append(f"{name}: regime {e['regime']!r} not in {sorted(REGIMES)}")
    has_year = "year" in e
    if has_year and not (isinstance(e["year"], int) and not isinstance(e["year"], bool) and 1990 <= e["year"] <= 2100):
        out.append(f"{name}: year must be an integer between 1990 and 2100")
    if "period" in e and not _is_text(e["period"]):
        out.append(f"{name}: period must be a non-empty string")
    if not has_year and "period" not in e:
        out.append(f"{name}: needs a year or a period")
    return out


def test_ids_are_unique_across_targets_and_notes(data):
    ids = [e.get("id") for e in data["targets"] + data["notes"]]
    duplicates = sorted({i for i in ids if ids.count(i) > 1})
    assert not duplicates, f"duplicate ids: {duplicates}"


def test_every_target_is_well_formed(data):
    problems: list[str] = []
    for e in data["targets"]:
        assert isinstance(e, dict), f"target entries must be mappings, got {e!r}"
        problems += _common_problems(e, TARGET_KEYS)
        name = e.get("id", "<no id>")
        value, tol = e.get("value"), e.get("tolerance")
        if not _is_number(value):
            problems.append(f"{name}: value must be a number, got {value!r}")
            continue
        if not (_is_number(tol) and tol >= 0):
            problems.append(f"{name}: tolerance must be a number >= 0, got {tol!r}")
            continue
        if e.get("use") not in USES:
            problems.append(f"{name}: use {e.get('use')!r} not in {sorted(USES)}")
        if not _is_text(e.get("mapping")) or len(e["mapping"]) < 60:
            problems.append(f"{name}: mapping must explain the match in at least a sentence")
        if e.get("unit") == "share":
            if not 0 <= value <= 1:
                problems.append(f"{name}: a share must lie in [0, 1], got {value}")
            if tol >= 1:
                problems.append(f"{name}: a share's tolerance must be below 1")
        if e.get("comparison", "within") not in COMPARISONS:
            problems.append(f"{name}: comparison must be one of {sorted(COMPARISONS)}")
        if "range" in e:
            r = e["range"]
            if not (isinstance(r, list) and len(r) == 2 and all(_is_number(x) for x in r) and r[0] <= value <= r[1]):
                problems.append(f"{name}: range must be [low, high] around value, got {r!r}")
        maps_to = e.get("maps_to")
        if not (isinstance(maps_to, str) and SNAKE.match(maps_to)):
            problems.append(f"{name}: maps_to must be a snake_case outcome name")
        elif e.get("new_outcome") is True:
            if maps_to in REGISTRY:
                problems.append(f"{name}: {maps_to} is a registry outcome, not new")
            elif maps_to not in e["mapping"]:
                problems.append(f"{name}: a new outcome must be defined in mapping")
        elif maps_to not in REGISTRY:
            problems.append(f"{name}: {maps_to} is not a registry outcome; mark new_outcome: true and define it")
        if "new_outcome" in e and not isinstance(e["new_outcome"], bool):
            problems.append(f"{name}: new_outcome must be true or false")
        if "derived_from" in e and not (
            isinstance(e["derived_from"], dict) and e["derived_from"] and all(_is_number(v) for v in e["derived_from"].values())
        ):
            problems.append(f"{name}: derived_from must map names to numbers")
    assert not problems, "\n".join(problems)


def test_share_tolerances_follow_the_stated_rule_or_say_why(data):
    """min(0.05, max(0.005, (1 - value)/2 rounded down to 0.005)), unless tolerance_reason is given."""
    problems = []
    for e in data["targets"]:
        if e.get("unit") != "share" or e.get("use") == "resource_anchor" or not _is_number(e.get("value")):
            continue
        if "tolerance_reason" in e:
            if not _is_text(e["tolerance_reason"]):
                problems.append(f"{e['id']}: tolerance_reason must be a non-empty string")
            continue
        rule = min(0.05, max(0.005, math.floor((1 - e["value"]) / 2 / 0.005 + 1e-9) * 0.005))
        if not (_is_number(e.get("tolerance")) and math.isclose(e["tolerance"], rule, abs_tol=1e-9)):
            problems.append(f"{e['id']}: tolerance {e.get('tolerance')} but the rule gives {rule:.3f}")
    assert not problems, "\n".join(problems)


def test_series_span_both_regimes(data):
    series: dict[str, list[dict]] = {}
    for e in data["targets"]:
        if "series" in e:
            series.setdefault(e["series"], []).append(e)
    assert series, "the Beijing figures are time series and must be marked"
    for name, entries in series.items():
        assert len(entries) >= 2, f"series {name} has one entry"
        assert len({e["maps_to"] for e in entries}) == 1, f"series {name} maps to more than one outcome"
        assert {e["regime"] for e in entries} == REGIMES, f"series {name} must span both regimes"
        for e in entries:
            assert "time series" in e["mapping"].lower() or name in e["mapping"], f"{e['id']}: mapping must say it is a time series"


def test_every_note_is_well_formed(data):
    problems: list[str] = []
    for e in data["notes"]:
        assert isinstance(e, dict), f"note entries must be mappings, got {e!r}"
        problems += _common_problems(e, NOTE_KEYS)
        name = e.get("id", "<no id>")
        if e.get("value") is not None and not _is_number(e.get("value")):
            problems.append(f"{name}: value must be a number or null")
        if not _is_text(e.get("reason")) or len(e["reason"]) < 40:
            problems.append(f"{name}: reason must say why the figure cannot be mapped")
        if "maps_to" in e or "use" in e:
            problems.append(f"{name}: a note is not a target and has no maps_to or use")
    assert not problems, "\n".join(problems)


def _doc_rows(doc: str) -> dict[str, str]:
    """First-cell backticked name -> the whole table row, for every table row of the page."""
    rows = {}
    for line in doc.splitlines():
        m = re.match(r"^\|\s*`([a-z0-9_]+)`\s*\|", line)
        if m:
            rows[m.group(1)] = line
    return rows


def test_every_id_is_in_the_readable_table(data, doc):
    rows = _doc_rows(doc)
    missing = [e["id"] for e in data["targets"] + data["notes"] if e["id"] not in rows]
    assert not missing, f"ids missing from {DOC.name}: {missing}"
    wrong = [e["id"] for e in data["targets"] if f"`{e['maps_to']}`" not in rows[e["id"]]]
    assert not wrong, f"rows of {DOC.name} that do not name their maps_to: {wrong}"


def test_the_readable_table_lists_nothing_the_file_lacks(data, doc):
    known = {e["id"] for e in data["targets"] + data["notes"]} | {e["maps_to"] for e in data["targets"]}
    extra = sorted(set(_doc_rows(doc)) - known)
    assert not extra, f"{DOC.name} has rows for ids not in targets.yaml: {extra}"


@pytest.mark.parametrize("path", [TARGETS, DOC, ARTICLE], ids=lambda p: p.name)
def test_files_stand_alone(path):
    text = path.read_text(encoding="utf-8")
    for forbidden in ("../shared", "spec §", "seed §", "/work/"):
        assert forbidden not in text, f"{path.name} refers to {forbidden!r}; the project's files must stand alone"


def test_article_has_an_anchor_per_part_and_every_mechanism():
    text = ARTICLE.read_text(encoding="utf-8")
    anchors = ["part-0", "part-1", "part-1-1", "part-1-2", "part-2", "part-3"]
    anchors += [f"part-{p}-{s}" for p in (2, 3) for s in (1, 2, 3, 4)]
    missing = [a for a in anchors if f'<a id="{a}"></a>' not in text]
    assert not missing, f"anchors missing from {ARTICLE.name}: {missing}"
    table = [line for line in text.splitlines() if line.startswith("| `")]
    missing_keys = [k for k in MECHANISM_KEYS if not any(line.startswith(f"| `{k}` |") for line in table)]
    assert not missing_keys, f"mechanism keys missing from the table in {ARTICLE.name}: {missing_keys}"
    linked = re.findall(r"\]\(#(part-[0-9-]+)\)", text)
    assert set(linked) <= set(anchors), f"links to unknown anchors: {sorted(set(linked) - set(anchors))}"
