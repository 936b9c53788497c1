"""The command box: what a follower process asks of the dispatching leader.

Several ``porter serve`` processes share one database; only the leader holds the
fleet core in charge of robots. A follower writes what it cannot do itself (a
cancel, a hand-off confirmation, a robot action, "adopt this new job") as a row
here; the leader takes the pending rows oldest first, carries them out and writes
the answer into the same row, which the follower reads back. Rows are plain
JSON: no PIN or secret is ever put here (a follower checks a PIN itself and
sends the outcome).

A new job written by a follower and its "adopt" notice go in one transaction
(:meth:`SqlCommandBox.create_job`), so the leader learns of every job the
database holds.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Any

from sqlalchemy import (
    JSON,
    Column,
    Engine,
    Float,
    Index,
    String,
    Table,
    UniqueConstraint,
    delete,
    insert,
    select,
    update,
)
from sqlalchemy.exc import IntegrityError

from fleet.core.errors import Conflict
from fleet.core.model import AuditEvent, Job
from fleet.store import codec, writes
from fleet.store.engine import SQLITE_BEGIN, begin_write, unavailable_on_failure
from fleet.store.schema import EventSeq, metadata
from fleet.store.schema import jobs as job_table

__all__ = ["PENDING", "SqlCommandBox", "commands"]

PENDING = "pending"
TAKEN = "taken"
ANSWERED = "answered"

commands = Table(
    "commands",
    metadata,
    Column("seq", EventSeq, primary_key=True, autoincrement=True),
    Column("id", String(64), nullable=False),
    Column("kind", String(32), nullable=False),
    Column("payload", JSON, nullable=False),
    Column("status", String(16), nullable=False),
    Column("answer", JSON),
    Column("created_at", Float, nullable=False),
    Column("answered_at", Float),
    UniqueConstraint("id", name="uq_commands_id"),
    Index("ix_commands_status", "status", "seq"),
)

_READ = {SQLITE_BEGIN: "DEFERRED"}


class SqlCommandBox:
    """Commands from followers to the leader, in one SQL table."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def submit(self, kind: str, payload: dict[str, Any], *, now: float) -> str:
        """Queue a command for the leader; its id (to read the answer by)."""
        command_id = uuid.uuid4().hex
        with (
            unavailable_on_failure(self.engine),
            begin_write(self.engine) as connection,
        ):
            connection.execute(insert(commands), [_row(command_id, kind, payload, now)])
        return command_id

    def create_job(
        self,
        job: Job,
        events: Sequence[AuditEvent],
        *,
        idempotency_key: str | None,
        now: float,
    ) -> Job | None:
        """Insert a new job and its "adopt" notice together.

        As ``SqlJobStore.save_decision``: a repeated ``idempotency_key`` writes
        nothing and returns the earlier job; otherwise ``None``.
        """
        notice = _row(uuid.uuid4().hex, "adopt", {"job_id": job.id}, now)
        with unavailable_on_failure(self.engine):
            try:
                with begin_write(self.engine) as connection:
                    writes.write_jobs(
                        connection, [(job, None, events)], idempotency_key
                    )
                    connection.execute(insert(commands), [notice])
            except IntegrityError as error:
                earlier = self._job_by_key(job.requested_by, idempotency_key)
                if earlier is not None:
                    return earlier
                raise Conflict(f"job {job.id!r} already exists") from error
        return None

    def pending(self, limit: int = 100) -> list[tuple[str, str, dict[str, Any]]]:
        """Unanswered commands, oldest first: ``(id, kind, payload)``."""
        statement = (
            select(commands.c.id, commands.c.kind, commands.c.payload)
            .where(commands.c.status == PENDING)
            .order_by(commands.c.seq)
            .limit(limit)
        )
        with (
            unavailable_on_failure(self.engine),
            self.engine.connect().execution_options(**_READ) as connection,
        ):
            return [(r.id, r.kind, r.payload) for r in connection.execute(statement)]

    def take(self, command_id: str) -> bool:
        """Claim a pending command for carrying out; ``False`` if it was withdrawn.

        After this the follower can no longer withdraw it, so a command is
        either carried out and answered or never carried out at all.
        """
        with (
            unavailable_on_failure(self.engine),
            begin_write(self.engine) as connection,
        ):
            result = connection.execute(
                update(commands)
                .where(commands.c.id == command_id, commands.c.status == PENDING)
                .values(status=TAKEN)
            )
            return bool(result.rowcount)

    def answer(self, command_id: str, answer: dict[str, Any], *, now: float) -> None:
        """Record the leader's answer (the command is then done)."""
        with (
            unavailable_on_failure(self.engine),
            begin_write(self.engine) as connection,
        ):
            connection.execute(
                update(commands)
                .where(commands.c.id == command_id)
                .values(status=ANSWERED, answer=answer, answered_at=now)
            )

    def answer_of(self, command_id: str) -> dict[str, Any] | None:
        """The answer to a command, or ``None`` while it is pending."""
        statement = select(commands.c.status, commands.c.answer).where(
            commands.c.id == command_id
        )
        with (
            unavailable_on_failure(self.engine),
            self.engine.connect().execution_options(**_READ) as connection,
        ):
            row = connection.execute(statement).first()
        if row is None or row.status != ANSWERED:
            return None
        return dict(row.answer or {})

    def withdraw(self, command_id: str) -> bool:
        """Drop a command nobody took in time; whether it was still pending.

        ``False`` means the leader took it after all (wait for its answer).
        """
        with (
            unavailable_on_failure(self.engine),
            begin_write(self.engine) as connection,
        ):
            result = connection.execute(
                delete(commands).where(
                    commands.c.id == command_id, commands.c.status == PENDING
                )
            )
            return bool(result.rowcount)

    def prune(self, answered_before: float) -> int:
        """Forget answers older than ``answered_before``; how many rows went."""
        with (
            unavailable_on_failure(self.engine),
            begin_write(self.engine) as connection,
        ):
            result = connection.execute(
                delete(commands).where(
                    commands.c.status == ANSWERED,
                    commands.c.answered_at < answered_before,
                )
            )
            return int(result.rowcount or 0)

    def _job_by_key(self, requested_by: str, key: str | None) -> Job | None:
        if key is None:
            return None
        statement = select(job_table).where(
            job_table.c.requested_by == requested_by,
            job_table.c.idempotency_key == key,
        )
        with self.engine.connect().execution_options(**_READ) as connection:
            row = connection.execute(statement).mappings().first()
        return None if row is None else codec.job_from_row(row)


def _row(
    command_id: str, kind: str, payload: dict[str, Any], now: float
) -> dict[str, Any]:
    return {
        "id": command_id,
        "kind": kind,
        "payload": payload,
        "status": PENDING,
        "answer": None,
        "created_at": now,
        "answered_at": None,
    }
