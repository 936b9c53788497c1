"""The asyncio virtual lifts behind the lift port: sessions, queue and release."""

from __future__ import annotations

import asyncio

from fleet.core.ports import LiftStatus
from maps.loading import load_sample
from sim.virtual_lifts import VirtualLifts


async def _served_after_release(withdrawn: str) -> list[str | None]:
    lifts = VirtualLifts(load_sample("small_clinic"), speedup=1000.0)
    seen: list[LiftStatus] = []
    await lifts.connect(seen.append)
    await lifts.request("lift_1", "G", "r1")
    await asyncio.sleep(0.05)
    await lifts.request("lift_1", "L1", "r2")
    await lifts.request("lift_1", "L1", "r3")
    await lifts.release("lift_1", withdrawn)
    await lifts.release("lift_1", "r1")
    await asyncio.sleep(0.2)
    await lifts.close()
    return [s.session for s in seen if s.doors_open]


def test_release_withdraws_a_queued_call() -> None:
    """r2 gives up while queued: after r1 the car goes to r3, never to r2."""
    opened = asyncio.run(_served_after_release("r2"))
    assert opened == ["r1", "r3"]


def test_release_of_the_holder_serves_the_queue_in_order() -> None:
    """Without a withdrawal the queued calls are served first come, first served."""
    opened = asyncio.run(_served_after_release("nobody"))
    assert opened[:2] == ["r1", "r2"]


async def _two_on_the_service_lift(share: bool) -> list[LiftStatus]:
    """r1 and r2 call the demo hospital's service lift (a car for two) on L1."""
    lifts = VirtualLifts(load_sample("demo_hospital"), speedup=1000.0,
                         share_cars=share)  # fmt: skip
    seen: list[LiftStatus] = []
    await lifts.connect(seen.append)
    await lifts.request("lift_s", "L1", "r1")
    await lifts.request("lift_s", "L1", "r2")
    await asyncio.sleep(0.1)
    for robot, level in (("r1", "L3"), ("r2", "L2")):
        if any(s.doors_open and s.serves(robot) for s in seen):
            await lifts.request("lift_s", level, robot)
    await asyncio.sleep(0.1)
    await lifts.release("lift_s", "r2")
    await asyncio.sleep(0.1)
    await lifts.close()
    return [s for s in seen if s.lift_id == "lift_s" and s.doors_open]


def test_a_car_for_two_takes_both_robots_and_drops_the_nearer_first() -> None:
    """Both board on L1; the car opens on L2 for r2, then on L3 for r1."""
    opened = asyncio.run(_two_on_the_service_lift(True))
    assert [(s.level, s.sessions) for s in opened] == [
        ("L1", ("r1", "r2")), ("L2", ("r1", "r2")), ("L2", ("r1",)), ("L3", ("r1",))
    ]  # fmt: skip


def test_without_sharing_the_second_robot_waits() -> None:
    """share_cars=False (as behind Open-RMF's messages): one session per car."""
    opened = asyncio.run(_two_on_the_service_lift(False))
    assert all(s.sessions == ("r1",) for s in opened)
