"""The fleet as a :class:`DispatchProblem`, and a :class:`Plan` applied back to it.

The snapshot holds the robots that can take work (idle, busy or charging, online,
not holding for a lift) with where and when each is next free: its position, or
the stop it is heading to; the open jobs not yet loaded; the loaded jobs as
``onboard`` of their robot; travel times between the nodes involved per load
class (an item category: waste takes dirty routes, medication may enter the ICU);
the building's chargers. A robot docked at a charger (or on its way to dock) is
free when it may leave the dock, charged as it will be then, and holds one of
the charger's docks until that time.

Applying a plan assigns jobs (audited), moves jobs not yet picked up to another
robot when the plan says so, gives jobs the plan left out back to ``requested``
with the reason, records ETAs that moved by more than a threshold, and gives each
robot its ordered stops. A robot between the pickup and drop-off of its loaded
jobs is never taken off them: the plan can only add stops around them.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence

from fleet.core.missions import Purpose
from fleet.core.model import ItemCategory, Job, JobKind, JobStatus, RobotState
from fleet.core.state import ON_ROBOT, FleetState
from fleet.core.values import positional
from maps.matrix import TravelTimes
from maps.model import PlaceKind
from planners import problem as p

DISPATCHABLE = frozenset({RobotState.IDLE, RobotState.BUSY, RobotState.CHARGING})


def dispatchable(state: FleetState, robot_id: str) -> bool:
    robot = state.robots.get(robot_id)
    return (
        robot is not None and robot.state in DISPATCHABLE and robot_id not in state.held
    )


def load_class(job: Job) -> str:
    """The planner's load class of a job: its item category (routing rules such as
    clean and restricted zones depend on it), ``standard`` for a person."""
    return "standard" if job.category == ItemCategory.PERSON else job.category.value


def build_problem(
    state: FleetState, travel: TravelTimes, now: float
) -> p.DispatchProblem:
    """The fleet's snapshot for the planner (see the module docstring)."""
    robots = [_robot(state, rid, now) for rid in sorted(state.robots)]
    planned = tuple(r for r in robots if r is not None)
    eligible = {r.id for r in planned}
    jobs = _planner_jobs(state, _snapshot_jobs(state, eligible))
    chargers = _chargers(state, [r for r in planned if _docking(state, r.id)])
    nodes = tuple(
        dict.fromkeys(
            [r.start for r in planned]
            + [n for j in jobs for n in (j.pickup, j.dropoff)]
            + [c.node for c in chargers]
        )
    )
    return p.DispatchProblem(
        now=now,
        robots=planned,
        jobs=jobs,
        travel=_matrix(travel, nodes, {j.load_class for j in jobs}, _fleet_caps(state)),
        chargers=chargers,
    )


def _snapshot_jobs(state: FleetState, eligible: set[str]) -> list[Job]:
    """The open jobs the planner sees, oldest first.

    Every job promised to or carried by a robot, and as many of those still
    waiting for one as fit with them in ``config.planner_max_waiting_jobs``: the
    most urgent priority first, then those waiting longest (first come, first
    served, so none starves). The rest wait for a later re-plan: they stay ``requested``
    and the plan does not mention them. Without the cap a backlog of tens of
    thousands would make every snapshot (built on the service's event loop) and
    every solve grow with it; taking from the front of the waiting line keeps
    the snapshot's cost flat.
    """
    chosen: dict[str, Job] = {}
    for job_ids in state.open_robot_jobs().values():
        for job_id in job_ids:
            job = state.jobs[job_id]
            if job.status != JobStatus.REQUESTED and _open(job, eligible):
                chosen[job_id] = job
    # Jobs already given to robots count too: otherwise every plan would add
    # up to the cap to the robots' queues and the snapshot would grow anyway.
    room = max(0, state.config.planner_max_waiting_jobs - len(chosen))
    for priority in sorted(state.waiting):
        for job_id in itertools.islice(state.waiting[priority], room):
            chosen[job_id] = state.jobs[job_id]
        room = max(0, room - len(state.waiting[priority]))
    return sorted(chosen.values(), key=lambda j: (j.created_at, j.id))


def _planner_jobs(state: FleetState, jobs: list[Job]) -> tuple[p.Job, ...]:
    """The planner's view of ``jobs``, reusing the last snapshot's for jobs that
    did not change (a re-plan sees mostly the same jobs as the one before)."""
    guide = _guide_size(state)
    known, fresh = state.planner_jobs, {}
    for job in jobs:
        seen = known.get(job.id)
        if seen is None or seen[0] is not job or seen[1] != guide:
            seen = (job, guide, _job(state, job, guide))
        fresh[job.id] = seen
    state.planner_jobs = fresh
    return tuple(seen[2] for seen in fresh.values())


def _open(job: Job, eligible: set[str]) -> bool:
    if job.status in ON_ROBOT:
        return job.robot_id in eligible
    return job.status in (JobStatus.REQUESTED, JobStatus.ASSIGNED, JobStatus.TO_PICKUP)


