"""A robot behind rosbridge: the robot port over roslibpy (Nav2 or move_base).

:class:`RosRobot` turns Porter's commands into navigation goals in the robot's
own map frame and the robot's topics back into :class:`RobotUpdate` values in
the building frame; nothing ROS-shaped crosses the port.

- ``Navigate``: one goal per pose of the path, in order, so the robot keeps to
  Porter's lanes (one-way corridors, doors) as Open-RMF's adapters do. A speed
  cap goes to Nav2's speed-limit topic.
- ``Dock``: a goal to the charger's pose (the robot's own docking takes over).
- ``ChangeLevel``: the level's map through the map server's load-map service
  (when the fleet file names one), then the new initial pose.
- The link going down reports the robot offline (the core re-plans after its
  timeout); when it comes back the running goal is sent again, so the mission
  resumes. A cancel is honoured at any moment; late answers for a goal the
  adapter has left behind are dropped.

roslibpy calls back on its own thread; every callback is posted to the event
loop the adapter was connected on, and all state lives on that loop.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import roslibpy

from fleet.core.ports import (
    ChangeLevel,
    CommandStatus,
    Dock,
    Navigate,
    Pose,
    RobotCommand,
    RobotUpdate,
)
from robot_adapters import connections
from robot_adapters.actionlib import MoveBaseGoals
from robot_adapters.frames import MapPose, RobotFrames
from robot_adapters.levels import LevelChange
from robot_adapters.messages import battery_from, pose_from, stamp_seconds
from robot_adapters.navigation import Goals, Nav2Goals
from robot_adapters.profiles import Profile, RosNames
from robot_adapters.reporting import Reports

__all__ = ["RosRobot"]

#: Fastest pose rate asked of rosbridge (ms between messages).
POSE_EVERY_MS = 200


@dataclass(eq=False)
class _Run:
    """The command the robot is carrying out, and which goal of it is out."""

    command: RobotCommand
    targets: tuple[MapPose, ...]
    leg: int = 0
    attempt: int = 0
    goal_id: str | None = None
    #: A Dock through the docking server: the dock's id there, if known.
    docking: bool = False
    dock_id: str | None = None


class RosRobot:
    """One robot reached through a rosbridge URL."""

    def __init__(
        self,
        robot_id: str,
        url: str,
        names: RosNames,
        *,
        level: str,
        pose: Pose | None = None,
        frames: RobotFrames | None = None,
        maps: Mapping[str, str] | None = None,
        docks: Mapping[str, str] | None = None,
        report_every_s: float = 1.0,
        resume_after_s: float = 1.5,
        goal_ack_timeout_s: float = 3.0,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.robot_id, self.url, self.names = robot_id, url, names
        self.frames = frames or RobotFrames()
        self.maps = dict(maps or {})
        #: Charger waypoint -> the dock's id on the robot's docking server.
        self.docks = dict(docks or {})
        self.level = level
        self.resume_after_s = resume_after_s
        self.goal_ack_timeout_s = goal_ack_timeout_s
        self.clock = clock
        self.reports = Reports(robot_id, clock, every_s=report_every_s, pose=pose)
        self._run: _Run | None = None
        self._orphans: list[str] = []  # goals to cancel once the link is back
        self._loop: asyncio.AbstractEventLoop | None = None
        self._link: connections.BridgeLink | None = None
        self._listener: Any = None
        self._topics: list[roslibpy.Topic] = []
        self._goals: Goals | None = None
        self._levels: LevelChange | None = None
        self._speed_capped = False
        self._beat: asyncio.Task[None] | None = None

    @property
    def online(self) -> bool:
        return self.reports.online

    # --- the robot port ---------------------------------------------------------

    async def connect(self, on_update: Callable[[RobotUpdate], None]) -> None:
        self._loop, self.reports.on_update = asyncio.get_running_loop(), on_update
        link = self._link = connections.acquire(self.url)
        ros, names = link.ros, self.names
        # rosbridge drops what is faster than this (throttle_rate, ms): poses come
        # at up to 50 Hz from odometry, and battery states need no hurry.
        pose = roslibpy.Topic(
            ros, names.pose_topic, names.pose_type, throttle_rate=POSE_EVERY_MS
        )
        battery = roslibpy.Topic(
            ros, names.battery_topic, names.battery_type, throttle_rate=1000
        )
        pose.subscribe(lambda msg: self._post(self._on_pose, msg))
        battery.subscribe(lambda msg: self._post(self._on_battery, msg))
        self._topics = [pose, battery]
        self._goals = self._make_goals(ros)
        self._levels = LevelChange(ros, names, self._post, self.reports.robot_clock)
        self._listener = link.listen(
            lambda: self._post(self._link_up), lambda: self._post(self._link_down)
        )
        self._beat = asyncio.create_task(
            self.reports.heartbeat(self._command_id), name=f"{self.robot_id}-beat"
        )

    async def send(self, command: RobotCommand) -> None:
        """Start ``command``, replacing the one running (its goal is cancelled)."""
        self._abandon()
        if isinstance(command, Navigate):
            self.level = command.level
            targets = tuple(self.frames.to_robot(p) for p in command.path)
            self._cap_speed(command.max_speed_mps)
        elif isinstance(command, Dock):
            self.level = command.pose.level
            targets = (self.frames.to_robot(command.pose),)
        else:
            targets = ()
        run = self._run = _Run(command, targets)
        if isinstance(command, Dock) and self.names.dock_action:
            run.docking, run.dock_id = True, self.docks.get(command.waypoint)
        self.reports.emit(command.command_id, CommandStatus.RUNNING)
        if self.online:
            self._go(run)

    async def cancel(self, command_id: str) -> None:
        run = self._run
        if run is None or run.command.command_id != command_id:
            return
        self._abandon()
        self.reports.emit(command_id, CommandStatus.CANCELLED, "cancelled by the fleet")

    async def close(self) -> None:
        if self._beat is not None:
            self._beat.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._beat
        self._abandon()
        link, self._link = self._link, None
        if link is None:
            return
        link.unlisten(self._listener)
        for topic in self._topics:
            topic.unsubscribe()
        if self._goals is not None:
            self._goals.close()
        if self._levels is not None:
            self._levels.close()
        connections.release(link)

    # --- driving ----------------------------------------------------------------

    def _make_goals(self, ros: roslibpy.Ros) -> Goals:
        if self.names.profile == Profile.NAV2:
            return Nav2Goals(ros, self.names, self._post, self.reports.robot_clock)
        loop = self._loop
        assert loop is not None
        return MoveBaseGoals(
            ros,
            self.names,
            self._post,
            self.reports.robot_clock,
            goal_prefix=f"porter-{self.robot_id}",
            later=loop.call_later,
            ack_timeout_s=self.goal_ack_timeout_s,
        )

    def _go(self, run: _Run) -> None:
        """Send the run's current goal (again, after a reconnect)."""
        run.attempt += 1
        attempt = run.attempt
        if isinstance(run.command, ChangeLevel):
            assert self._levels is not None
            change = run.command
            self.level = change.level
            self._levels.change(
                self.maps.get(change.level),
                self.frames.to_robot(change.pose),
                lambda status, words: self._done(run, attempt, status, words),
            )
            return
        if run.leg >= len(run.targets):
            self._finish(run, CommandStatus.SUCCEEDED)
            return
        assert self._goals is not None
        if run.docking:
            run.goal_id = self._goals.dock(
                run.targets[0],
                run.dock_id,
                lambda status, words: self._done(run, attempt, status, words),
            )
            if run.goal_id is not None:
                return
        run.goal_id = self._goals.send(
            run.targets[run.leg],
            lambda pose: self._feedback(run, pose),
            lambda status, words: self._done(run, attempt, status, words),
        )

    def _done(self, run: _Run, attempt: int, status: CommandStatus, words: str) -> None:
        if run is not self._run or attempt != run.attempt:
            return  # an answer for a goal left behind
        run.goal_id = None
        if status == CommandStatus.SUCCEEDED and not (
            isinstance(run.command, ChangeLevel) or run.docking
        ):
            run.leg += 1
            self._go(run)
        else:
            self._finish(run, status, words)

    def _finish(self, run: _Run, status: CommandStatus, words: str = "") -> None:
        self._run = None
        if isinstance(run.command, ChangeLevel) and status == CommandStatus.SUCCEEDED:
            self.reports.pose = run.command.pose
        self._cap_speed(None)
        self.reports.emit(run.command.command_id, status, words)

    def _abandon(self) -> None:
        """Forget the running command; cancel its goal on the robot."""
        run, self._run = self._run, None
        if run is None or run.goal_id is None or self._goals is None:
            return
        if self.online:
            self._goals.cancel(run.goal_id)
        else:
            self._orphans.append(run.goal_id)

    def _cap_speed(self, mps: float | None) -> None:
        if self._levels is None or not self.names.speed_limit_topic:
            return
        if mps is not None or self._speed_capped:
            self._levels.speed_limit(mps or 0.0)
            self._speed_capped = mps is not None

    # --- what the robot says (on the loop) ---------------------------------------

    def _feedback(self, run: _Run, pose: MapPose) -> None:
        if run is self._run:
            self.reports.pose = self.frames.to_building(self.level, pose)
            self.reports.progress(self._command_id())

    def _on_pose(self, msg: dict[str, Any]) -> None:
        pose = pose_from(msg)
        self.reports.heard(stamp_seconds(msg))
        if pose is not None:
            self.reports.pose = self.frames.to_building(self.level, pose)
            self.reports.progress(self._command_id())

    def _on_battery(self, msg: dict[str, Any]) -> None:
        soc = battery_from(msg)
        if soc is not None:
            self.reports.battery_soc = soc

    def _link_up(self) -> None:
        if self.online:
            return
        self.reports.online = True
        self.reports.emit()
        if self._loop is not None:
            # roslibpy re-subscribes and re-advertises about a second after a
            # reconnect; goals sent before that could meet no subscriber.
            self._loop.call_later(self.resume_after_s, self._resume)

    def _link_down(self) -> None:
        if not self.online:
            return
        self.reports.online = False
        run = self._run
        if run is not None:
            run.attempt += 1  # whatever the old goal says from now on is stale
            if run.goal_id is not None:
                self._orphans.append(run.goal_id)
                run.goal_id = None
        self.reports.emit()

    def _resume(self) -> None:
        if not self.online or self._goals is None:
            return
        orphans, self._orphans = self._orphans, []
        for goal_id in orphans:
            self._goals.cancel(goal_id)
        if self._run is not None and self._run.goal_id is None:
            self._go(self._run)

    # --- reporting ----------------------------------------------------------------

    def _command_id(self) -> str | None:
        return self._run.command.command_id if self._run is not None else None

    def _post(self, call: Callable[..., None], *args: Any) -> None:
        """Run ``call`` on the adapter's loop (from roslibpy's thread or the loop)."""
        loop = self._loop
        if loop is not None and not loop.is_closed():
            with contextlib.suppress(RuntimeError):  # the loop is shutting down
                loop.call_soon_threadsafe(call, *args)
