"""Sample jobs, robots and events for the store tests (every field set)."""

from __future__ import annotations

from fleet.core.model import (
    AuditEvent,
    ItemCategory,
    Job,
    JobKind,
    JobStatus,
    Priority,
    Robot,
    RobotState,
)


def full_job(job_id: str = "job-1", **changes: object) -> Job:
    """A job with every optional field filled in (none left at its default)."""
    fields: dict[str, object] = {
        "id": job_id,
        "kind": JobKind.DELIVERY,
        "pickup": "pharmacy",
        "dropoff": "ward-4b",
        "category": ItemCategory.CONTROLLED_SUBSTANCE,
        "requested_by": "tok-pharmacy",
        "created_at": 1_790_000_000.123456,
        "status": JobStatus.TO_DROPOFF,
        "priority": Priority.STAT,
        "compartments": 2,
        "ready_at": 1_790_000_060.5,
        "due_at": 1_790_000_900.25,
        "ward": "4B",
        "recipient": "Nurse Okafor — ward 4B",
        "pin_hash": "scrypt$16384$8$1$00ff$abcdef",
        "note": "fridge item: keep upright ✓",
        "robot_id": "r-7",
        "eta_pickup": 1_790_000_120.0,
        "eta_dropoff": 1_790_000_480.75,
        "handoff_attempts": 2,
        "updated_at": 1_790_000_130.0,
        "version": 5,
    }
    fields.update(changes)
    return Job(**fields)  # type: ignore[arg-type]


def plain_job(job_id: str, **changes: object) -> Job:
    """A job with only the required fields (every optional one at its default)."""
    fields: dict[str, object] = {
        "id": job_id,
        "kind": JobKind.DELIVERY,
        "pickup": "lab",
        "dropoff": "ward-2a",
        "category": ItemCategory.SPECIMEN,
        "requested_by": "tok-2a",
        "created_at": 100.0,
    }
    fields.update(changes)
    return Job(**fields)  # type: ignore[arg-type]


def created(job: Job, actor: str = "tok-2a") -> AuditEvent:
    """The creation event of ``job``."""
    return AuditEvent(
        at=job.created_at,
        subject="job",
        subject_id=job.id,
        actor=actor,
        before=None,
        after=job.status.value,
        reason="requested",
    )


def full_robot(robot_id: str = "r-7", **changes: object) -> Robot:
    """A robot with every field away from its default."""
    fields: dict[str, object] = {
        "id": robot_id,
        "model": "Aethon TUG T3",
        "capabilities": frozenset({"secure_drawer", "refrigerated", "lift"}),
        "compartments": 4,
        "level": "L2",
        "waypoint": "L2-corridor-12",
        "x": 12.345678,
        "y": -3.5,
        "battery_soc": 0.42,
        "state": RobotState.BUSY,
        "mission_id": "m-99",
        "home_charger": "charger-L1-a",
        "speed_mps": 0.8,
        "last_seen": 1_790_000_131.5,
        "version": 12,
    }
    fields.update(changes)
    return Robot(**fields)  # type: ignore[arg-type]
