"""The ODD document (docs/ODD.md) is current with the code it describes (sim/odd/generate.py, with the
block machinery of sim/odd/markdown.py)."""

from __future__ import annotations

import dataclasses
import re
import subprocess
import sys
from pathlib import Path

import pytest
from pydantic import create_model
from pydantic.fields import FieldInfo

from sim.mechanisms import REGISTRY
from sim.odd import generate as odd
from sim.odd import markdown as odd_markdown

ROOT = Path(__file__).resolve().parents[1]
DOC = ROOT / "docs" / "ODD.md"


@pytest.fixture(scope="module")
def current() -> str:
    return DOC.read_text(encoding="utf-8")


def _section(text: str, heading: str) -> str:
    """The text from the level-2 heading starting with ``heading`` to the next level-2 heading."""
    m = re.search(rf"^## {re.escape(heading)}.*?(?=^## |\Z)", text, re.MULTILINE | re.DOTALL)
    assert m, f"no section '## {heading}'"
    return m.group(0)


def test_committed_document_is_current(current: str) -> None:
    stale, missing = odd.stale_blocks(current)
    assert not stale and not missing, f"run `python -m sim.odd`: stale {stale}, missing {missing}"
    assert odd.render(current) == current


def test_every_generated_block_exists_once(current: str) -> None:
    for name in odd.block_names():
        assert current.count(f"<!-- BEGIN GENERATED: {name} -->") == 1, name
        assert current.count(f"<!-- END GENERATED: {name} -->") == 1, name


def test_blocks_cover_every_schema_section_and_mechanism() -> None:
    names = set(odd.block_names())
    for section in ("population", "ties", "issues", "categories", "capacity", "behaviour"):
        assert f"params-{section}" in names
    assert {"mechanism-sections", "mechanisms", "schedule", "transitions", "daily-outcomes", "random-streams", "pools", "handler-kinds",
            "mechanism-costs"} <= names


def test_mechanism_costs_name_every_mechanism_its_pools_and_null_variant() -> None:
    """One row per mechanism: the pools and uses it spends on beyond the baseline's (observed in
    a small run, the same every time) and the "Null variant:" paragraph of its docstring."""
    from sim.resources import POOL_NAMES

    block = odd.generate("mechanism-costs")
    assert block == odd.generate("mechanism-costs")
    rows = {line.split(" | ")[0].strip("| `"): line for line in block.splitlines() if line.startswith("| `")}
    assert list(rows) == list(REGISTRY)
    for key, mech in REGISTRY.items():
        null = odd._null_variant(mech)
        assert null != "not stated" and null in rows[key], key
        if set(mech.hooks) - {"setup", "events"}:  # it acts every day, and its actions draw on pools
            assert any(f"`{pool}`:" in rows[key] for pool in POOL_NAMES), key


def test_every_mechanism_has_a_submodel_section(current: str) -> None:
    submodels = _section(current, "7 Submodels")
    for key in REGISTRY:
        assert re.search(rf"^#{{3,5}} .*`{key}`", submodels, re.MULTILINE), f"no submodel heading for `{key}`"
        heading = re.search(rf"^(#{{3,5}} .*`{key}`.*)$", submodels, re.MULTILINE)
        assert heading is not None
        body = submodels[heading.end():]
        nxt = re.search(r"^#{2,5} ", body, re.MULTILINE)
        body = body[: nxt.start()] if nxt else body
        assert f"`mechanisms.{key}.enabled`" in body, f"`{key}`: parameter table not in its section"
        for anchor in REGISTRY[key].article:
            assert f"(article.md#{anchor})" in body, f"`{key}`: no link to the article's part {anchor}"
        assert "*Null variant.*" in body, f"`{key}`: no null variant"
        assert "*Costs.*" in body or key == "events", f"`{key}`: no costs"


def test_no_references_outside_the_repository(current: str) -> None:
    """The prose cites ODD sections, docs/article.md parts and docs/calibration-targets.md,
    never files outside the repository or the sections of documents it does not contain
    (generated blocks quote the code, which answers for itself)."""
    prose = re.sub(r"<!-- BEGIN GENERATED: (\S+) -->.*?<!-- END GENERATED: \1 -->", "", current, flags=re.DOTALL)
    for outside in ("../shared", "spec §", "seed §"):
        assert outside not in prose, outside
    for link in re.findall(r"\]\(([^)#]+)", current):
        assert not link.startswith(("/", "..")) and (DOC.parent / link).exists(), link


def test_odd_protocol_sections_present(current: str) -> None:
    for heading in ("1 Purpose and patterns", "2 Entities, state variables and scales",
                    "3 Process overview and scheduling", "4 Design concepts", "5 Initialisation",
                    "6 Input data", "7 Submodels"):
        assert re.search(rf"^## {re.escape(heading)}\b", current, re.MULTILINE), heading


def test_render_is_idempotent(current: str) -> None:
    once = odd.render(current)
    assert odd.render(once) == once


