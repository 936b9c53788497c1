"""Jobs, robots, audit events and principals: the fleet's domain values.

All of these are immutable; a change is a new value plus an :class:`AuditEvent`
(see :mod:`fleet.core.lifecycle`). Times are float seconds since the Unix epoch on
whatever clock drives the core (the wall clock in the service, simulated time in
the simulator).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from planners.problem import JobKind, Priority

__all__ = [
    "SECURE_CATEGORIES",
    "AuditEvent",
    "ItemCategory",
    "Job",
    "JobKind",
    "JobStatus",
    "Principal",
    "Priority",
    "Robot",
    "RobotState",
    "Role",
    "required_capabilities",
]


class ItemCategory(StrEnum):
    MEDICATION = "medication"
    CONTROLLED_SUBSTANCE = "controlled_substance"
    SPECIMEN = "specimen"
    BLOOD_PRODUCT = "blood_product"
    LINEN = "linen"
    SOILED_LINEN = "soiled_linen"
    MEAL = "meal"
    SUPPLIES = "supplies"
    WASTE = "waste"
    #: A guidance job carries a person, not items.
    PERSON = "person"


#: Items handed over only against the recipient's PIN (chain of custody).
SECURE_CATEGORIES = frozenset(
    {ItemCategory.CONTROLLED_SUBSTANCE, ItemCategory.BLOOD_PRODUCT}
)

#: Robot capabilities a category needs. Capability names are plain strings so a
#: site can add its own; these are the ones Porter itself relies on.
_CATEGORY_NEEDS: dict[ItemCategory, frozenset[str]] = {
    ItemCategory.CONTROLLED_SUBSTANCE: frozenset({"secure_drawer"}),
    ItemCategory.BLOOD_PRODUCT: frozenset({"secure_drawer", "refrigerated"}),
    ItemCategory.PERSON: frozenset({"can_guide"}),
}


def required_capabilities(category: ItemCategory) -> frozenset[str]:
    """The capabilities a robot needs to carry ``category``."""
    return _CATEGORY_NEEDS.get(category, frozenset())


class JobStatus(StrEnum):
    REQUESTED = "requested"
    ASSIGNED = "assigned"
    TO_PICKUP = "to_pickup"
    LOADING = "loading"
    TO_DROPOFF = "to_dropoff"
    UNLOADING = "unloading"
    #: Items on board are being taken back to the sender (cancelled after loading,
    #: or a hand-off nobody answered).
    RETURNING = "returning"
    #: Items on board a robot that failed: an operator must recover them.
    RECOVERY = "recovery"
    COMPLETED = "completed"
    CANCELLED = "cancelled"
    FAILED = "failed"

    @property
    def is_final(self) -> bool:
        return self in _FINAL

    @property
    def items_on_board(self) -> bool:
        """Whether a robot holds the job's items (or person) in this status."""
        return self in _ITEMS_ON_BOARD


# Built once (a set literal in the properties was built on every call).
_FINAL = frozenset({JobStatus.COMPLETED, JobStatus.CANCELLED, JobStatus.FAILED})
_ITEMS_ON_BOARD = frozenset(
    {
        JobStatus.TO_DROPOFF,
        JobStatus.UNLOADING,
        JobStatus.RETURNING,
        JobStatus.RECOVERY,
    }
)


@dataclass(frozen=True, slots=True)
class Job:
    """A delivery or a guidance, as requested and as it progresses."""

    id: str
    kind: JobKind
    pickup: str
    dropoff: str
    category: ItemCategory
    requested_by: str
    created_at: float
    status: JobStatus = JobStatus.REQUESTED
    priority: Priority = Priority.ROUTINE
    compartments: int = 1
    ready_at: float | None = None
    due_at: float | None = None
    #: The ward whose nursing station owns this request (for scoping).
    ward: str | None = None
    #: Who may receive the items (free text: a name, a role, a ward).
    recipient: str | None = None
    #: Hash of the recipient's PIN for secure items; never the PIN itself.
    pin_hash: str | None = None
    note: str = ""
    robot_id: str | None = None
    eta_pickup: float | None = None
    eta_dropoff: float | None = None
    handoff_attempts: int = 0
    updated_at: float = 0.0
    #: Bumped on every change; the store uses it to refuse lost updates.
    version: int = 1

    @property
    def is_secure(self) -> bool:
        return self.category in SECURE_CATEGORIES

    @property
    def requires(self) -> frozenset[str]:
        return required_capabilities(self.category)


class RobotState(StrEnum):
    IDLE = "idle"
    BUSY = "busy"
    CHARGING = "charging"
    PAUSED = "paused"
    OFFLINE = "offline"
    ERROR = "error"
    #: Taken out of service by an operator: never dispatched.
    OUT_OF_SERVICE = "out_of_service"


@dataclass(frozen=True, slots=True)
class Robot:
    """A robot as the fleet knows it."""

    id: str
    model: str = ""
    capabilities: frozenset[str] = frozenset()
    compartments: int = 1
    level: str = ""
    waypoint: str = ""
    x: float = 0.0
    y: float = 0.0
    battery_soc: float = 1.0
    state: RobotState = RobotState.IDLE
    mission_id: str | None = None
    home_charger: str | None = None
    speed_mps: float = 1.0
    last_seen: float = 0.0
    version: int = 1


class Role(StrEnum):
    NURSING_STATION = "nursing_station"
    PHARMACY = "pharmacy"
    LAB = "lab"
    OPERATOR = "operator"
    ADMIN = "admin"
    ROBOT = "robot"


@dataclass(frozen=True, slots=True)
class Principal:
    """Who is calling: a token's role and what it is bound to."""

    id: str
    role: Role
    #: For a nursing station: the wards it serves.
    wards: frozenset[str] = frozenset()
    #: For pharmacy and lab: the places it sends from.
    places: frozenset[str] = frozenset()
    #: For a robot token: the robot it speaks for.
    robot_id: str | None = None


@dataclass(frozen=True, slots=True)
class AuditEvent:
    """One change of a job or robot: the audit trail is a list of these.

    ``subject`` is ``"job"`` or ``"robot"``; ``before``/``after`` are statuses or
    states (``None`` for a creation). ``data`` holds the details that matter for
    custody (robot id, place, who confirmed a hand-off), never secrets.
    """

    at: float
    subject: str
    subject_id: str
    actor: str
    before: str | None
    after: str | None
    reason: str
    data: dict[str, Any] = field(default_factory=dict)
