"""Small parts of the service: the event hub, robot write throttling, job ids."""

from __future__ import annotations

import asyncio

from fleet.core.lifecycle import move_robot
from fleet.core.model import Robot, RobotState
from fleet.service.hub import EventHub
from fleet.service.ids import job_id_for
from fleet.service.robot_writes import RobotWrites


def test_hub_fans_out_and_a_slow_subscriber_loses_the_oldest() -> None:
    """Every subscriber gets every event; a full queue drops its oldest, counted."""

    async def run() -> tuple[list[int], list[int], int]:
        hub = EventHub()
        fast, slow = hub.subscribe(maxsize=10), hub.subscribe(maxsize=2)
        for n in range(4):
            hub.publish("job", {"n": n})
        got_fast = [(await fast.next()).payload["n"] for _ in range(4)]
        got_slow = [(await slow.next()).payload["n"] for _ in range(2)]
        slow.close()
        hub.publish("job", {"n": 4})
        assert hub.subscriber_count == 1
        return got_fast, got_slow, slow.dropped  # type: ignore[return-value]

    got_fast, got_slow, dropped = asyncio.run(run())
    assert got_fast == [0, 1, 2, 3]
    assert got_slow == [2, 3] and dropped == 2


def test_pose_only_robot_changes_are_written_at_most_every_interval() -> None:
    """Pose reports wait; a state change or an audit event is written at once."""
    writes = RobotWrites(interval_s=5.0)
    robot = Robot(id="r1", level="L0", x=0.0)
    assert writes.select([(robot, ())], now=0.0) == [(robot, ())]
    moved = Robot(id="r1", level="L0", x=1.0)
    assert writes.select([(moved, ())], now=1.0) == []
    busy, event = move_robot(moved, RobotState.BUSY, at=2.0, actor="core", reason="t")
    assert writes.select([(busy, ())], now=2.0) == [(busy, ())]
    assert writes.select([(busy, (event,))], now=2.5) == [(busy, (event,))]
    later = Robot(id="r1", level="L0", x=3.0, state=RobotState.BUSY, version=2)
    assert writes.select([(later, ())], now=3.0) == []
    assert writes.drain() == [later] and writes.drain() == []
    assert writes.select([(later, ())], now=8.0) == [(later, ())]


def test_idempotency_keys_name_one_job_per_caller() -> None:
    """The same key from one caller is one id; from another caller another id."""
    assert job_id_for("tok-a", None) is None
    assert job_id_for("tok-a", "k1") == job_id_for("tok-a", "k1")
    assert job_id_for("tok-a", "k1") != job_id_for("tok-b", "k1")
    assert job_id_for("tok-a", "k1") != job_id_for("tok-a", "k2")
