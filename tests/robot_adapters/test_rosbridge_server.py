"""The virtual rosbridge answers roslibpy's own helpers as a real bridge with rosapi."""

from __future__ import annotations

import time

import pytest
import roslibpy
from roslibpy.ros1 import actionlib

from robot_adapters import connections
from tests.robot_adapters.bridge import virtual_bridge, wait_for_sync


@pytest.mark.parametrize("profile", ["nav2", "move_base"])
def test_rosapi_listings_through_roslibpy(profile: str) -> None:
    """get_topics, get_topic_type, get_services, get_service_type and get_time work."""
    with virtual_bridge(profile=profile, robots=2) as bridge:
        link = connections.acquire(bridge.url)
        try:
            wait_for_sync(lambda: link.connected, what="the link")
            ros = link.ros
            topics = ros.get_topics()
            assert "/porter_2/amcl_pose" in topics
            assert "/lift_states" in topics
            pose_type = ros.get_topic_type("/porter_1/amcl_pose")
            if profile == "nav2":
                assert pose_type == "geometry_msgs/msg/PoseWithCovarianceStamped"
                assert "/porter_1/map_server/load_map" in ros.get_services()
                assert ros.get_service_type("/porter_1/map_server/load_map") == (
                    "nav2_msgs/srv/LoadMap"
                )
            else:
                assert pose_type == "geometry_msgs/PoseWithCovarianceStamped"
                assert "/porter_1/move_base/status" in topics
                assert "/porter_1/change_map" in ros.get_services()
            assert "/porter_1" in ros.get_nodes()
            assert (
                abs(_bridge_time(ros, ros1=profile == "move_base") - time.time()) < 60
            )
        finally:
            connections.release(link)


def _bridge_time(ros: roslibpy.Ros, *, ros1: bool) -> float:
    """/rosapi/get_time: ROS 1 answers {secs, nsecs}, ROS 2 {sec, nanosec}.

    roslibpy's ``Ros.get_time`` reads only the ROS 1 layout, so on ROS 2 the
    service is called directly, as Porter would have to.
    """
    if ros1:
        return float(ros.get_time().to_sec())
    service = roslibpy.Service(ros, "/rosapi/get_time", "rosapi/srv/GetTime")
    stamp = service.call(roslibpy.ServiceRequest(), timeout=5)["time"]
    return float(stamp["sec"]) + float(stamp["nanosec"]) / 1e9


def test_move_base_refuses_goals_without_a_ros1_header() -> None:
    """A goal with roslibpy.Header()'s null seq and stamp is refused, as on ROS 1."""
    with virtual_bridge(profile="move_base") as bridge:
        front = bridge.world.fronts["porter-1"]
        link = connections.acquire(bridge.url)
        try:
            wait_for_sync(lambda: link.connected, what="the link")
            goal = roslibpy.Topic(
                link.ros,
                "/porter_1/move_base/goal",
                "move_base_msgs/MoveBaseActionGoal",
            )
            goal.publish(
                roslibpy.Message(
                    {
                        "header": dict(roslibpy.Header(frame_id="map")),
                        "goal_id": {"id": "g1"},
                        "goal": {"target_pose": {"header": {}, "pose": {}}},
                    }
                )
            )
            wait_for_sync(
                lambda: bridge.call(lambda: front.rejected_headers), what="the refusal"
            )
            assert not bridge.call(lambda: bridge.world.robots["porter-1"].driving)
        finally:
            connections.release(link)


def test_roslibpy_actionlib_client_works_against_virtual_move_base() -> None:
    """roslibpy's own ROS 1 ActionClient (which waits for a status) reaches a result."""
    with virtual_bridge(profile="move_base", speedup=20.0) as bridge:
        robot = bridge.world.fleet[0]
        link = connections.acquire(bridge.url)
        try:
            wait_for_sync(lambda: link.connected, what="the link")
            client = actionlib.ActionClient(
                link.ros, "/porter_1/move_base", "move_base_msgs/MoveBaseAction"
            )
            head = {"seq": 1, "stamp": {"secs": 0, "nsecs": 0}, "frame_id": "map"}
            target = {
                "position": {"x": robot.x + 2.0, "y": robot.y, "z": 0.0},
                "orientation": {"x": 0.0, "y": 0.0, "z": 0.0, "w": 1.0},
            }
            goal = actionlib.Goal(
                client,
                roslibpy.Message({"target_pose": {"header": head, "pose": target}}),
            )
            goal.send()
            goal.wait(timeout=10)
            assert goal.status["status"] == actionlib.GoalStatus.SUCCEEDED
            client.dispose()
        finally:
            connections.release(link)
