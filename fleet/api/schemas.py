"""The API's pydantic models: what goes over the wire, and nothing else.

Requests are checked here for shape (types, lengths, ranges) and turned into the
core's plain values (:class:`NewJob`); what only the core can know (does the place
exist, may this ward send there) the core checks. Times go out as ISO 8601 in UTC
and come in as ISO 8601 or epoch seconds.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Annotated, Any, Literal, overload

from pydantic import AfterValidator, BaseModel, ConfigDict, Field

from fleet.core.model import AuditEvent, ItemCategory, Job, JobKind, Priority, Robot
from fleet.core.requests import NewJob


def _plain_text(text: str) -> str:
    # NUL cannot be stored in PostgreSQL text, a lone surrogate cannot be
    # stored at all (it is not Unicode), and no place, name or note has a
    # reason to hold control characters but tab and line breaks.
    for c in text:
        if (ord(c) < 32 and c not in "\t\n\r") or c == "\x7f":
            raise ValueError("contains a control character")
        if "\ud800" <= c <= "\udfff":
            raise ValueError("contains a lone surrogate, which is not text")
    return text


#: Text from a caller: Unicode without control characters (but tab, line breaks).
Text = Annotated[str, AfterValidator(_plain_text)]
PlaceId = Annotated[Text, Field(min_length=1, max_length=64)]
PriorityName = Literal["stat", "urgent", "routine"]
Pin = Annotated[str, Field(pattern=r"^[0-9]{4,12}$", description="4 to 12 digits")]

#: How far from now a request's times may lie: a day back (clock skew, "ready
#: since this morning"), a year ahead. Year 1 or 9999 is a mistake or an attack.
_PAST, _FUTURE = timedelta(days=1), timedelta(days=366)


def _plausible(moment: datetime) -> datetime:
    aware = moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)
    now = datetime.now(UTC)
    if aware < now - _PAST:
        raise ValueError("more than a day in the past")
    if aware > now + _FUTURE:
        raise ValueError("more than a year ahead")
    return moment


Moment = Annotated[datetime, AfterValidator(_plausible)]


@overload
def when(seconds: float) -> datetime: ...
@overload
def when(seconds: None) -> None: ...
@overload
def when(seconds: float | None) -> datetime | None: ...
def when(seconds: float | None) -> datetime | None:
    return None if seconds is None else datetime.fromtimestamp(seconds, UTC)


def seconds(moment: datetime | None) -> float | None:
    if moment is None:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.timestamp()


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class DeliveryIn(_Strict):
    """Carry items from one place to another."""

    kind: Literal["delivery"] = "delivery"
    pickup: PlaceId
    dropoff: PlaceId
    category: ItemCategory
    priority: PriorityName = "routine"
    compartments: int = Field(1, ge=1, le=16)
    ready_at: Moment | None = None
    due_at: Moment | None = None
    recipient: Text | None = Field(None, max_length=120)
    pin: Pin | None = None
    note: Text = Field("", max_length=500)

    def to_core(self) -> NewJob:
        return NewJob(
            kind=JobKind.DELIVERY,
            pickup=self.pickup,
            dropoff=self.dropoff,
            category=self.category,
            priority=Priority[self.priority.upper()],
            compartments=self.compartments,
            ready_at=seconds(self.ready_at),
            due_at=seconds(self.due_at),
            recipient=self.recipient,
            pin=self.pin,
            note=self.note,
        )


class GuidanceIn(_Strict):
    """Meet a person at a place and walk them to another."""

    kind: Literal["guidance"]
    pickup: PlaceId = Field(description="where the person is met")
    dropoff: PlaceId
    priority: PriorityName = "routine"
    ready_at: Moment | None = None
    due_at: Moment | None = None
    recipient: Text | None = Field(None, max_length=120, description="who is guided")
    note: Text = Field("", max_length=500)

    def to_core(self) -> NewJob:
        return NewJob(
            kind=JobKind.GUIDANCE,
            pickup=self.pickup,
            dropoff=self.dropoff,
            category=ItemCategory.PERSON,
            priority=Priority[self.priority.upper()],
            ready_at=seconds(self.ready_at),
            due_at=seconds(self.due_at),
            recipient=self.recipient,
            note=self.note,
        )


RequestIn = Annotated[DeliveryIn | GuidanceIn, Field(discriminator="kind")]


class CancelIn(_Strict):
    reason: Text = Field("cancelled", min_length=1, max_length=200)


class HandoffIn(_Strict):
    pin: Pin | None = None


class EventOut(BaseModel):
    at: datetime
    actor: str
    before: str | None
    after: str | None
    reason: str
    data: dict[str, Any] = {}

    @classmethod
    def of(cls, event: AuditEvent) -> EventOut:
        return cls(
            at=when(event.at),
            actor=event.actor,
            before=event.before,
            after=event.after,
            reason=event.reason,
            data=event.data,
        )


class JobOut(BaseModel):
    id: str
    kind: JobKind
    status: str
    pickup: str
    dropoff: str
    category: ItemCategory
    priority: PriorityName
    compartments: int
    ward: str | None
    requested_by: str
    recipient: str | None
    secure: bool
    note: str
    robot_id: str | None
    eta_pickup: datetime | None
    eta_dropoff: datetime | None
    ready_at: datetime | None
    due_at: datetime | None
    created_at: datetime
    updated_at: datetime | None
    handoff_attempts: int
    version: int

    @classmethod
    def of(cls, job: Job) -> JobOut:
        return cls(
            id=job.id,
            kind=job.kind,
            status=job.status.value,
            pickup=job.pickup,
            dropoff=job.dropoff,
            category=job.category,
            priority=job.priority.name.lower(),  # type: ignore[arg-type]
            compartments=job.compartments,
            ward=job.ward,
            requested_by=job.requested_by,
            recipient=job.recipient,
            secure=job.is_secure,
            note=job.note,
            robot_id=job.robot_id,
            eta_pickup=when(job.eta_pickup),
            eta_dropoff=when(job.eta_dropoff),
            ready_at=when(job.ready_at),
            due_at=when(job.due_at),
            created_at=when(job.created_at),
            updated_at=when(job.updated_at or None),
            handoff_attempts=job.handoff_attempts,
            version=job.version,
        )


class JobDetailOut(JobOut):
    history: list[EventOut]


class RobotOut(BaseModel):
    id: str
    model: str
    state: str
    capabilities: list[str]
    compartments: int
    level: str
    waypoint: str
    x: float
    y: float
    battery_soc: float
    mission_id: str | None
    home_charger: str | None
    last_seen: datetime | None

    @classmethod
    def of(cls, robot: Robot) -> RobotOut:
        return cls(
            id=robot.id,
            model=robot.model,
            state=robot.state.value,
            capabilities=sorted(robot.capabilities),
            compartments=robot.compartments,
            level=robot.level,
            waypoint=robot.waypoint,
            x=robot.x,
            y=robot.y,
            battery_soc=robot.battery_soc,
            mission_id=robot.mission_id,
            home_charger=robot.home_charger,
            last_seen=when(robot.last_seen or None),
        )


class ErrorItem(BaseModel):
    loc: list[str | int]
    msg: str
    type: str


class ErrorOut(BaseModel):
    """Every error: where (``loc``, ending in the field) and why (``msg``)."""

    detail: list[ErrorItem]
