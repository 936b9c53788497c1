"""Virtual ROS robots, lifts and doors of a building, behind one rosbridge server.

``porter sim rosbridge`` runs one of these; the ROS tests start one on a free
port. Robots stand at the building's chargers (as the demo fleet does), each
under the namespace of its id (``porter-1`` -> ``/porter_1``), in a map frame
equal to the building frame; the robot's level follows its initial poses.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from fleet.core.model import Robot
from fleet.core.ports import Pose
from maps.model import Building, PlaceKind
from sim.demo_fleet import demo_robots
from sim.ros_fronts import MoveBaseFront, Nav2DockFront, Nav2Front
from sim.ros_graph import RosGraph
from sim.ros_lifts import RmfDoors, RmfLifts
from sim.ros_robots import VirtualRosRobot
from sim.rosbridge_server import RosbridgeServer, add_rosapi

__all__ = ["PROFILES", "RosWorld", "namespace_for", "ros_world"]

PROFILES = ("nav2", "move_base")


def namespace_for(robot_id: str) -> str:
    """A ROS namespace for a robot id (ROS names take no ``-``)."""
    return "".join(c if c.isalnum() or c == "_" else "_" for c in robot_id)


@dataclass
class RosWorld:
    """The graph, the server in front of it, and the devices on it."""

    building: Building
    profile: str
    graph: RosGraph
    server: RosbridgeServer
    fleet: tuple[Robot, ...]
    robots: dict[str, VirtualRosRobot] = field(default_factory=dict)
    fronts: dict[str, Nav2Front | MoveBaseFront] = field(default_factory=dict)
    docking: dict[str, Nav2DockFront] = field(default_factory=dict)
    lifts: RmfLifts | None = None
    doors: RmfDoors | None = None

    @property
    def url(self) -> str:
        return f"ws://{self.server.host}:{self.server.port}"

    def set_speedup(self, speedup: float) -> None:
        """Run the world faster or slower from the next goal, ride or door on."""
        for robot in self.robots.values():
            robot.speedup = speedup
        if self.lifts is not None:
            self.lifts.lifts.speedup = speedup
        if self.doors is not None:
            self.doors.doors.speedup = speedup

    async def start(self) -> None:
        for robot in self.robots.values():
            robot.start()
        if self.lifts is not None:
            await self.lifts.start()
        if self.doors is not None:
            await self.doors.start()
        await self.server.start()

    async def stop(self) -> None:
        await self.server.stop()
        for robot in self.robots.values():
            await robot.stop()
        if self.lifts is not None:
            await self.lifts.stop()
        if self.doors is not None:
            await self.doors.stop()


def ros_world(
    building: Building,
    *,
    robots: int,
    profile: str = "nav2",
    host: str = "127.0.0.1",
    port: int = 9090,
    speedup: float = 1.0,
    speed_mps: float = 1.0,
) -> RosWorld:
    """A world of ``robots`` virtual ROS robots at the chargers (not started)."""
    if profile not in PROFILES:
        raise ValueError(f"profile {profile!r} is not one of {', '.join(PROFILES)}")
    ros1 = profile == "move_base"
    graph = RosGraph()
    add_rosapi(graph, ros1=ros1)
    fleet = demo_robots(building, robots, speed_mps=speed_mps)
    docks = tuple(
        (building.waypoint(p.waypoint).x, building.waypoint(p.waypoint).y)
        for p in building.places_of_kind(PlaceKind.CHARGER)
    )
    world = RosWorld(
        building, profile, graph, RosbridgeServer(graph, host, port), fleet
    )
    for robot in fleet:
        virtual = VirtualRosRobot(
            graph,
            namespace_for(robot.id),
            Pose(robot.level, robot.x, robot.y),
            ros1=ros1,
            speed_mps=speed_mps,
            speedup=speedup,
            battery_soc=robot.battery_soc,
            docks=docks,
        )
        world.robots[robot.id] = virtual
        front = MoveBaseFront(virtual) if ros1 else Nav2Front(virtual)
        world.fronts[robot.id] = front
        if not ros1:
            world.docking[robot.id] = Nav2DockFront(virtual)
    if building.lifts:
        world.lifts = RmfLifts(graph, building, speedup=speedup)
    if building.doors:
        world.doors = RmfDoors(graph, building, speedup=speedup)
    return world
