"""SqlJobStore on SQLite and PostgreSQL: round trips, idempotency, versions."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import pytest

from fleet.core.errors import Conflict, NotFound
from fleet.core.model import AuditEvent, JobStatus, Robot
from fleet.core.ports import JobQuery
from fleet.store import Store, open_store
from tests.fleet.store_samples import created, full_job, full_robot, plain_job


@pytest.fixture
def store(database_url: str) -> Iterator[Store]:
    opened = open_store(database_url)
    yield opened
    opened.close()


def test_job_round_trip_keeps_every_field(store: Store) -> None:
    """A job with every field set comes back equal, enums and floats exact."""
    job = full_job()
    store.jobs.create_job(job, created(job))
    assert store.jobs.get_job(job.id) == job


def test_job_round_trip_keeps_defaults_and_nones(store: Store) -> None:
    """A job with only required fields comes back with its Nones and defaults."""
    job = plain_job("job-2")
    store.jobs.create_job(job, created(job))
    assert store.jobs.get_job("job-2") == job


def test_unknown_job_is_not_found(store: Store) -> None:
    """get_job of an id never written raises NotFound naming it."""
    with pytest.raises(NotFound, match="job-404"):
        store.jobs.get_job("job-404")


def test_create_writes_the_creation_event(store: Store) -> None:
    """The job's creation event is in its history."""
    job = plain_job("job-3")
    store.jobs.create_job(job, created(job))
    assert store.jobs.history("job", "job-3") == [created(job)]


def test_same_idempotency_key_returns_first_job(store: Store) -> None:
    """A second create with the same key and requester returns the first job."""
    first = plain_job("job-a")
    again = plain_job("job-b", note="double click")
    assert store.jobs.create_job(first, created(first), idempotency_key="k1") == first
    assert store.jobs.create_job(again, created(again), idempotency_key="k1") == first
    assert [j.id for j in store.jobs.list_jobs(JobQuery())] == ["job-a"]
    assert store.jobs.history("job", "job-b") == []


def test_idempotency_key_is_per_requester(store: Store) -> None:
    """Two requesters may use the same key for two different jobs."""
    mine = plain_job("job-a", requested_by="tok-2a")
    theirs = plain_job("job-b", requested_by="tok-3c")
    store.jobs.create_job(mine, created(mine), idempotency_key="k1")
    assert store.jobs.create_job(theirs, created(theirs), idempotency_key="k1") == (
        theirs
    )
    assert len(store.jobs.list_jobs(JobQuery())) == 2


def test_concurrent_creates_with_one_key_make_one_job(store: Store) -> None:
    """Eight threads creating with the same key all get the same, single job."""
    candidates = [plain_job(f"job-{n}") for n in range(8)]
    with ThreadPoolExecutor(max_workers=8) as pool:
        results = list(
            pool.map(
                lambda job: store.jobs.create_job(
                    job, created(job), idempotency_key="same"
                ),
                candidates,
            )
        )
    stored = store.jobs.list_jobs(JobQuery())
    assert len(stored) == 1
    assert {job.id for job in results} == {stored[0].id}
    assert len(store.jobs.history("job", stored[0].id)) == 1


def test_duplicate_job_id_without_key_is_a_conflict(store: Store) -> None:
    """Creating a job id twice without a key raises Conflict, writes no event."""
    job = plain_job("job-1")
    store.jobs.create_job(job, created(job))
    with pytest.raises(Conflict, match="job-1"):
        store.jobs.create_job(job, created(job, actor="someone-else"))
    assert len(store.jobs.history("job", "job-1")) == 1


def _moved(job_id: str, before: str, after: str, at: float) -> AuditEvent:
    return AuditEvent(at, "job", job_id, "dispatcher", before, after, "plan")


def test_save_job_with_expected_version_writes_job_and_events(store: Store) -> None:
    """save_job stores the new job and appends its events after the creation."""
    job = plain_job("job-1")
    store.jobs.create_job(job, created(job))
    assigned = dataclasses.replace(
        job, status=JobStatus.ASSIGNED, robot_id="r-1", version=2
    )
    event = _moved("job-1", "requested", "assigned", 101.0)
    store.jobs.save_job(assigned, [event], expected_version=1)
    assert store.jobs.get_job("job-1") == assigned
    assert store.jobs.history("job", "job-1") == [created(job), event]


