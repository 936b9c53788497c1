"""Lifts through the ROS bridge, speaking Open-RMF's rmf_lift_msgs.

:class:`RosLifts` implements the lift port for every lift behind one bridge.
A request opens an AGV-mode session (the robot's id is the session id) and is
published again every ``republish_s`` until released, as Open-RMF's fleet
adapters do, so a lift adapter that restarts, or a bridge that reconnects,
picks the session up again. Sessions are kept per robot: several robots may call
one car (one rides while the others queue), and each one's release must reach
the lift. A release is sent even for a session this process did not open (one
left by a leader that died): the session is a robot's id, so it is ours to end.
``LiftState`` comes back as a :class:`LiftStatus`; FIRE and EMERGENCY modes pass
through (the core then keeps robots out), and a lost link reports every lift
OFFLINE.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from fleet.core.ports import LiftMode, LiftStatus
from robot_adapters.messages import stamp
from robot_adapters.rmf import RmfChannel

__all__ = ["LiftBinding", "RosLifts"]

# rmf_lift_msgs constants
END_SESSION, AGV_MODE = 0, 1
DOOR_CLOSED, DOOR_OPEN = 0, 2
MOTION_STOPPED = 0
MODES = {
    1: LiftMode.HUMAN,
    2: LiftMode.AGV,
    3: LiftMode.FIRE,
    4: LiftMode.OFFLINE,
    5: LiftMode.EMERGENCY,
}
REQUEST_TYPE = "rmf_lift_msgs/msg/LiftRequest"
STATE_TYPE = "rmf_lift_msgs/msg/LiftState"


@dataclass(frozen=True, slots=True)
class LiftBinding:
    """A Porter lift and its Open-RMF name; Porter levels -> RMF floor names."""

    lift_id: str
    lift_name: str
    floors: Mapping[str, str] = field(default_factory=dict)

    def floor(self, level: str) -> str:
        return self.floors.get(level, level)

    def level(self, floor: str) -> str | None:
        if not floor:
            return None
        for level, name in self.floors.items():
            if name == floor:
                return level
        return floor


class RosLifts:
    """Every lift behind one rosbridge, as one lift port."""

    def __init__(
        self,
        url: str,
        lifts: Sequence[LiftBinding],
        *,
        requests_topic: str = "/lift_requests",
        states_topic: str = "/lift_states",
        republish_s: float = 1.0,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self._by_id = {lift.lift_id: lift for lift in lifts}
        self._by_name = {lift.lift_name: lift for lift in lifts}
        self._channel = RmfChannel(
            url, (requests_topic, REQUEST_TYPE), (states_topic, STATE_TYPE)
        )
        self.republish_s, self.clock = republish_s, clock
        #: lift id -> {session: level}: every robot calling or riding each car.
        self._sessions: dict[str, dict[str, str]] = {}
        self._last: dict[str, LiftStatus] = {}
        self._on_status: Callable[[LiftStatus], None] | None = None
        self._task: asyncio.Task[None] | None = None

    async def connect(self, on_status: Callable[[LiftStatus], None]) -> None:
        self._on_status = on_status
        self._channel.open(self._on_state, self._republish, self._all_offline)
        self._task = asyncio.create_task(self._keep_requesting(), name="ros-lifts")

    async def request(self, lift_id: str, level: str, session: str) -> None:
        if lift_id in self._by_id:
            self._sessions.setdefault(lift_id, {})[session] = level
            self._publish(lift_id, session, AGV_MODE, level, DOOR_OPEN)

    async def release(self, lift_id: str, session: str) -> None:
        """End ``session`` on the car, whoever opened it.

        Another robot calling the same car must not swallow this END_SESSION (the
        car would stay held for a robot that left it, and the caller would wait
        forever), nor may a session opened by a process that died outlive it.
        """
        if lift_id not in self._by_id:
            return
        held = self._sessions.get(lift_id, {}).pop(session, None)
        last = self._last.get(lift_id)
        level = (last.level if last else None) or held or ""
        self._publish(lift_id, session, END_SESSION, level, DOOR_CLOSED)

    async def close(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
        self._channel.close()

    def _publish(
        self, lift_id: str, session: str, kind: int, level: str, door: int
    ) -> None:
        lift = self._by_id[lift_id]
        self._channel.publish(
            {
                "lift_name": lift.lift_name,
                "request_time": stamp(self.clock(), ros1=False),
                "session_id": session,
                "request_type": kind,
                "destination_floor": lift.floor(level),
                "door_state": door,
            }
        )

    def _republish(self) -> None:
        for lift_id, sessions in self._sessions.items():
            for session, level in sessions.items():
                self._publish(lift_id, session, AGV_MODE, level, DOOR_OPEN)

    async def _keep_requesting(self) -> None:
        while True:
            await asyncio.sleep(self.republish_s)
            self._republish()

    def _on_state(self, msg: dict[str, Any]) -> None:
        lift = self._by_name.get(str(msg.get("lift_name", "")))
        if lift is None:
            return
        self._report(
            LiftStatus(
                lift_id=lift.lift_id,
                at=self.clock(),
                level=lift.level(str(msg.get("current_floor", ""))),
                doors_open=msg.get("door_state") == DOOR_OPEN,
                mode=MODES.get(int(msg.get("current_mode", 4)), LiftMode.OFFLINE),
                session=str(msg.get("session_id") or "") or None,
                moving=msg.get("motion_state", MOTION_STOPPED) != MOTION_STOPPED,
            )
        )

    def _all_offline(self) -> None:
        for lift_id in self._by_id:
            last = self._last.get(lift_id)
            self._report(
                LiftStatus(
                    lift_id=lift_id,
                    at=self.clock(),
                    level=last.level if last else None,
                    doors_open=False,
                    mode=LiftMode.OFFLINE,
                )
            )

    def _report(self, status: LiftStatus) -> None:
        self._last[status.lift_id] = status
        if self._on_status is not None:
            self._on_status(status)
