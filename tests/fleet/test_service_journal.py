"""The journal: decisions written in order, grouped, and failing one at a time."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator

import pytest

from fleet.core.decision import Decision
from fleet.core.errors import Conflict
from fleet.core.lifecycle import job_created, move_job
from fleet.core.model import ItemCategory, Job, JobKind, JobStatus
from fleet.service.journal import Journal
from fleet.store import Store, open_store


@pytest.fixture
def store(database_url: str) -> Iterator[Store]:
    """The store on each database: a SQLite file and PostgreSQL."""
    opened = open_store(database_url)
    yield opened
    opened.close()


def _job(job_id: str) -> Job:
    return Job(
        id=job_id,
        kind=JobKind.DELIVERY,
        pickup="pharmacy",
        dropoff="ward_2a",
        category=ItemCategory.MEDICATION,
        requested_by="tok-pharmacy",
        created_at=100.0,
    )


def _created(job: Job) -> Decision:
    return Decision(jobs=((job, None, (job_created(job, actor="tok-pharmacy"),)),))


def _moved(job: Job, status: JobStatus, *, at: float) -> tuple[Job, Decision]:
    moved, event = move_job(job, status, at=at, actor="core", reason="test")
    return moved, Decision(jobs=((moved, job.version, (event,)),))


def test_decisions_are_written_in_order_and_effects_follow(store: Store) -> None:
    """A creation and two moves of one job, appended at once, all land in order."""

    async def run() -> tuple[list[BaseException | None], list[str]]:
        effects: list[str] = []
        journal = Journal(
            store.jobs,
            after=lambda d: effects.append(d.jobs[0][0].status.value),
            on_failure=lambda: effects.append("rebuild"),
        )
        writer = asyncio.create_task(journal.run())
        job = _job("job-a")
        assigned, second = _moved(job, JobStatus.ASSIGNED, at=101.0)
        _, third = _moved(assigned, JobStatus.TO_PICKUP, at=102.0)
        futures = [journal.append(d, ()) for d in (_created(job), second, third)]
        errors = list(await asyncio.gather(*futures))
        writer.cancel()
        return errors, effects

    errors, effects = asyncio.run(run())
    assert errors == [None, None, None]
    assert effects == ["requested", "assigned", "to_pickup"]
    stored = store.jobs.get_job("job-a")
    history = [e.after for e in store.jobs.history("job", "job-a")]
    assert stored.status == JobStatus.TO_PICKUP and stored.version == 3
    assert history == ["requested", "assigned", "to_pickup"]


def test_a_stale_decision_fails_alone_and_asks_for_a_rebuild(store: Store) -> None:
    """In one group, a decision with a stale version fails; the others are written."""

    async def run() -> tuple[list[BaseException | None], list[str]]:
        effects: list[str] = []
        journal = Journal(
            store.jobs,
            after=lambda d: effects.append(d.jobs[0][0].id),
            on_failure=lambda: effects.append("rebuild"),
        )
        writer = asyncio.create_task(journal.run())
        first, second = _job("job-1"), _job("job-2")
        _, stale = _moved(first, JobStatus.ASSIGNED, at=101.0)
        stale_job = stale.jobs[0][0]
        wrong = Decision(jobs=((stale_job, 7, stale.jobs[0][2]),))
        futures = [
            journal.append(_created(first), ()),
            journal.append(wrong, ()),
            journal.append(_created(second), ()),
        ]
        errors = list(await asyncio.gather(*futures))
        writer.cancel()
        return errors, effects

    errors, effects = asyncio.run(run())
    assert errors[0] is None and errors[2] is None
    assert isinstance(errors[1], Conflict)
    assert effects == ["job-1", "job-2", "rebuild"]
    assert store.jobs.get_job("job-1").status == JobStatus.REQUESTED
    assert store.jobs.get_job("job-2").status == JobStatus.REQUESTED
