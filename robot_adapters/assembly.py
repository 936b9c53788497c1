"""From a fleet file to ports: what the composition root needs to run ROS robots.

:func:`ros_fleet` reads ``fleet.yaml`` against the building and returns the
fleet's robots as the core knows them (at their home chargers) with one
:class:`~robot_adapters.ros_bridge.RosRobot` per robot and, when the file lists
them, the lift and door ports. ``porter serve --fleet`` wires these in place of
the virtual robots.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from fleet.core.model import Robot
from fleet.core.ports import DoorPort, LiftPort, Pose, RobotPort
from maps.model import Building
from robot_adapters.doors import RosDoors
from robot_adapters.fleet_config import FleetConfig, RobotConfig, load_fleet
from robot_adapters.lifts import RosLifts
from robot_adapters.ros_bridge import RosRobot

__all__ = ["RosFleet", "ros_fleet", "ros_ports"]


@dataclass
class RosFleet:
    """The robots and the ports a fleet file describes."""

    robots: tuple[Robot, ...]
    ports: dict[str, RobotPort]
    lifts: LiftPort | None
    doors: DoorPort | None


def ros_fleet(path: str | Path, building: Building) -> RosFleet:
    """Read ``path`` (raising FleetConfigError) and build its adapters."""
    return ros_ports(load_fleet(path, building), building)


def ros_ports(config: FleetConfig, building: Building) -> RosFleet:
    robots = tuple(_robot(entry, building) for entry in config.robots)
    ports: dict[str, RobotPort] = {
        entry.id: RosRobot(
            entry.id,
            entry.url,
            entry.names,
            level=robot.level,
            pose=Pose(robot.level, robot.x, robot.y),
            frames=entry.frames,
            maps=entry.maps,
            docks=entry.docks,
        )
        for entry, robot in zip(config.robots, robots, strict=True)
    }
    lifts = doors = None
    if config.lifts is not None and config.lifts.lifts:
        lifts = RosLifts(
            config.lifts.url,
            config.lifts.lifts,
            requests_topic=config.lifts.requests_topic,
            states_topic=config.lifts.states_topic,
        )
    if config.doors is not None and config.doors.doors:
        doors = RosDoors(
            config.doors.url,
            config.doors.doors,
            requests_topic=config.doors.requests_topic,
            states_topic=config.doors.states_topic,
        )
    return RosFleet(robots, ports, lifts, doors)


def _robot(entry: RobotConfig, building: Building) -> Robot:
    waypoint = building.waypoint(building.place(entry.home).waypoint)
    return Robot(
        id=entry.id,
        model=entry.model,
        capabilities=entry.capabilities,
        compartments=entry.compartments,
        level=waypoint.level,
        waypoint=waypoint.id,
        x=waypoint.x,
        y=waypoint.y,
        home_charger=entry.home,
        speed_mps=entry.speed_mps,
    )
