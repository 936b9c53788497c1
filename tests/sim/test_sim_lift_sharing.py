"""Cars for several robots take calls waiting on one level together (sim)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import replace

import numpy as np

from fleet.core.ports import LiftStatus
from maps.loading import load_sample
from sim.engine import EventQueue
from sim.log import EventLog
from sim.runner import RunConfig, simulate
from sim.world_lifts import LiftCars
from tests.sim.sim_runs import busy_clinic


def _cars(capacity: int) -> tuple[LiftCars, EventQueue, list[LiftStatus]]:
    """The demo hospital's service lift (no people in it) with ``capacity``."""
    building = load_sample("demo_hospital")
    lifts = tuple(
        replace(lift, capacity=capacity) if lift.id == "lift_s" else lift
        for lift in building.lifts
    )
    queue, seen = EventQueue(), []
    cars = LiftCars(replace(building, lifts=lifts), queue, EventLog(0.0),
                    np.random.default_rng(1), (0.0,) * 24, seen.append)  # fmt: skip
    return cars, queue, seen


def _open_for(seen: list[LiftStatus], robot: str, level: str) -> float | None:
    """When the service car first stood open on ``level`` serving ``robot``."""
    for status in seen:
        here = status.lift_id == "lift_s" and status.level == level
        if here and status.doors_open and status.serves(robot):
            return status.at
    return None


def _ride_two(capacity: int) -> tuple[LiftCars, list[LiftStatus]]:
    """r1 and r2 call the car on L1 together; each rides up once inside."""
    cars, queue, seen = _cars(capacity)
    cars.request("lift_s", "L1", "r1")
    cars.request("lift_s", "L1", "r2")
    queue.run(100.0)
    for robot, level in (("r1", "L3"), ("r2", "L2")):
        if _open_for(seen, robot, "L1") is not None:
            cars.request("lift_s", level, robot)
    queue.run(200.0)
    for robot, level in (("r1", "L3"), ("r2", "L2")):
        if _open_for(seen, robot, level) is not None:
            cars.release("lift_s", robot)
            queue.run(queue.now + 1.0)
    cars.request("lift_s", "L2", "r2")
    queue.run(400.0)
    cars.request("lift_s", "L2", "r2")
    queue.run(500.0)
    return cars, seen


def test_a_car_for_two_takes_both_calls_on_one_level() -> None:
    """Capacity 2: both board on L1, r2 gets out on L2 first, r1 goes on to L3."""
    cars, seen = _ride_two(2)
    assert _open_for(seen, "r1", "L1") == _open_for(seen, "r2", "L1")
    at_l2, at_l3 = _open_for(seen, "r2", "L2"), _open_for(seen, "r1", "L3")
    assert at_l2 is not None and at_l3 is not None and at_l2 < at_l3
    assert cars.shared_trips["lift_s"] == 1
    assert max(len(s.sessions) for s in seen) == 2


def test_a_car_for_one_serves_the_second_call_after_the_first() -> None:
    """Capacity 1: r2 waits until r1 is done; never two sessions at once."""
    cars, seen = _ride_two(1)
    r1_up, r2_in = _open_for(seen, "r1", "L3"), _open_for(seen, "r2", "L1")
    assert r1_up is not None and r2_in is not None and r1_up < r2_in
    assert max(len(s.sessions) for s in seen) == 1
    assert cars.shared_trips["lift_s"] == 0


def test_the_car_waits_for_every_rider_to_ask_for_a_level() -> None:
    """With r2 still boarding, r1's ride request does not move the car."""
    cars, queue, seen = _cars(2)
    cars.request("lift_s", "L1", "r1")
    cars.request("lift_s", "L1", "r2")
    queue.run(100.0)
    cars.request("lift_s", "L3", "r1")
    queue.run(200.0)
    assert cars.cars["lift_s"].level == "L1" and cars.cars["lift_s"].doors_open
    cars.release("lift_s", "r2")
    queue.run(300.0)
    assert _open_for(seen, "r1", "L3") is not None


def test_a_day_with_a_car_for_two_never_carries_three() -> None:
    """The clinic's lift made a car for two: robots share it, never above two."""
    clinic = load_sample("small_clinic")
    lifts = tuple(replace(lift, capacity=2) for lift in clinic.lifts)
    config = RunConfig(robots=8, hours=2, seed=1, start_hour=8.0)
    sim = simulate(replace(clinic, lifts=lifts), busy_clinic(), config)
    riders: dict[str, set[str]] = defaultdict(set)
    most = 0
    for event in sim.log.of_kind("lift_board", "lift_exit"):
        if event["kind"] == "lift_board":
            riders[event["lift"]].add(event["robot"])
        else:
            riders[event["lift"]].discard(event["robot"])
        most = max(most, len(riders[event["lift"]]))
    assert most == 2
    assert sum(sim.world.lifts.shared_trips.values()) > 0
    assert sum(sim.book.counts().values()) == len(sim.requests)
