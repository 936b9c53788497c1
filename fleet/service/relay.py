"""Live events in a process that does not dispatch: read back from the database.

Only the leader decides, so only the leader's hub hears of changes as they are
made. A follower's browsers and live clients would see nothing; instead the
follower reads the audit trail forward (every change of a job or robot is in it)
and publishes each changed job and robot, as the leader's hub would, plus the
robots whose state (place, battery) moved without an event, from the robots
table. The leader writes robot states at a bounded rate, so a follower's map
moves at that rate.

A PostgreSQL transaction can commit after a later-numbered one: the relay reads
again a window below its cursor (``LOOKBACK`` numbers) and skips what it has
seen, so an event that commits late is still relayed, once.
"""

from __future__ import annotations

import asyncio
import logging
from collections import defaultdict
from dataclasses import dataclass, field

from fleet.core.errors import FleetError
from fleet.core.model import AuditEvent, Robot
from fleet.core.ports import EventSink, JobStore

__all__ = ["AuditRelay"]

log = logging.getLogger(__name__)

#: Event numbers re-read below the cursor, for transactions that commit late.
LOOKBACK = 200


@dataclass
class AuditRelay:
    """Publishes what the leader writes, for a follower's live clients."""

    store: JobStore
    hub: EventSink
    poll_s: float = 0.5
    #: The newest event when the process began to follow (``None``: read it
    #: when the relay starts); later ones are news.
    start_after: int | None = None
    #: Robots are compared with the table every this many polls.
    robot_every: int = 4
    _cursor: int = 0
    _seen: set[int] = field(default_factory=set)
    _robots: dict[str, Robot] = field(default_factory=dict)

    async def run(self) -> None:
        """Until cancelled: relay the new events, then the moved robots."""
        while not await self._started():
            await asyncio.sleep(self.poll_s)
        polls = 0
        while True:
            await asyncio.sleep(self.poll_s)
            polls += 1
            try:
                await self._relay_events()
                if polls % self.robot_every == 0:
                    await self._relay_robots()
            except FleetError as error:
                # The database is briefly away: live clients wait, nothing to undo.
                log.warning("live relay: cannot read the database: %s", error)

    async def _started(self) -> bool:
        """Start from the newest event: what was written before is not news."""
        try:
            if self.start_after is None:
                self.start_after = await asyncio.to_thread(self.store.last_event_seq)
            self._cursor = self.start_after
            start = self._window_start()
            window = await asyncio.to_thread(self.store.events_after, start)
            robots = await asyncio.to_thread(self.store.list_robots)
        except FleetError as error:
            log.warning("live relay: cannot read the database: %s", error)
            return False
        self._seen = {seq for seq, _ in window if seq <= self._cursor}
        self._robots = {robot.id: robot for robot in robots}
        return True

    async def _relay_events(self) -> None:
        rows = await asyncio.to_thread(self.store.events_after, self._window_start())
        fresh = [(seq, event) for seq, event in rows if seq not in self._seen]
        if not fresh:
            return
        changed: dict[tuple[str, str], list[AuditEvent]] = defaultdict(list)
        for seq, event in fresh:
            self._seen.add(seq)
            changed[(event.subject, event.subject_id)].append(event)
        self._cursor = max(self._cursor, fresh[-1][0])
        self._seen = {seq for seq in self._seen if seq > self._cursor - LOOKBACK}
        for (subject, subject_id), events in changed.items():
            await self._publish(subject, subject_id, tuple(events))

    def _window_start(self) -> int:
        return max(0, self._cursor - LOOKBACK)

    async def _publish(
        self, subject: str, subject_id: str, events: tuple[AuditEvent, ...]
    ) -> None:
        try:
            if subject == "job":
                job = await asyncio.to_thread(self.store.get_job, subject_id)
                self.hub.publish("job", {"job": job, "events": events})
            elif subject == "robot":
                robot = await asyncio.to_thread(self.store.get_robot, subject_id)
                self._robots[robot.id] = robot
                self.hub.publish("robot", {"robot": robot, "events": events})
        except FleetError as error:
            log.warning("live relay: %s %s: %s", subject, subject_id, error)

    async def _relay_robots(self) -> None:
        for robot in await asyncio.to_thread(self.store.list_robots):
            if self._robots.get(robot.id) != robot:
                self._robots[robot.id] = robot
                self.hub.publish("robot", {"robot": robot, "events": ()})
