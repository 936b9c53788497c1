"""Scenario files: the shipped ones load, demand follows them, and mistakes are
refused naming the field."""

from __future__ import annotations

import pytest

from fleet.core.model import ItemCategory, JobKind, Priority
from maps.loading import load_sample
from sim.demand import DAY0, hour_of, requests_for
from sim.scenario import (
    ScenarioError,
    check_places,
    load_scenario,
    parse_scenario,
    scenario_path,
)
from tests.sim.sim_runs import clinic


def test_the_demo_scenario_makes_about_1500_requests_a_day() -> None:
    """The demo-hospital scenario: ~1,500 requests, meals at 07:30, 12:00, 18:00."""
    building = load_sample("demo_hospital")
    scenario = check_places(load_scenario(scenario_path("demo_hospital")), building)
    requests = requests_for(scenario, 1, DAY0, DAY0 + 86400)
    assert 1350 <= len(requests) <= 1650
    meals = [r for r in requests if r.source in ("breakfast", "lunch", "dinner")]
    assert {int(hour_of(r.at) * 60) for r in meals} >= {450, 720, 1080}
    assert any(r.new.kind == JobKind.GUIDANCE for r in requests)
    assert any(r.new.priority == Priority.STAT for r in requests)
    secure = [r for r in requests if r.new.category == ItemCategory.BLOOD_PRODUCT]
    assert secure and all(r.new.pin and len(r.new.pin) == 4 for r in secure)


def test_demand_follows_the_hourly_profile() -> None:
    """A flow with weight only from 10:00 to 12:00 asks only then."""
    profile = [0] * 24
    profile[10] = profile[11] = 1
    scenario = parse_scenario(
        {
            "demand": [
                {"from": "pharmacy", "to": "ward_1", "per_day": 200, "profile": profile}
            ]
        }
    )
    requests = requests_for(check_places(scenario, clinic()), 3, DAY0, DAY0 + 86400)
    assert 150 < len(requests) < 250
    assert all(10 <= hour_of(r.at) < 12 for r in requests)
    assert [r.id for r in requests] == sorted(r.id for r in requests)


def test_kind_selectors_expand_to_places() -> None:
    """`kind:ward` names every ward of the building."""
    scenario = parse_scenario(
        {"demand": [{"from": "pharmacy", "to": "kind:ward", "per_day": 5}]}
    )
    building = load_sample("demo_hospital")
    flow = check_places(scenario, building).flows[0]
    assert len(flow.destinations) == 9 and "icu" in flow.destinations


@pytest.mark.parametrize(
    ("raw", "where", "why"),
    [
        ({"demand": [{"from": "pharmacy", "to": "ward_1", "per_day": -3}]},
         "demand[0].per_day", "below 0"),
        ({"demand": [{"from": "pharmacy", "to": "ward_1", "per_day": 3,
                      "categories": {"gold": 1}}]}, "demand[0].categories", "unknown"),
        ({"rounds": [{"times": ["7h30"], "from": "kitchen", "to": "ward_1",
                      "category": "meal"}]}, "rounds[0].times", "07:30"),
        ({"faults": [{"lift": "lift_1", "from": "10:00", "until": "09:00"}]},
         "faults[0].until", "after"),
        ({"profiles": {"flat": [1, 2]}}, "profiles.flat", "24"),
        ({"demand": [{"from": "pharmacy", "to": "ward_1", "per_day": 3,
                      "priorities": {"stat": 0.8, "urgent": 0.5}}]},
         "demand[0].priorities", "add up"),
        ({"core": {"replan_debounce": 5}}, "core.replan_debounce",
         "not a core setting"),
        ({"core": {"pin_attempts": 2.5}}, "core.pin_attempts", "whole number"),
        ({"core": {"handoff_wait_s": -1}}, "core.handoff_wait_s", "below 0"),
    ],
)  # fmt: skip
def test_mistakes_are_refused_naming_the_field(
    raw: object, where: str, why: str
) -> None:
    """Each mistake raises ScenarioError naming the field and the reason."""
    with pytest.raises(ScenarioError) as caught:
        parse_scenario(raw, "bad.yaml")
    assert caught.value.where == where
    assert why in caught.value.why


def test_unknown_places_are_refused_naming_the_building() -> None:
    """A place the building lacks is refused when the scenario meets the building."""
    scenario = parse_scenario(
        {"demand": [{"name": "x", "from": "pharmacy", "to": "ward_9z", "per_day": 3}]},
        "bad.yaml",
    )
    with pytest.raises(ScenarioError, match="has no place 'ward_9z'"):
        check_places(scenario, clinic())


def test_core_settings_reach_the_core_with_their_types() -> None:
    """A scenario's core settings are kept as numbers of the field's own type."""
    scenario = parse_scenario(
        {"core": {"pin_attempts": 5, "replan_debounce_s": 4}}, "site.yaml"
    )
    settings = dict(scenario.core)
    assert settings == {"pin_attempts": 5, "replan_debounce_s": 4.0}
    assert isinstance(settings["pin_attempts"], int)
