"""Several lift sessions over Open-RMF's messages: every release reaches the car.

The failover test found a robot waiting for ever at a lift lobby: a second robot
calling the same car had replaced the first one's session in the adapter, whose
END_SESSION was then dropped, so the car stayed held for a robot that had left it.
"""

from __future__ import annotations

import asyncio

from fleet.core.ports import LiftStatus
from robot_adapters.lifts import LiftBinding, RosLifts
from tests.robot_adapters.bridge import virtual_bridge, wait_for


def _latest(seen: list[LiftStatus], lift_id: str) -> LiftStatus | None:
    mine = [s for s in seen if s.lift_id == lift_id]
    return mine[-1] if mine else None


def _open_for(seen: list[LiftStatus], session: str, level: str) -> bool:
    status = _latest(seen, "lift_a")
    return (
        status is not None
        and status.session == session
        and status.level == level
        and status.doors_open
        and not status.moving
    )


def test_a_robot_queued_for_a_car_gets_it_once_the_rider_releases() -> None:
    """porter-2 calls the car porter-3 rides; porter-3's release still ends its
    session, and the car comes for porter-2."""
    with virtual_bridge(robots=0) as bridge:

        async def main() -> None:
            seen: list[LiftStatus] = []
            lifts = RosLifts(
                bridge.url, [LiftBinding("lift_a", "lift_a")], republish_s=0.2
            )
            await lifts.connect(seen.append)
            try:
                await wait_for(lambda: _latest(seen, "lift_a"), what="a lift state")
                await lifts.request("lift_a", "L0", "porter-3")
                await wait_for(
                    lambda: _open_for(seen, "porter-3", "L0"),
                    what="the car open at L0 for porter-3",
                )
                await lifts.request("lift_a", "L2", "porter-3")
                await lifts.request("lift_a", "L0", "porter-2")
                await wait_for(
                    lambda: _open_for(seen, "porter-3", "L2"),
                    what="porter-3 carried to L2",
                )
                await lifts.release("lift_a", "porter-3")
                await wait_for(
                    lambda: _open_for(seen, "porter-2", "L0"),
                    what="the car back at L0 for porter-2 after porter-3's release",
                )
            finally:
                await lifts.close()

        asyncio.run(main())


def test_a_session_left_by_a_dead_leader_is_ended_by_the_next_one() -> None:
    """A car held for a robot by a process that died is released by the next."""
    with virtual_bridge(robots=0) as bridge:

        async def main() -> None:
            binding = [LiftBinding("lift_a", "lift_a")]
            seen: list[LiftStatus] = []
            dead = RosLifts(bridge.url, binding, republish_s=0.2)
            await dead.connect(seen.append)
            await wait_for(lambda: _latest(seen, "lift_a"), what="a lift state")
            await dead.request("lift_a", "L0", "porter-1")
            await wait_for(
                lambda: _open_for(seen, "porter-1", "L0"),
                what="the car open at L0 for porter-1",
            )
            await dead.close()  # no END_SESSION: as after kill -9
            seen.clear()
            lifts = RosLifts(bridge.url, binding, republish_s=0.2)
            await lifts.connect(seen.append)
            try:
                await wait_for(
                    lambda: _open_for(seen, "porter-1", "L0"),
                    what="the car held for porter-1 by the dead leader",
                )
                await lifts.release("lift_a", "porter-1")
                await wait_for(
                    lambda: (s := _latest(seen, "lift_a")) and s.session is None,
                    what="the dead leader's session to end",
                )
            finally:
                await lifts.close()

        asyncio.run(main())


def test_the_virtual_lift_acts_once_on_requests_repeated_for_two_robots() -> None:
    """Two robots' requests repeated for one car are each served once, not again
    at every repeat."""
    with virtual_bridge(robots=0) as bridge:
        rmf = bridge.world.lifts
        assert rmf is not None

        async def main() -> None:
            seen: list[LiftStatus] = []
            lifts = RosLifts(
                bridge.url, [LiftBinding("lift_a", "lift_a")], republish_s=0.05
            )
            await lifts.connect(seen.append)
            try:
                await wait_for(lambda: _latest(seen, "lift_a"), what="a lift state")
                await lifts.request("lift_a", "L0", "porter-1")
                await lifts.request("lift_a", "L2", "porter-2")
                await wait_for(
                    lambda: _open_for(seen, "porter-1", "L0"),
                    what="the car open at L0 for porter-1",
                )
                await asyncio.sleep(0.5)  # about ten repeats of each request
            finally:
                await lifts.close()

        asyncio.run(main())
        served = bridge.call(lambda: list(rmf.served))
        assert served == [("lift_a", "porter-1", "L0"), ("lift_a", "porter-2", "L2")]
