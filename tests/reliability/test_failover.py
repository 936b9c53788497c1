"""Several ``porter serve`` processes on one PostgreSQL database, one dispatcher.

Real parts only: a PostgreSQL server, a virtual rosbridge in its own process
with ROS robots both Porter processes can reach, two ``porter serve --fleet``
processes and an HTTP client. Requests go to both processes; the leader
dispatches them all; kill -9 of the leader hands dispatching to the other one,
and nothing acknowledged is lost or given to two robots at once.
"""

from __future__ import annotations

from pathlib import Path

from bench.failover import (
    audit_problems,
    busy_until_moving,
    client,
    cluster,
    finish,
    kill_leader,
    operator_token,
    request,
    statuses,
    two_robots,
)
from fleet.core.model import AuditEvent

#: The issue's bound for another process to take over dispatching.
TAKEOVER_S = 10.0


def test_kill_9_of_the_leader_hands_dispatching_over(
    postgres_server,
    tmp_path: Path,  # type: ignore[no-untyped-def]
) -> None:
    """The follower leads after kill -9; every job completes, none with two robots."""
    url = postgres_server.new_database(migrated=True)
    token = operator_token(url)
    with cluster(url, tmp_path) as (_, porters):
        leader, follower = porters
        assert leader.leading and not follower.leading
        acknowledged = busy_until_moving(porters, token, 1)
        with client(follower.url, token) as api:
            cancelled = request(api, 50)
            answer = api.post(f"/api/v1/requests/{cancelled}/cancel", json={})
            assert answer.status_code == 200, answer.text
            assert statuses(api)[cancelled] == "cancelled"
        lock_s, _, created = kill_leader(url, porters, token, 10)
        assert lock_s < TAKEOVER_S
        acknowledged += created
        finish(url, follower.url, token, acknowledged, 90)
        with client(follower.url, token) as api:
            ended = statuses(api)
    assert {ended[j] for j in acknowledged} == {"completed"}
    assert audit_problems(url, [*acknowledged, cancelled]) == []


def test_the_audit_check_tells_a_reassignment_from_a_second_holder() -> None:
    """The core moving a job on is fine; a second robot while one holds it is not."""

    def event(before: str | None, after: str, **data: str) -> AuditEvent:
        return AuditEvent(
            at=0.0, subject="job", subject_id="j1", actor="core", before=before,
            after=after, reason="t", data=data,
        )  # fmt: skip

    moved = [
        event(None, "requested"),
        event("requested", "assigned", robot_id="r1"),
        event("assigned", "assigned", **{"from": "r1"}),
        event("assigned", "to_pickup", robot_id="r2"),
    ]
    assert two_robots("j1", moved) == []
    doubled = [*moved[:2], event("assigned", "assigned", robot_id="r2")]
    assert two_robots("j1", doubled) == ["j1: given to r2 while r1 held it"]
