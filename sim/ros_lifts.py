"""Open-RMF lift and door adapters, virtual: rmf_lift_msgs / rmf_door_msgs on a graph.

They stand where a site's Open-RMF lift and door adapters stand: they take
``/lift_requests`` and ``/door_requests`` and publish ``/lift_states`` and
``/door_states``, driving the same virtual lifts and doors as the demo
(:class:`sim.virtual_lifts.VirtualLifts`, :class:`~sim.virtual_lifts.VirtualDoors`).
A lift can be put in FIRE, EMERGENCY or OFFLINE mode (it then ignores requests),
and a door taken offline, to test what the fleet does about it.

One session per car, as the real interface has it: a ``LiftRequest`` carries one
``session_id`` and ``LiftState.session_id`` names the one session granted the
car until it sends ``REQUEST_END_SESSION``; the request names only the floor the
car should go to now, not where the robot will ride next. So a car for several
robots cannot be shared through Open-RMF's lift messages session by session
(Porter's own lift port can: ``LiftStatus.sessions``, as the simulator's cars
do); sharing one would take a single fleet-level session for the robots riding
together, which Porter does not do.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import Callable, Coroutine
from typing import Any

from fleet.core.ports import DoorStatus, LiftMode, LiftStatus
from maps.model import Building
from sim.ros_graph import Msg, RosGraph
from sim.ros_messages import ros_stamp
from sim.virtual_lifts import VirtualDoors, VirtualLifts

__all__ = ["RmfDoors", "RmfLifts"]

MODE_VALUE = {
    LiftMode.HUMAN: 1,
    LiftMode.AGV: 2,
    LiftMode.FIRE: 3,
    LiftMode.OFFLINE: 4,
    LiftMode.EMERGENCY: 5,
}
END_SESSION = 0


def _spawn(tasks: set[asyncio.Task[None]], work: Coroutine[Any, Any, None]) -> None:
    """Run ``work`` on the loop, keeping a reference until it is done."""
    task = asyncio.ensure_future(work)
    tasks.add(task)
    task.add_done_callback(tasks.discard)


class RmfLifts:
    """Every lift of a building behind ``/lift_requests`` and ``/lift_states``."""

    def __init__(
        self,
        graph: RosGraph,
        building: Building,
        *,
        speedup: float = 1.0,
        state_every_s: float = 0.5,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.graph, self.clock, self.state_every_s = graph, clock, state_every_s
        # One session per car: LiftState has room for one session_id only.
        self.lifts = VirtualLifts(
            building, speedup=speedup, clock=clock, share_cars=False
        )
        self._floors = {lift.id: sorted(lift.stops) for lift in building.lifts}
        self._forced: dict[str, LiftMode] = {}
        #: (lift, session) -> the floor last asked for: the fleet repeats each
        #: robot's request while its session lasts, and several robots may call
        #: one car (the others queue).
        self._asked: dict[tuple[str, str], str] = {}
        #: Sessions served, in order: (lift id, session, floor); for tests and logs.
        self.served: list[tuple[str, str, str]] = []
        self._last: dict[str, LiftStatus] = {}
        self._tasks: set[asyncio.Task[None]] = set()
        self._beat: asyncio.Task[None] | None = None
        graph.nodes.add("/porter_lift_adapter")
        graph.listen(
            "/lift_requests", "rmf_lift_msgs/msg/LiftRequest", self._on_request
        )
        graph.advertise("/lift_states", "rmf_lift_msgs/msg/LiftState")

    async def start(self) -> None:
        await self.lifts.connect(self._on_status)
        self._beat = asyncio.create_task(self._publish_all(), name="rmf-lifts")

    async def stop(self) -> None:
        if self._beat is not None:
            self._beat.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._beat
        await self.lifts.close()

    def force_mode(self, lift_id: str, mode: LiftMode | None) -> None:
        """Put a lift in FIRE/EMERGENCY/OFFLINE mode, or back (``None``)."""
        if mode is None:
            self._forced.pop(lift_id, None)
        else:
            self._forced[lift_id] = mode
        if lift_id in self._last:
            self._publish(self._last[lift_id])

    def _on_request(self, msg: Msg) -> None:
        lift_id = str(msg["lift_name"])
        if lift_id not in self._floors or lift_id in self._forced:
            return
        session, floor = str(msg["session_id"]), str(msg["destination_floor"])
        if int(msg["request_type"]) == END_SESSION:
            self._asked.pop((lift_id, session), None)
            _spawn(self._tasks, self.lifts.release(lift_id, session))
        elif self._asked.get((lift_id, session)) != floor:
            # Requests are repeated while a session lasts: act on changes only.
            self._asked[lift_id, session] = floor
            self.served.append((lift_id, session, floor))
            _spawn(self._tasks, self.lifts.request(lift_id, floor, session))

    def _on_status(self, status: LiftStatus) -> None:
        self._last[status.lift_id] = status
        self._publish(status)

    async def _publish_all(self) -> None:
        while True:
            await asyncio.sleep(self.state_every_s)
            for status in list(self._last.values()):
                self._publish(status)

    def _publish(self, status: LiftStatus) -> None:
        mode = self._forced.get(status.lift_id, status.mode)
        asked = self._asked.get((status.lift_id, status.session or ""))
        self.graph.publish(
            "/lift_states",
            {
                "lift_time": ros_stamp(self.clock(), ros1=False),
                "lift_name": status.lift_id,
                "available_floors": self._floors[status.lift_id],
                "current_floor": status.level or "",
                "destination_floor": asked or status.level or "",
                "door_state": 2 if status.doors_open else 0,
                "motion_state": 1 if status.moving else 0,
                "available_modes": [1, 2],
                "current_mode": MODE_VALUE[mode],
                "session_id": (status.session or "") if mode == LiftMode.AGV else "",
            },
        )


class RmfDoors:
    """Every door of a building behind ``/door_requests`` and ``/door_states``."""

    def __init__(
        self,
        graph: RosGraph,
        building: Building,
        *,
        speedup: float = 1.0,
        state_every_s: float = 0.5,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.graph, self.clock, self.state_every_s = graph, clock, state_every_s
        self.doors = VirtualDoors(building, speedup=speedup, clock=clock)
        self._offline: set[str] = set()
        self._tasks: set[asyncio.Task[None]] = set()
        self._last: dict[str, DoorStatus] = {}
        self._beat: asyncio.Task[None] | None = None
        graph.nodes.add("/porter_door_adapter")
        graph.listen(
            "/door_requests", "rmf_door_msgs/msg/DoorRequest", self._on_request
        )
        graph.advertise("/door_states", "rmf_door_msgs/msg/DoorState")

    async def start(self) -> None:
        await self.doors.connect(self._on_status)
        self._beat = asyncio.create_task(self._publish_all(), name="rmf-doors")

    async def stop(self) -> None:
        if self._beat is not None:
            self._beat.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._beat
        await self.doors.close()

    def set_offline(self, door_id: str, offline: bool = True) -> None:
        (self._offline.add if offline else self._offline.discard)(door_id)
        if door_id in self._last:
            self._publish(self._last[door_id])

    def _on_request(self, msg: Msg) -> None:
        door_id = str(msg["door_name"])
        if door_id in self._offline:
            return
        wanted = int(msg["requested_mode"]["value"]) == 2
        requester = str(msg.get("requester_id", ""))
        _spawn(self._tasks, self.doors.request(door_id, wanted, requester))

    def _on_status(self, status: DoorStatus) -> None:
        self._last[status.door_id] = status
        self._publish(status)

    async def _publish_all(self) -> None:
        while True:
            await asyncio.sleep(self.state_every_s)
            for status in list(self._last.values()):
                self._publish(status)

    def _publish(self, status: DoorStatus) -> None:
        value = 3 if status.door_id in self._offline else (2 if status.open else 0)
        self.graph.publish(
            "/door_states",
            {
                "door_time": ros_stamp(self.clock(), ros1=False),
                "door_name": status.door_id,
                "current_mode": {"value": value},
            },
        )
