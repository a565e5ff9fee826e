"""The browser app's controls come from the schema: every field, its default, range and
description, nothing written twice; a refused value is one line."""

from __future__ import annotations

import pytest
from pydantic import Field

pytest.importorskip("solara")

from sim.app.settings import (  # noqa: E402
    APP_MAX_RESIDENTS,
    SettingError,
    controls_of,
    get_value,
    mechanism_controls,
    run_controls,
    with_value,
)
from sim.mechanisms import REGISTRY, MechanismParams  # noqa: E402
from sim.schema import ScenarioConfig, field_bounds  # noqa: E402


@pytest.mark.parametrize("key", list(REGISTRY))
def test_every_parameter_of_every_mechanism_has_a_control_with_the_schemas_default_and_range(key: str) -> None:
    params = REGISTRY[key].params
    controls = mechanism_controls(key)
    assert [c.path for c in controls] == [("mechanisms", key, name) for name in params.model_fields]
    defaults = params()
    for c in controls:
        info = params.model_fields[c.path[-1]]
        assert c.default == getattr(defaults, c.path[-1])
        assert c.bounds == field_bounds(info.metadata)
        assert c.description == info.description
        assert c.default == get_value(ScenarioConfig(), c.path)


def test_a_field_added_to_a_mechanism_gets_a_control_of_its_kind() -> None:
    class Params(MechanismParams):
        rate: float = Field(0.25, ge=0, le=1, description="A rate.")
        window: int = Field(7, ge=1, le=30, description="A window.")
        null_variant: bool = Field(False, description="Run the null variant.")
        budget: float = Field(0.3, ge=0, description="Unbounded above.")

    kinds = {c.path[-1]: (c.kind, c.slider) for c in controls_of(Params, ("mechanisms", "x"))}
    assert kinds == {"enabled": ("switch", False), "rate": ("float", True), "window": ("int", True),
                     "null_variant": ("switch", False), "budget": ("float", False)}


def test_slider_steps_put_the_default_on_the_grid_or_fall_back_to_a_number_field() -> None:
    by_key = {c.key: c for k in REGISTRY for c in mechanism_controls(k)}
    adoption = by_key["mechanisms.service_closed_loop.adoption_rate"]  # 0.5 in [0, 1]
    assert adoption.slider and adoption.step == pytest.approx(0.01)
    notice = by_key["mechanisms.vanguard_linkage.notice_probability"]  # 0.08 in [0, 1]
    assert notice.slider and notice.step == pytest.approx(0.01)
    budget = by_key["mechanisms.digital_platform.funding_per_community_day"]  # 0.2 in [0, 1000]
    assert not budget.slider
    assert not by_key["mechanisms.flexible_coverage.hours_per_member_day"].slider  # 0.02 in [0, 24]: off a 0.1 grid
    assert adoption.slider_for(0.5) and not adoption.slider_for(0.12345)
    assert by_key["mechanisms.leadership_intensity.hours_per_takeover"].range_text() == "(0, 200]"


def test_run_controls_are_seed_days_and_residents_capped_for_the_app() -> None:
    controls = {c.key: c for c in run_controls()}
    assert set(controls) == {"seed", "days", "population.residents"}
    assert controls["population.residents"].bounds.hi == APP_MAX_RESIDENTS
    assert controls["days"].default == ScenarioConfig().days


def test_with_value_validates_and_refuses_in_one_line() -> None:
    cfg = ScenarioConfig()
    on = with_value(cfg, ("mechanisms", "supervision", "enabled"), True)
    assert on.mechanisms.supervision.enabled and not cfg.mechanisms.supervision.enabled
    assert with_value(on, ("mechanisms", "supervision", "audit_rate"), 0.5).mechanisms.supervision.audit_rate == 0.5
    assert with_value(cfg, ("days",), cfg.days) is cfg
    with pytest.raises(SettingError) as err:
        with_value(cfg, ("mechanisms", "supervision", "audit_rate"), 1.5)
    assert "\n" not in str(err.value) and "audit_rate" in str(err.value)
