"""Faults from the scenario: a lift out of service, a robot breaking down, a door
stuck; the jobs they touch wait or go round, and none is lost."""

from __future__ import annotations

from sim.kpis import compute
from tests.sim.sim_runs import busy_clinic, clinic, clinic_run

LEVELS = {p.id: clinic().waypoint(p.waypoint).level for p in clinic().places}


def _crosses(sim: object, record: object) -> bool:
    new = record.request.new  # type: ignore[attr-defined]
    return LEVELS[new.pickup] != LEVELS[new.dropoff]


def test_a_lift_outage_holds_the_jobs_that_need_it_until_it_ends() -> None:
    """No car opens during the outage; jobs across levels asked for during it
    complete after it ends; the core is told and holds its robots."""
    scenario = busy_clinic(
        faults=[{"lift": "lift_1", "from": "09:00", "until": "10:00"}]
    )
    sim = clinic_run(scenario=scenario, robots=3, hours=3.5, start_hour=8.5)
    outage = sim.log.of_kind("lift_outage")
    began, ended = outage[0]["t"], outage[1]["t"]
    assert outage[0]["start"] and not outage[1]["start"]
    assert 1800 <= began < 2400 and ended == 5400.0
    opened = [e["t"] for e in sim.log.of_kind("lift_open")]
    assert not [t for t in opened if began < t < ended]
    start = sim.start
    needing = [
        r for r in sim.book.records.values()
        if _crosses(sim, r) and began < r.request.at - start < ended - 600
    ]  # fmt: skip
    assert len(needing) >= 5
    for record in needing:
        assert record.status.value == "completed", record.id
        assert record.done_at is not None and record.done_at - start > ended
    alerts = [e["alert"] for e in sim.log.of_kind("alert")]
    assert "lift_unavailable" in alerts


def test_a_broken_robot_gives_its_jobs_back_and_returns_after_repair() -> None:
    """The broken robot's jobs are done by others or after repair; none is lost."""
    scenario = busy_clinic(
        faults=[{"robot": "porter-1", "from": "09:00", "until": "09:40"}]
    )
    sim = clinic_run(scenario=scenario, robots=3, hours=2, start_hour=8.5)
    assert [e["broken"] for e in sim.log.of_kind("robot_fault")] == [True, False]
    assert sim.world.time_use["porter-1"]["broken"] == 2400.0
    assert sim.core.robot("porter-1").state.value in ("idle", "busy", "charging")
    assert sum(sim.book.counts().values()) == len(sim.requests)
    assert compute(sim)["jobs"].get("completed", 0) > 20


def test_a_stuck_door_keeps_robots_waiting_until_it_is_freed() -> None:
    """Robots wait at a stuck door; it opens again once freed."""
    scenario = busy_clinic(
        faults=[{"door": "pharmacy_door", "from": "09:00", "until": "09:30"}]
    )
    sim = clinic_run(scenario=scenario, robots=3, hours=1.5, start_hour=8.5)
    stuck = sim.log.of_kind("door_stuck")
    assert [e["stuck"] for e in stuck] == [True, False]
    waited = sum(u["door"] for u in sim.world.time_use.values())
    assert waited > 300.0
    assert compute(sim)["jobs"].get("completed", 0) > 10


def test_robots_following_each_other_through_a_door_never_deadlock() -> None:
    """Robots passing one door in quick succession all get through: no robot
    waits long at a working door."""
    sim = clinic_run(robots=3, hours=3, start_hour=8)
    alerts = [e["message"] for e in sim.log.of_kind("alert")]
    assert not [a for a in alerts if "for door" in a]
    open_jobs = sum(compute(sim)["unserved_at_end"].values())
    assert open_jobs <= 3
