"""Two fleet services on one database: one leads (dispatches), the other follows.

Both run in this test's event loop on real databases (SQLite file and PostgreSQL)
and share one set of virtual robots, lifts and doors, as two processes share the
robots of a site: only the leader connects to them. The follower writes new
requests itself and hands cancels and robot actions to the leader through the
command table; without a leader it answers 503 (:class:`NoLeader`).
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any

import psycopg
import pytest

from fleet.api.compose import Assembly, assemble
from fleet.api.demo_traffic import DemoTraffic
from fleet.core.errors import StoreUnavailable
from fleet.core.model import (
    AuditEvent,
    ItemCategory,
    JobKind,
    JobStatus,
    Principal,
    Robot,
    RobotState,
    Role,
)
from fleet.core.requests import NewJob
from fleet.service.inbox import NoLeader
from fleet.service.relay import AuditRelay
from fleet.service.service import FleetService
from fleet.store import LeaderLock, SqlCommandBox, open_store
from fleet.store.lock import DISPATCHER_LOCK_KEY
from tests.e2e.server import settings_for
from tests.fleet.test_demo_traffic import completed_demo_jobs
from tests.reliability.load import trail_problems

OPERATOR = Principal(id="op-1", role=Role.OPERATOR)
MEDS = NewJob(
    kind=JobKind.DELIVERY,
    pickup="pharmacy",
    dropoff="ward_2a",
    category=ItemCategory.MEDICATION,
)


def _pair(database_url: str) -> tuple[Assembly, Assembly, FleetService]:
    """Two assemblies on one database; the second's service uses the first's robots."""
    first, second = (
        assemble(settings_for(database_url)),
        assemble(settings_for(database_url)),
    )
    other = second.service
    follower = FleetService(
        building=other.building,
        store=other.store,
        core_factory=other.core_factory,
        planner=other.replanner.planner,
        robots=first.service.robot_ports,
        fleet=other.fleet,
        lifts=first.service.lifts,
        doors=first.service.doors,
        tick_s=other.tick_s,
        write_in_thread=True,
        leader_lock=second.store.leader,
        commands=SqlCommandBox(second.store.engine),
    )
    follower.leadership.retry_s = follower.leadership.check_s = 0.2  # type: ignore[union-attr]
    first.service.leadership.retry_s = first.service.leadership.check_s = 0.2  # type: ignore[union-attr]
    return first, second, follower


async def _until(condition: Callable[[], Any], what: str, timeout_s: float = 20) -> Any:
    deadline = asyncio.get_running_loop().time() + timeout_s
    while not (value := condition()):
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        await asyncio.sleep(0.05)
    return value


def _run_pair(database_url: str, body: Callable[..., Awaitable[None]]) -> None:
    first, second, follower = _pair(database_url)

    async def run() -> None:
        await first.service.start()
        await follower.start()
        try:
            await body(first.service, follower)
        finally:
            await follower.stop()
            await first.service.stop()

    try:
        asyncio.run(run())
    finally:
        first.close()
        second.close()


def test_follower_writes_requests_and_the_leader_dispatches_them(
    database_url: str,
) -> None:
    """A follower's request is written, adopted and assigned; keys stay idempotent."""

    async def body(leader: FleetService, follower: FleetService) -> None:
        assert leader.leading and not follower.leading
        job, created = await follower.request_job(MEDS, OPERATOR, idempotency_key="k1")
        again, created_again = await follower.request_job(
            MEDS, OPERATOR, idempotency_key="k1"
        )
        assert created and not created_again and again.id == job.id
        await _until(
            lambda: follower.job(job.id).robot_id is not None, "the leader to assign it"
        )
        other, _ = await follower.request_job(MEDS, OPERATOR)
        cancelled = await follower.cancel_job(other.id, OPERATOR, "not needed")
        assert cancelled.status == JobStatus.CANCELLED
        robot_id = follower.robots()[0].id
        paused = await follower.robot_action("pause_robot", robot_id, OPERATOR)
        assert paused.state == RobotState.PAUSED
        for job_id in (job.id, other.id):
            assert trail_problems(job_id, follower.job_history(job_id)) == []

    _run_pair(database_url, body)


