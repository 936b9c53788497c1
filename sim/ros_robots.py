"""A virtual robot on a ROS graph, as Nav2 or move_base would present it.

:class:`VirtualRosRobot` drives to one goal at a time with the same movement
model as the other virtual robots (:class:`sim.motion.PathMotion` and
:class:`sim.motion.Battery`) on the asyncio clock, and publishes what a real
robot does under its namespace: ``amcl_pose``, ``battery_state``; it takes
``initialpose``, a load-map service and (Nav2) ``speed_limit``. The goal
interface in front of it, Nav2's ``navigate_to_pose`` action or move_base's
actionlib topics, lives in :mod:`sim.ros_fronts`.

Tests and demos can make it reject goals, abort the running goal with a reason,
or lose its way (go quiet).
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import Callable
from dataclasses import dataclass

from fleet.core.ports import Pose
from sim.motion import Battery, PathMotion
from sim.ros_graph import Msg, RosGraph, ServiceAnswer
from sim.ros_messages import header, pose_msg, pose_of

__all__ = ["GoalOutcome", "VirtualRosRobot"]

#: How a goal ends: ("succeeded" | "aborted" | "cancelled", the robot's words).
GoalOutcome = Callable[[str, str], None]


@dataclass(eq=False)
class _Drive:
    target: Pose
    motion: PathMotion
    finished: GoalOutcome
    on_progress: Callable[[Pose, float], None]


class VirtualRosRobot:
    """One robot's motion, battery and common topics, under ``namespace``."""

    def __init__(
        self,
        graph: RosGraph,
        namespace: str,
        pose: Pose,
        *,
        ros1: bool,
        speed_mps: float = 1.0,
        speedup: float = 1.0,
        battery_soc: float = 1.0,
        step_s: float = 0.05,
        pose_every_s: float = 0.2,
        battery_every_s: float = 1.0,
        docks: tuple[tuple[float, float], ...] = (),
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.graph, self.ns, self.ros1 = graph, f"/{namespace.strip('/')}", ros1
        #: Where it charges when it stands still there (charger positions).
        self.docks = docks
        self.pose, self.speed_mps, self.speedup = pose, speed_mps, speedup
        self.battery_soc, self.battery = battery_soc, Battery()
        self.step_s, self.pose_every_s = step_s, pose_every_s
        self.battery_every_s, self.clock = battery_every_s, clock
        self.reject_goals = False
        self.speed_cap: float | None = None
        self.map_url = ""
        #: Called with every pose report (the move_base front's status beat).
        self.beats: list[Callable[[], None]] = []
        self._drive: _Drive | None = None
        self._travelled = 0.0
        self._seq = 0
        self._task: asyncio.Task[None] | None = None
        self._wire()

    def name(self, relative: str) -> str:
        return f"{self.ns}/{relative}"

    # --- goals (used by the fronts) ----------------------------------------------

    def drive_to(
        self,
        target: Pose,
        finished: GoalOutcome,
        on_progress: Callable[[Pose, float], None],
    ) -> None:
        """Start driving to ``target``; a running goal ends "aborted" (preempted)."""
        self.halt("aborted", "preempted by a new goal")
        speed = min(self.speed_mps, self.speed_cap or self.speed_mps) * self.speedup
        target = Pose(self.pose.level, target.x, target.y, target.yaw)
        motion = PathMotion((self.pose, target), speed, self.clock())
        self._travelled = 0.0
        self._drive = _Drive(target, motion, finished, on_progress)

    def halt(self, kind: str, words: str) -> None:
        """Stop where it is and end the running goal as ``kind``."""
        drive, self._drive = self._drive, None
        if drive is not None:
            self._settle(drive)
            drive.finished(kind, words)

    def abort(self, words: str = "path blocked") -> None:
        """Test control: the robot gives up on its goal."""
        self.halt("aborted", words)

    @property
    def driving(self) -> bool:
        return self._drive is not None

    # --- life ---------------------------------------------------------------------

    def start(self) -> None:
        if self._task is None:
            self._task = asyncio.create_task(self._run(), name=self.ns)

    async def stop(self) -> None:
        task, self._task = self._task, None
        if task is not None:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task

    async def _run(self) -> None:
        last_pose = last_battery = last_step = 0.0
        while True:
            await asyncio.sleep(self.step_s)
            now = self.clock()
            last_step, step_from = now, last_step
            drive = self._drive
            if drive is None:
                self._charge(now - (step_from or now))
            else:
                self._settle(drive)
                remaining = drive.motion.length_m - drive.motion.travelled_m(now)
                drive.on_progress(self.pose, remaining)
                if drive.motion.arrived(now):
                    self._drive = None
                    self.pose = drive.target
                    drive.finished("succeeded", "")
            if now - last_pose >= self.pose_every_s:
                last_pose = now
                self._publish_pose()
                for beat in self.beats:
                    beat()
            if now - last_battery >= self.battery_every_s:
                last_battery = now
                self._publish_battery()

    def _charge(self, seconds: float) -> None:
        x, y = self.pose.x, self.pose.y
        if any(abs(x - dx) < 0.3 and abs(y - dy) < 0.3 for dx, dy in self.docks):
            self.battery_soc = self.battery.after_charging(
                self.battery_soc, seconds * self.speedup
            )

    def _settle(self, drive: _Drive) -> None:
        now = self.clock()
        travelled = drive.motion.travelled_m(now)
        self.battery_soc = self.battery.after_driving(
            self.battery_soc, travelled - self._travelled
        )
        self._travelled = travelled
        self.pose = drive.motion.pose_at(now)

    # --- topics and services --------------------------------------------------------

    def stamped(self, pose: Pose) -> Msg:
        self._seq += 1
        return {
            "header": header(self.clock(), ros1=self.ros1, seq=self._seq),
            "pose": pose_msg(pose),
        }

    def _wire(self) -> None:
        g, kind = self.graph, "" if self.ros1 else "msg/"
        g.nodes.add(self.ns)
        g.advertise(
            self.name("amcl_pose"), f"geometry_msgs/{kind}PoseWithCovarianceStamped"
        )
        g.advertise(self.name("battery_state"), f"sensor_msgs/{kind}BatteryState")
        g.listen(
            self.name("initialpose"),
            f"geometry_msgs/{kind}PoseWithCovarianceStamped",
            self._on_initial_pose,
        )
        if self.ros1:
            g.add_service(self.name("change_map"), "nav_msgs/LoadMap", self._load_map)
        else:
            g.add_service(
                self.name("map_server/load_map"),
                "nav2_msgs/srv/LoadMap",
                self._load_map,
            )
            g.listen(
                self.name("speed_limit"), "nav2_msgs/msg/SpeedLimit", self._on_speed
            )

    def _publish_pose(self) -> None:
        msg = self.stamped(self.pose)
        msg["pose"] = {"pose": msg["pose"], "covariance": [0.0] * 36}
        self.graph.publish(self.name("amcl_pose"), msg)

    def _publish_battery(self) -> None:
        self.graph.publish(
            self.name("battery_state"),
            {
                "header": header(self.clock(), ros1=self.ros1, seq=self._seq),
                "percentage": round(self.battery_soc, 4),
                "present": True,
            },
        )

    def _on_initial_pose(self, msg: Msg) -> None:
        self.halt("aborted", "re-localised")
        self.pose = pose_of(msg, self.pose.level)
        self._publish_pose()

    def _load_map(self, args: Msg) -> ServiceAnswer:
        url = str(args["map_url"])
        if not url:
            return True, {"map": {}, "result": 1}  # RESULT_MAP_DOES_NOT_EXIST
        self.map_url = url
        return True, {"map": {}, "result": 0}

    def _on_speed(self, msg: Msg) -> None:
        limit = float(msg.get("speed_limit", 0.0))
        self.speed_cap = limit if limit > 0 and not msg.get("percentage") else None
