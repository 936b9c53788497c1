"""Problem builders for planner tests: hand-made line corridors and random problems.

``corridor`` lays nodes on a line (a hospital corridor) at given x positions, so a
test can read travel times off the positions: 1 m/s, time = distance.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
from hypothesis import strategies as st

from planners.problem import (
    Charger,
    Costs,
    DispatchProblem,
    Job,
    JobKind,
    Priority,
    Robot,
    TravelMatrix,
)


def corridor(
    positions: Mapping[str, float],
    robots: Sequence[Robot],
    jobs: Sequence[Job],
    *,
    chargers: Sequence[Charger] = (),
    dirty_factor: float | None = None,
    blocked: Sequence[tuple[str, str]] = (),
    now: float = 0.0,
    costs: Costs | None = None,
) -> DispatchProblem:
    """A problem on a straight corridor: time (s) = distance (m) = |x_a - x_b|.

    ``dirty_factor`` adds a ``dirty`` load class that many times slower;
    ``blocked`` pairs have no route (both ways) in every load class.
    """
    nodes = tuple(positions)
    x = np.array([positions[n] for n in nodes], dtype=float)
    distances = np.abs(x[:, None] - x[None, :])
    times = {"standard": distances.copy()}
    if dirty_factor is not None:
        times["dirty"] = distances * dirty_factor
    for a, b in blocked:
        i, j = nodes.index(a), nodes.index(b)
        for matrix in times.values():
            matrix[i, j] = matrix[j, i] = np.inf
    travel = TravelMatrix(nodes=nodes, times=times, distances=distances)
    return DispatchProblem(
        now=now,
        robots=tuple(robots),
        jobs=tuple(jobs),
        travel=travel,
        chargers=tuple(chargers),
        costs=costs or Costs(),
    )


CAPABILITIES = ("secure_drawer", "refrigerated", "can_guide")


@st.composite
def dispatch_problems(draw: st.DrawFn, max_nodes: int = 7) -> DispatchProblem:
    """Small random problems: matrices, robots, jobs, windows, chargers, onboard.

    Onboard jobs are generated so that some plan can always honour them (soft due,
    within capacity, capable robot, reachable, enough battery): a robot cannot put
    down what it already carries, so an impossible onboard job is bad input.
    """
    n = draw(st.integers(3, max_nodes))
    nodes = tuple(f"n{i}" for i in range(n))
    xy = np.array(
        draw(
            st.lists(
                st.tuples(st.integers(0, 60), st.integers(0, 60)),
                min_size=n,
                max_size=n,
            )
        ),
        dtype=float,
    )
    distances = np.hypot(*(xy[:, None, :] - xy[None, :, :]).transpose(2, 0, 1))
    dirty = distances * draw(st.sampled_from([1.0, 1.5]))
    # the last node is cut off for dirty loads: unreachable dirty jobs
    if draw(st.booleans()):
        dirty[-1, :-1] = dirty[:-1, -1] = np.inf
    travel = TravelMatrix(nodes, {"standard": distances, "dirty": dirty}, distances)
    chargers = tuple(
        Charger(node, docks=draw(st.integers(1, 2)), rate_per_s=0.01)
        for node in draw(st.lists(st.sampled_from(nodes[:-1]), max_size=2, unique=True))
    )
    jobs = [draw(_jobs(nodes, f"j{i}")) for i in range(draw(st.integers(0, 8)))]
    robots = []
    for r in range(draw(st.integers(1, 4))):
        robot, carried = draw(_robots(nodes[:-1], f"r{r}", bool(chargers)))
        robots.append(robot)
        jobs.extend(carried)
    return DispatchProblem(
        now=0.0,
        robots=tuple(robots),
        jobs=tuple(jobs),
        travel=travel,
        chargers=chargers,
    )


@st.composite
def _jobs(draw: st.DrawFn, nodes: Sequence[str], job_id: str) -> Job:
    pickup, dropoff = draw(
        st.lists(st.sampled_from(nodes), min_size=2, max_size=2, unique=True)
    )
    kind = draw(st.sampled_from([JobKind.DELIVERY] * 4 + [JobKind.GUIDANCE]))
    ready = float(draw(st.integers(0, 200)))
    due = draw(st.none() | st.integers(0, 400).map(float))
    return Job(
        id=job_id,
        pickup=pickup,
        dropoff=dropoff,
        kind=kind,
        size=draw(st.integers(1, 3)),
        requires=frozenset(
            draw(st.sets(st.sampled_from(CAPABILITIES[:2]), max_size=1))
        ),
        priority=draw(st.sampled_from(list(Priority))),
        ready_at=ready,
        due_at=None if due is None else ready + due,
        due_is_hard=draw(st.booleans()),
        pickup_service_s=float(draw(st.integers(0, 20))),
        dropoff_service_s=float(draw(st.integers(0, 20))),
        load_class=draw(st.sampled_from(["standard", "standard", "dirty"])),
        created_at=float(draw(st.integers(0, 100))),
        walking_factor=draw(st.sampled_from([1.0, 2.0])),
        pickup_latest=draw(st.none() | st.integers(0, 300).map(float)),
    )


@st.composite
def _robots(
    draw: st.DrawFn,
    nodes: Sequence[str],
    robot_id: str,
    has_chargers: bool,
) -> tuple[Robot, list[Job]]:
    capacity = draw(st.integers(1, 4))
    capabilities = frozenset(draw(st.sets(st.sampled_from(CAPABILITIES))))
    low_battery = has_chargers and draw(st.booleans())
    carried = [
        Job(
            id=f"{robot_id}-carried{k}",
            pickup=draw(st.sampled_from(nodes)),
            dropoff=draw(st.sampled_from(nodes)),
            size=1,
            priority=draw(st.sampled_from(list(Priority))),
            due_at=float(draw(st.integers(0, 300))),
        )
        for k in range(draw(st.integers(0, min(capacity, 2))))
    ]
    robot = Robot(
        id=robot_id,
        start=draw(st.sampled_from(nodes)),
        available_at=float(draw(st.integers(0, 50))),
        capacity=capacity,
        capabilities=capabilities,
        battery_soc=draw(st.sampled_from([0.5, 1.0])) if low_battery else 1.0,
        drain_per_m=draw(st.sampled_from([0.002, 0.005])) if low_battery else 0.0,
        reserve_soc=0.2 if low_battery else 0.0,
        onboard=tuple(job.id for job in carried),
        speed_factor=draw(st.sampled_from([1.0, 0.5])),
        end=draw(st.none() | st.sampled_from(nodes)),
    )
    return robot, carried
