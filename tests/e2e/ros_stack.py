"""Porter's service with its robots behind the virtual rosbridge, for e2e tests.

Wires what ``porter serve --fleet fleet.yaml`` wires: the SQL store, the core,
the dispatcher, and the adapters ``robot_adapters.assembly.ros_fleet`` builds
from a fleet file written for a running :mod:`sim.ros_world`, then serves the
API with uvicorn on a free port (:class:`tests.e2e.server.PorterServer`).
"""

from __future__ import annotations

import threading
import uuid
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

import uvicorn
import yaml

from fleet.api.app import create_app
from fleet.cli.ros_cmds import fleet_document
from fleet.core.engine import FleetCore
from fleet.core.model import Job, Robot
from fleet.service.service import FleetService
from fleet.store import open_store
from maps.loading import load_sample
from maps.matrix import TravelTimes
from planners.dispatch import dispatch
from planners.problem import DispatchProblem, Plan
from robot_adapters.assembly import ros_fleet
from tests.e2e.server import TEST_CORE, PorterServer, free_port, wait_until
from tests.robot_adapters.bridge import BridgeThread, virtual_bridge


class RosPorter(PorterServer):
    """A Porter server whose robots, lifts and doors are reached over rosbridge."""

    def __init__(self, database_url: str, fleet_file: Path) -> None:
        building = load_sample("demo_hospital")
        self.store = open_store(database_url)
        fleet = ros_fleet(fleet_file, building)
        travel = TravelTimes(building)

        def core(jobs: Sequence[Job], robots: Sequence[Robot]) -> FleetCore:
            prefix = f"{uuid.uuid4().hex[:6]}-"
            return FleetCore(
                building, TEST_CORE, jobs, robots, travel=travel, id_prefix=prefix
            )

        def planner(problem: DispatchProblem, previous: Plan | None) -> Plan:
            return dispatch(
                problem, time_limit_s=0.5, previous=previous, solver="greedy"
            )

        service = FleetService(
            building=building, store=self.store.jobs, core_factory=core,
            planner=planner, robots=fleet.ports, fleet=fleet.robots,
            lifts=fleet.lifts, doors=fleet.doors, tick_s=0.1,
        )  # fmt: skip
        self.ports = fleet.ports
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.app = create_app(service, tokens=self.store.tokens)
        config = uvicorn.Config(
            self.app, host="127.0.0.1", port=self.port, log_level="warning"
        )
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    def stop(self) -> None:
        try:
            super().stop()
        finally:
            self.store.close()


@contextmanager
def ros_porter(
    folder: Path,
    database_url: str,
    *,
    profile: str,
    robots: int = 2,
    speedup: float = 50,
) -> Iterator[tuple[RosPorter, BridgeThread]]:
    """A virtual rosbridge world and a Porter server driving it through a fleet file."""
    with virtual_bridge(profile=profile, robots=robots, speedup=speedup) as bridge:
        fleet_file = folder / "fleet.yaml"
        fleet_file.write_text(yaml.safe_dump(fleet_document(bridge.world)))
        server = RosPorter(database_url, fleet_file)
        server.start()
        try:
            wait_until(lambda: server.app.state.service.ready, what="service ready")
            yield server, bridge
        finally:
            server.stop()
