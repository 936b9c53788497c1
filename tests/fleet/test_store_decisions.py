"""SqlJobStore.save_decision: a whole decision in one transaction, or nothing."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator

import pytest

from fleet.core.errors import Conflict, NotFound
from fleet.core.model import AuditEvent, JobStatus, RobotState
from fleet.core.ports import JobQuery
from fleet.store import Store, open_store
from tests.fleet.store_samples import created, full_robot, plain_job


@pytest.fixture
def store(database_url: str) -> Iterator[Store]:
    opened = open_store(database_url)
    yield opened
    opened.close()


def _assigned(job_id: str, at: float) -> AuditEvent:
    return AuditEvent(at, "job", job_id, "dispatcher", "requested", "assigned", "plan")


def test_decision_writes_new_and_changed_jobs_and_robots(store: Store) -> None:
    """New jobs, a version-guarded update and a robot land together, in order."""
    old = plain_job("j-old")
    store.jobs.create_job(old, created(old))
    new = plain_job("j-new", created_at=200.0)
    moved = dataclasses.replace(old, status=JobStatus.ASSIGNED, version=2)
    robot = full_robot(state=RobotState.BUSY)
    busy = AuditEvent(201.0, "robot", robot.id, "dispatcher", "idle", "busy", "plan")
    extra = AuditEvent(200.5, "job", "j-new", "engine", None, None, "pin set")
    earlier = store.jobs.save_decision(
        [(new, None, [created(new), extra]), (moved, 1, [_assigned("j-old", 201.0)])],
        [(robot, [busy])],
        idempotency_key="k",
    )
    assert earlier is None
    assert store.jobs.get_job("j-new") == new
    assert store.jobs.get_job("j-old") == moved
    assert store.jobs.get_robot(robot.id) == robot
    assert store.jobs.history("job", "j-new") == [created(new), extra]
    assert store.jobs.history("robot", robot.id) == [busy]


def test_stale_version_rolls_back_the_whole_decision(store: Store) -> None:
    """One stale job in a decision: no new job, no robot, no event is written."""
    old = plain_job("j-old")
    store.jobs.create_job(old, created(old))
    new = plain_job("j-new")
    stale = dataclasses.replace(old, status=JobStatus.ASSIGNED, version=3)
    with pytest.raises(Conflict, match="j-old"):
        store.jobs.save_decision(
            [(new, None, [created(new)]), (stale, 2, [_assigned("j-old", 1.0)])],
            [(full_robot(), [])],
        )
    assert [job.id for job in store.jobs.list_jobs(JobQuery())] == ["j-old"]
    assert store.jobs.list_robots() == []
    assert store.jobs.history("job", "j-new") == []
    assert store.jobs.history("job", "j-old") == [created(old)]


def test_unknown_job_update_rolls_back(store: Store) -> None:
    """Updating a job never created is NotFound, and the robot is not written."""
    with pytest.raises(NotFound, match="ghost"):
        store.jobs.save_decision([(plain_job("ghost"), 1, [])], [(full_robot(), [])])
    assert store.jobs.list_robots() == []


def test_repeated_key_returns_earlier_job_and_writes_nothing(store: Store) -> None:
    """A decision whose new job reuses a key writes nothing and names the first."""
    first = plain_job("j-1")
    store.jobs.create_job(first, created(first), idempotency_key="k")
    again = plain_job("j-2")
    earlier = store.jobs.save_decision(
        [(again, None, [created(again)])], [(full_robot(), [])], idempotency_key="k"
    )
    assert earlier == first
    assert store.jobs.list_robots() == []
    assert [job.id for job in store.jobs.list_jobs(JobQuery())] == ["j-1"]


def test_many_new_jobs_and_an_update_between_keep_their_order(store: Store) -> None:
    """A group of creates with an update of one of them: inserted first, in order."""
    first, second, third = (plain_job(f"j-{n}", created_at=float(n)) for n in (1, 2, 3))
    moved = dataclasses.replace(first, status=JobStatus.ASSIGNED, version=2)
    store.jobs.save_decision(
        [
            (first, None, [created(first)]),
            (second, None, [created(second)]),
            (moved, 1, [_assigned("j-1", 4.0)]),
            (third, None, [created(third)]),
        ]
    )
    assert store.jobs.get_job("j-1") == moved
    assert [store.jobs.get_job(f"j-{n}").id for n in (2, 3)] == ["j-2", "j-3"]
    assert store.jobs.history("job", "j-1") == [created(first), _assigned("j-1", 4.0)]
    assert store.jobs.history("job", "j-3") == [created(third)]


def test_a_taken_id_in_a_group_of_creates_writes_none_of_them(store: Store) -> None:
    """One duplicate id among several new jobs: Conflict, and nothing is written."""
    taken = plain_job("j-taken")
    store.jobs.create_job(taken, created(taken))
    fresh = plain_job("j-fresh")
    with pytest.raises(Conflict):
        store.jobs.save_decision(
            [(fresh, None, [created(fresh)]), (taken, None, [created(taken)])]
        )
    with pytest.raises(NotFound):
        store.jobs.get_job("j-fresh")
    assert store.jobs.history("job", "j-fresh") == []


def test_a_job_changed_twice_in_one_group_keeps_both_changes(store: Store) -> None:
    """Two updates of one job in one transaction: applied in order, both audited."""
    job = plain_job("j-1")
    store.jobs.create_job(job, created(job))
    assigned = dataclasses.replace(job, status=JobStatus.ASSIGNED, version=2)
    moving = dataclasses.replace(assigned, status=JobStatus.TO_PICKUP, version=3)
    store.jobs.save_decision([(assigned, 1, [_assigned("j-1", 2.0)]), (moving, 2, [])])
    assert store.jobs.get_job("j-1") == moving


def test_one_stale_job_among_many_updates_is_named(store: Store) -> None:
    """A batch of updates with one stale version: Conflict naming it, nothing kept."""
    jobs = [plain_job(f"j-{n}") for n in range(4)]
    for job in jobs:
        store.jobs.create_job(job, created(job))
    changes = [
        (dataclasses.replace(job, status=JobStatus.ASSIGNED, version=2), 1, [])
        for job in jobs
    ]
    stale = dataclasses.replace(jobs[2], status=JobStatus.ASSIGNED, version=5)
    changes[2] = (stale, 4, [])
    with pytest.raises(Conflict, match="j-2"):
        store.jobs.save_decision(changes)
    assert [store.jobs.get_job(job.id).version for job in jobs] == [1, 1, 1, 1]
