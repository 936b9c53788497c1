"""SqlJobStore: jobs, robots and the audit trail in one SQL database.

Every public method is one short transaction on a pooled connection, so the
service may call it from the event loop thread and from worker threads at once.
A job and its audit events are written together or not at all; an unreachable
database surfaces as :class:`StoreUnavailable` after the transaction has rolled
back. The audit trail is only ever inserted into: there is no update or delete
path here, and a trigger in the database refuses both.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Connection, Engine, Select, insert, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import IntegrityError

from fleet.core.errors import Conflict, NotFound
from fleet.core.model import AuditEvent, Job, JobStatus, Robot
from fleet.core.ports import JobQuery
from fleet.store import codec
from fleet.store.engine import SQLITE_BEGIN, unavailable_on_failure
from fleet.store.schema import audit_events, jobs, robots

_FINAL = [status.value for status in JobStatus if status.is_final]
_READ = {SQLITE_BEGIN: "DEFERRED"}


class SqlJobStore:
    """The :class:`fleet.core.ports.JobStore` port on SQLAlchemy."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    # --- jobs -------------------------------------------------------------------

    def create_job(
        self, job: Job, event: AuditEvent, *, idempotency_key: str | None = None
    ) -> Job:
        """Insert ``job`` with its creation event; a repeated key returns the first.

        The key is unique per requester in the database, so two concurrent
        creates with one key cannot both insert: the loser's insert fails, rolls
        back, and it reads the winner's job.
        """
        with unavailable_on_failure(self.engine):
            if idempotency_key is not None:
                earlier = self._job_by_key(job.requested_by, idempotency_key)
                if earlier is not None:
                    return earlier
            try:
                with self.engine.begin() as connection:
                    row = codec.job_row(job, idempotency_key=idempotency_key)
                    connection.execute(insert(jobs), [row])
                    _insert_events(connection, [event])
            except IntegrityError as error:
                if idempotency_key is not None:
                    earlier = self._job_by_key(job.requested_by, idempotency_key)
                    if earlier is not None:
                        return earlier
                raise Conflict(f"job {job.id!r} already exists") from error
        return job

    def save_job(
        self, job: Job, events: Sequence[AuditEvent], *, expected_version: int
    ) -> None:
        """Write ``job`` if the stored one is still at ``expected_version``.

        Raises :class:`Conflict` when another writer got there first (or the
        job is unknown: saving is for jobs that exist; create them first).
        """
        row = codec.job_row(job)
        del row["id"], row["idempotency_key"]
        with unavailable_on_failure(self.engine), self.engine.begin() as connection:
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
                    f"job {job.id!r} is at version {current}, not "
                    f"{expected_version}: it changed since it was read"
                )
            _insert_events(connection, events)

    def get_job(self, job_id: str) -> Job:
        """The job ``job_id``; :class:`NotFound` if there is none."""
        found = self._one_job(select(jobs).where(jobs.c.id == job_id))
        if found is None:
            raise NotFound("job", job_id)
        return found

    def list_jobs(self, query: JobQuery) -> list[Job]:
        """Jobs matching ``query``, oldest first (ties broken by id)."""
        statement = select(jobs)
        if query.statuses is not None:
            statement = statement.where(
                jobs.c.status.in_(sorted(s.value for s in query.statuses))
            )
        if query.wards is not None:
            statement = statement.where(jobs.c.ward.in_(sorted(query.wards)))
        if query.requested_by is not None:
            statement = statement.where(jobs.c.requested_by == query.requested_by)
        if query.robot_id is not None:
            statement = statement.where(jobs.c.robot_id == query.robot_id)
        if query.created_from is not None:
            statement = statement.where(jobs.c.created_at >= query.created_from)
        if query.created_until is not None:
            statement = statement.where(jobs.c.created_at < query.created_until)
        statement = (
            statement.order_by(jobs.c.created_at, jobs.c.id)
            .limit(query.limit)
            .offset(query.offset)
        )
        return self._jobs(statement)

    def open_jobs(self) -> list[Job]:
        """Every job not yet completed, cancelled or failed, oldest first."""
        return self._jobs(
            select(jobs)
            .where(jobs.c.status.not_in(_FINAL))
            .order_by(jobs.c.created_at, jobs.c.id)
        )

    # --- audit trail --------------------------------------------------------------

    def history(self, subject: str, subject_id: str) -> list[AuditEvent]:
        """The audit events of one job or robot, in the order they were written."""
        statement = (
            select(audit_events)
            .where(
                audit_events.c.subject == subject,
                audit_events.c.subject_id == subject_id,
            )
            .order_by(audit_events.c.seq)
        )
        return [codec.event_from_row(row) for row in self._rows(statement)]

    def append_events(self, events: Sequence[AuditEvent]) -> None:
        """Add ``events`` to the audit trail (one transaction)."""
        if not events:
            return
        with unavailable_on_failure(self.engine), self.engine.begin() as connection:
            _insert_events(connection, events)

    # --- robots -------------------------------------------------------------------

    def save_robot(self, robot: Robot, events: Sequence[AuditEvent] = ()) -> None:
        """Insert or replace ``robot``, with its events, in one transaction."""
        row = codec.robot_row(robot)
        with unavailable_on_failure(self.engine), self.engine.begin() as connection:
            connection.execute(_upsert(connection, row))
            _insert_events(connection, events)

    def get_robot(self, robot_id: str) -> Robot:
        """The robot ``robot_id``; :class:`NotFound` if there is none."""
        rows = self._rows(select(robots).where(robots.c.id == robot_id))
        if not rows:
            raise NotFound("robot", robot_id)
        return codec.robot_from_row(rows[0])

    def list_robots(self) -> list[Robot]:
        """Every robot, by id."""
        rows = self._rows(select(robots).order_by(robots.c.id))
        return [codec.robot_from_row(row) for row in rows]

    # --- reading --------------------------------------------------------------------

    def _rows(self, statement: Select[Any]) -> list[Any]:
        with (
            unavailable_on_failure(self.engine),
            self.engine.connect().execution_options(**_READ) as connection,
        ):
            return list(connection.execute(statement).mappings())

    def _jobs(self, statement: Select[Any]) -> list[Job]:
        return [codec.job_from_row(row) for row in self._rows(statement)]

    def _one_job(self, statement: Select[Any]) -> Job | None:
        found = self._jobs(statement)
        return found[0] if found else None

    def _job_by_key(self, requested_by: str, key: str) -> Job | None:
        return self._one_job(
            select(jobs).where(
                jobs.c.requested_by == requested_by, jobs.c.idempotency_key == key
            )
        )


def _insert_events(connection: Connection, events: Sequence[AuditEvent]) -> None:
    if events:
        connection.execute(insert(audit_events), [codec.event_row(e) for e in events])


def _upsert(connection: Connection, row: dict[str, Any]) -> Any:
    dialect = postgresql if connection.dialect.name == "postgresql" else sqlite
    statement = dialect.insert(robots).values(row)
    changes = {name: statement.excluded[name] for name in row if name != "id"}
    return statement.on_conflict_do_update(index_elements=["id"], set_=changes)
