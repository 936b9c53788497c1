"""The goal interfaces in front of a virtual ROS robot: Nav2 and move_base.

- :class:`Nav2Front`: the ``navigate_to_pose`` action server
  (nav2_msgs/action/NavigateToPose) as rosbridge exposes ROS 2 actions: feedback
  with ``current_pose`` and ``distance_remaining``; results with ROS 2 goal
  statuses (SUCCEEDED 4, CANCELED 5, ABORTED 6) and Jazzy's ``error_code`` /
  ``error_msg``; a rejected goal answered with ``result: false`` and the reason.
- :class:`Nav2DockFront`: opennav_docking's ``dock_robot`` action.
- :class:`MoveBaseFront`: actionlib's five topics under ``move_base``
  (move_base_msgs/MoveBaseAction): goals whose headers rosbridge on ROS 1 could
  convert (a ``null`` ``seq`` or ``stamp`` is refused, as there), a status
  array at 5 Hz, feedback with ``base_position``, and results, the terminal
  status arriving on the status topic after the result, as on a real robot.
"""

from __future__ import annotations

import logging
from typing import Any

from sim.ros_graph import ActionGoal, Msg
from sim.ros_messages import header, pose_of, ros1_header_problem, ros_stamp
from sim.ros_robots import VirtualRosRobot

__all__ = ["MoveBaseFront", "Nav2DockFront", "Nav2Front"]

log = logging.getLogger(__name__)

NAV2_STATUS = {"succeeded": 4, "cancelled": 5, "aborted": 6}
NAV2_ERROR = {"succeeded": 0, "cancelled": 0, "aborted": 104}


class Nav2Front:
    """``<ns>/navigate_to_pose`` on the graph."""

    def __init__(self, robot: VirtualRosRobot) -> None:
        self.robot = robot
        self.goal_now: ActionGoal | None = None
        #: Cancels that stopped a running goal (for tests and logs).
        self.cancels = 0
        robot.graph.add_action(
            robot.name("navigate_to_pose"), "nav2_msgs/action/NavigateToPose", self
        )

    def goal(self, goal: ActionGoal) -> None:
        if self.robot.reject_goals:
            goal.finish(0, "Goal was rejected by the action server", result=False)
            return
        target = pose_of(goal.args["pose"], self.robot.pose.level)

        def finished(kind: str, words: str) -> None:
            if self.goal_now is goal:
                self.goal_now = None
            values = {"error_code": NAV2_ERROR[kind], "error_msg": words}
            goal.finish(NAV2_STATUS[kind], values)

        def progress(pose: Any, remaining: float) -> None:
            goal.feedback(
                {
                    "current_pose": self.robot.stamped(pose),
                    "distance_remaining": remaining,
                    "number_of_recoveries": 0,
                }
            )

        self.robot.drive_to(target, finished, progress)
        self.goal_now = goal

    def cancel(self, request_id: str) -> None:
        goal = self.goal_now
        if goal is not None and goal.request_id == request_id:
            self.cancels += 1
            self.robot.halt("cancelled", "cancelled on request")


class Nav2DockFront:
    """``<ns>/dock_robot`` (nav2_msgs/action/DockRobot), as opennav_docking offers.

    Drives to ``dock_pose`` (the virtual robot has no dock database, so a dock id
    is only recorded) and ends with ``success: true``; it then charges there.
    """

    def __init__(self, robot: VirtualRosRobot) -> None:
        self.robot = robot
        self.goal_now: ActionGoal | None = None
        #: Dock ids asked for, in order (empty text when docking by pose).
        self.docked: list[str] = []
        robot.graph.add_action(
            robot.name("dock_robot"), "nav2_msgs/action/DockRobot", self
        )

    def goal(self, goal: ActionGoal) -> None:
        target = pose_of(goal.args["dock_pose"], self.robot.pose.level)
        dock_id = (
            str(goal.args.get("dock_id", "")) if goal.args.get("use_dock_id") else ""
        )

        def finished(kind: str, words: str) -> None:
            if self.goal_now is goal:
                self.goal_now = None
            if kind == "succeeded":
                self.docked.append(dock_id)
            values = {"success": kind == "succeeded", "error_code": NAV2_ERROR[kind],
                      "num_retries": 0}  # fmt: skip
            goal.finish(NAV2_STATUS[kind], values)

        self.robot.drive_to(target, finished, lambda _pose, _left: None)
        self.goal_now = goal

    def cancel(self, request_id: str) -> None:
        goal = self.goal_now
        if goal is not None and goal.request_id == request_id:
            self.robot.halt("cancelled", "docking cancelled on request")


