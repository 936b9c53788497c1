"""The fleet state's per-robot indexes answer as a walk over every job would."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from fleet.core.config import CoreConfig
from fleet.core.model import ItemCategory, Job, JobKind, JobStatus
from fleet.core.state import FINAL, NOT_LOADED, ON_ROBOT, FleetState
from maps.loading import load_sample

ROBOTS = ("r1", "r2", "r3")
ASKED = (
    ON_ROBOT,
    NOT_LOADED,
    NOT_LOADED | {JobStatus.LOADING},
    FINAL,
    frozenset(JobStatus),
)

#: (job number, status, robot or None), or (job number, None, None): drop it.
changes = st.lists(
    st.tuples(
        st.integers(0, 5),
        st.none() | st.sampled_from(list(JobStatus)),
        st.none() | st.sampled_from(ROBOTS),
    ),
    max_size=40,
)


@settings(max_examples=60, deadline=None)
@given(changes)
def test_jobs_of_and_open_jobs_match_a_walk_over_all_jobs(
    steps: list[tuple[int, JobStatus | None, str | None]],
) -> None:
    """After any puts and drops: ``jobs_of`` for open or final statuses, and the
    open jobs per robot, are what filtering every job gives."""
    state = FleetState(load_sample("demo_hospital"), CoreConfig())
    for n, status, robot in steps:
        job_id = f"j{n}"
        if status is None:
            if job_id in state.jobs:
                state.drop_job(job_id)
            continue
        state.put_job(
            Job(
                job_id,
                JobKind.DELIVERY,
                "a",
                "b",
                ItemCategory.LINEN,
                "w",
                float(n),
                status=status,
                robot_id=robot,
            )
        )
    for robot in ROBOTS:
        mine = sorted(
            (j for j in state.jobs.values() if j.robot_id == robot),
            key=lambda j: (j.created_at, j.id),
        )
        for statuses in ASKED:
            assert state.jobs_of(robot, statuses) == [
                j for j in mine if j.status in statuses
            ]
        open_ids = {j.id for j in mine if not j.status.is_final}
        assert state.open_robot_jobs().get(robot, set()) == open_ids


def test_remembered_building_values_take_no_part_in_a_states_equality() -> None:
    """Two states with the same jobs and robots are equal whatever each has
    remembered of the building (route times, lift sessions, planner views)."""
    building = load_sample("demo_hospital")
    asked = FleetState(building, CoreConfig())
    fresh = FleetState(building, CoreConfig())
    asked.route_times[("pharmacy", "ward_1")] = 42.0
    asked.lift_sessions["lift_a"] = (30.0, 1)
    assert asked == fresh
    assert "route_times" not in repr(asked)
