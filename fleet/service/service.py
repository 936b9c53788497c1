"""The fleet service: the pure core on the real clock, with a store and robots.

:class:`FleetService` owns one ``FleetCore`` and changes it only on the event
loop, one call at a time: API calls, robot updates (funnelled through a queue),
lift and door statuses, the timer tick, and plans coming back from the
dispatcher. Each returned decision goes to the :class:`~fleet.service.journal.
Journal`, which writes decisions in order (many per transaction) and only then
runs their effects: live events, robot commands, a re-plan. A request waits for
its own decision to be written before it is acknowledged, so nothing is
acknowledged or sent to a robot that the database does not hold.

The dispatcher runs off the loop (:mod:`fleet.service.replan`); on start the whole
state is rebuilt from the store and robot state is re-read from the robots.

With a leader lock (several processes on one database) only the process holding
it leads: it runs the core as above. The others follow (:mod:`fleet.service.
leadership`): new requests go straight to the database, other changes to the
leader through the command box (:mod:`fleet.service.follower`,
:mod:`fleet.service.inbox`), and reads come from the store.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import logging
import uuid
from collections.abc import Callable, Mapping, Sequence
from functools import partial
from typing import TYPE_CHECKING, Any

from fleet.core.errors import FleetError
from fleet.core.handoff import PinCheck
from fleet.core.model import AuditEvent, Job, Principal, Robot
from fleet.core.ports import (
    Clock,
    DoorPort,
    DoorStatus,
    JobQuery,
    JobStore,
    LiftPort,
    LiftStatus,
    RobotPort,
    RobotUpdate,
)
from fleet.service.clock import WallClock
from fleet.service.follower import FollowerDesk
from fleet.service.hub import EventHub
from fleet.service.ids import job_id_for
from fleet.service.inbox import CommandBox, LeaderInbox
from fleet.service.journal import Journal
from fleet.service.leader_desk import LeaderDesk
from fleet.service.leadership import Leadership, LockPort
from fleet.service.outbox import Outbox
from fleet.service.relay import AuditRelay
from fleet.service.replan import Planner, Replanner
from fleet.service.robot_writes import RobotWrites
from fleet.service.slow_hash import secret_hash
from maps.model import Building
from planners.problem import Plan

if TYPE_CHECKING:
    from fleet.core.decision import Decision
    from fleet.core.engine import FleetCore
    from fleet.core.requests import NewJob

__all__ = ["ROBOT_ACTIONS", "CoreFactory", "FleetService"]

log = logging.getLogger(__name__)

CoreFactory = Callable[[Sequence[Job], Sequence[Robot]], "FleetCore"]

#: Operator actions on a robot: the FleetCore method each one calls.
ROBOT_ACTIONS = frozenset(
    {
        "pause_robot",
        "resume_robot",
        "send_to_charger",
        "take_out_of_service",
        "return_to_service",
    }
)

Inbound = RobotUpdate | LiftStatus | DoorStatus


class FleetService:
    """The running fleet: core + store + ports + event hub, on one event loop."""

    def __init__(
        self,
        *,
        building: Building,
        store: JobStore,
        core_factory: CoreFactory,
        planner: Planner,
        robots: Mapping[str, RobotPort] | None = None,
        fleet: Sequence[Robot] = (),
        lifts: LiftPort | None = None,
        doors: DoorPort | None = None,
        clock: Clock | None = None,
        hub: EventHub | None = None,
        tick_s: float = 0.5,
        replan_pause_s: float = 0.2,
        robot_save_every_s: float = 5.0,
        write_in_thread: bool = False,
        leader_lock: LockPort | None = None,
        commands: CommandBox | None = None,
    ) -> None:
        self.building = building
        self.store = store
        self.core_factory = core_factory
        self.robot_ports: Mapping[str, RobotPort] = robots or {}
        self.fleet = tuple(fleet)
        self.lifts, self.doors = lifts, doors
        self.clock: Clock = clock or WallClock()
        self.hub = hub or EventHub()
        self.tick_s = tick_s
        self.outbox = Outbox(self.robot_ports, lifts, doors)
        self.robot_writes = RobotWrites(robot_save_every_s)
        self.replanner = Replanner(self, planner, pause_s=replan_pause_s)
        self.journal = Journal(
            store,
            after=self._effects,
            on_failure=self._rebuild,
            in_thread=write_in_thread,
        )
        self.ready = False
        #: Whether this process runs the core (always, without a leader lock).
        self.leading = False
        self.leadership = Leadership(self, leader_lock) if leader_lock else None
        self.inbox = LeaderInbox(self, commands) if commands else None
        self.leader_desk = LeaderDesk(self)
        self.follower = (
            FollowerDesk(store, commands, core_factory, self.clock)
            if commands
            else None
        )
        self._core: FleetCore | None = None
        self._inbound: asyncio.Queue[Inbound] = asyncio.Queue()
        self._writers: list[asyncio.Task[None]] = []
        self._deciders: list[asyncio.Task[None]] = []
        self._watch: asyncio.Task[None] | None = None
        #: A follower's live events, read back from the audit trail.
        self._relay: asyncio.Task[None] | None = None

    # --- life -------------------------------------------------------------------

    @property
    def core(self) -> FleetCore:
        if self._core is None:
            raise RuntimeError("FleetService.start() has not run")
        return self._core

    async def start(self) -> None:
        """Start the writers, then lead (or follow, if another process leads)."""
        # Writers first: stop() ends the deciders, drains, then ends the writers.
        loops = (self.journal.run(), self.outbox.run())
        self._writers = [asyncio.create_task(loop) for loop in loops]
        if self.leadership is None:
            await self.lead()
        elif not await self.leadership.try_lead():
            await self._relay_start()
            # A warm planner: a follower that takes over dispatches sooner.
            warm = getattr(self.replanner.planner, "start", None)
            if warm is not None:
                await asyncio.to_thread(warm)
        if self.leadership is not None:
            self._watch = asyncio.create_task(self.leadership.run())
        self.ready = True

    async def lead(self) -> None:
        """Rebuild from the store, add new robots, connect the ports, start loops."""
        await self._relay_stop()
        self._rebuild()
        self.leading = True
        known = {robot.id for robot in self.core.robots()}
        for robot in self.fleet:
            if robot.id not in known:
                await self.commit(self.core.add_robot(robot, now=self.clock.now()))
        loops = [self._tick_loop(), self._inbound_loop(), self.replanner.run()]
        if self.inbox is not None:
            loops.append(self.inbox.run())
        self._deciders = [asyncio.create_task(loop) for loop in loops]
        for port in self.robot_ports.values():
            await port.connect(self._inbound.put_nowait)
        if self.lifts is not None:
            await self.lifts.connect(self._inbound.put_nowait)
        if self.doors is not None:
            await self.doors.connect(self._inbound.put_nowait)
        self.replanner.request()

    async def follow(self) -> None:
        """Stop leading now: no more decisions, unsent commands dropped, ports shut.

        For a leader that lost its lock: another process may already dispatch.
        Decisions already made are still written (each job write is guarded by
        its version, so a stale one fails rather than overwrite newer work).
        """
        self.leading = False
        await _cancel(self._deciders)
        self._deciders = []
        dropped = self.outbox.clear()
        if dropped:
            log.warning("fleet service: %d unsent robot commands dropped", dropped)
        await self.replanner.settle()
        self._inbound = asyncio.Queue()
        await self._close_ports()
        await self._relay_start()

    async def stop(self) -> None:
        """Stop the loops and close the ports; the database keeps the state."""
        self.ready = False
        if self._watch is not None:
            await _cancel([self._watch])
            self._watch = None
        await self._relay_stop()
        leading, self.leading = self.leading, False
        await _cancel(self._deciders)
        self._deciders = []
        await self.replanner.settle()
        await self.journal.drained()
        await _cancel(self._writers)
        self._writers = []
        for robot in self.robot_writes.drain() if leading else ():
            with contextlib.suppress(FleetError):
                self.store.save_robot(robot)
        await self._close_ports()
        if self.leadership is not None:
            await self.leadership.resign()

    async def _relay_start(self) -> None:
        """Relay what is written from now on (read before this returns, so a
        change made after a process began to follow is never taken as old)."""
        if self._relay is not None:
            return
        try:
            after: int | None = await asyncio.to_thread(self.store.last_event_seq)
        except FleetError:
            after = None  # the relay reads it once the database is back
        relay = AuditRelay(self.store, self.hub, start_after=after)
        self._relay = asyncio.create_task(relay.run())

    async def _relay_stop(self) -> None:
        if self._relay is not None:
            await _cancel([self._relay])
            self._relay = None

    async def _close_ports(self) -> None:
        ports: list[Any] = [*self.robot_ports.values(), self.lifts, self.doors]
        for port in ports:
            if port is not None:
                with contextlib.suppress(Exception):
                    await port.close()

    # --- what the API calls ----------------------------------------------------

    async def request_job(
        self, new: NewJob, principal: Principal, *, idempotency_key: str | None = None
    ) -> tuple[Job, bool]:
        """Create a job, written before this returns: ``(job, created)``.

        A repeated ``idempotency_key`` from the same caller returns the first job
        (once it is written) and ``created=False``.
        """
        if new.pin and not new.pin_hash:
            # scrypt takes tens of milliseconds: off the loop. Before the
            # idempotency check, so nothing awaits between that check and the core.
            pin_hash = await secret_hash(new.pin)
            new = dataclasses.replace(new, pin_hash=pin_hash)
        job_id = job_id_for(principal.id, idempotency_key) or _fresh_id()
        return await self._desk().request_job(new, principal, job_id, idempotency_key)

    async def cancel_job(self, job_id: str, principal: Principal, reason: str) -> Job:
        return await self._desk().cancel_job(job_id, principal, reason)

    async def confirm_handoff(
        self,
        job_id: str,
        pin: str | None,
        principal: Principal,
        *,
        checked: PinCheck | None = None,
    ) -> Job:
        """Confirm at the robot; a PIN is checked in a worker thread (scrypt).

        ``checked``: the outcome of a check a follower process made already.
        """
        desk = self._desk()
        if isinstance(desk, FollowerDesk):
            return await desk.confirm_handoff(job_id, pin, principal)
        return await desk.confirm_handoff(job_id, pin, principal, checked)

    async def robot_action(
        self, action: str, robot_id: str, principal: Principal
    ) -> Robot:
        if action not in ROBOT_ACTIONS:
            raise ValueError(f"unknown robot action {action!r}")
        return await self._desk().robot_action(action, robot_id, principal)

    def job(self, job_id: str) -> Job:
        return self.store.get_job(job_id)

    def jobs(self, query: JobQuery) -> list[Job]:
        return self.store.list_jobs(query)

    def job_history(self, job_id: str) -> list[AuditEvent]:
        return self.store.history("job", job_id)

    def robots(self) -> list[Robot]:
        return self._desk().robots()

    def robot(self, robot_id: str) -> Robot:
        return self._desk().robot(robot_id)

    def facility_reports(
        self,
    ) -> tuple[Mapping[str, LiftStatus], Mapping[str, DoorStatus]]:
        """The last lift and door reports (none in a follower: only the leader
        talks to lifts and doors)."""
        if not self.leading:
            return {}, {}
        return self.core.facility_reports()

    def plan(self) -> Plan | None:
        """The plan the robots are following (``None`` before the first, or
        in a follower process)."""
        if not self.leading:
            return None
        return self.core.plan()

    def _desk(self) -> LeaderDesk | FollowerDesk:
        """Who answers the API now: the leader's desk, or the follower's while
        another process dispatches."""
        if not self.leading and self.follower is not None:
            return self.follower
        return self.leader_desk

    # --- decisions ----------------------------------------------------------------

    async def commit(
        self, decision: Decision, *, idempotency_key: str | None = None
    ) -> None:
        """Write ``decision`` and run its effects; raise its error, if any.

        A refused call (a wrong PIN) is written first (the attempt counts), then
        its error raised. A store error is raised after the core was rebuilt.
        """
        error = await self.record(decision, idempotency_key=idempotency_key)
        if error is not None:
            raise error
        if decision.refused is not None:
            raise decision.refused

    def record(
        self, decision: Decision, *, idempotency_key: str | None = None
    ) -> asyncio.Future[BaseException | None]:
        """Queue ``decision`` for writing, without waiting (for the loops)."""
        robots = self.robot_writes.select(decision.robots, self.clock.now())
        return self.journal.append(decision, robots, idempotency_key=idempotency_key)

    def _effects(self, decision: Decision) -> None:
        """After a decision is written: tell the world, queue the commands."""
        for job, _, events in decision.jobs:
            self.hub.publish("job", {"job": job, "events": tuple(events)})
        for robot, events in decision.robots:
            self.hub.publish("robot", {"robot": robot, "events": tuple(events)})
        for alert in decision.alerts:
            self.hub.publish("alert", {"alert": alert})
        if not self.leading:
            return  # written after this process stopped leading: command nothing
        self.outbox.queue_decision(decision)
        if decision.replan_needed:
            self.replanner.request()

    def _rebuild(self) -> None:
        """A fresh core from what the store holds."""
        self._core = self.core_factory(self.store.open_jobs(), self.store.list_robots())

    # --- the loops ---------------------------------------------------------------

    async def _tick_loop(self) -> None:
        while True:
            await asyncio.sleep(self.tick_s)
            self._guarded("tick", lambda: self.core.tick(now=self.clock.now()))

    async def _inbound_loop(self) -> None:
        while True:
            message = await self._inbound.get()
            self._guarded(type(message).__name__, partial(self._route, message))

    def _route(self, message: Inbound) -> Decision:
        now = self.clock.now()
        if isinstance(message, RobotUpdate):
            return self.core.robot_update(message, now=now)
        if isinstance(message, LiftStatus):
            return self.core.lift_status(message, now=now)
        return self.core.door_status(message, now=now)

    def _guarded(self, what: str, decide: Callable[[], Decision]) -> None:
        """Decide and queue the decision; a failure is logged, never kills a loop."""
        try:
            self.record(decide())
        except Exception:
            log.exception("fleet service: %s failed", what)


async def _cancel(tasks: list[asyncio.Task[None]]) -> None:
    for task in tasks:
        task.cancel()
    for task in tasks:
        with contextlib.suppress(asyncio.CancelledError):
            await task


def _fresh_id() -> str:
    return f"job-{uuid.uuid4().hex[:16]}"
