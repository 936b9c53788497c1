"""Who may do what: roles, wards and places, decided in the core.

A nursing station works for its wards: it creates requests to or from its wards'
places (a ward and the nursing station that owns it) and sees and cancels only
jobs of its wards. Pharmacy and lab send from their places. Operators and admins
do everything; a robot token speaks only for its robot. The API only maps the
:class:`Forbidden` raised here to 403.
"""

from __future__ import annotations

from fleet.core.errors import Forbidden
from fleet.core.model import Job, Principal, Role
from maps.model import Building, PlaceKind

_STAFF = frozenset({Role.OPERATOR, Role.ADMIN})
_SENDER_KINDS = {Role.PHARMACY: PlaceKind.PHARMACY, Role.LAB: PlaceKind.LAB}


def ward_places(building: Building, ward: str) -> frozenset[str]:
    """The places of ``ward``: the ward itself and its nursing station."""
    if not building.has_place(ward):
        return frozenset()
    station = building.place(ward).nursing_station
    return frozenset({ward, station} if station else {ward})


def wards_of_place(building: Building, place_id: str) -> tuple[str, ...]:
    """The wards ``place_id`` belongs to (a nursing station may serve several)."""
    return _ward_index(building).get(place_id, ())


_WARD_INDEXES: dict[int, tuple[Building, dict[str, tuple[str, ...]]]] = {}


def _ward_index(building: Building) -> dict[str, tuple[str, ...]]:
    """place -> its wards, built once per building (buildings are immutable)."""
    cached = _WARD_INDEXES.get(id(building))
    if cached is not None and cached[0] is building:
        return cached[1]
    index: dict[str, list[str]] = {}
    for ward in building.places_of_kind(PlaceKind.WARD):
        for place in sorted(ward_places(building, ward.id)):
            index.setdefault(place, []).append(ward.id)
    frozen = {place: tuple(wards) for place, wards in index.items()}
    if len(_WARD_INDEXES) > 8:
        _WARD_INDEXES.clear()
    _WARD_INDEXES[id(building)] = (building, frozen)
    return frozen


def job_ward(
    building: Building, pickup: str, dropoff: str, principal: Principal
) -> str | None:
    """The ward a new job belongs to: the drop-off's, else the pickup's.

    Where a place belongs to several wards, the caller's own ward wins.
    """
    for place in (dropoff, pickup):
        wards = wards_of_place(building, place)
        mine = [w for w in wards if w in principal.wards]
        if mine or wards:
            return (mine or list(wards))[0]
    return None


def check_create(
    building: Building, principal: Principal, pickup: str, dropoff: str
) -> None:
    """Raise :class:`Forbidden` unless ``principal`` may send pickup -> dropoff."""
    role = principal.role
    if role in _STAFF:
        return
    if role == Role.NURSING_STATION:
        own = frozenset().union(*(ward_places(building, w) for w in principal.wards))
        if pickup in own or dropoff in own:
            return
        raise Forbidden(
            f"{principal.id} may only send to or from its wards' places "
            f"({', '.join(sorted(principal.wards)) or 'none'})"
        )
    if role in _SENDER_KINDS:
        if _sends_from(building, principal, pickup):
            return
        raise Forbidden(f"{principal.id} may only send from its own places")
    raise Forbidden(f"a {role.value} token cannot create requests")


def _sends_from(building: Building, principal: Principal, place: str) -> bool:
    if principal.places:
        return place in principal.places
    kind = _SENDER_KINDS[principal.role]
    return building.has_place(place) and building.place(place).kind == kind


def can_see(building: Building, principal: Principal, job: Job) -> bool:
    """Whether ``principal`` may see ``job`` (and its history)."""
    role = principal.role
    if role in _STAFF or job.requested_by == principal.id:
        return True
    if role == Role.NURSING_STATION:
        return job.ward is not None and job.ward in principal.wards
    if role in _SENDER_KINDS:
        # Senders see what they send and what is sent to them.
        return any(
            _sends_from(building, principal, p) for p in (job.pickup, job.dropoff)
        )
    if role == Role.ROBOT:
        return job.robot_id is not None and job.robot_id == principal.robot_id
    return False


def check_cancel(building: Building, principal: Principal, job: Job) -> None:
    if principal.role == Role.ROBOT or not can_see(building, principal, job):
        raise Forbidden(f"{principal.id} may not cancel job {job.id!r}")


def check_handoff(building: Building, principal: Principal, job: Job) -> None:
    """Loading and hand-off confirms: the sender, the ward, staff, or the robot."""
    if not can_see(building, principal, job):
        raise Forbidden(f"{principal.id} may not confirm job {job.id!r}")


def check_operator(principal: Principal) -> None:
    """Robot controls and recovery are for operators and admins."""
    if principal.role not in _STAFF:
        raise Forbidden(f"{principal.id} ({principal.role.value}) is not an operator")
