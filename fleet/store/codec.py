"""Rows to domain values and back: the only place that knows both shapes.

Enums go in as their string values (priority by name: ``"stat"``), frozensets as
sorted JSON lists, so a row reads well in ``psql`` and sorts the same everywhere.
An audit event's ``data`` is stored as JSON: tuples and sets come back as lists.
A row that cannot become a domain value (an unknown status written by a newer
version, say) raises ``ValueError`` naming the table, the row and the field.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from typing import Any, TypeVar

from fleet.core.model import (
    AuditEvent,
    ItemCategory,
    Job,
    JobKind,
    JobStatus,
    Principal,
    Priority,
    Robot,
    RobotState,
    Role,
)

T = TypeVar("T")

#: A row by column name (SQLAlchemy's ``RowMapping`` is keyed by columns too).
Row = Mapping[Any, Any]


def _decode(table: str, row: Row, field: str, parse: Callable[[Any], T]) -> T:
    value = row[field]
    try:
        return parse(value)
    except (KeyError, ValueError, TypeError) as error:
        ident = row.get("id") or row.get("token_id") or row.get("seq")
        raise ValueError(
            f"{table} row {ident!r}: field {field!r} holds {value!r}, "
            f"which is not a valid value ({error})"
        ) from error


def _priority(value: str) -> Priority:
    return Priority[value.upper()]


def _names(value: list[str]) -> frozenset[str]:
    return frozenset(str(name) for name in value)


def job_row(job: Job, *, idempotency_key: str | None = None) -> dict[str, Any]:
    """The ``jobs`` row for ``job`` (the key only matters on insert)."""
    return {
        "id": job.id,
        "kind": job.kind.value,
        "pickup": job.pickup,
        "dropoff": job.dropoff,
        "category": job.category.value,
        "requested_by": job.requested_by,
        "created_at": job.created_at,
        "status": job.status.value,
        "priority": job.priority.name.lower(),
        "compartments": job.compartments,
        "ready_at": job.ready_at,
        "due_at": job.due_at,
        "ward": job.ward,
        "recipient": job.recipient,
        "pin_hash": job.pin_hash,
        "note": job.note,
        "robot_id": job.robot_id,
        "eta_pickup": job.eta_pickup,
        "eta_dropoff": job.eta_dropoff,
        "handoff_attempts": job.handoff_attempts,
        "updated_at": job.updated_at,
        "version": job.version,
        "idempotency_key": idempotency_key,
    }


def job_from_row(row: Row) -> Job:
    """The :class:`Job` a ``jobs`` row holds."""
    return Job(
        id=row["id"],
        kind=_decode("jobs", row, "kind", JobKind),
        pickup=row["pickup"],
        dropoff=row["dropoff"],
        category=_decode("jobs", row, "category", ItemCategory),
        requested_by=row["requested_by"],
        created_at=row["created_at"],
        status=_decode("jobs", row, "status", JobStatus),
        priority=_decode("jobs", row, "priority", _priority),
        compartments=row["compartments"],
        ready_at=row["ready_at"],
        due_at=row["due_at"],
        ward=row["ward"],
        recipient=row["recipient"],
        pin_hash=row["pin_hash"],
        note=row["note"],
        robot_id=row["robot_id"],
        eta_pickup=row["eta_pickup"],
        eta_dropoff=row["eta_dropoff"],
        handoff_attempts=row["handoff_attempts"],
        updated_at=row["updated_at"],
        version=row["version"],
    )


def robot_row(robot: Robot) -> dict[str, Any]:
    """The ``robots`` row for ``robot``."""
    return {
        "id": robot.id,
        "model": robot.model,
        "capabilities": sorted(robot.capabilities),
        "compartments": robot.compartments,
        "level": robot.level,
        "waypoint": robot.waypoint,
        "x": robot.x,
        "y": robot.y,
        "battery_soc": robot.battery_soc,
        "state": robot.state.value,
        "mission_id": robot.mission_id,
        "home_charger": robot.home_charger,
        "speed_mps": robot.speed_mps,
        "last_seen": robot.last_seen,
        "version": robot.version,
    }


def robot_from_row(row: Row) -> Robot:
    """The :class:`Robot` a ``robots`` row holds."""
    return Robot(
        id=row["id"],
        model=row["model"],
        capabilities=_decode("robots", row, "capabilities", _names),
        compartments=row["compartments"],
        level=row["level"],
        waypoint=row["waypoint"],
        x=row["x"],
        y=row["y"],
        battery_soc=row["battery_soc"],
        state=_decode("robots", row, "state", RobotState),
        mission_id=row["mission_id"],
        home_charger=row["home_charger"],
        speed_mps=row["speed_mps"],
        last_seen=row["last_seen"],
        version=row["version"],
    )


def event_row(event: AuditEvent) -> dict[str, Any]:
    """The ``audit_events`` row for ``event`` (``seq`` comes from the database)."""
    return {
        "at": event.at,
        "subject": event.subject,
        "subject_id": event.subject_id,
        "actor": event.actor,
        "before": event.before,
        "after": event.after,
        "reason": event.reason,
        "data": _json_data(event),
    }


def _json_data(event: AuditEvent) -> dict[str, Any]:
    """``event.data`` as JSON holds it: sets become sorted lists, tuples lists.

    Anything JSON cannot hold is refused here, naming the event, rather than
    failing somewhere inside the database driver.
    """

    def plain(value: object) -> object:
        if isinstance(value, set | frozenset):
            return sorted(value, key=str)
        raise TypeError(f"{type(value).__name__} {value!r} is not JSON")

    try:
        return dict(json.loads(json.dumps(event.data, default=plain)))
    except (TypeError, ValueError) as error:
        raise ValueError(
            f"audit event of {event.subject} {event.subject_id!r} "
            f"({event.reason!r}): data cannot be stored: {error}"
        ) from error


def event_from_row(row: Row) -> AuditEvent:
    """The :class:`AuditEvent` an ``audit_events`` row holds."""
    return AuditEvent(
        at=row["at"],
        subject=row["subject"],
        subject_id=row["subject_id"],
        actor=row["actor"],
        before=row["before"],
        after=row["after"],
        reason=row["reason"],
        data=dict(row["data"] or {}),
    )


def token_row(
    secret_hash: str, principal: Principal, *, created_at: float, label: str
) -> dict[str, Any]:
    """The ``tokens`` row for a token whose id is ``principal.id``."""
    return {
        "token_id": principal.id,
        "secret_hash": secret_hash,
        "role": principal.role.value,
        "wards": sorted(principal.wards),
        "places": sorted(principal.places),
        "robot_id": principal.robot_id,
        "label": label,
        "created_at": created_at,
        "revoked_at": None,
    }


def principal_from_row(row: Row) -> Principal:
    """The :class:`Principal` a ``tokens`` row stands for."""
    return Principal(
        id=row["token_id"],
        role=_decode("tokens", row, "role", Role),
        wards=_decode("tokens", row, "wards", _names),
        places=_decode("tokens", row, "places", _names),
        robot_id=row["robot_id"],
    )
