"""The outbox: robot commands, lift and door requests, sent in decision order.

The service persists a decision first and only then hands its effects to the
outbox, so nothing reaches a robot that the database does not know. One worker
task sends them in order; a port that raises is logged and skipped, because the
core learns of a robot it cannot reach from the robot's silence (offline timeout),
not from the send.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Mapping
from operator import methodcaller
from typing import TYPE_CHECKING

from fleet.core.ports import DoorPort, LiftPort, RobotCommand, RobotPort

if TYPE_CHECKING:
    from fleet.core.decision import Decision, DoorRequest, LiftRequest

__all__ = ["Outbox"]

log = logging.getLogger(__name__)

Send = Callable[[], Awaitable[None]]


class Outbox:
    """Sends effects through the ports, one at a time, in the order queued."""

    def __init__(
        self,
        robots: Mapping[str, RobotPort],
        lifts: LiftPort | None = None,
        doors: DoorPort | None = None,
    ) -> None:
        self.robots = robots
        self.lifts = lifts
        self.doors = doors
        self._queue: asyncio.Queue[tuple[str, Send]] = asyncio.Queue()
        self._idle = asyncio.Event()
        self._idle.set()

    def queue_decision(self, decision: Decision) -> None:
        """Queue the cancels, commands, lift and door requests of ``decision``."""
        for robot_id, command_id in decision.cancels:
            self._robot(robot_id, "cancel", methodcaller("cancel", command_id))
        for robot_id, command in decision.commands:
            self._robot(robot_id, "send", methodcaller("send", command))
        for lift in decision.lift_requests:
            self._lift(lift)
        for door in decision.door_requests:
            self._door(door)

    def queue_command(self, robot_id: str, command: RobotCommand) -> None:
        self._robot(robot_id, "send", methodcaller("send", command))

    async def run(self) -> None:
        """The worker: send until cancelled."""
        while True:
            what, send = await self._queue.get()
            try:
                await send()
            except Exception:
                log.exception("outbox: %s failed", what)
            finally:
                if self._queue.empty():
                    self._idle.set()

    def clear(self) -> int:
        """Drop everything not yet sent (a leader that lost its lock); how many."""
        dropped = 0
        while not self._queue.empty():
            self._queue.get_nowait()
            dropped += 1
        self._idle.set()
        return dropped

    async def drained(self) -> None:
        """Wait until everything queued so far has been sent."""
        await self._idle.wait()

    def _put(self, what: str, send: Send) -> None:
        self._idle.clear()
        self._queue.put_nowait((what, send))

    def _robot(
        self, robot_id: str, verb: str, call: Callable[[RobotPort], Awaitable[None]]
    ) -> None:
        port = self.robots.get(robot_id)
        if port is None:
            log.warning("outbox: no port for robot %s; %s dropped", robot_id, verb)
            return
        self._put(f"{verb} to {robot_id}", lambda: call(port))

    def _lift(self, request: LiftRequest) -> None:
        lifts = self.lifts
        if lifts is None:
            return
        if request.release:
            self._put(
                f"release lift {request.lift_id}",
                lambda: lifts.release(request.lift_id, request.session),
            )
        else:
            self._put(
                f"call lift {request.lift_id}",
                lambda: lifts.request(
                    request.lift_id, request.level or "", request.session
                ),
            )

    def _door(self, request: DoorRequest) -> None:
        doors = self.doors
        if doors is None:
            return
        self._put(
            f"door {request.door_id}",
            lambda: doors.request(request.door_id, request.open, request.session),
        )
