"""Who may do what, and requests refused with the field and the reason."""

from __future__ import annotations

from itertools import pairwise

import pytest

from fleet.core.engine import FleetCore, NewJob
from fleet.core.errors import Forbidden, InvalidRequest, NotFound
from fleet.core.model import ItemCategory, JobKind, Principal, Robot, Role
from maps.loading import load_sample
from maps.model import Building, Lane, Level, Place, PlaceKind, Waypoint

STATION_A = Principal("station_a", Role.NURSING_STATION, wards=frozenset({"ward_a"}))
STATION_B = Principal("station_b", Role.NURSING_STATION, wards=frozenset({"ward_b"}))
PHARMACY = Principal("pharmacy", Role.PHARMACY)
LAB = Principal("lab", Role.LAB, places=frozenset({"lab"}))
OPERATOR = Principal("ops", Role.OPERATOR)
ROBOT = Principal("robot:r1", Role.ROBOT, robot_id="r1")


@pytest.fixture
def two_wards() -> Building:
    """One corridor: pharmacy, lab, reception, two wards with their stations."""
    names = [
        "pharmacy",
        "lab",
        "reception",
        "ward_a",
        "station_a",
        "ward_b",
        "station_b",
    ]
    waypoints = tuple(
        Waypoint(f"w_{n}", "G", 10.0 * i, 0.0) for i, n in enumerate(names)
    )
    lanes = tuple(
        Lane(f"lane_{i}", "G", a.id, b.id)
        for i, (a, b) in enumerate(pairwise(waypoints))
    )
    kinds = {"ward_a": PlaceKind.WARD, "ward_b": PlaceKind.WARD}
    places = tuple(
        Place(
            n,
            kinds.get(n)
            or PlaceKind(n.split("_")[0].replace("station", "nursing_station")),
            f"w_{n}",
            nursing_station=f"station_{n[-1]}" if n.startswith("ward") else None,
        )
        for n in names
    )
    return Building("two wards", (Level("G"),), waypoints, lanes, places)


@pytest.fixture
def core(two_wards: Building) -> FleetCore:
    fleet = [Robot("r1", compartments=2, waypoint="w_lab", level="G")]
    return FleetCore(two_wards, robots=fleet)


def _delivery(pickup: str, dropoff: str, **kw: object) -> NewJob:
    return NewJob(JobKind.DELIVERY, pickup, dropoff, ItemCategory.MEDICATION, **kw)  # type: ignore[arg-type]


def test_station_sees_and_cancels_only_its_wards_jobs(core: FleetCore) -> None:
    """Ward B's station cannot see or cancel ward A's job; ward A's can."""
    core.request_job(_delivery("pharmacy", "ward_a"), PHARMACY, job_id="j1", now=1.0)
    assert core.job("j1").ward == "ward_a"
    assert [j.id for j in core.visible_jobs(STATION_A)] == ["j1"]
    assert core.visible_jobs(STATION_B) == []
    with pytest.raises(NotFound):
        core.job("j1", STATION_B)
    with pytest.raises(NotFound):
        core.cancel_job("j1", STATION_B, now=2.0)
    decision = core.cancel_job("j1", STATION_A, now=3.0)
    assert decision.jobs[0][0].status == "cancelled"


def test_station_sends_only_to_or_from_its_wards(core: FleetCore) -> None:
    """A station may send from its ward's station, not between other places."""
    core.request_job(_delivery("station_a", "lab"), STATION_A, job_id="j1", now=1.0)
    with pytest.raises(Forbidden):
        core.request_job(
            _delivery("pharmacy", "ward_b"), STATION_A, job_id="j2", now=1.0
        )


def test_senders_send_from_their_places_and_robots_not_at_all(core: FleetCore) -> None:
    """Pharmacy from the pharmacy, lab from its listed places, robot tokens never."""
    core.request_job(_delivery("pharmacy", "ward_b"), PHARMACY, job_id="j1", now=1.0)
    core.request_job(_delivery("lab", "ward_b"), LAB, job_id="j2", now=1.0)
    with pytest.raises(Forbidden):
        core.request_job(_delivery("lab", "ward_b"), PHARMACY, job_id="j3", now=1.0)
    with pytest.raises(Forbidden):
        core.request_job(_delivery("pharmacy", "ward_b"), LAB, job_id="j4", now=1.0)
    with pytest.raises(Forbidden):
        core.request_job(_delivery("pharmacy", "ward_b"), ROBOT, job_id="j5", now=1.0)
    assert {j.id for j in core.visible_jobs(OPERATOR)} == {"j1", "j2"}
    assert [j.id for j in core.visible_jobs(LAB)] == ["j2"]


def test_operator_controls_robots_and_stations_do_not(core: FleetCore) -> None:
    """Pausing a robot is an operator's call."""
    with pytest.raises(Forbidden):
        core.pause_robot("r1", STATION_A, now=1.0)
    decision = core.pause_robot("r1", OPERATOR, now=1.0)
    assert decision.robots[0][0].state == "paused"


@pytest.mark.parametrize(
    ("new", "message"),
    [
        (_delivery("pharmacy", "ward_9z"), "dropoff: unknown place 'ward_9z'"),
        (_delivery("nowhere", "ward_a"), "pickup: unknown place 'nowhere'"),
        (_delivery("pharmacy", "ward_a", compartments=3), "compartments: 3 is above"),
        (_delivery("pharmacy", "ward_a", ready_at=50.0, due_at=10.0), "due_at: before"),
        (
            NewJob(
                JobKind.DELIVERY,
                "pharmacy",
                "ward_a",
                ItemCategory.CONTROLLED_SUBSTANCE,
            ),
            "pin: controlled_substance needs the recipient's PIN",
        ),
        (
            NewJob(JobKind.GUIDANCE, "ward_a", "reception", ItemCategory.PERSON),
            "pickup: a guidance starts at a reception or clinic",
        ),
        (_delivery("pharmacy", "pharmacy"), "dropoff: same place"),
        (
            NewJob(
                JobKind.DELIVERY,
                "pharmacy",
                "ward_a",
                ItemCategory.BLOOD_PRODUCT,
                pin="1234",
            ),
            "category: no robot can carry blood_product (needs refrigerated, secure",
        ),
    ],
)
def test_bad_requests_name_the_field_and_reason(
    core: FleetCore, new: NewJob, message: str
) -> None:
    """Each refusal says which field is wrong and why."""
    with pytest.raises(InvalidRequest) as refused:
        core.request_job(new, OPERATOR, job_id="j1", now=1.0)
    assert str(refused.value).startswith(message)
    assert refused.value.field == message.split(":")[0]


def test_waste_through_a_clean_zone_is_refused_with_the_rule() -> None:
    """Waste to the pharmacy would cross its clean zone: refused, naming it."""
    core = FleetCore(load_sample("small_clinic"))
    new = NewJob(JobKind.DELIVERY, "waste", "pharmacy", ItemCategory.WASTE)
    with pytest.raises(InvalidRequest) as refused:
        core.request_job(new, OPERATOR, job_id="j1", now=1.0)
    assert refused.value.field == "dropoff"
    assert "pharmacy_clean" in str(refused.value)
