"""Whole simulation runs: determinism, conservation of jobs, and the physics of
the world checked from the event log."""

from __future__ import annotations

import json
import math
from collections import defaultdict
from itertools import pairwise

from fleet.core.errors import NotFound
from fleet.core.model import JobStatus
from sim.kpis import compute
from tests.sim.sim_runs import busy_clinic, clinic, clinic_run, morning

FINAL = {JobStatus.COMPLETED, JobStatus.CANCELLED, JobStatus.FAILED}


def test_same_seed_gives_byte_identical_kpis() -> None:
    """Two runs with the same inputs and seed give the same kpis.json bytes."""
    first = json.dumps(compute(clinic_run(hours=3)), sort_keys=True)
    second = json.dumps(compute(clinic_run(hours=3)), sort_keys=True)
    assert first == second
    assert json.loads(first)["jobs"].get("completed", 0) > 10


def test_another_seed_gives_another_day() -> None:
    """A different seed draws different demand."""
    assert [r.at for r in clinic_run(hours=3, seed=2).requests] != [
        r.at for r in clinic_run(hours=3).requests
    ]


def test_every_request_is_accounted_for() -> None:
    """Each request ends completed, cancelled or failed, or is still open; the
    counts add up and agree with the fleet core."""
    sim = morning()
    counts = sim.book.counts()
    assert sum(counts.values()) == len(sim.requests) > 20
    for record in sim.book.records.values():
        try:
            assert sim.core.job(record.id).status == record.status
        except NotFound:  # the core forgets finished jobs after a while
            assert record.status in FINAL
    kpis = compute(sim)
    finals = sum(counts.get(s.value, 0) for s in FINAL)
    assert finals + sum(kpis["unserved_at_end"].values()) == len(sim.requests)
    assert kpis["lead_time_s"]["n"] == counts.get("completed", 0)


def test_lift_cars_never_carry_more_than_their_capacity() -> None:
    """Riders counted from board and exit events stay within each car's capacity."""
    sim = clinic_run(scenario=busy_clinic(), robots=4, hours=2)
    capacity = {lift.id: lift.capacity for lift in clinic().lifts}
    riders: dict[str, set[str]] = defaultdict(set)
    boardings = 0
    for event in sim.log.of_kind("lift_board", "lift_exit"):
        if event["kind"] == "lift_board":
            riders[event["lift"]].add(event["robot"])
            boardings += 1
        else:
            riders[event["lift"]].discard(event["robot"])
        assert len(riders[event["lift"]]) <= capacity[event["lift"]]
    assert boardings > 10


def test_no_robot_in_two_places_or_faster_than_its_speed() -> None:
    """Drives follow on from where the robot was, never overlap, never speed."""
    sim = clinic_run(scenario=busy_clinic(), robots=4, hours=2)
    speed = {r.id: r.speed_mps for r in sim.core.robots()}
    here = {rid: _start(rid) for rid in speed}
    free_from = dict.fromkeys(speed, -math.inf)
    drives = 0
    for event in sim.log.events:
        robot = event.get("robot")
        if event["kind"] == "level":
            assert event["lift"] is not None, "a level change outside a lift car"
            here[robot] = (event["dst"], event["x"], event["y"])
        elif event["kind"] == "drive":
            drives += 1
            points = event["points"]
            level, x, y = here[robot]
            assert event["level"] == level
            assert math.dist((x, y), points[0][1:]) < 1e-6, "a jump between drives"
            assert points[0][0] >= free_from[robot] - 1e-6, "two drives at once"
            for (t0, *a), (t1, *b) in pairwise(points):
                assert math.dist(a, b) <= speed[robot] * (t1 - t0) + 1e-3
            free_from[robot] = points[-1][0]
            here[robot] = (level, *points[-1][1:])
    assert drives > 20


def _start(robot_id: str) -> tuple[str, float, float]:
    from sim.demo_fleet import demo_robots

    robot = next(r for r in demo_robots(clinic(), 4) if r.id == robot_id)
    return (robot.level, robot.x, robot.y)


def test_battery_never_below_zero_and_robots_charge() -> None:
    """Batteries stay within [0, 1]; a hungry fleet goes to its chargers."""
    scenario = busy_clinic(battery={"drain_per_m": 0.002, "start_soc": 0.5})
    sim = clinic_run(scenario=scenario, robots=3, hours=3)
    socs = [e["soc"] for e in sim.log.of_kind("drive")]
    assert min(socs) >= 0.0 and max(socs) <= 1.0
    assert sum(u["charging"] for u in sim.world.time_use.values()) > 0


def test_a_flat_battery_strands_the_robot_at_zero_and_loses_no_job() -> None:
    """With no charging planned, a robot runs flat at zero, and its jobs live on."""
    scenario = busy_clinic(battery={"drain_per_m": 0.01, "start_soc": 0.3},
                           core={"battery_drain_per_m": 0.0})  # fmt: skip
    sim = clinic_run(scenario=scenario, robots=3, hours=2)
    kpis = compute(sim)
    assert kpis["stranded_robots"], "expected a robot to run flat"
    assert kpis["min_battery_soc"] == 0.0
    assert sum(sim.book.counts().values()) == len(sim.requests)


def test_cars_wait_for_the_core_release_when_told_to() -> None:
    """With free_empty_cars off, a car is held until the core releases it."""
    held = clinic_run(scenario=busy_clinic(lifts={"free_empty_cars": False}), hours=1)
    freed = clinic_run(scenario=busy_clinic(), hours=1)
    assert not held.log.of_kind("lift_freed")
    assert freed.log.of_kind("lift_freed")
    assert held.book.counts().get("completed", 0) > 5
    calls = [e for e in held.log.of_kind("lift_open")]
    assert calls and max(e["waited"] for e in calls) > 0