def test_render_replaces_stale_content_and_keeps_prose() -> None:
    text = ("prose before\n<!-- BEGIN GENERATED: params-capacity -->\nold table\n"
            "<!-- END GENERATED: params-capacity -->\nprose after\n")
    out = odd.render(text)
    assert out.startswith("prose before\n") and out.endswith("prose after\n")
    assert "old table" not in out and "`capacity.retry_days`" in out
    assert odd.stale_blocks(text)[0] == ["params-capacity"]
    assert odd.stale_blocks(out)[0] == []


def test_render_refuses_unknown_or_unbalanced_blocks() -> None:
    with pytest.raises(ValueError, match="unknown generated block"):
        odd.render("<!-- BEGIN GENERATED: nonsense -->\n<!-- END GENERATED: nonsense -->\n")
    with pytest.raises(ValueError, match="no END marker"):
        odd.render("<!-- BEGIN GENERATED: params-capacity -->\nx\n")


def test_changed_default_makes_the_check_fail(current: str, monkeypatch: pytest.MonkeyPatch,
                                              tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A default changed in a mechanism's Params makes its block stale and --check exit 1."""
    key = "whistle_summon"
    mech = REGISTRY[key]
    field = next(n for n in mech.params.model_fields if n not in ("enabled", "null_variant"))
    info = mech.params.model_fields[field]
    old = info.default
    changed_params = create_model(  # same module, constraints and description; default + 1
        "Params", __base__=mech.params, __module__=mech.params.__module__,
        **{field: (info.annotation, FieldInfo.merge_field_infos(info, default=old + 1))},
    )
    assert changed_params().model_dump()[field] == old + 1
    changed = dataclasses.replace(mech, params=changed_params)
    monkeypatch.setitem(REGISTRY, key, changed)

    stale, missing = odd.stale_blocks(current)
    assert "mechanism-sections" in stale and not missing
    # rule-changes shows configure's effect; mechanism-costs what the mechanism spends
    assert set(stale) <= {"mechanism-sections", "rule-changes", "mechanism-costs"}
    doc = tmp_path / "ODD.md"
    doc.write_text(current, encoding="utf-8")
    assert odd.main(["--check", "--file", str(doc)]) == 1
    err = capsys.readouterr().err.strip()
    assert "\n" not in err and "mechanism-sections" in err
    # Regenerating brings it back in line, and only that block changed.
    assert odd.main(["--file", str(doc)]) == 0
    new = doc.read_text(encoding="utf-8")
    assert odd.main(["--check", "--file", str(doc)]) == 0
    assert f"`{odd_markdown.value(old + 1)}`" in odd_markdown.blocks_in(new)["mechanism-sections"]
    before, after = odd_markdown.blocks_in(current), odd_markdown.blocks_in(new)
    assert [n for n in before if before[n] != after[n]] == stale


def test_check_fails_on_an_edited_copy(current: str, tmp_path: Path) -> None:
    """Editing inside a block (here: a default in the behaviour table) is caught by --check."""
    block = re.search(r"<!-- BEGIN GENERATED: params-behaviour -->\n(.*?)<!-- END GENERATED", current, re.DOTALL)
    assert block
    row = next(line for line in block.group(1).splitlines() if line.startswith("| `behaviour.trust_sd`"))
    edited = current.replace(row, row.replace("| `behaviour.trust_sd` | `", "| `behaviour.trust_sd` | `9"), 1)
    assert edited != current
    doc = tmp_path / "ODD.md"
    doc.write_text(edited, encoding="utf-8")
    p = subprocess.run([sys.executable, "-m", "sim.odd.generate", "--check", "--file", str(doc)],
                       cwd=ROOT, capture_output=True, text=True, check=False)
    assert p.returncode == 1
    assert "params-behaviour" in p.stderr and len(p.stderr.strip().splitlines()) == 1


def test_missing_block_is_reported(current: str, tmp_path: Path) -> None:
    cut = re.sub(r"<!-- BEGIN GENERATED: random-streams -->.*?<!-- END GENERATED: random-streams -->\n",
                 "", current, flags=re.DOTALL)
    stale, missing = odd.stale_blocks(cut)
    assert missing == ["random-streams"] and not stale


def test_generation_never_imports_matplotlib() -> None:
    code = ("import sys, sim.odd.generate; [sim.odd.generate.generate(n) for n in sim.odd.generate.block_names()]; "
            "bad = [m for m in sys.modules if m.split('.')[0] == 'matplotlib']; print(bad); sys.exit(1 if bad else 0)")
    p = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=False)
    assert p.returncode == 0, p.stdout + p.stderr


def test_number_formatting_is_fixed() -> None:
    assert odd_markdown.num(1 / 3) == "0.333333"
    assert odd_markdown.num(1e6) == "1e6"
    assert odd_markdown.num(6.0) == "6"
    assert odd_markdown.num(10_000) == "10,000"
    assert odd_markdown.num(float("inf")) == "∞"
    assert odd_markdown.value(("a", "b")) == '["a", "b"]'