def test_stale_version_is_a_conflict_and_writes_nothing(store: Store) -> None:
    """A save against an old version raises Conflict; job and trail unchanged."""
    job = plain_job("job-1")
    store.jobs.create_job(job, created(job))
    winner = dataclasses.replace(job, status=JobStatus.CANCELLED, version=2)
    store.jobs.save_job(winner, [], expected_version=1)
    loser = dataclasses.replace(job, status=JobStatus.ASSIGNED, version=2)
    lost_event = _moved("job-1", "requested", "assigned", 102.0)
    with pytest.raises(Conflict, match="version 2, not 1"):
        store.jobs.save_job(loser, [lost_event], expected_version=1)
    assert store.jobs.get_job("job-1") == winner
    assert store.jobs.history("job", "job-1") == [created(job)]


def test_save_of_unknown_job_is_not_found(store: Store) -> None:
    """save_job of a job never created raises NotFound."""
    with pytest.raises(NotFound):
        store.jobs.save_job(plain_job("ghost"), [], expected_version=1)


def _seed(store: Store) -> None:
    rows = [
        plain_job("j1", created_at=10.0, ward="4B", requested_by="a"),
        plain_job("j2", created_at=20.0, ward="2A", requested_by="b",
                  status=JobStatus.ASSIGNED, robot_id="r-1"),
        plain_job("j3", created_at=30.0, ward="4B", requested_by="a",
                  status=JobStatus.COMPLETED, robot_id="r-1"),
        plain_job("j4", created_at=40.0, requested_by="c",
                  status=JobStatus.CANCELLED),
        plain_job("j0", created_at=5.0, ward="2A", requested_by="b"),
    ]  # fmt: skip
    for job in rows:
        store.jobs.create_job(job, created(job))


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        (JobQuery(), ["j0", "j1", "j2", "j3", "j4"]),
        (JobQuery(statuses=frozenset({JobStatus.REQUESTED})), ["j0", "j1"]),
        (JobQuery(wards=frozenset({"4B"})), ["j1", "j3"]),
        (JobQuery(wards=frozenset({"4B", "2A"})), ["j0", "j1", "j2", "j3"]),
        (JobQuery(requested_by="b"), ["j0", "j2"]),
        (JobQuery(robot_id="r-1"), ["j2", "j3"]),
        (JobQuery(created_from=10.0, created_until=30.0), ["j1", "j2"]),
        (JobQuery(limit=2, offset=1), ["j1", "j2"]),
        (
            JobQuery(
                statuses=frozenset({JobStatus.COMPLETED}), wards=frozenset({"2A"})
            ),
            [],
        ),
    ],
)
def test_list_jobs_filters_and_orders(
    store: Store, query: JobQuery, expected: list[str]
) -> None:
    """list_jobs applies every filter and orders by creation time."""
    _seed(store)
    assert [job.id for job in store.jobs.list_jobs(query)] == expected


def test_open_jobs_leaves_out_final_ones(store: Store) -> None:
    """open_jobs returns jobs not completed, cancelled or failed, oldest first."""
    _seed(store)
    assert [job.id for job in store.jobs.open_jobs()] == ["j0", "j1", "j2"]


def test_history_keeps_write_order_and_subjects_apart(store: Store) -> None:
    """Events come back in the order written, per subject, even with equal times."""
    events = [
        AuditEvent(50.0, "job", "j1", "a", None, "requested", "new", {"n": 1}),
        AuditEvent(50.0, "robot", "j1", "a", "idle", "busy", "same id, robot"),
        AuditEvent(49.0, "job", "j1", "b", "requested", "assigned", "clock skew"),
        AuditEvent(51.0, "job", "j1", "c", "assigned", "cancelled", "", {"by": "x"}),
    ]
    for event in events:
        store.jobs.append_events([event])
    assert store.jobs.history("job", "j1") == [events[0], events[2], events[3]]
    assert store.jobs.history("robot", "j1") == [events[1]]


