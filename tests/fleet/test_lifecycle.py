"""The job and robot transition tables and their audit events."""

from __future__ import annotations

import pytest

from fleet.core.credentials import hash_secret, new_token, split_token, verify_secret
from fleet.core.errors import TransitionNotAllowed
from fleet.core.lifecycle import JOB_TRANSITIONS, job_created, move_job, move_robot
from fleet.core.model import ItemCategory, Job, JobKind, JobStatus, Robot, RobotState


@pytest.fixture
def delivery() -> Job:
    return Job(
        id="j1",
        kind=JobKind.DELIVERY,
        pickup="pharmacy",
        dropoff="ward_3a",
        category=ItemCategory.MEDICATION,
        requested_by="station_3",
        created_at=100.0,
    )


def test_happy_path_is_allowed_and_audited(delivery: Job) -> None:
    """requested -> ... -> completed, one event per step with before and after."""
    path = [
        JobStatus.ASSIGNED,
        JobStatus.TO_PICKUP,
        JobStatus.LOADING,
        JobStatus.TO_DROPOFF,
        JobStatus.UNLOADING,
        JobStatus.COMPLETED,
    ]
    job, events = delivery, [job_created(delivery, actor="station_3")]
    for at, status in enumerate(path, start=101):
        job, event = move_job(
            job, status, at=float(at), actor="core", reason="test", robot_id="r1"
        )
        events.append(event)
    assert job.status is JobStatus.COMPLETED and job.version == 1 + len(path)
    assert [(e.before, e.after) for e in events][:2] == [
        (None, "requested"),
        ("requested", "assigned"),
    ]
    assert all(e.data.get("robot_id") == "r1" for e in events[1:])


def test_final_states_have_no_way_out() -> None:
    """Completed, cancelled and failed are ends."""
    assert all(not JOB_TRANSITIONS[s] for s in JobStatus if s.is_final)


def test_loaded_job_cannot_be_cancelled_outright(delivery: Job) -> None:
    """Once items are on board, a cancel must bring them back (returning)."""
    job = delivery
    for status in (
        JobStatus.ASSIGNED,
        JobStatus.TO_PICKUP,
        JobStatus.LOADING,
        JobStatus.TO_DROPOFF,
    ):
        job, _ = move_job(job, status, at=1.0, actor="core", reason="test")
    with pytest.raises(TransitionNotAllowed, match="to_dropoff to cancelled"):
        move_job(job, JobStatus.CANCELLED, at=2.0, actor="nurse", reason="cancel")
    returned, event = move_job(
        job,
        JobStatus.RETURNING,
        at=2.0,
        actor="nurse",
        reason="cancelled after loading",
    )
    assert returned.status is JobStatus.RETURNING and event.after == "returning"


def test_every_non_final_status_can_reach_an_end() -> None:
    """No job can get stuck: from every status some path leads to a final one."""
    for start in JobStatus:
        seen, frontier = {start}, [start]
        while frontier:
            for nxt in JOB_TRANSITIONS[frontier.pop()]:
                if nxt not in seen:
                    seen.add(nxt)
                    frontier.append(nxt)
        assert any(s.is_final for s in seen), start


def test_robot_transitions() -> None:
    """An out-of-service robot cannot be made busy directly."""
    robot = Robot(id="r1", state=RobotState.OUT_OF_SERVICE)
    with pytest.raises(TransitionNotAllowed):
        move_robot(robot, RobotState.BUSY, at=1.0, actor="core", reason="x")
    back, event = move_robot(robot, RobotState.IDLE, at=1.0, actor="op", reason="ok")
    assert back.state is RobotState.IDLE and event.subject == "robot"


def test_secrets_are_hashed_and_verified() -> None:
    """A PIN verifies against its hash, a wrong one does not; tokens split."""
    hashed = hash_secret("4711")
    assert "4711" not in hashed
    assert verify_secret("4711", hashed) and not verify_secret("4712", hashed)
    assert not verify_secret("4711", "garbage")
    token, token_id, secret_hash = new_token()
    parts = split_token(token)
    assert parts is not None and parts[0] == token_id
    assert verify_secret(parts[1], secret_hash)
    assert split_token("Bearer nonsense") is None