ACTIVE, PREEMPTED, SUCCEEDED, ABORTED, REJECTED = 1, 2, 3, 4, 5
ACTIONLIB_STATUS = {"succeeded": SUCCEEDED, "cancelled": PREEMPTED, "aborted": ABORTED}


class MoveBaseFront:
    """actionlib under ``<ns>/move_base`` on the graph."""

    def __init__(self, robot: VirtualRosRobot, *, keep_finished_s: float = 2.0) -> None:
        self.robot = robot
        self.base = robot.name("move_base")
        self.keep_finished_s = keep_finished_s
        self.goal_now: str | None = None
        self.rejected_headers = 0
        #: Cancels that stopped a running goal (for tests and logs).
        self.cancels = 0
        #: Test control: lose this many goals, as ROS 1 loses messages published
        #: before the subscriber has connected.
        self.lose_goals = 0
        #: goal id -> (status, text, finished at or None while active)
        self._statuses: dict[str, tuple[int, str, float | None]] = {}
        g, kind = robot.graph, "move_base_msgs/MoveBaseAction"
        g.listen(f"{self.base}/goal", f"{kind}Goal", self._on_goal)
        g.listen(f"{self.base}/cancel", "actionlib_msgs/GoalID", self._on_cancel)
        g.advertise(f"{self.base}/status", "actionlib_msgs/GoalStatusArray")
        g.advertise(f"{self.base}/feedback", f"{kind}Feedback")
        g.advertise(f"{self.base}/result", f"{kind}Result")
        robot.beats.append(self.publish_status)

    def publish_status(self) -> None:
        """The status array (the world calls this at 5 Hz)."""
        now = self.robot.clock()
        for goal_id, (_s, _t, ended) in list(self._statuses.items()):
            if ended is not None and now - ended > self.keep_finished_s:
                del self._statuses[goal_id]
        self.robot.graph.publish(
            f"{self.base}/status",
            {
                "header": header(now, ros1=True, frame=""),
                "status_list": [
                    self._status(goal_id, status, text)
                    for goal_id, (status, text, _e) in self._statuses.items()
                ],
            },
        )

    def _on_goal(self, msg: Msg) -> None:
        target_msg = (msg.get("goal") or {}).get("target_pose") or {}
        problem = ros1_header_problem(msg) or ros1_header_problem(target_msg)
        if problem is not None:
            self.rejected_headers += 1
            log.warning("move_base goal not converted by rosbridge: %s", problem)
            return
        goal_id = str(msg["goal_id"]["id"])
        if self.lose_goals > 0:
            self.lose_goals -= 1
            return
        if self.robot.reject_goals:
            self._end(goal_id, REJECTED, "robot is not accepting goals")
            return
        target = pose_of(target_msg, self.robot.pose.level)

        def finished(kind: str, words: str) -> None:
            if self.goal_now == goal_id:
                self.goal_now = None
            self._end(goal_id, ACTIONLIB_STATUS[kind], words)

        def progress(pose: Any, _remaining: float) -> None:
            self.robot.graph.publish(
                f"{self.base}/feedback",
                {
                    "header": header(self.robot.clock(), ros1=True),
                    "status": self._status(goal_id, ACTIVE, ""),
                    "feedback": {"base_position": self.robot.stamped(pose)},
                },
            )

        self.robot.drive_to(target, finished, progress)
        self.goal_now = goal_id
        self._statuses[goal_id] = (ACTIVE, "", None)

    def _on_cancel(self, msg: Msg) -> None:
        goal_id = str(msg.get("id", ""))
        if self.goal_now is not None and goal_id in ("", self.goal_now):
            self.cancels += 1
            self.robot.halt("cancelled", "cancelled on request")

    def _end(self, goal_id: str, status: int, text: str) -> None:
        self.robot.graph.publish(
            f"{self.base}/result",
            {
                "header": header(self.robot.clock(), ros1=True),
                "status": self._status(goal_id, status, text),
                "result": {},
            },
        )
        # The terminal status reaches the status topic on its next beat.
        self._statuses[goal_id] = (status, text, self.robot.clock())

    def _status(self, goal_id: str, status: int, text: str) -> Msg:
        return {
            "goal_id": {"stamp": ros_stamp(0.0, ros1=True), "id": goal_id},
            "status": status,
            "text": text,
        }
