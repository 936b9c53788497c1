"""The ports: what the core needs from the world, as Protocols.

The edges implement them: ``fleet.store`` the stores, ``robot_adapters`` and ``sim``
the robots, lifts and doors, ``fleet.service`` the clock and event sink. The core
never knows which implementation it talks to.

Robots are driven one command at a time (go along a path on one level, dock, stop),
as Open-RMF's fleet adapters do: the mission logic, lifts and doors stay in Porter,
and a robot needs nothing but navigation.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Protocol

from fleet.core.model import AuditEvent, Job, JobStatus, Principal, Robot

# --- values that cross the robot, lift and door ports -------------------------


@dataclass(frozen=True, slots=True)
class Pose:
    """A position in the building frame (metres, radians)."""

    level: str
    x: float
    y: float
    yaw: float = 0.0


@dataclass(frozen=True, slots=True)
class Navigate:
    """Drive along ``path`` (waypoint ids and their poses) on one level."""

    command_id: str
    level: str
    waypoints: tuple[str, ...]
    path: tuple[Pose, ...]
    #: Speed cap for this leg (quiet zones, guidance at walking pace).
    max_speed_mps: float | None = None


@dataclass(frozen=True, slots=True)
class Dock:
    """Dock to the charger at ``waypoint``."""

    command_id: str
    waypoint: str
    pose: Pose


@dataclass(frozen=True, slots=True)
class ChangeLevel:
    """The robot is now on ``level`` (inside a lift car): switch its map."""

    command_id: str
    level: str
    pose: Pose


RobotCommand = Navigate | Dock | ChangeLevel


class CommandStatus(StrEnum):
    RUNNING = "running"
    SUCCEEDED = "succeeded"
    FAILED = "failed"
    CANCELLED = "cancelled"


@dataclass(frozen=True, slots=True)
class RobotUpdate:
    """What a robot reports: where it is, its battery, how its command goes."""

    robot_id: str
    at: float
    pose: Pose | None = None
    battery_soc: float | None = None
    online: bool = True
    command_id: str | None = None
    command_status: CommandStatus | None = None
    #: The robot's own words when a command fails (e.g. "goal aborted: blocked").
    message: str = ""


class RobotPort(Protocol):
    """One robot, whatever drives it (ROS bridge, virtual robot, ...)."""

    robot_id: str

    async def connect(self, on_update: Callable[[RobotUpdate], None]) -> None:
        """Start talking; call ``on_update`` (from the event loop) on every change."""
        ...

    async def send(self, command: RobotCommand) -> None:
        """Start a command. Completion arrives as a RobotUpdate with its id."""
        ...

    async def cancel(self, command_id: str) -> None:
        """Stop the command now (the robot stands still where it is)."""
        ...

    async def close(self) -> None: ...


class LiftMode(StrEnum):
    AGV = "agv"
    HUMAN = "human"
    FIRE = "fire"
    EMERGENCY = "emergency"
    OFFLINE = "offline"


@dataclass(frozen=True, slots=True)
class LiftStatus:
    lift_id: str
    at: float
    level: str | None
    doors_open: bool
    mode: LiftMode = LiftMode.HUMAN
    #: The session (robot id) the lift currently serves, if any.
    session: str | None = None
    moving: bool = False
    #: Every session a car for several robots serves at once (``session`` first).
    #: Empty when the lift reports one session only, as Open-RMF's LiftState does.
    sessions: tuple[str, ...] = ()

    def serves(self, robot_id: str) -> bool:
        """Whether the car currently serves ``robot_id``'s session."""
        return robot_id == self.session or robot_id in self.sessions


class LiftPort(Protocol):
    async def connect(self, on_status: Callable[[LiftStatus], None]) -> None: ...

    async def request(self, lift_id: str, level: str, session: str) -> None:
        """Ask the car to ``level`` and hold its doors open for ``session``."""
        ...

    async def release(self, lift_id: str, session: str) -> None: ...

    async def close(self) -> None: ...


@dataclass(frozen=True, slots=True)
class DoorStatus:
    door_id: str
    at: float
    open: bool
    available: bool = True


class DoorPort(Protocol):
    async def connect(self, on_status: Callable[[DoorStatus], None]) -> None: ...

    async def request(self, door_id: str, open_: bool, session: str) -> None: ...

    async def close(self) -> None: ...


# --- the stores -----------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class JobQuery:
    """Filters for listing jobs; ``None`` means "any"."""

    statuses: frozenset[JobStatus] | None = None
    wards: frozenset[str] | None = None
    requested_by: str | None = None
    robot_id: str | None = None
    created_from: float | None = None
    created_until: float | None = None
    limit: int = 200
    offset: int = 0


class JobStore(Protocol):
    """Jobs, robots and the append-only audit trail.

    Every write is one transaction: a job change and its audit events are written
    together or not at all. ``expected_version`` guards against lost updates.
    Raises NotFound, Conflict and StoreUnavailable from ``fleet.core.errors``.
    """

    def create_job(
        self, job: Job, event: AuditEvent, *, idempotency_key: str | None = None
    ) -> Job:
        """Insert ``job``; with a key seen before (same requester), return that job."""
        ...

    def save_job(
        self, job: Job, events: Sequence[AuditEvent], *, expected_version: int
    ) -> None: ...

    def get_job(self, job_id: str) -> Job: ...

    def list_jobs(self, query: JobQuery) -> list[Job]: ...

    def open_jobs(self) -> list[Job]:
        """Every job not yet completed, cancelled or failed."""
        ...

    def history(self, subject: str, subject_id: str) -> list[AuditEvent]: ...

    def events_after(self, seq: int, limit: int = 1000) -> list[tuple[int, AuditEvent]]:
        """Audit events numbered above ``seq``, oldest first, with their numbers."""
        ...

    def last_event_seq(self) -> int: ...

    def save_robot(self, robot: Robot, events: Sequence[AuditEvent] = ()) -> None: ...

    def get_robot(self, robot_id: str) -> Robot: ...

    def list_robots(self) -> list[Robot]: ...

    def append_events(self, events: Sequence[AuditEvent]) -> None: ...


class TokenStore(Protocol):
    """API tokens, stored only as hashes."""

    def add_token(
        self,
        token_hash: str,
        principal: Principal,
        *,
        created_at: float,
        label: str = "",
    ) -> None: ...

    def principal_for(self, token: str) -> Principal | None:
        """Who presents ``token``: the full ``prt_<id>_<secret>`` string as the
        client sent it (the store splits it, finds the row by id and checks the
        secret against its slow hash); ``None`` if unknown, wrong or revoked."""
        ...

    def revoke(self, principal_id: str, *, revoked_at: float | None = None) -> None:
        """Revoke the token whose id is ``principal_id``."""
        ...


class Clock(Protocol):
    def now(self) -> float: ...


class EventSink(Protocol):
    """Where live events go (the API's WebSocket hub, the simulator's log)."""

    def publish(self, kind: str, payload: dict[str, object]) -> None: ...
