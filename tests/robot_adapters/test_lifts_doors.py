"""Lifts and doors through rosbridge with Open-RMF's messages, over real WebSockets."""

from __future__ import annotations

import asyncio

from fleet.core.ports import DoorStatus, LiftMode, LiftStatus
from robot_adapters.doors import DoorBinding, RosDoors
from robot_adapters.lifts import LiftBinding, RosLifts
from tests.robot_adapters.bridge import virtual_bridge, wait_for


def test_lift_session_round_trip_and_fire_mode() -> None:
    """A request brings the car with doors open for the session; FIRE mode shows."""
    with virtual_bridge(robots=0) as bridge:
        rmf = bridge.world.lifts
        assert rmf is not None

        async def main() -> None:
            seen: list[LiftStatus] = []
            lifts = RosLifts(
                bridge.url, [LiftBinding("lift_a", "lift_a")], republish_s=0.2
            )
            await lifts.connect(seen.append)
            try:

                def latest() -> LiftStatus | None:
                    mine = [s for s in seen if s.lift_id == "lift_a"]
                    return mine[-1] if mine else None

                await wait_for(latest, what="a lift state")
                await lifts.request("lift_a", "L2", "porter-1")
                await wait_for(
                    lambda: (s := latest()) and s.level == "L2" and s.doors_open
                    and s.session == "porter-1" and s.mode == LiftMode.AGV,
                    what="the car at L2 with doors open for porter-1",
                )  # fmt: skip
                await lifts.release("lift_a", "porter-1")
                await wait_for(
                    lambda: (s := latest()) and s.session is None and not s.doors_open,
                    what="the session to end",
                )
                bridge.call(lambda: rmf.force_mode("lift_a", LiftMode.FIRE))
                await wait_for(
                    lambda: (s := latest()) and s.mode == LiftMode.FIRE,
                    what="fire mode",
                )
                await lifts.request("lift_a", "L0", "porter-1")
                await asyncio.sleep(0.5)
                assert latest().mode == LiftMode.FIRE
                assert latest().level == "L2", "a lift in fire mode took a robot call"
            finally:
                await lifts.close()

        asyncio.run(main())


def test_lift_floor_names_map_to_levels() -> None:
    """Porter levels go out as the lift's own floor names and come back as levels."""
    binding = LiftBinding("lift_a", "LIFT-A", {"L0": "G", "L1": "1"})
    assert binding.floor("L0") == "G"
    assert binding.level("1") == "L1"
    assert binding.level("") is None


def test_door_request_and_state() -> None:
    """A door opens on request, closes on request, and offline means unavailable."""
    with virtual_bridge(robots=0) as bridge:
        rmf = bridge.world.doors
        assert rmf is not None

        async def main() -> None:
            seen: list[DoorStatus] = []
            doors = RosDoors(
                bridge.url, [DoorBinding("pharmacy_door", "pharmacy_door")]
            )
            await doors.connect(seen.append)
            try:
                await wait_for(lambda: seen, what="a door state")
                await doors.request("pharmacy_door", True, "porter-1")
                await wait_for(lambda: seen[-1].open, what="the door open")
                await doors.request("pharmacy_door", False, "porter-1")
                await wait_for(lambda: not seen[-1].open, what="the door closed")
                bridge.call(lambda: rmf.set_offline("pharmacy_door"))
                await wait_for(lambda: not seen[-1].available, what="offline")
            finally:
                await doors.close()

        asyncio.run(main())


def test_lost_link_reports_lifts_offline() -> None:
    """When the bridge dies every lift is reported OFFLINE (the core keeps out)."""
    with virtual_bridge(robots=0) as bridge:

        async def main() -> None:
            seen: list[LiftStatus] = []
            lifts = RosLifts(bridge.url, [LiftBinding("lift_b", "lift_b")])
            await lifts.connect(seen.append)
            try:
                await wait_for(lambda: seen, what="a lift state")
                bridge.kill()
                await wait_for(
                    lambda: seen[-1].mode == LiftMode.OFFLINE, what="offline lifts"
                )
                bridge.revive()
                await wait_for(
                    lambda: seen[-1].mode == LiftMode.HUMAN,
                    what="lift states again",
                    timeout_s=20,
                )
            finally:
                await lifts.close()

        asyncio.run(main())
