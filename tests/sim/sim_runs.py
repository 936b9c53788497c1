"""Small simulation runs shared by the simulator's tests (cached per process)."""

from __future__ import annotations

from functools import cache

from maps.loading import load_sample
from maps.model import Building
from sim.runner import RunConfig, Simulation, simulate
from sim.scenario import Scenario, load_scenario, parse_scenario, scenario_path


@cache
def clinic() -> Building:
    return load_sample("small_clinic")


@cache
def clinic_scenario() -> Scenario:
    return load_scenario(scenario_path("small_clinic"))


def clinic_run(
    *, robots: int = 3, hours: float = 4.0, seed: int = 1, start_hour: float = 8.0,
    scenario: Scenario | None = None, dispatcher: str = "greedy",
) -> Simulation:  # fmt: skip
    config = RunConfig(
        robots=robots, hours=hours, seed=seed, start_hour=start_hour,
        dispatcher=dispatcher,
    )  # fmt: skip
    return simulate(clinic(), scenario or clinic_scenario(), config)


@cache
def morning() -> Simulation:
    """Four busy hours of the small clinic with three robots (greedy)."""
    return clinic_run()


def busy_clinic(**changes: object) -> Scenario:
    """A clinic scenario with more lift traffic, plus ``changes`` at the top level."""
    raw: dict[str, object] = {
        "name": "busy clinic",
        "demand": [
            {
                "name": "pharmacy to ward",
                "from": "pharmacy",
                "to": ["ward_1", "station_1"],
                "per_day": 240,
                "categories": {"medication": 0.8, "controlled_substance": 0.2},
                "priorities": {"stat": 0.2},
            },
            {
                "name": "specimens",
                "from": ["ward_1", "clinic_1"],
                "to": "lab",
                "per_day": 120,
                "categories": {"specimen": 1},
            },
            {
                "name": "ground floor supplies",
                "from": "lab",
                "to": "pharmacy",
                "per_day": 60,
                "categories": {"supplies": 1},
            },
        ],
        "handoff": {"loading": {"min_s": 5, "mean_s": 20}, "wrong_pin_share": 0.2},
        "lifts": {"people_wait_s": 20},
    }
    raw.update(changes)
    return parse_scenario(raw, "busy-clinic")
