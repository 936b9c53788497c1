"""The jobs greedy places in one snapshot, as arrays: what scoring reads of them.

Per job its figures as a column (jobs x 1, to meet the robots' row in a numpy
block) and as a list (for one entry at a time in plain Python floats), and which
robots can serve it (capabilities and room).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

import numpy as np

from planners.greedy_fleet import FleetArrays
from planners.problem import Job, JobKind
from planners.timeline import EPS, can_serve


class JobArrays:
    """The jobs to place: per job, its figures as a column (jobs x 1, to meet the
    robots' row in a block) and as a list (for one entry at a time).

    A missing time is the bound that never binds: no drop-off ready time is
    ``-inf``, no latest pickup or hard due time ``inf``. The latest pickup and
    hard due time hold their slack (``+ EPS``), added as the timeline adds it.
    """

    def __init__(
        self, fleet: FleetArrays, jobs: Sequence[Job], previous: Mapping[str, str]
    ) -> None:
        index, times, std = fleet.travel.index, fleet.times, fleet.std
        pl = [index(j.pickup) for j in jobs]
        dl = [index(j.dropoff) for j in jobs]
        self.pickup_l, self.dropoff_l = pl, dl
        self.pickup, self.dropoff = np.array(pl, dtype=int), np.array(dl, dtype=int)
        figures = [_figures(j, times.get(j.load_class, std), p, d)
                   for j, p, d in zip(jobs, pl, dl, strict=True)]  # fmt: skip
        columns = np.array(figures, dtype=float).reshape(len(jobs), len(_FIGURES))
        as_lists = columns.T.tolist()
        for i, name in enumerate(_FIGURES):
            setattr(self, name, columns[:, i : i + 1])
            setattr(self, name + "_l", as_lists[i])
        self.escort_m = fleet.dist[self.pickup, self.dropoff][:, None]
        self.escort_m_l = self.escort_m[:, 0].tolist()
        robot_index = fleet.robot_index
        self.previous_l = [robot_index.get(previous.get(j.id, ""), -1) for j in jobs]
        self.previous = np.array(self.previous_l, dtype=int)
        self.mask = _masks(fleet, jobs)
        self.mask_l = self.mask.tolist()

    # The columns, set in __init__ from _FIGURES (for type checkers).
    ready: np.ndarray
    pickup_service: np.ndarray
    dropoff_service: np.ndarray
    loaded: np.ndarray
    walk: np.ndarray
    dropoff_ready: np.ndarray
    latest: np.ndarray
    due: np.ndarray
    ready_l: list[float]
    pickup_service_l: list[float]
    dropoff_service_l: list[float]
    loaded_l: list[float]
    walk_l: list[float]
    dropoff_ready_l: list[float]
    latest_l: list[float]
    due_l: list[float]


_FIGURES = (
    "ready",
    "pickup_service",
    "dropoff_service",
    "loaded",
    "walk",
    "dropoff_ready",
    "latest",
    "due",
)


def _figures(job: Job, loaded: np.ndarray, p: int, d: int) -> tuple[float, ...]:
    """A job's figures in the order of ``_FIGURES``."""
    guiding = job.kind is JobKind.GUIDANCE
    due = job.due_at if job.due_is_hard else None
    return (
        job.ready_at,
        job.pickup_service_s,
        job.dropoff_service_s,
        loaded.item(p, d),
        max(1.0, job.walking_factor) if guiding else 1.0,
        -math.inf if job.dropoff_ready_at is None else job.dropoff_ready_at,
        math.inf if job.pickup_latest is None else job.pickup_latest + EPS,
        math.inf if due is None else due + EPS,
    )


def _masks(fleet: FleetArrays, jobs: Sequence[Job]) -> np.ndarray:
    """Jobs x robots: the robot has what the job needs and room for it."""
    rows: dict[tuple[frozenset[str], bool, int], int] = {}
    masks: list[np.ndarray] = []
    for job in jobs:
        key = (job.requires, job.kind is JobKind.GUIDANCE, job.size)
        if key not in rows:
            rows[key] = len(masks)
            capable = [can_serve(robot, job) for robot in fleet.robots]
            masks.append(np.array(capable, dtype=bool) & (fleet.capacity >= job.size))
    keys = [rows[job.requires, job.kind is JobKind.GUIDANCE, job.size] for job in jobs]
    if not masks:
        return np.zeros((0, len(fleet.robots)), dtype=bool)
    return np.array(masks)[keys]
