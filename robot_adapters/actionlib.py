"""move_base goals over actionlib's five topics (ROS 1).

:class:`MoveBaseGoals` speaks actionlib itself over ``goal``, ``cancel``,
``status``, ``feedback`` and ``result`` rather than through
``roslibpy.actionlib.ActionClient``, whose constructor blocks until the server
publishes a status (stalling the event loop, or failing while the bridge is
down). Goals carry full ROS 1 headers (``seq``, ``stamp``). A goal is settled by
its result message; a terminal status with no result after a grace period
settles it too; statuses for goals already settled (the PREEMPTED that follows a
cancel's result) are ignored. ROS 1 drops what is published before a subscriber
has connected, so a goal that no status has mentioned after ``ack_timeout_s`` is
published again (same id), and failed after ``max_sends`` tries.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from functools import partial
from typing import Any

import roslibpy

from fleet.core.ports import CommandStatus
from robot_adapters.frames import MapPose
from robot_adapters.messages import header, pose_from, pose_stamped, stamp
from robot_adapters.navigation import GoalDone, GoalFeedback, Post
from robot_adapters.profiles import RosNames

__all__ = ["MoveBaseGoals", "actionlib_outcome"]

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
        ack_timeout_s: float = 3.0,
        max_sends: int = 3,
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
        self._ack_timeout_s, self._max_sends = ack_timeout_s, max_sends
        #: Goals no status has mentioned yet: their message and how often sent.
        self._unacked: dict[str, tuple[roslibpy.Message, int]] = {}

    def send(
        self, target: MapPose, on_feedback: GoalFeedback, on_done: GoalDone
    ) -> str:
        now, seq = self._clock(), next(self._seq)
        goal_id = f"{self._prefix}-{seq}-{now:.3f}"
        self._active[goal_id] = (on_feedback, on_done)
        message = roslibpy.Message(
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
        self._unacked[goal_id] = (message, 0)
        self._publish(goal_id)
        return goal_id

    def _publish(self, goal_id: str) -> None:
        """Publish (again) a goal not yet acknowledged, or give up on it."""
        if goal_id not in self._active or goal_id not in self._unacked:
            return
        message, sends = self._unacked[goal_id]
        if sends >= self._max_sends:
            self._unacked.pop(goal_id)
            words = f"no status from move_base after {sends} tries (is it running?)"
            self._active.pop(goal_id)[1](CommandStatus.FAILED, f"goal lost: {words}")
            return
        self._unacked[goal_id] = (message, sends + 1)
        self._goal.publish(message)
        self._later(self._ack_timeout_s, lambda: self._publish(goal_id))

    def dock(
        self, target: MapPose, dock_id: str | None, on_done: GoalDone
    ) -> str | None:
        """move_base has no docking: the adapter drives to the charger instead."""
        return None

    def cancel(self, goal_id: str) -> None:
        self._active.pop(goal_id, None)
        self._unacked.pop(goal_id, None)
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
        self._unacked.pop(goal_id, None)
        handlers = self._active.get(goal_id)
        pose = pose_from((msg.get("feedback") or {}).get("base_position") or {})
        if handlers is not None and pose is not None:
            handlers[0](pose)

    def _on_status(self, msg: dict[str, Any]) -> None:
        for entry in msg.get("status_list") or ():
            goal_id = str((entry.get("goal_id") or {}).get("id", ""))
            status = int(entry.get("status", PENDING))
            self._unacked.pop(goal_id, None)
            if goal_id in self._active and status in TERMINAL:
                if goal_id in self._settling:
                    continue
                self._settling.add(goal_id)
                text = str(entry.get("text", ""))
                self._later(
                    self._grace_s,
                    partial(self._settle, goal_id, status, text),
                )

    def _settle(self, goal_id: str, status: int, text: str) -> None:
        self._settling.discard(goal_id)
        self._unacked.pop(goal_id, None)
        handlers = self._active.pop(goal_id, None)
        if handlers is not None:
            handlers[1](*actionlib_outcome(status, text))
