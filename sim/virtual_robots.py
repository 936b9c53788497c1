"""Virtual robots behind the robot port, moving on the asyncio clock.

:class:`VirtualRobot` implements :class:`fleet.core.ports.RobotPort`: it drives its
:class:`~fleet.core.ports.Navigate` paths with :class:`sim.motion.PathMotion` at its
speed times a speed-up, drains and charges its battery, and reports
:class:`~fleet.core.ports.RobotUpdate` values (pose, battery, command status) through
the callback given to :meth:`VirtualRobot.connect`. ``porter serve --demo`` and the
end-to-end tests use it; tests can make a robot drop offline or fail its command.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import Callable

from fleet.core.ports import (
    ChangeLevel,
    CommandStatus,
    Dock,
    Navigate,
    Pose,
    RobotCommand,
    RobotUpdate,
)
from sim.motion import Battery, PathMotion

__all__ = ["VirtualRobot"]

#: Seconds (before speed-up) a robot takes to dock onto its charger.
DOCK_S = 5.0


class VirtualRobot:
    """One robot that moves along the paths it is sent, on the wall clock."""

    def __init__(
        self,
        robot_id: str,
        pose: Pose,
        *,
        speed_mps: float = 1.0,
        speedup: float = 1.0,
        battery_soc: float = 1.0,
        battery: Battery | None = None,
        report_every_s: float = 0.5,
        step_s: float = 0.05,
        clock: Callable[[], float] = time.time,
    ) -> None:
        if speedup <= 0:
            raise ValueError(f"speedup is {speedup}; must be > 0")
        self.robot_id = robot_id
        self.pose = pose
        self.speed_mps = speed_mps
        self.speedup = speedup
        self.battery_soc = battery_soc
        self.battery = battery or Battery()
        self.report_every_s = report_every_s
        self.step_s = step_s
        self.clock = clock
        self.online = True
        self.docked = False
        self.command: RobotCommand | None = None
        self._motion: PathMotion | None = None
        self._travelled = 0.0
        self._finishes_at: float | None = None
        self._on_update: Callable[[RobotUpdate], None] | None = None
        self._task: asyncio.Task[None] | None = None
        self._last_report = 0.0
        self._last_step = 0.0

    # --- the robot port ---------------------------------------------------------

    async def connect(self, on_update: Callable[[RobotUpdate], None]) -> None:
        self._on_update = on_update
        self._last_step = self.clock()
        self._report()
        if self._task is None:
            self._task = asyncio.create_task(self._drive(), name=self.robot_id)

    async def send(self, command: RobotCommand) -> None:
        """Start ``command`` (replacing any running one, as a real robot does)."""
        if not self.online:
            return  # lost on the network: the fleet's offline timeout notices
        now = self.clock()
        self._settle(now)
        self.command, self._motion, self._finishes_at = command, None, None
        self._travelled = 0.0
        if isinstance(command, Navigate):
            self.docked = False
            path = (self.pose, *command.path) if command.path else (self.pose,)
            speed = min(self.speed_mps, command.max_speed_mps or self.speed_mps)
            self._motion = PathMotion(path, speed * self.speedup, now)
        elif isinstance(command, Dock):
            self.pose = command.pose
            self._finishes_at = now + DOCK_S / self.speedup
        elif isinstance(command, ChangeLevel):
            self.pose = command.pose
            self._finishes_at = now
        self._report(command.command_id, CommandStatus.RUNNING)

    async def cancel(self, command_id: str) -> None:
        if self.command is None or self.command.command_id != command_id:
            return
        self._settle(self.clock())
        self._stop()
        self._report(command_id, CommandStatus.CANCELLED)

    async def close(self) -> None:
        task, self._task = self._task, None
        if task is not None:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task

    # --- test and demo controls -------------------------------------------------

    def go_offline(self) -> None:
        """Stop reporting and stand still, like a robot that lost the network."""
        self._settle(self.clock())
        self._stop()
        self.online = False

    def come_online(self) -> None:
        self.online = True
        self._report()

    def fail(self, message: str = "goal aborted: path blocked") -> None:
        """Abort the running command, reporting FAILED with ``message``."""
        if self.command is None:
            return
        command_id = self.command.command_id
        self._settle(self.clock())
        self._stop()
        self._report(command_id, CommandStatus.FAILED, message)

    # --- the driver -------------------------------------------------------------

    async def _drive(self) -> None:
        while True:
            await asyncio.sleep(self.step_s)
            now = self.clock()
            if not self.online:
                self._last_step = now
                continue
            self._settle(now)
            finished = self._finished(now)
            if finished is not None:
                self._stop()
                self._report(finished, CommandStatus.SUCCEEDED)
            elif now - self._last_report >= self.report_every_s:
                self._report_progress()

    def _settle(self, now: float) -> None:
        """Bring pose and battery up to ``now``."""
        elapsed = max(0.0, now - self._last_step) * self.speedup
        self._last_step = now
        if self._motion is not None:
            travelled = self._motion.travelled_m(now)
            self.battery_soc = self.battery.after_driving(
                self.battery_soc, travelled - self._travelled
            )
            self._travelled = travelled
            self.pose = self._motion.pose_at(now)
        elif self.docked:
            self.battery_soc = self.battery.after_charging(self.battery_soc, elapsed)

    def _finished(self, now: float) -> str | None:
        if self.command is None:
            return None
        if self._motion is not None and self._motion.arrived(now):
            return self.command.command_id
        if self._finishes_at is not None and now >= self._finishes_at:
            if isinstance(self.command, Dock):
                self.docked = True
            return self.command.command_id
        return None

    def _stop(self) -> None:
        self.command, self._motion, self._finishes_at = None, None, None
        self._travelled = 0.0

    def _report_progress(self) -> None:
        if self.command is None:
            self._report()
        else:
            self._report(self.command.command_id, CommandStatus.RUNNING)

    def _report(
        self,
        command_id: str | None = None,
        status: CommandStatus | None = None,
        message: str = "",
    ) -> None:
        if self._on_update is None or not self.online:
            return
        now = self.clock()
        self._last_report = now
        self._on_update(
            RobotUpdate(
                robot_id=self.robot_id,
                at=now,
                pose=self.pose,
                battery_soc=round(self.battery_soc, 4),
                command_id=command_id,
                command_status=status,
                message=message,
            )
        )