def test_follower_answers_503_when_no_leader_takes_its_command(
    database_url: str,
) -> None:
    """With the lock held elsewhere and nobody answering, a cancel is NoLeader (503)."""
    store = open_store(database_url)
    settings = settings_for(database_url)
    squatter = LeaderLock(store.engine)
    assert squatter.try_acquire()
    follower = assemble(settings)

    async def run() -> None:
        await follower.service.start()
        try:
            service = follower.service
            assert not service.leading
            service.follower.answer_timeout_s = 0.3  # type: ignore[union-attr]
            job, _ = await service.request_job(MEDS, OPERATOR)
            with pytest.raises(NoLeader) as refused:
                await service.cancel_job(job.id, OPERATOR, "not needed")
            assert isinstance(refused.value, StoreUnavailable)  # the API's 503
            # The cancel was withdrawn: no leader acts on it later.
            kinds = [kind for _, kind, _ in SqlCommandBox(store.engine).pending()]
            assert kinds == ["adopt"]
            assert service.job(job.id).status == JobStatus.REQUESTED
        finally:
            await follower.service.stop()

    try:
        asyncio.run(run())
    finally:
        follower.close()
        squatter.release()
        store.close()


def test_a_leader_that_loses_its_lock_stops_and_the_follower_takes_over(
    postgres_server,  # type: ignore[no-untyped-def]
) -> None:
    """Terminating the leader's lock session demotes it; the other process leads."""
    url = postgres_server.new_database(migrated=True)

    async def body(leader: FleetService, follower: FleetService) -> None:
        _terminate_lock_holder(url)
        await _until(lambda: not leader.leading, "the leader to step down")
        await _until(lambda: follower.leading, "the follower to lead")
        job, _ = await leader.request_job(MEDS, OPERATOR)  # now a follower's request
        await _until(
            lambda: follower.job(job.id).robot_id is not None,
            "the new leader to assign",
        )
        assert trail_problems(job.id, follower.job_history(job.id)) == []

    _run_pair(url, body)


def _terminate_lock_holder(url: str) -> None:
    key = DISPATCHER_LOCK_KEY
    plain = url.replace("postgresql+psycopg://", "postgresql://")
    with psycopg.connect(plain, autocommit=True) as admin:
        done = admin.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_locks WHERE locktype = "
            "'advisory' AND granted AND classid::bigint = %s AND objid::bigint = %s",
            ((key >> 32) & 0xFFFFFFFF, key & 0xFFFFFFFF),
        ).fetchall()
    assert done == [(True,)]


def test_a_followers_live_clients_see_the_leaders_changes(database_url: str) -> None:
    """A follower relays job and robot changes from the audit trail; no facilities."""

    async def body(leader: FleetService, follower: FleetService) -> None:
        live = follower.hub.subscribe()
        job, _ = await leader.request_job(MEDS, OPERATOR)
        changes: list[str | None] = []

        async def assigned() -> None:
            # Each relayed job is its row as read then, with the events since.
            while True:
                event = await live.next()
                if event.kind == "job" and event.payload["job"].id == job.id:
                    changes.extend(e.after for e in event.payload["events"])
                    if JobStatus.ASSIGNED in changes:
                        return

        await asyncio.wait_for(assigned(), timeout=20)
        assert changes[0] == JobStatus.REQUESTED
        assert follower.facility_reports() == ({}, {})
        lifts, _ = leader.facility_reports()
        assert set(lifts) <= {lift.id for lift in leader.building.lifts}

    _run_pair(database_url, body)


def test_the_relay_publishes_an_event_that_commits_late_once(tmp_path) -> None:  # type: ignore[no-untyped-def]
    """An event numbered below one already relayed (a late commit) is relayed, once."""
    store = open_store(f"sqlite:///{tmp_path / 'relay.db'}")
    published: list[tuple[str, dict[str, Any]]] = []

    class Sink:
        def publish(self, kind: str, payload: dict[str, Any]) -> None:
            published.append((kind, payload))

    store.jobs.save_robot(Robot("r1"))
    store.jobs.append_events(
        [
            AuditEvent(float(n), "robot", "r1", "test", None, f"s{n}", "r", {})
            for n in range(3)
        ]
    )
    # Events 1 and 3 were relayed before event 2 committed.
    relay = AuditRelay(store.jobs, Sink(), _cursor=3, _seen={1, 3})
    try:
        asyncio.run(relay._relay_events())
        asyncio.run(relay._relay_events())
        assert [(kind, [e.after for e in p["events"]]) for kind, p in published] == [
            ("robot", ["s1"])
        ]
        assert published[0][1]["robot"].id == "r1"
    finally:
        store.close()


def test_demo_traffic_runs_in_a_follower(database_url: str) -> None:
    """The demo traffic of a process that does not dispatch gets jobs completed."""

    async def body(leader: FleetService, follower: FleetService) -> None:
        traffic = asyncio.create_task(DemoTraffic(follower, every_s=0.3).run())
        try:
            assert await completed_demo_jobs(follower, 2, timeout_s=60) >= 2
        finally:
            traffic.cancel()
            await asyncio.gather(traffic, return_exceptions=True)

    _run_pair(database_url, body)
