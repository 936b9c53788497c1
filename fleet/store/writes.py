"""The writes, each on a connection already in a transaction.

:class:`fleet.store.jobs.SqlJobStore` composes these into its transactions: one
call, one transaction, whether it writes one job or a whole decision. Only
inserts touch the audit trail.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Connection, insert, select, update
from sqlalchemy.dialects import postgresql, sqlite

from fleet.core.errors import Conflict, NotFound
from fleet.core.model import AuditEvent, Job, Robot
from fleet.store import codec
from fleet.store.schema import audit_events, jobs, robots

#: Built once: SQLAlchemy then reuses the compiled statement from its cache
#: instead of constructing and hashing a new one per row.
_INSERT_JOB = insert(jobs)
_INSERT_EVENT = insert(audit_events)

JobChange = tuple[Job, int | None, Sequence[AuditEvent]]


def insert_events(connection: Connection, events: Sequence[AuditEvent]) -> None:
    """Append ``events`` to the audit trail, in order."""
    if events:
        connection.execute(_INSERT_EVENT, [codec.event_row(e) for e in events])


def write_jobs(
    connection: Connection,
    changes: Sequence[JobChange],
    idempotency_key: str | None,
) -> None:
    """Insert the new jobs and update the changed ones, in the order given.

    Consecutive new jobs go in as one multi-row INSERT for their rows and one
    for their events (a group commit of many creates is then two statements,
    not two per job). An update first writes the inserts before it, so a job
    is always inserted before it is changed and the audit trail keeps its order.
    """
    job_rows: list[dict[str, Any]] = []
    event_rows: list[dict[str, Any]] = []

    def flush() -> None:
        if job_rows:
            connection.execute(_INSERT_JOB, job_rows)
        if event_rows:
            connection.execute(_INSERT_EVENT, event_rows)
        job_rows.clear()
        event_rows.clear()

    for job, expected_version, events in changes:
        if expected_version is None:
            job_rows.append(codec.job_row(job, idempotency_key=idempotency_key))
            event_rows.extend(codec.event_row(event) for event in events)
        else:
            flush()
            update_job(connection, job, events, expected_version)
    flush()


def update_job(
    connection: Connection,
    job: Job,
    events: Sequence[AuditEvent],
    expected_version: int,
) -> None:
    """Overwrite the job if it is still at ``expected_version``, add its events.

    :class:`Conflict` if another writer changed it first, :class:`NotFound` if
    it was never created.
    """
    row = codec.job_row(job)
    del row["id"], row["idempotency_key"]
    result = connection.execute(
        update(jobs)
        .where(jobs.c.id == job.id, jobs.c.version == expected_version)
        .values(row)
    )
    if result.rowcount != 1:
        current = connection.execute(
            select(jobs.c.version).where(jobs.c.id == job.id)
        ).scalar_one_or_none()
        if current is None:
            raise NotFound("job", job.id)
        raise Conflict(
            f"job {job.id!r} is at version {current}, not {expected_version}: "
            "it changed since it was read"
        )
    insert_events(connection, events)


def upsert_robot(
    connection: Connection, robot: Robot, events: Sequence[AuditEvent]
) -> None:
    """Insert or replace the robot, add its events."""
    row = codec.robot_row(robot)
    dialect: Any = postgresql if connection.dialect.name == "postgresql" else sqlite
    statement = dialect.insert(robots).values(row)
    changes = {name: statement.excluded[name] for name in row if name != "id"}
    connection.execute(
        statement.on_conflict_do_update(index_elements=["id"], set_=changes)
    )
    insert_events(connection, events)
