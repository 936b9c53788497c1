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

from sqlalchemy import Engine, Select, func, select
from sqlalchemy.exc import IntegrityError

from fleet.core.errors import Conflict, NotFound
from fleet.core.model import AuditEvent, Job, JobStatus, Robot
from fleet.core.ports import JobQuery
from fleet.store import codec, writes
from fleet.store.engine import SQLITE_BEGIN, begin_write, unavailable_on_failure
from fleet.store.schema import audit_events
from fleet.store.schema import jobs as job_table
from fleet.store.schema import robots as robot_table

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
        back, and it reads the winner's job. (Raises :class:`Conflict` if the job
        id exists already.)
        """
        earlier = self.save_decision(
            [(job, None, [event])], idempotency_key=idempotency_key
        )
        return job if earlier is None else earlier

    def save_job(
        self, job: Job, events: Sequence[AuditEvent], *, expected_version: int
    ) -> None:
        """Write ``job`` if the stored one is still at ``expected_version``.

        Raises :class:`Conflict` when another writer got there first, and
        :class:`NotFound` for a job never created.
        """
        self.save_decision([(job, expected_version, events)])

    def save_decision(
        self,
        jobs: Sequence[tuple[Job, int | None, Sequence[AuditEvent]]] = (),
        robots: Sequence[tuple[Robot, Sequence[AuditEvent]]] = (),
        *,
        idempotency_key: str | None = None,
    ) -> Job | None:
        """Write a whole decision in one transaction: all of it or none of it.

        ``jobs`` are ``(job, expected_version, events)``: ``None`` inserts a new
        job (its events start its history), a number updates one guarded by its
        version. ``robots`` are upserted with their events. ``idempotency_key``
        belongs to the new job(s): if the requester used it before, nothing is
        written and the earlier job is returned; otherwise ``None``.
        Raises :class:`Conflict` (stale version, job id taken) or
        :class:`NotFound` (update of an unknown job) with nothing written.
        """
        new = [job for job, version, _ in jobs if version is None]
        with unavailable_on_failure(self.engine):
            # No look-up first: a repeated key is rare, and the unique index
            # catches it inside the one transaction (also under a race).
            try:
                with begin_write(self.engine) as connection:
                    writes.write_jobs(connection, jobs, idempotency_key)
                    for robot, events in robots:
                        writes.upsert_robot(connection, robot, events)
            except IntegrityError as error:
                if idempotency_key is not None and new:
                    earlier = self._job_by_key(new[0].requested_by, idempotency_key)
                    if earlier is not None:
                        return earlier
                ids = ", ".join(repr(job.id) for job in new)
                raise Conflict(f"job {ids} already exists") from error
        return None

    def get_job(self, job_id: str) -> Job:
        """The job ``job_id``; :class:`NotFound` if there is none."""
        found = self._one_job(select(job_table).where(job_table.c.id == job_id))
        if found is None:
            raise NotFound("job", job_id)
        return found

    def list_jobs(self, query: JobQuery) -> list[Job]:
        """Jobs matching ``query``, oldest first (ties broken by id)."""
        statement = select(job_table)
        if query.statuses is not None:
            statement = statement.where(
                job_table.c.status.in_(sorted(s.value for s in query.statuses))
            )
        if query.wards is not None:
            statement = statement.where(job_table.c.ward.in_(sorted(query.wards)))
        if query.requested_by is not None:
            statement = statement.where(job_table.c.requested_by == query.requested_by)
        if query.robot_id is not None:
            statement = statement.where(job_table.c.robot_id == query.robot_id)
        if query.created_from is not None:
            statement = statement.where(job_table.c.created_at >= query.created_from)
        if query.created_until is not None:
            statement = statement.where(job_table.c.created_at < query.created_until)
        statement = (
            statement.order_by(job_table.c.created_at, job_table.c.id)
            .limit(query.limit)
            .offset(query.offset)
        )
        return self._jobs(statement)

    def open_jobs(self) -> list[Job]:
        """Every job not yet completed, cancelled or failed, oldest first."""
        return self._jobs(
            select(job_table)
            .where(job_table.c.status.not_in(_FINAL))
            .order_by(job_table.c.created_at, job_table.c.id)
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

    def events_after(self, seq: int, limit: int = 1000) -> list[tuple[int, AuditEvent]]:
        """Audit events numbered above ``seq``, oldest first, with their numbers
        (what a process that does not dispatch relays to its live clients)."""
        statement = (
            select(audit_events)
            .where(audit_events.c.seq > seq)
            .order_by(audit_events.c.seq)
            .limit(limit)
        )
        return [
            (row["seq"], codec.event_from_row(row)) for row in self._rows(statement)
        ]

    def last_event_seq(self) -> int:
        """The number of the newest audit event (0 for an empty trail)."""
        statement = select(func.max(audit_events.c.seq).label("seq"))
        return int(self._rows(statement)[0]["seq"] or 0)

    def append_events(self, events: Sequence[AuditEvent]) -> None:
        """Add ``events`` to the audit trail (one transaction)."""
        if not events:
            return
        with (
            unavailable_on_failure(self.engine),
            begin_write(self.engine) as connection,
        ):
            writes.insert_events(connection, events)

    # --- robots -------------------------------------------------------------------

    def save_robot(self, robot: Robot, events: Sequence[AuditEvent] = ()) -> None:
        """Insert or replace ``robot``, with its events, in one transaction."""
        self.save_decision(robots=[(robot, events)])

    def get_robot(self, robot_id: str) -> Robot:
        """The robot ``robot_id``; :class:`NotFound` if there is none."""
        rows = self._rows(select(robot_table).where(robot_table.c.id == robot_id))
        if not rows:
            raise NotFound("robot", robot_id)
        return codec.robot_from_row(rows[0])

    def list_robots(self) -> list[Robot]:
        """Every robot, by id."""
        rows = self._rows(select(robot_table).order_by(robot_table.c.id))
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
            select(job_table).where(
                job_table.c.requested_by == requested_by,
                job_table.c.idempotency_key == key,
            )
        )