def _robot(state: FleetState, robot_id: str, now: float) -> p.Robot | None:
    if not dispatchable(state, robot_id):
        return None
    robot, run = state.robots[robot_id], state.runs.get(robot_id)
    start, free_at, soc = robot.waypoint, now, robot.battery_soc
    if run is not None and not run.at_service:
        start = run.mission.goal
        free_at = max(now, run.started_at + run.mission.time_s)
    if _docking(state, robot_id):
        # Free when it may leave the dock, charged as it will be then: a robot
        # told to stay until charged is not free now (the plan would keep jobs
        # waiting on it while other robots idle).
        free_at, soc = leaves_dock(state, robot_id, free_at)
    config = state.config
    onboard = tuple(j.id for j in state.jobs_of(robot_id, ON_ROBOT))
    # p.Robot(id, start, available_at, capacity, capabilities, battery_soc,
    # drain_per_m, reserve_soc, onboard, end, speed_factor), slot by slot.
    return _planner_robot(
        (robot_id, start, free_at, robot.compartments, robot.capabilities, soc,
         config.battery_drain_per_m, config.battery_reserve_soc, onboard, None, 1.0)
    )  # fmt: skip


#: ``p.Robot(*values)`` without a frozen ``__init__``'s per-field setattr: one per
#: robot and snapshot (~26,000 a simulated day).
_planner_robot = positional(p.Robot)


def _docking(state: FleetState, robot_id: str) -> bool:
    """Whether the robot is docked at a charger, or on its way to dock."""
    run = state.runs.get(robot_id)
    if run is not None:
        return run.mission.purpose == Purpose.CHARGE
    return state.robots[robot_id].state == RobotState.CHARGING


def leaves_dock(
    state: FleetState, robot_id: str, docked_at: float
) -> tuple[float, float]:
    """When a robot on the dock from ``docked_at`` may leave, and its charge then.

    As :func:`fleet.core.driving._may_leave_charger` decides: once charged, or
    once its ``charge_until`` has passed (none: at once). The charge it gains
    before ``docked_at`` (driving to the dock) is not counted.
    """
    config, soc = state.config, state.robots[robot_id].battery_soc
    until = state.charge_until.get(robot_id, docked_at)
    if soc >= config.charged_soc or until <= docked_at:
        return docked_at, soc
    rate = config.battery_charge_per_s
    leave = min(until, docked_at + (config.charged_soc - soc) / rate)
    return leave, min(1.0, soc + (leave - docked_at) * rate)


def _chargers(state: FleetState, docking: list[p.Robot]) -> tuple[p.Charger, ...]:
    """The building's chargers, each dock taken by a robot docked there (or on
    its way) until that robot is free."""
    taken: dict[str, list[float]] = {}
    for robot in docking:
        taken.setdefault(robot.start, []).append(robot.available_at)
    rate = state.config.battery_charge_per_s
    return tuple(
        p.Charger(
            place.waypoint,
            place.docks,
            rate,
            occupied_until=tuple(sorted(taken.get(place.waypoint, ()))),
        )
        for place in state.building.places_of_kind(PlaceKind.CHARGER)
    )


def _job(state: FleetState, job: Job, guide_size: int) -> p.Job:
    place, config = state.building.place, state.config
    pickup, dropoff = place(job.pickup).waypoint, place(job.dropoff).waypoint
    if job.status == JobStatus.RETURNING:
        pickup, dropoff = dropoff, pickup
    guidance = job.kind == JobKind.GUIDANCE
    return p.Job(
        id=job.id,
        pickup=pickup,
        dropoff=dropoff,
        kind=job.kind,
        size=guide_size if guidance else job.compartments,
        requires=job.requires,
        priority=job.priority,
        ready_at=job.ready_at or 0.0,
        due_at=job.due_at,
        pickup_service_s=config.pickup_service_s,
        dropoff_service_s=0.0 if guidance else config.dropoff_service_s,
        load_class=load_class(job),
        created_at=job.created_at,
        walking_factor=config.guidance_walking_factor if guidance else 1.0,
    )


def _guide_size(state: FleetState) -> int:
    """A guidance fills its robot: the capacity of the largest guide robot."""
    sizes = [
        r.compartments for r in state.robots.values() if "can_guide" in r.capabilities
    ]
    return max(sizes, default=1)


def _fleet_caps(state: FleetState) -> frozenset[str]:
    return frozenset().union(*(r.capabilities for r in state.robots.values()))


def _matrix(
    travel: TravelTimes, nodes: Sequence[str], loads: set[str], caps: frozenset[str]
) -> p.TravelMatrix:
    """Times per load class present (``maps`` caches equal rules as one matrix).

    Routing assumes the whole fleet's capabilities: a plan may send a robot through
    a restricted zone only some robots may enter (the mission route then refuses).
    """
    keys = tuple(nodes)
    # Distances follow the standard routes only: the others' are never read.
    times, distances = travel.load_times(keys, sorted(loads - {"standard"}), caps)
    return p.TravelMatrix(nodes=keys, times=times, distances=distances)


from fleet.core.assigning import apply_plan  # noqa: E402  (re-exported here)

__all__ = ["apply_plan", "build_problem", "dispatchable", "load_class"]
