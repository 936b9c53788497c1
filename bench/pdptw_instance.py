"""Li & Lim PDPTW instances and best-known solutions as Porter sees them.

Reads the files of ``../shared/bench/pdptw`` (format in its README) and turns an
instance into a :class:`DispatchProblem`: K robots of capacity Q at the depot that
must return there (``Robot.end``), one job per pickup/delivery pair with hard
windows on both ends (pickup ``ready_at``/``pickup_latest``, delivery
``dropoff_ready_at``/``due_at`` with ``due_is_hard``), service times at both ends,
travel time = Euclidean distance. The depot's horizon is not modelled: on every
100-task instance ``latest + service + distance to depot <= horizon`` holds for
each node, so hard windows imply it; :func:`evaluate` checks it anyway.
"""

from __future__ import annotations

import csv
import math
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from planners.problem import Costs, DispatchProblem, Job, Priority, Robot, TravelMatrix

#: Fewest robots first: one robot outweighs any plausible total distance.
PER_ROBOT = 100_000.0
#: Leaving a job out must cost more than a robot.
UNSERVED = 10_000_000.0


@dataclass(frozen=True, slots=True)
class Site:
    """One node of an instance (``id`` as in the file)."""

    id: int
    x: float
    y: float
    demand: int
    earliest: float
    latest: float
    service: float
    pickup_of: int  # for a delivery: its pickup
    delivery_of: int  # for a pickup: its delivery


@dataclass(frozen=True, slots=True)
class Instance:
    name: str
    vehicles: int
    capacity: int
    sites: tuple[Site, ...]

    def distance(self, a: int, b: int) -> float:
        sa, sb = self.sites[a], self.sites[b]
        return math.hypot(sa.x - sb.x, sa.y - sb.y)


def parse(path: Path) -> Instance:
    """Read an instance file; errors name the file and line."""
    lines = [line.split() for line in path.read_text().splitlines() if line.strip()]
    if not lines or len(lines[0]) < 2:
        raise ValueError(f"{path}: first line must be 'K Q S'")
    vehicles, capacity = int(lines[0][0]), int(lines[0][1])
    sites = []
    for number, fields in enumerate(lines[1:], start=2):
        if len(fields) != 9:
            raise ValueError(f"{path}:{number}: expected 9 fields, got {len(fields)}")
        i, x, y, q, e, late, s, p, d = fields
        sites.append(
            Site(int(i), float(x), float(y), int(q), float(e), float(late),
                 float(s), int(p), int(d))
        )  # fmt: skip
    for position, site in enumerate(sites):
        if site.id != position:
            raise ValueError(f"{path}: node {site.id} is at position {position}")
    return Instance(path.stem, vehicles, capacity, tuple(sites))


def to_problem(instance: Instance) -> DispatchProblem:
    """The instance as a dispatch problem (see the module docstring)."""
    sites = instance.sites
    xy = np.array([(s.x, s.y) for s in sites])
    metres = np.hypot(*(xy[:, None, :] - xy[None, :, :]).transpose(2, 0, 1))
    nodes = tuple(str(s.id) for s in sites)
    travel = TravelMatrix(nodes, {"standard": metres}, metres)
    robots = tuple(
        Robot(f"v{k}", "0", 0.0, capacity=instance.capacity, end="0")
        for k in range(instance.vehicles)
    )
    jobs = tuple(
        _job(site, sites[site.delivery_of]) for site in sites[1:] if site.demand > 0
    )
    costs = Costs(
        unassigned={p: UNSERVED for p in Priority},
        per_robot=PER_ROBOT,
        reassignment=0.0,
        completion_per_s={},  # robots then distance: no cost for finishing late
    )
    return DispatchProblem(0.0, robots, jobs, travel, costs=costs)


def _job(pickup: Site, delivery: Site) -> Job:
    return Job(
        id=str(pickup.id),
        pickup=str(pickup.id),
        dropoff=str(delivery.id),
        size=pickup.demand,
        ready_at=pickup.earliest,
        pickup_latest=pickup.latest,
        dropoff_ready_at=delivery.earliest,
        due_at=delivery.latest,
        due_is_hard=True,
        pickup_service_s=pickup.service,
        dropoff_service_s=delivery.service,
    )


def evaluate(instance: Instance, routes: list[list[int]]) -> tuple[float, list[str]]:
    """Total distance in double precision and the rules broken (depot implicit)."""
    sites, total, broken = instance.sites, 0.0, []
    seen: list[int] = []
    for number, route in enumerate(routes, start=1):
        time, load, at, onboard = 0.0, 0, 0, set()
        for node in [*route, 0]:
            leg = instance.distance(at, node)
            total, time, at = total + leg, time + leg, node
            site = sites[node]
            time = max(time, site.earliest)
            if time > site.latest + 1e-9:
                broken.append(f"route {number}: node {node} starts at {time:.4f}")
            time += site.service
            load += site.demand
            if load > instance.capacity:
                broken.append(f"route {number}: load {load} at node {node}")
            if site.demand > 0:
                onboard.add(node)
            elif site.demand < 0 and site.pickup_of not in onboard:
                broken.append(f"route {number}: {node} before its pickup")
        seen.extend(route)
    expected = set(range(1, len(sites)))
    if sorted(seen) != sorted(expected):
        broken.append("not every node visited exactly once")
    return total, broken


def read_bks(path: Path, clients: int = 100) -> dict[str, tuple[int, float]]:
    """Best-known (routes, distance) by instance name."""
    with path.open(newline="") as handle:
        return {
            row["instance"]: (int(row["routes"]), float(row["distance"]))
            for row in csv.DictReader(handle)
            if int(row["clients"]) == clients
        }


def read_solution(path: Path) -> list[list[int]]:
    """The routes of a SINTEF solution file (``Route k : id id ...``)."""
    return [
        [int(token) for token in line.split(":", 1)[1].split()]
        for line in path.read_text().splitlines()
        if line.startswith("Route")
    ]
