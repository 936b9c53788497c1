"""The writes, each on a connection already in a transaction.

:class:`fleet.store.jobs.SqlJobStore` composes these into its transactions: one
call, one transaction, whether it writes one job or a whole decision. Only
inserts touch the audit trail.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Connection, bindparam, insert, select, update
from sqlalchemy.dialects import postgresql, sqlite

from fleet.core.errors import Conflict, NotFound
from fleet.core.model import AuditEvent, Job, Robot
from fleet.store import codec
from fleet.store.schema import audit_events, jobs, robots

#: Built once: SQLAlchemy then reuses the compiled statement from its cache
#: instead of constructing and hashing a new one per row.
_INSERT_JOB = insert(jobs)
_INSERT_EVENT = insert(audit_events)
#: Every column a job update overwrites (all but the id and the creation key).
_SET = tuple(c.name for c in jobs.c if c.name not in ("id", "idempotency_key"))
_UPDATE_JOB = (
    update(jobs)
    .where(jobs.c.id == bindparam("b_id"), jobs.c.version == bindparam("b_expected"))
    .values({name: bindparam(f"b_{name}") for name in _SET})
)

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

    Consecutive new jobs go in as one multi-row INSERT, consecutive updates as
    one executemany of a version-guarded UPDATE, each followed by one INSERT of
    their events: a group commit of many creates, or a plan that moves hundreds
    of jobs, is a few statements rather than two per job. Runs are written in
    order, so a job is inserted before it is changed and the audit trail keeps
    its order. A stale version anywhere raises :class:`Conflict` as before.
    """
    batch = _Batch(connection)
    for job, expected_version, events in changes:
        if expected_version is None:
            batch.add("insert", codec.job_row(job, idempotency_key=idempotency_key))
        else:
            batch.add("update", _update_params(job, expected_version), job)
        batch.events.extend(codec.event_row(event) for event in events)
    batch.flush()


class _Batch:
    """A run of inserts or of updates and the events that go with them."""

    def __init__(self, connection: Connection) -> None:
        self.connection = connection
        self.kind = "insert"
        self.rows: list[dict[str, Any]] = []
        self.jobs: list[tuple[Job, int]] = []
        self.events: list[dict[str, Any]] = []

    def add(self, kind: str, row: dict[str, Any], job: Job | None = None) -> None:
        if kind != self.kind:
            self.flush()
            self.kind = kind
        self.rows.append(row)
        if job is not None:
            self.jobs.append((job, row["b_expected"]))

    def flush(self) -> None:
        if self.rows and self.kind == "insert":
            self.connection.execute(_INSERT_JOB, self.rows)
        elif self.rows and not self.connection.dialect.supports_sane_multi_rowcount:
            for job, expected_version in self.jobs:  # one by one: rowcount each
                update_job(self.connection, job, (), expected_version)
        elif self.rows:
            result = self.connection.execute(_UPDATE_JOB, self.rows)
            if result.rowcount != len(self.rows):
                _name_stale(self.connection, self.jobs)
        if self.events:
            self.connection.execute(_INSERT_EVENT, self.events)
        self.rows, self.jobs, self.events = [], [], []


def _update_params(job: Job, expected_version: int) -> dict[str, Any]:
    row = codec.job_row(job)
    params = {f"b_{name}": row[name] for name in _SET}
    params["b_id"], params["b_expected"] = job.id, expected_version
    return params


def _name_stale(connection: Connection, changed: Sequence[tuple[Job, int]]) -> None:
    """Raise :class:`Conflict` (or :class:`NotFound`) for an update that missed.

    A job whose row is not what its last update in the batch wrote was changed
    by another writer first. (The caller's transaction rolls back the rest.)
    """
    last = {job.id: (job, expected) for job, expected in changed}
    for job, expected_version in last.values():
        row = connection.execute(select(jobs).where(jobs.c.id == job.id)).first()
        if row is None:
            raise NotFound("job", job.id)
        wrote = codec.job_row(job)
        if any(row._mapping[name] != wrote[name] for name in _SET):
            raise Conflict(
                f"job {job.id!r} is at version {row.version}, not "
                f"{expected_version}: it changed since it was read"
            )
    raise Conflict("a job in this decision changed since it was read")


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
