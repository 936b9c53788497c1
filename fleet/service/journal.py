"""The journal: every decision written to the store in order, many per transaction.

Decisions are appended on the event loop as the core makes them; a writer task
takes everything appended so far and writes it, grouping consecutive decisions
into one transaction (group commit): on the loop for SQLite (a local write is
shorter than a thread hop), from a worker thread for a network database, so the
loop goes on serving requests while the write waits on the network. Only after
a decision is written are its effects run (live events, robot commands), in
append order; a request waits for its own decision before it is acknowledged.
A group that fails is retried one decision at a time, so one bad decision fails
alone; the service then rebuilds the core from the store, so memory never drifts
from the database.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from fleet.core.errors import StoreUnavailable
from fleet.core.model import AuditEvent, Job, Robot
from fleet.core.ports import JobStore

if TYPE_CHECKING:
    from fleet.core.decision import Decision

__all__ = ["Journal"]

log = logging.getLogger(__name__)

JobChange = tuple[Job, int | None, Sequence[AuditEvent]]
RobotChange = tuple[Robot, Sequence[AuditEvent]]


@dataclass
class _Entry:
    decision: Decision
    robots: Sequence[RobotChange]
    key: str | None
    done: asyncio.Future[BaseException | None]
    error: BaseException | None = field(default=None)


class Journal:
    """Ordered, grouped writes of decisions; see the module docstring."""

    def __init__(
        self,
        store: JobStore,
        *,
        after: Callable[[Decision], None],
        on_failure: Callable[[], None],
        max_group: int = 256,
        in_thread: bool = False,
    ) -> None:
        self.store = store
        self.after = after
        self.on_failure = on_failure
        self.max_group = max_group
        self.in_thread = in_thread
        self._pending: list[_Entry] = []
        self._wake = asyncio.Event()
        self._idle = asyncio.Event()
        self._idle.set()

    def append(
        self,
        decision: Decision,
        robots: Sequence[RobotChange],
        *,
        idempotency_key: str | None = None,
    ) -> asyncio.Future[BaseException | None]:
        """Queue ``decision`` and the robot changes to write; a future of its error."""
        done = asyncio.get_running_loop().create_future()
        self._pending.append(_Entry(decision, robots, idempotency_key, done))
        self._idle.clear()
        self._wake.set()
        return done

    async def drained(self) -> None:
        """Wait until everything appended so far is written."""
        await self._idle.wait()

    async def run(self) -> None:
        """The writer: until cancelled."""
        while True:
            await self._wake.wait()
            self._wake.clear()
            while self._pending:
                # Let every request already read from the sockets add its
                # decision first: they all go in one transaction.
                await asyncio.sleep(0)
                batch, self._pending = self._pending, []
                if self.in_thread:
                    await asyncio.to_thread(self._write_all, batch)
                else:
                    self._write_all(batch)
                self._settle(batch)
            self._idle.set()

    def _settle(self, batch: list[_Entry]) -> None:
        failed = False
        for entry in batch:
            if entry.error is None:
                try:
                    self.after(entry.decision)
                except Exception:
                    log.exception("journal: effects of a written decision failed")
            else:
                failed = True
        if failed:
            try:
                self.on_failure()
            except Exception:
                log.exception("journal: rebuilding after a failed write failed too")
        for entry in batch:
            if not entry.done.done():
                entry.done.set_result(entry.error)
            elif entry.error is not None:
                log.error("journal: a decision was not written: %s", entry.error)

    # --- in the worker thread ----------------------------------------------------

    def _write_all(self, batch: list[_Entry]) -> None:
        group: list[_Entry] = []
        for entry in batch:
            if entry.key is not None or len(group) >= self.max_group:
                self._write_group(group)
                group = []
            if entry.key is not None:
                self._write_group([entry])
            else:
                group.append(entry)
        self._write_group(group)

    def _write_group(self, group: list[_Entry]) -> None:
        if not group:
            return
        try:
            self._save(group)
        except Exception as error:
            if len(group) == 1 or isinstance(error, StoreUnavailable):
                for entry in group:
                    entry.error = error
                return
            for entry in group:  # find the one that fails; write the others
                try:
                    self._save([entry])
                except Exception as single:
                    entry.error = single

    def _save(self, group: list[_Entry]) -> None:
        jobs: list[JobChange] = []
        robots: list[RobotChange] = []
        for entry in group:
            jobs.extend(entry.decision.jobs)
            robots.extend(entry.robots)
        if not jobs and not robots:
            return
        key = group[0].key if len(group) == 1 else None
        save_decision: Any = getattr(self.store, "save_decision", None)
        if save_decision is not None:
            save_decision(jobs, robots, idempotency_key=key)
            return
        for job, expected_version, events in jobs:
            if expected_version is None:
                first, *rest = events
                self.store.create_job(job, first, idempotency_key=key)
                if rest:
                    self.store.append_events(rest)
            else:
                self.store.save_job(job, events, expected_version=expected_version)
        for robot, robot_events in robots:
            self.store.save_robot(robot, robot_events)
