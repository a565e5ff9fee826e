"""The data dictionary (docs/data-dictionary.md) is current and covers every column written."""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa
import pytest

from sim.outcomes.registry import REGISTRY
from sim.output import datadict
from sim.output.results import daily_table, issues_table
from sim.run import run
from tests.strategies import tiny


@pytest.fixture(scope="module")
def result():  # noqa: ANN201
    return run(tiny(days=40, mechanisms={"events": {"enabled": True, "timeline": [{"day": 3, "kind": "crisis", "magnitude": 1}]}}))


def test_committed_document_is_current() -> None:
    assert datadict.is_current(), "run `python -m sim.output.datadict`"


def test_stale_document_is_detected(tmp_path: Path) -> None:
    stale = tmp_path / "dd.md"
    stale.write_text(datadict.render().replace("trust_mean", "trust_avg", 1))
    assert not datadict.is_current(stale)


def test_every_issue_column_is_declared(result) -> None:  # noqa: ANN001
    assert list(result.issues.column_names) == list(datadict.ISSUE_COLUMNS), "declare new issue columns in sim/output/datadict.py"


def test_every_daily_column_is_a_registered_outcome(result) -> None:  # noqa: ANN001
    assert set(result.daily.column_names) - {"day"} == set(REGISTRY)


def test_written_tables_carry_units_and_nulls(result) -> None:  # noqa: ANN001
    issues = issues_table(result.issues, config_hash="h")
    for f in issues.schema:
        assert f.metadata and f.metadata[b"unit"] and f.metadata[b"definition"], f.name
    for name, col in datadict.ISSUE_COLUMNS.items():
        values = issues.column(name)
        if col.missing is not None and not isinstance(col.missing, float):
            assert pa.compute.sum(pa.compute.equal(values, col.missing)).as_py() in (None, 0), name
    assert issues.column("day_closed").null_count > 0 and issues.column("second_department").null_count > 0
    daily = daily_table(result.daily, config_hash="h")
    for f in daily.schema:
        assert f.metadata and b"unit" in f.metadata, f.name
        if f.name != "day":
            assert f.metadata[b"aggregation"], f.name
    assert daily.schema.metadata[b"govsim.config_hash"] == b"h"


def test_running_totals_are_named_so() -> None:
    """A column name tells a running total from a value on the day: '_total' marks exactly the
    outcomes defined as counts since day 0."""
    for o in REGISTRY.values():
        since_start = "since day 0" in o.definition
        assert since_start == o.name.endswith("_total"), o.name


def test_each_issue_column_is_explained_in_exactly_one_place() -> None:
    """An in-memory issue column is explained by the data dictionary if it is written, else by
    its own ``#:`` comment in sim/issues.py: never both, never neither."""
    import inspect

    from sim import issues
    from sim.odd.generate import _comments
    from sim.output.datadict import ISSUE_COLUMNS, WRITTEN_AS

    comments = _comments(inspect.getsource(issues))
    for name in issues.COLUMNS:
        written = WRITTEN_AS.get(name, name) in ISSUE_COLUMNS
        assert written != bool(comments.get(name)), (
            f"issue column '{name}': " + ("explained twice (data dictionary and sim/issues.py)" if written
                                          else "explained nowhere: add a #: comment in sim/issues.py"))
