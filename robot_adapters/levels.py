"""Switching a robot's map when it arrives on another level, and speed caps.

On a new level the robot needs that level's map (the map server's load-map
service: ``nav2_msgs/srv/LoadMap`` on ROS 2, ``nav_msgs/LoadMap`` on ROS 1,
both ``{map_url} -> {map, result}`` with ``result == 0`` for success) and then
its pose on it (``initialpose``). Nav2 also takes speed caps on its
``speed_limit`` topic (``nav2_msgs/msg/SpeedLimit``; 0 lifts the cap).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import roslibpy

from fleet.core.ports import CommandStatus
from robot_adapters.frames import MapPose
from robot_adapters.messages import header, pose_with_covariance
from robot_adapters.profiles import Profile, RosNames

__all__ = ["LevelChange"]

Done = Callable[[CommandStatus, str], None]


class LevelChange:
    """The load-map service, the initial-pose topic and the speed-limit topic."""

    def __init__(
        self,
        ros: roslibpy.Ros,
        names: RosNames,
        post: Callable[..., None],
        clock: Callable[[], float],
    ) -> None:
        self._ros1 = names.profile == Profile.MOVE_BASE
        self._frame, self._post, self._clock = names.map_frame, post, clock
        self._load_map = roslibpy.Service(
            ros, names.load_map_service, names.load_map_type
        )
        self._initial_pose = roslibpy.Topic(
            ros, names.initial_pose_topic, names.initial_pose_type
        )
        self._speed = (
            roslibpy.Topic(ros, names.speed_limit_topic, names.speed_limit_type)
            if names.speed_limit_topic
            else None
        )
        self._seq = 0

    def change(self, map_url: str | None, pose: MapPose, done: Done) -> None:
        """Load ``map_url`` (if any), place the robot at ``pose``, then ``done``."""
        if not map_url:
            self._place(pose)
            self._post(done, CommandStatus.SUCCEEDED, "")
            return

        def loaded(response: Any) -> None:
            result = dict(response).get("result", 0)
            if result not in (0, None):
                words = f"map {map_url} not loaded (result {result})"
                self._post(done, CommandStatus.FAILED, words)
                return
            self._place(pose)
            self._post(done, CommandStatus.SUCCEEDED, "")

        def failed(error: Any) -> None:
            self._post(done, CommandStatus.FAILED, f"map {map_url} not loaded: {error}")

        self._load_map.call(
            roslibpy.ServiceRequest({"map_url": map_url}), loaded, failed
        )

    def speed_limit(self, mps: float) -> None:
        if self._speed is None:
            return
        self._seq += 1
        self._speed.publish(
            roslibpy.Message(
                {
                    "header": header("", self._clock(), ros1=self._ros1, seq=self._seq),
                    "percentage": False,
                    "speed_limit": float(mps),
                }
            )
        )

    def close(self) -> None:
        self._initial_pose.unadvertise()
        if self._speed is not None:
            self._speed.unadvertise()

    def _place(self, pose: MapPose) -> None:
        self._seq += 1
        self._initial_pose.publish(
            roslibpy.Message(
                pose_with_covariance(
                    pose, self._frame, self._clock(), ros1=self._ros1, seq=self._seq
                )
            )
        )
