"""Navigation goals for one robot, and Nav2's (ROS 2 actions through rosbridge).

Both classes send one goal pose and report back through two callbacks, always on
the adapter's event loop (``post`` hands roslibpy's thread over to it): feedback
with the robot's pose, and the outcome as a :class:`CommandStatus` with the
robot's own words. A goal's callbacks may fire after the adapter has moved on
(a result after a cancel, a status after the result): the adapter drops them.

- :class:`Nav2Goals` uses ``roslibpy.ActionClient`` (rosbridge's
  ``send_action_goal`` / ``action_feedback`` / ``action_result`` /
  ``cancel_action_goal`` operations). rosbridge answers a rejected goal with
  ``result: false`` and the reason as text; an aborted one with status ABORTED.
- :class:`robot_adapters.actionlib.MoveBaseGoals` is the ROS 1 counterpart.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Protocol

import roslibpy
from roslibpy.core import GoalStatus as Ros2Status

from fleet.core.ports import CommandStatus
from robot_adapters.frames import MapPose
from robot_adapters.messages import pose_from, pose_stamped
from robot_adapters.profiles import RosNames

__all__ = ["GoalDone", "GoalFeedback", "Goals", "Nav2Goals", "Post"]

GoalFeedback = Callable[[MapPose], None]
GoalDone = Callable[[CommandStatus, str], None]
Post = Callable[..., None]


class Goals(Protocol):
    def send(
        self, target: MapPose, on_feedback: GoalFeedback, on_done: GoalDone
    ) -> str:
        """Send a goal; return its id."""
        ...

    def dock(
        self, target: MapPose, dock_id: str | None, on_done: GoalDone
    ) -> str | None:
        """Dock at ``target`` with the robot's docking server; ``None``: none."""
        ...

    def cancel(self, goal_id: str) -> None: ...

    def close(self) -> None: ...


class Nav2Goals:
    """``navigate_to_pose`` through rosbridge's ROS 2 action operations."""

    def __init__(
        self, ros: roslibpy.Ros, names: RosNames, post: Post, clock: Callable[[], float]
    ) -> None:
        self._client = roslibpy.ActionClient(
            ros, names.navigate_action, names.navigate_type
        )
        self._docking = (
            roslibpy.ActionClient(ros, names.dock_action, names.dock_action_type)
            if names.dock_action
            else None
        )
        self._dock_goals: set[str] = set()
        self._frame, self._post, self._clock = names.map_frame, post, clock

    def send(
        self, target: MapPose, on_feedback: GoalFeedback, on_done: GoalDone
    ) -> str:
        goal = roslibpy.Goal(
            {
                "pose": pose_stamped(target, self._frame, self._clock(), ros1=False),
                "behavior_tree": "",
            }
        )

        def feedback(values: Any) -> None:
            pose = pose_from(dict(values).get("current_pose") or {})
            if pose is not None:
                self._post(on_feedback, pose)

        def result(outcome: Any) -> None:
            self._post(on_done, *nav2_outcome(outcome["status"], outcome["values"]))

        def error(outcome: Any) -> None:
            words = _words(outcome.get("values") if isinstance(outcome, dict) else "")
            self._post(on_done, CommandStatus.FAILED, f"goal rejected: {words}")

        return str(self._client.send_goal(goal, result, feedback, error))

    def dock(
        self, target: MapPose, dock_id: str | None, on_done: GoalDone
    ) -> str | None:
        """``dock_robot`` (nav2_msgs/action/DockRobot): by dock id, else by pose."""
        if self._docking is None:
            return None
        goal = roslibpy.Goal(
            {
                "use_dock_id": bool(dock_id),
                "dock_id": dock_id or "",
                "dock_pose": pose_stamped(
                    target, self._frame, self._clock(), ros1=False
                ),
                "dock_type": "",
                "max_staging_time": 1000.0,
                "navigate_to_staging_pose": True,
            }
        )

        def result(outcome: Any) -> None:
            status, words = nav2_outcome(outcome["status"], outcome["values"])
            values = outcome["values"]
            refused = isinstance(values, dict) and values.get("success") is False
            if status == CommandStatus.SUCCEEDED and refused:
                status, words = CommandStatus.FAILED, f"not docked: {_words(values)}"
            self._post(on_done, status, words)

        def error(outcome: Any) -> None:
            words = _words(outcome.get("values") if isinstance(outcome, dict) else "")
            self._post(on_done, CommandStatus.FAILED, f"docking rejected: {words}")

        goal_id = str(self._docking.send_goal(goal, result, lambda _f: None, error))
        self._dock_goals.add(goal_id)
        return goal_id

    def cancel(self, goal_id: str) -> None:
        if goal_id in self._dock_goals and self._docking is not None:
            self._dock_goals.discard(goal_id)
            self._docking.cancel_goal(goal_id)
        else:
            self._client.cancel_goal(goal_id)

    def close(self) -> None:
        return None


def nav2_outcome(status: Any, values: Any) -> tuple[CommandStatus, str]:
    """An ``action_result``'s status and values as a command status and words."""
    try:
        status = Ros2Status(status)
    except ValueError:
        status = Ros2Status.UNKNOWN
    if status == Ros2Status.SUCCEEDED:
        return CommandStatus.SUCCEEDED, ""
    if status == Ros2Status.CANCELED:
        return CommandStatus.CANCELLED, "goal cancelled by the robot"
    if status == Ros2Status.ABORTED:
        return CommandStatus.FAILED, f"goal aborted: {_words(values)}"
    return CommandStatus.FAILED, f"goal ended {status.name.lower()}: {_words(values)}"


def _words(values: Any) -> str:
    """The robot's reason, from a Nav2 result (error_msg, error_code) or text."""
    if isinstance(values, dict):
        inner = values.get("result", values)
        if isinstance(inner, dict):
            if inner.get("error_msg"):
                return str(inner["error_msg"])
            if inner.get("error_code"):
                return f"error code {inner['error_code']}"
        return "no reason given"
    return str(values) if values else "no reason given"
