"""Doors through the ROS bridge, speaking Open-RMF's rmf_door_msgs.

:class:`RosDoors` implements the door port for every door behind one bridge:
``DoorRequest`` (requested mode OPEN or CLOSED, the robot as requester) out,
``DoorState`` back as a :class:`DoorStatus`. A door in OFFLINE or UNKNOWN mode,
or behind a lost link, is reported unavailable.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from fleet.core.ports import DoorStatus
from robot_adapters.messages import stamp
from robot_adapters.rmf import RmfChannel

__all__ = ["DoorBinding", "RosDoors"]

# rmf_door_msgs/DoorMode values
CLOSED, MOVING, OPEN, OFFLINE, UNKNOWN = 0, 1, 2, 3, 4
REQUEST_TYPE = "rmf_door_msgs/msg/DoorRequest"
STATE_TYPE = "rmf_door_msgs/msg/DoorState"


@dataclass(frozen=True, slots=True)
class DoorBinding:
    """A Porter door and its Open-RMF name."""

    door_id: str
    door_name: str


class RosDoors:
    """Every door behind one rosbridge, as one door port."""

    def __init__(
        self,
        url: str,
        doors: Sequence[DoorBinding],
        *,
        requests_topic: str = "/door_requests",
        states_topic: str = "/door_states",
        clock: Callable[[], float] = time.time,
    ) -> None:
        self._by_id = {door.door_id: door for door in doors}
        self._by_name = {door.door_name: door for door in doors}
        self._channel = RmfChannel(
            url, (requests_topic, REQUEST_TYPE), (states_topic, STATE_TYPE)
        )
        self.clock = clock
        self._open: dict[str, bool] = {}
        self._on_status: Callable[[DoorStatus], None] | None = None

    async def connect(self, on_status: Callable[[DoorStatus], None]) -> None:
        self._on_status = on_status
        self._channel.open(self._on_state, lambda: None, self._all_unavailable)

    async def request(self, door_id: str, open_: bool, session: str) -> None:
        door = self._by_id.get(door_id)
        if door is None:
            return
        self._channel.publish(
            {
                "request_time": stamp(self.clock(), ros1=False),
                "requester_id": session,
                "door_name": door.door_name,
                "requested_mode": {"value": OPEN if open_ else CLOSED},
            }
        )

    async def close(self) -> None:
        self._channel.close()

    def _on_state(self, msg: dict[str, Any]) -> None:
        door = self._by_name.get(str(msg.get("door_name", "")))
        if door is None:
            return
        mode = int((msg.get("current_mode") or {}).get("value", UNKNOWN))
        self._open[door.door_id] = mode == OPEN
        self._report(door.door_id, mode == OPEN, mode not in (OFFLINE, UNKNOWN))

    def _all_unavailable(self) -> None:
        for door_id in self._by_id:
            self._report(door_id, self._open.get(door_id, False), False)

    def _report(self, door_id: str, is_open: bool, available: bool) -> None:
        if self._on_status is not None:
            self._on_status(
                DoorStatus(
                    door_id=door_id, at=self.clock(), open=is_open, available=available
                )
            )
