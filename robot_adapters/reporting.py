"""What a robot last said, and how it is reported to the fleet.

:class:`Reports` keeps the robot's last pose (building frame), battery, link state
and clock offset, and turns them into :class:`RobotUpdate` values: at once for
command outcomes and link changes, throttled for progress, and as a heartbeat
while connected, because AMCL says nothing while a robot stands still and the
core would otherwise take a robot waiting at its charger for an offline one.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable

from fleet.core.ports import CommandStatus, Pose, RobotUpdate

__all__ = ["Reports"]

#: Shortest gap between two progress reports (feedback arrives at ~10-20 Hz).
PROGRESS_GAP_S = 0.25


class Reports:
    """One robot's last known state and its reports."""

    def __init__(
        self,
        robot_id: str,
        clock: Callable[[], float],
        *,
        every_s: float = 1.0,
        pose: Pose | None = None,
    ) -> None:
        self.robot_id, self.clock, self.every_s = robot_id, clock, every_s
        self.pose, self.online = pose, False
        self.on_update: Callable[[RobotUpdate], None] | None = None
        self._battery: float | None = None
        self._last = 0.0
        self._robot_time: tuple[float, float] | None = None  # (robot stamp, ours)

    @property
    def battery_soc(self) -> float | None:
        return self._battery

    @battery_soc.setter
    def battery_soc(self, soc: float) -> None:
        self._battery = soc

    def heard(self, robot_stamp: float | None) -> None:
        """A message stamped ``robot_stamp`` (robot clock) arrived now."""
        if robot_stamp:
            self._robot_time = (robot_stamp, self.clock())

    def robot_clock(self) -> float:
        """Now on the robot's clock, as far as its stamps tell (else ours)."""
        if self._robot_time is None:
            return self.clock()
        robot_stamp, ours = self._robot_time
        return robot_stamp + (self.clock() - ours)

    def emit(
        self,
        command_id: str | None = None,
        status: CommandStatus | None = None,
        message: str = "",
    ) -> None:
        if self.on_update is None:
            return
        now = self._last = self.clock()
        if not self.online:
            self.on_update(RobotUpdate(self.robot_id, at=now, online=False))
            return
        self.on_update(
            RobotUpdate(
                robot_id=self.robot_id,
                at=now,
                pose=self.pose,
                battery_soc=self._battery,
                command_id=command_id,
                command_status=status,
                message=message,
            )
        )

    def progress(self, command_id: str | None, *, throttled: bool = True) -> None:
        """Where the robot is (RUNNING if it has a command), at most every 0.25 s."""
        if throttled and self.clock() - self._last < min(PROGRESS_GAP_S, self.every_s):
            return
        if command_id is None:
            self.emit()
        else:
            self.emit(command_id, CommandStatus.RUNNING)

    async def heartbeat(self, command: Callable[[], str | None]) -> None:
        """Report every ``every_s`` while connected (cancel the task to stop)."""
        while True:
            await asyncio.sleep(self.every_s)
            if self.online and self.clock() - self._last >= self.every_s:
                self.progress(command(), throttled=False)
