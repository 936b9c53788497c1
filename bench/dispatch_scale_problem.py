"""Generated hospital dispatch problems on the demo hospital's travel times.

Nodes are the waypoints of the demo hospital's places; travel times come from
``maps.matrix.TravelTimes`` per load class (item category), as ``fleet.core``
builds them. The mix: medication (some controlled: secure drawer), specimens and
blood products (secure + refrigerated), clean and soiled linen, meals, waste and a
few guidances from reception; STAT / urgent / routine shares per category; ready
times spread over the next hour; due 15 min (STAT), 45 min (urgent) or 2 h
(routine) after ready; robots of 2-4 compartments, some with secure drawers,
refrigeration or guiding; batteries between 30 % and 100 %, draining 1 % per
200 m with a 15 % reserve; the building's chargers with their docks; a fifth of
the robots carrying one job already.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from maps.loading import load_sample
from maps.matrix import TravelTimes
from maps.model import Building, PlaceKind
from planners.problem import (
    Charger,
    DispatchProblem,
    Job,
    JobKind,
    Priority,
    Robot,
    TravelMatrix,
)

FLEET_CAPS = frozenset({"secure_drawer", "refrigerated", "can_guide"})
SECURE = frozenset({"secure_drawer"})
COLD = frozenset({"secure_drawer", "refrigerated"})
DUE_S = {Priority.STAT: 15 * 60.0, Priority.URGENT: 45 * 60.0, Priority.ROUTINE: 7200.0}
GUIDE_SIZE = 2

#: (category, share, source kinds, destination kinds, requires, STAT, urgent share)
MIX: tuple[tuple[str, float, str, str, frozenset[str], float, float], ...] = (
    ("medication", 0.25, "pharmacy", "care", frozenset(), 0.20, 0.30),
    ("controlled_substance", 0.05, "pharmacy", "care", SECURE, 0.20, 0.30),
    ("specimen", 0.18, "care", "lab", frozenset(), 0.25, 0.35),
    ("blood_product", 0.03, "lab", "care", COLD, 0.50, 0.30),
    ("linen", 0.12, "linen", "ward", frozenset(), 0.0, 0.10),
    ("soiled_linen", 0.10, "ward", "soiled", frozenset(), 0.0, 0.05),
    ("meal", 0.14, "kitchen", "ward", frozenset(), 0.0, 0.20),
    ("waste", 0.10, "care", "waste", frozenset(), 0.0, 0.05),
    ("person", 0.03, "reception", "clinic", frozenset(), 0.10, 0.40),
)


class HospitalGenerator:
    """Robots and jobs on the demo hospital; travel matrices computed once."""

    def __init__(self, seed: int) -> None:
        self.rng = np.random.default_rng(seed)
        self.building: Building = load_sample("demo_hospital")
        places = self.building.places
        self.by_kind = {
            "pharmacy": _wp(places, {PlaceKind.PHARMACY}),
            "lab": _wp(places, {PlaceKind.LAB}),
            "kitchen": _wp(places, {PlaceKind.KITCHEN}),
            "reception": _wp(places, {PlaceKind.RECEPTION}),
            "waste": _wp(places, {PlaceKind.WASTE}),
            "linen": [p.waypoint for p in places if p.id == "linen_room"],
            "soiled": [p.waypoint for p in places if p.id == "soiled_linen"],
            "ward": _wp(places, {PlaceKind.WARD}),
            "clinic": _wp(places, {PlaceKind.CLINIC}),
            "care": _wp(places, {PlaceKind.WARD, PlaceKind.CLINIC}),
        }
        self.starts = (
            _wp(
                places,
                {PlaceKind.WARD, PlaceKind.NURSING_STATION, PlaceKind.PARKING},
            )
            + self.by_kind["pharmacy"]
            + self.by_kind["kitchen"]
        )
        self.chargers = tuple(
            Charger(p.waypoint, p.docks, 1 / 1800)
            for p in places
            if p.kind is PlaceKind.CHARGER
        )
        self.travel = _matrix(self.building, tuple(p.waypoint for p in places))
        self.serial = 0

    def level_of(self, node: str) -> str:
        return self.building.waypoint(node).level

    def job(self, now: float, ready_within_s: float = 3600.0) -> Job:
        """One new request of the mix."""
        rng = self.rng
        shares = np.array([m[1] for m in MIX])
        cat, _, src, dst, requires, stat, urgent = MIX[
            rng.choice(len(MIX), p=shares / shares.sum())
        ]
        draw = rng.random()
        priority = (
            Priority.STAT
            if draw < stat
            else Priority.URGENT
            if draw < stat + urgent
            else Priority.ROUTINE
        )
        # A STAT request is ready now; the others over the next hour.
        stat_now = priority is Priority.STAT
        ready = now if stat_now else now + float(rng.uniform(0, ready_within_s))
        self.serial += 1
        guidance = cat == "person"
        pickup, dropoff = self._legal_pair(src, dst, cat)
        return Job(
            id=f"j{self.serial}",
            pickup=pickup,
            dropoff=dropoff,
            kind=JobKind.GUIDANCE if guidance else JobKind.DELIVERY,
            size=GUIDE_SIZE if guidance else int(1 + (cat in ("linen", "meal"))),
            requires=requires,
            priority=priority,
            ready_at=ready,
            due_at=ready + DUE_S[priority],
            pickup_service_s=30.0,
            dropoff_service_s=0.0 if guidance else 30.0,
            load_class="standard" if guidance else cat,
            created_at=now - rng.uniform(0, 600),
            walking_factor=1.6 if guidance else 1.0,
        )

    def _legal_pair(self, src: str, dst: str, category: str) -> tuple[str, str]:
        """A pickup and drop-off with a legal route for the category, both ways
        reachable empty (a request nobody can serve is not a dispatch figure)."""
        load = "standard" if category == "person" else category
        for _ in range(100):
            a = str(self.rng.choice(self.by_kind[src]))
            b = str(self.rng.choice(self.by_kind[dst]))
            legs = [self.travel.time(a, b, load), self.travel.time(b, a)]
            if all(np.isfinite(legs)):
                return a, b
        raise ValueError(f"no legal {category} route from {src} to {dst}")

    def robot(self, i: int) -> Robot:
        rng = self.rng
        guide = i % 10 == 0
        secure = not guide and i % 3 == 0
        caps = {"can_guide"} if guide else set()
        if secure:
            caps |= {"secure_drawer"} | ({"refrigerated"} if i % 2 == 0 else set())
        return Robot(
            id=f"r{i}",
            start=str(rng.choice(self.starts)),
            available_at=0.0,
            capacity=GUIDE_SIZE if guide else int(rng.integers(2, 5)),
            capabilities=frozenset(caps),
            battery_soc=float(rng.uniform(0.3, 1.0)),
            drain_per_m=5e-5,
            reserve_soc=0.15,
        )

    def problem(self, robots: int, jobs: int, now: float = 0.0) -> DispatchProblem:
        """``robots`` robots and ``jobs`` open jobs, a fifth of robots loaded."""
        fleet = [self.robot(i) for i in range(robots)]
        open_jobs = [self.job(now) for _ in range(jobs)]
        taken: set[int] = set()
        for i, robot in enumerate(fleet):
            if i % 5 != 1:
                continue
            for k, job in enumerate(open_jobs):
                fits = job.requires <= robot.capabilities and job.size <= robot.capacity
                if k in taken or job.kind is not JobKind.DELIVERY or not fits:
                    continue
                taken.add(k)
                open_jobs[k] = replace(job, ready_at=now)
                # Just loaded: the robot is where it picked the job up.
                fleet[i] = replace(robot, start=job.pickup, onboard=(job.id,))
                break
        return DispatchProblem(
            now=now,
            robots=tuple(fleet),
            jobs=tuple(open_jobs),
            travel=self.travel,
            chargers=self.chargers,
        )


def _wp(places: tuple, kinds: set[PlaceKind]) -> list[str]:
    return [p.waypoint for p in places if p.kind in kinds]


def _matrix(building: Building, nodes: tuple[str, ...]) -> TravelMatrix:
    """Times per item category, as ``fleet.core.dispatching`` builds them."""
    travel = TravelTimes(building)
    standard = travel.matrix(nodes, capabilities=FLEET_CAPS)
    times = {"standard": standard.times}
    for cat, *_ in MIX:
        if cat != "person":
            times[cat] = travel.matrix(nodes, load=cat, capabilities=FLEET_CAPS).times
    return TravelMatrix(nodes=nodes, times=times, distances=standard.distances)
