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