def test_event_round_trip_keeps_data(store: Store) -> None:
    """An event's nested data, Nones and unicode survive the database."""
    event = AuditEvent(
        at=1_790_000_000.000001,
        subject="job",
        subject_id="j1",
        actor="tok-pharmacy",
        before=None,
        after=None,
        reason="hand-off confirmed — PIN ok",
        data={"robot": "r-7", "place": "ward-4B", "attempts": 2, "n": [1, 2.5, None]},
    )
    store.jobs.append_events([event])
    assert store.jobs.history("job", "j1") == [event]


def test_robot_round_trip_and_upsert(store: Store) -> None:
    """save_robot inserts then replaces; every field comes back equal."""
    robot = full_robot()
    store.jobs.save_robot(robot)
    assert store.jobs.get_robot("r-7") == robot
    moved = dataclasses.replace(robot, x=1.0, capabilities=frozenset(), version=13)
    event = AuditEvent(2.0, "robot", "r-7", "r-7", "busy", "idle", "arrived")
    store.jobs.save_robot(moved, [event])
    assert store.jobs.get_robot("r-7") == moved
    assert store.jobs.history("robot", "r-7") == [event]


def test_list_robots_by_id_and_unknown_robot(store: Store) -> None:
    """list_robots orders by id; get_robot of an unknown id raises NotFound."""
    for robot_id in ("r-2", "r-10", "r-1"):
        store.jobs.save_robot(Robot(id=robot_id))
    assert [r.id for r in store.jobs.list_robots()] == ["r-1", "r-10", "r-2"]
    assert store.jobs.get_robot("r-1") == Robot(id="r-1")
    with pytest.raises(NotFound, match="robot"):
        store.jobs.get_robot("r-3")


def test_everything_is_there_after_reopening(database_url: str) -> None:
    """Close the store, open it again on the same database: all data is back."""
    first = open_store(database_url)
    job = full_job()
    first.jobs.create_job(job, created(job), idempotency_key="k")
    first.jobs.save_robot(full_robot())
    first.close()

    second = open_store(database_url)
    try:
        assert second.jobs.get_job(job.id) == job
        assert second.jobs.get_robot("r-7") == full_robot()
        assert second.jobs.history("job", job.id) == [created(job)]
        # The idempotency key still works across the restart.
        again = plain_job("other", requested_by=job.requested_by)
        assert second.jobs.create_job(again, created(again), idempotency_key="k") == job
    finally:
        second.close()


def test_threads_writing_at_once_lose_nothing(store: Store) -> None:
    """Eight threads creating and updating their own jobs: every write lands."""

    def work(worker: int) -> None:
        for n in range(5):
            job = plain_job(f"w{worker}-{n}", created_at=float(n))
            store.jobs.create_job(job, created(job), idempotency_key=job.id)
            done = dataclasses.replace(job, status=JobStatus.CANCELLED, version=2)
            event = _moved(job.id, "requested", "cancelled", float(n) + 0.5)
            store.jobs.save_job(done, [event], expected_version=1)

    with ThreadPoolExecutor(max_workers=8) as pool:
        list(pool.map(work, range(8)))
    stored = store.jobs.list_jobs(JobQuery())
    assert len(stored) == 40
    assert {job.status for job in stored} == {JobStatus.CANCELLED}
    assert all(len(store.jobs.history("job", job.id)) == 2 for job in stored)


def test_event_data_that_is_not_json_is_refused_by_name(store: Store) -> None:
    """Sets in event data become sorted lists; an object JSON cannot hold is a
    ValueError naming the event, and nothing is written."""
    tidy = AuditEvent(1.0, "job", "j1", "a", None, None, "sets", {"s": {"b", "a"}})
    store.jobs.append_events([tidy])
    assert store.jobs.history("job", "j1")[0].data == {"s": ["a", "b"]}
    odd = AuditEvent(2.0, "job", "j1", "a", None, None, "odd", {"x": object()})
    with pytest.raises(ValueError, match=r"job 'j1' \('odd'\)"):
        store.jobs.append_events([odd])
    assert len(store.jobs.history("job", "j1")) == 1
