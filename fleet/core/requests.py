"""A new request as the API hands it to the core, and the checks it must pass.

:class:`NewJob` is built by ``fleet.api`` from its pydantic schema; the core checks
what only it can know (the building's places, the fleet's robots) and refuses bad
requests with :class:`InvalidRequest` naming the field and the reason.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from fleet.core.errors import InvalidRequest
from fleet.core.model import (
    SECURE_CATEGORIES,
    ItemCategory,
    JobKind,
    Priority,
    Robot,
    RobotState,
    required_capabilities,
)
from maps.errors import NoRouteError
from maps.model import Building, PlaceKind
from maps.routing import RobotProfile, route

#: Where a guided person can be met.
GUIDANCE_MEETING_KINDS = frozenset({PlaceKind.RECEPTION, PlaceKind.CLINIC})


@dataclass(frozen=True, slots=True)
class NewJob:
    """A validated request: a delivery or a guidance."""

    kind: JobKind
    pickup: str
    dropoff: str
    category: ItemCategory
    priority: Priority = Priority.ROUTINE
    compartments: int = 1
    ready_at: float | None = None
    due_at: float | None = None
    recipient: str | None = None
    #: The recipient's PIN in clear; the engine hashes it and forgets it.
    pin: str | None = None
    note: str = ""
    #: The PIN already hashed (``credentials.hash_secret``), e.g. in a worker
    #: thread so the slow hash does not hold up the service's event loop.
    pin_hash: str | None = None


def validate_new_job(
    building: Building,
    new: NewJob,
    robots: Iterable[Robot],
    trips: TripCheck | None = None,
) -> None:
    """Raise :class:`InvalidRequest` for the first thing wrong with ``new``."""
    for field_name in ("pickup", "dropoff"):
        place = getattr(new, field_name)
        if not building.has_place(place):
            raise InvalidRequest(field_name, f"unknown place {place!r}")
    if new.pickup == new.dropoff:
        raise InvalidRequest("dropoff", "same place as the pickup")
    _check_kind(building, new)
    ready, due = new.ready_at, new.due_at
    if ready is not None and due is not None and due < ready:
        raise InvalidRequest("due_at", "before ready_at")
    if new.category in SECURE_CATEGORIES and not (new.pin or new.pin_hash):
        raise InvalidRequest("pin", f"{new.category.value} needs the recipient's PIN")
    if new.pin is not None and not (4 <= len(new.pin) <= 12 and new.pin.isdigit()):
        raise InvalidRequest("pin", "must be 4 to 12 digits")
    if new.compartments < 1:
        raise InvalidRequest("compartments", "must be at least 1")
    fleet = [r for r in robots if r.state != RobotState.OUT_OF_SERVICE]
    _check_size(new, fleet)
    trips = trips or TripCheck(building)
    refusal = trips.refusal(new.pickup, new.dropoff, new.category, fleet)
    if refusal is not None:
        raise InvalidRequest("dropoff", f"no route for this load: {refusal}")


def _check_kind(building: Building, new: NewJob) -> None:
    if new.kind == JobKind.GUIDANCE:
        if new.category != ItemCategory.PERSON:
            raise InvalidRequest("category", "a guidance carries a person")
        meeting = building.place(new.pickup)
        if meeting.kind not in GUIDANCE_MEETING_KINDS:
            raise InvalidRequest(
                "pickup",
                f"a guidance starts at a reception or clinic, not "
                f"{meeting.kind.value} {meeting.id!r}",
            )
    elif new.category == ItemCategory.PERSON:
        raise InvalidRequest("category", "a delivery carries items, not a person")


class TripCheck:
    """Which trips a load may legally make: asked of ``maps`` once, then remembered.

    The building is immutable, so an answer never goes stale; the key is the
    trip, the load category and the fleet's capabilities.
    """

    def __init__(self, building: Building) -> None:
        self._building = building
        self._known: dict[tuple[str, str, str | None, frozenset[str]], str | None] = {}

    def refusal(
        self, pickup: str, dropoff: str, category: ItemCategory, fleet: list[Robot]
    ) -> str | None:
        """Why no robot may carry ``category`` from pickup to dropoff, or ``None``."""
        capabilities = frozenset().union(*(r.capabilities for r in fleet))
        # Restricted zones admit some load categories, so the key is the category.
        load = None if category == ItemCategory.PERSON else category.value
        key = (pickup, dropoff, load, capabilities)
        if key not in self._known:
            profile = RobotProfile(capabilities=capabilities)
            try:
                route(self._building, pickup, dropoff, load=load, robot=profile)
                self._known[key] = None
            except NoRouteError as error:
                self._known[key] = str(error)
        return self._known[key]


def _check_size(new: NewJob, fleet: list[Robot]) -> None:
    """Refuse a load no robot of the fleet could ever carry (if there are robots)."""
    if not fleet:
        return
    needs = required_capabilities(new.category)
    capable = [r for r in fleet if needs <= r.capabilities]
    if not capable:
        raise InvalidRequest(
            "category",
            f"no robot can carry {new.category.value} "
            f"(needs {', '.join(sorted(needs))})",
        )
    if new.kind == JobKind.DELIVERY:
        largest = max(r.compartments for r in capable)
        if new.compartments > largest:
            raise InvalidRequest(
                "compartments",
                f"{new.compartments} is above every robot's capacity ({largest})",
            )
