"""Who dispatches: one leader among the processes that serve one database.

Every ``porter serve`` process serves the API. The one that holds the leader lock
(``fleet.store.lock.LeaderLock``: a PostgreSQL session advisory lock, a ``flock``
beside a SQLite file) also runs the fleet core: dispatching, timers, robots,
lifts and doors. The others follow: they write new requests to the database and
hand the rest to the leader through the command box (:mod:`fleet.service.inbox`).

:class:`Leadership` keeps trying the lock while following (every ``retry_s``) and
checks it is still held while leading (every ``check_s``). When the leader dies
its lock goes with its connection; a follower takes it, rebuilds the core from
the store and connects to the robots. A leader that finds it has lost the lock
(its connection dropped, an operator terminated it) stops dispatching and
commanding at once and goes back to following.
"""

from __future__ import annotations

import asyncio
import logging
import time
from typing import TYPE_CHECKING, Protocol

from fleet.core.errors import FleetError

if TYPE_CHECKING:
    from fleet.service.service import FleetService

__all__ = ["Leadership", "LockPort"]

log = logging.getLogger(__name__)


class LockPort(Protocol):
    """The leader lock (``fleet.store.lock.LeaderLock``); calls may block."""

    def try_acquire(self) -> bool: ...

    @property
    def held(self) -> bool: ...

    def release(self) -> None: ...


class Leadership:
    """Take, keep and give up the leader role for a :class:`FleetService`."""

    def __init__(
        self,
        service: FleetService,
        lock: LockPort,
        *,
        retry_s: float = 1.0,
        check_s: float = 0.5,
    ) -> None:
        self.service = service
        self.lock = lock
        self.retry_s = retry_s
        self.check_s = check_s
        #: Monotonic times this process became leader (for tests and benchmarks).
        self.terms: list[float] = []

    async def try_lead(self) -> bool:
        """Take the lock if it is free and start leading; whether we lead."""
        if self.service.leading:
            return True
        try:
            got = await asyncio.to_thread(self.lock.try_acquire)
        except FleetError as error:
            log.warning("leadership: cannot reach the leader lock: %s", error)
            return False
        if got:
            log.warning("leadership: this process is now the dispatching leader")
            self.terms.append(time.monotonic())
            try:
                await self.service.lead()
            except BaseException:
                if self.service.leading:
                    await self.service.follow()
                await asyncio.to_thread(self.lock.release)
                raise
        return got

    async def still_held(self) -> bool:
        """Whether the lock is still ours; if not, stop leading at once."""
        try:
            held = await asyncio.to_thread(lambda: self.lock.held)
        except FleetError:
            held = False
        if not held and self.service.leading:
            log.error("leadership: the leader lock was lost: dispatching stops")
            await self.service.follow()
        return held

    async def run(self) -> None:
        """Until cancelled: follow and retry, or lead and check."""
        while True:
            if self.service.leading:
                await asyncio.sleep(self.check_s)
                await self.still_held()
                continue
            await asyncio.sleep(self.retry_s)
            try:
                await self.try_lead()
            except Exception:
                # Could not take over (the database went away mid-rebuild, say):
                # the lock is released again; follow, and try again later.
                log.exception("leadership: taking over failed")

    async def resign(self) -> None:
        """Give the lock up (on shutdown, after the service stopped leading)."""
        await asyncio.to_thread(self.lock.release)
