"""The composition root: settings -> store, core, virtual robots, service.

The only place that names concrete adapters: the SQL store, the dispatcher, the
virtual robots, lifts and doors of ``sim``. A real site would swap the virtual
robots for ``robot_adapters`` here and nowhere else.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING

from fleet.api.virtual_time import sped_up_core
from fleet.core.config import CoreConfig
from fleet.core.engine import FleetCore
from fleet.core.model import Job, Robot
from fleet.core.ports import RobotPort
from fleet.service.planner_process import PlannerProcess
from fleet.service.service import FleetService
from fleet.store import SqlCommandBox, Store, open_store
from maps.loading import load_building, load_sample
from maps.matrix import TravelTimes
from maps.model import Building
from planners.dispatch import Solver
from sim.demo_fleet import demo_robots, start_pose
from sim.motion import Battery
from sim.virtual_lifts import VirtualDoors, VirtualLifts
from sim.virtual_robots import VirtualRobot

if TYPE_CHECKING:
    from robot_adapters.assembly import RosFleet

__all__ = ["Assembly", "ServeSettings", "assemble", "site_building", "virtual_battery"]


@dataclass(frozen=True, slots=True)
class ServeSettings:
    """What ``porter serve`` was asked for."""

    #: A map file, or the name of a sample building.
    building: str = "demo_hospital"
    #: SQLAlchemy URL; ``None``: ``PORTER_DATABASE_URL`` or ``porter.db`` here.
    database_url: str | None = None
    robots: int = 6
    #: Virtual robots, lifts and doors run this many times faster than life.
    speed: float = 10.0
    robot_speed_mps: float = 1.0
    solver: Solver = "ortools"
    tick_s: float = 0.5
    #: Send a trickle of demo requests (and confirm their hand-offs).
    demo_traffic: bool = False
    core: CoreConfig = field(default_factory=CoreConfig)
    #: A fleet file (``fleet.yaml``): robots, lifts and doors reached over rosbridge
    #: (``robot_adapters``) instead of virtual ones; ``robots`` is then unused.
    fleet_file: str | None = None


@dataclass
class Assembly:
    """A wired service and what must be closed after it stops."""

    service: FleetService
    store: Store
    robots: dict[str, VirtualRobot] | dict[str, RobotPort]

    def close(self) -> None:
        self.store.close()


def site_building(spec: str) -> Building:
    """A map file if ``spec`` names one, else the sample building of that name."""
    path = Path(spec)
    if path.suffix in {".yaml", ".yml"} or path.exists():
        return load_building(path)
    return load_sample(spec)


def assemble(settings: ServeSettings, *, building: Building | None = None) -> Assembly:
    """Open the store and wire a service with virtual robots, lifts and doors."""
    building = building or site_building(settings.building)
    store = open_store(settings.database_url)
    try:
        ros = _ros_fleet(settings, building)
        stored = {robot.id: robot for robot in store.jobs.list_robots()}
        ports: dict[str, VirtualRobot] | dict[str, RobotPort]
        if ros is not None:
            fleet, ports = ros.robots, dict(ros.ports)
        else:
            fleet = demo_robots(
                building, settings.robots, speed_mps=settings.robot_speed_mps
            )
            ports = {
                robot.id: _virtual(stored.get(robot.id, robot), settings)
                for robot in fleet
            }

        if ros is not None:
            travel, core = TravelTimes(building), settings.core
        else:
            travel = TravelTimes(building, speedup=settings.speed)
            core = sped_up_core(virtual_battery(settings), settings.speed)

        def core_factory(jobs: Sequence[Job], robots: Sequence[Robot]) -> FleetCore:
            # A fresh id prefix per core: command ids never repeat across restarts.
            prefix = f"{uuid.uuid4().hex[:6]}-"
            return FleetCore(
                building, core, jobs, robots, travel=travel, id_prefix=prefix
            )

        planner = PlannerProcess(
            time_limit_s=settings.core.planner_time_limit_s, solver=settings.solver
        )
        service = FleetService(
            building=building,
            store=store.jobs,
            core_factory=core_factory,
            planner=planner,
            robots=ports,
            fleet=fleet,
            # Real robots never get a pretend lift; doors the fleet file leaves out
            # are taken as automatic ones that open by themselves.
            lifts=ros.lifts if ros else VirtualLifts(building, speedup=settings.speed),
            doors=(ros and ros.doors) or VirtualDoors(building, speedup=settings.speed),
            tick_s=settings.tick_s,
            # A network database: write from a worker thread while the loop serves
            # requests. SQLite: write on the loop (a write is shorter than the hop).
            write_in_thread=store.engine.dialect.name != "sqlite",
            # Several processes may serve one database: the lock holder
            # dispatches, the others hand it their changes through the table.
            leader_lock=store.leader,
            commands=SqlCommandBox(store.engine),
        )
    except BaseException:
        store.close()
        raise
    return Assembly(service=service, store=store, robots=ports)


def virtual_battery(settings: ServeSettings) -> CoreConfig:
    """The core's config told the virtual robots' battery: what they drain per
    metre and charge per second. Without it the planner never plans a charge,
    robots run flat, and a flat one then stays docked for minutes. A drain
    already set is kept.

    The rates are the robots' own; :func:`fleet.api.virtual_time.sped_up_core`
    then speeds charging up with travel, lifts and hand-offs (charging alone sped
    up made a docked robot look sooner free than an idle one across the building,
    so jobs waited on docks while robots idled).
    """
    if settings.core.battery_drain_per_m > 0:
        return settings.core
    battery = Battery()
    return replace(
        settings.core,
        battery_drain_per_m=battery.drain_per_m,
        battery_charge_per_s=battery.charge_per_s,
    )


def _ros_fleet(settings: ServeSettings, building: Building) -> RosFleet | None:
    """The fleet file's robots, lifts and doors over rosbridge, if one is given."""
    if not settings.fleet_file:
        return None
    from robot_adapters.assembly import ros_fleet  # roslibpy only when asked for

    return ros_fleet(settings.fleet_file, building)


def _virtual(robot: Robot, settings: ServeSettings) -> VirtualRobot:
    return VirtualRobot(
        robot.id,
        start_pose(robot),
        speed_mps=robot.speed_mps,
        speedup=settings.speed,
        battery_soc=robot.battery_soc,
    )
