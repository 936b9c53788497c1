"""Navigation goals for one robot: Nav2 (ROS 2 actions) or move_base (actionlib).

Both classes send one goal pose and report back through two callbacks, always on
the adapter's event loop (``post`` hands roslibpy's thread over to it): feedback
with the robot's pose, and the outcome as a :class:`CommandStatus` with the
robot's own words. A goal's callbacks may fire after the adapter has moved on
(a result after a cancel, a status after the result): the adapter drops them.

- :class:`Nav2Goals` uses ``roslibpy.ActionClient`` (rosbridge's
  ``send_action_goal`` / ``action_feedback`` / ``action_result`` /
  ``cancel_action_goal`` operations). rosbridge answers a rejected goal with
  ``result: false`` and the reason as text; an aborted one with status ABORTED.
- :class:`MoveBaseGoals` speaks actionlib over topics itself rather than through
  ``roslibpy.actionlib.ActionClient``, whose constructor blocks until the server
  publishes a status (which would stall the event loop, or fail while the bridge
  is down). Goals are settled by their result message; a terminal status with no
  result after a grace period settles them too.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from typing import Any, Protocol

import roslibpy
from roslibpy.core import GoalStatus as Ros2Status

from fleet.core.ports import CommandStatus
from robot_adapters.frames import MapPose
from robot_adapters.messages import header, pose_from, pose_stamped, stamp
from robot_adapters.profiles import RosNames

__all__ = ["GoalDone", "GoalFeedback", "Goals", "MoveBaseGoals", "Nav2Goals"]

GoalFeedback = Callable[[MapPose], None]
GoalDone = Callable[[CommandStatus, str], None]
Post = Callable[..., None]


class Goals(Protocol):
    def send(
        self, target: MapPose, on_feedback: GoalFeedback, on_done: GoalDone
    ) -> str:
        """Send a goal; return its id."""
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

    def cancel(self, goal_id: str) -> None:
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


# --- ROS 1 actionlib -------------------------------------------------------------

#: actionlib_msgs/GoalStatus values.
PENDING, ACTIVE, PREEMPTED, SUCCEEDED, ABORTED, REJECTED = 0, 1, 2, 3, 4, 5
PREEMPTING, RECALLING, RECALLED, LOST = 6, 7, 8, 9
TERMINAL = frozenset({PREEMPTED, SUCCEEDED, ABORTED, REJECTED, RECALLED, LOST})


def actionlib_outcome(status: int, text: str) -> tuple[CommandStatus, str]:
    if status == SUCCEEDED:
        return CommandStatus.SUCCEEDED, ""
    if status in (PREEMPTED, RECALLED):
        return CommandStatus.CANCELLED, "goal cancelled by the robot"
    kind = {ABORTED: "aborted", REJECTED: "rejected"}.get(status, "lost")
    return CommandStatus.FAILED, f"goal {kind}: {text or 'no reason given'}"


class MoveBaseGoals:
    """move_base over actionlib's five topics."""

    def __init__(
        self,
        ros: roslibpy.Ros,
        names: RosNames,
        post: Post,
        clock: Callable[[], float],
        *,
        goal_prefix: str,
        later: Callable[[float, Callable[[], None]], object],
        result_grace_s: float = 2.0,
    ) -> None:
        base, kind = names.navigate_action, names.navigate_type
        self._goal = roslibpy.Topic(ros, f"{base}/goal", f"{kind}Goal")
        self._cancel = roslibpy.Topic(ros, f"{base}/cancel", "actionlib_msgs/GoalID")
        self._listeners = [
            roslibpy.Topic(ros, f"{base}/result", f"{kind}Result"),
            roslibpy.Topic(ros, f"{base}/feedback", f"{kind}Feedback"),
            roslibpy.Topic(ros, f"{base}/status", "actionlib_msgs/GoalStatusArray"),
        ]
        self._goal.advertise()
        self._cancel.advertise()
        handlers = (self._on_result, self._on_feedback, self._on_status)
        for topic, handler in zip(self._listeners, handlers, strict=True):
            topic.subscribe(lambda msg, handler=handler: post(handler, msg))
        self._frame, self._clock, self._later = names.map_frame, clock, later
        self._prefix, self._grace_s = goal_prefix, result_grace_s
        self._seq = itertools.count(1)
        self._active: dict[str, tuple[GoalFeedback, GoalDone]] = {}
        self._settling: set[str] = set()

    def send(
        self, target: MapPose, on_feedback: GoalFeedback, on_done: GoalDone
    ) -> str:
        now, seq = self._clock(), next(self._seq)
        goal_id = f"{self._prefix}-{seq}-{now:.3f}"
        self._active[goal_id] = (on_feedback, on_done)
        self._goal.publish(
            roslibpy.Message(
                {
                    "header": header("", now, ros1=True, seq=seq),
                    "goal_id": {"stamp": stamp(now, ros1=True), "id": goal_id},
                    "goal": {
                        "target_pose": pose_stamped(
                            target, self._frame, now, ros1=True, seq=seq
                        )
                    },
                }
            )
        )
        return goal_id

    def cancel(self, goal_id: str) -> None:
        self._active.pop(goal_id, None)
        self._cancel.publish(
            roslibpy.Message({"stamp": {"secs": 0, "nsecs": 0}, "id": goal_id})
        )

    def close(self) -> None:
        for topic in self._listeners:
            topic.unsubscribe()
        self._goal.unadvertise()
        self._cancel.unadvertise()

    # --- on the adapter's loop ---------------------------------------------------

    def _on_result(self, msg: dict[str, Any]) -> None:
        status = msg.get("status") or {}
        self._settle(
            str((status.get("goal_id") or {}).get("id", "")),
            int(status.get("status", LOST)),
            str(status.get("text", "")),
        )

    def _on_feedback(self, msg: dict[str, Any]) -> None:
        goal_id = str(((msg.get("status") or {}).get("goal_id") or {}).get("id", ""))
        handlers = self._active.get(goal_id)
        pose = pose_from((msg.get("feedback") or {}).get("base_position") or {})
        if handlers is not None and pose is not None:
            handlers[0](pose)

    def _on_status(self, msg: dict[str, Any]) -> None:
        for entry in msg.get("status_list") or ():
            goal_id = str((entry.get("goal_id") or {}).get("id", ""))
            status = int(entry.get("status", PENDING))
            if goal_id in self._active and status in TERMINAL:
                if goal_id in self._settling:
                    continue
                self._settling.add(goal_id)
                text = str(entry.get("text", ""))
                self._later(
                    self._grace_s,
                    lambda g=goal_id, s=status, t=text: self._settle(g, s, t),
                )

    def _settle(self, goal_id: str, status: int, text: str) -> None:
        self._settling.discard(goal_id)
        handlers = self._active.pop(goal_id, None)
        if handlers is not None:
            handlers[1](*actionlib_outcome(status, text))
