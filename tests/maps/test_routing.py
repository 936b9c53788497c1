"""Routes on small hand-made buildings, with costs worked out on paper."""

from __future__ import annotations

from dataclasses import replace

import pytest

from maps.errors import NoRouteError
from maps.legs import DoorLeg, DriveLeg, LiftLeg, LiftRide
from maps.model import Lane, Lift, LoadClass, Zone, ZoneKind
from maps.routing import RobotProfile, Router, route, router_for
from maps.rules import load_class_of
from tests.maps.handmade_buildings import (
    CLEAN_KITCHEN,
    DOOR_BC,
    ICU,
    QUIET_BC,
    SERVICE_RIDE_G_L2_S,
    box,
    clinic,
    without_lanes,
)


def test_straight_corridor() -> None:
    """Pharmacy to waste room drives the 30 m main corridor at 1 m/s."""
    r = route(clinic(), "pharmacy", "waste_room")
    assert r.waypoints == ("g_a", "g_b", "g_c", "g_d")
    assert r.length_m == pytest.approx(30)
    assert r.time_s == pytest.approx(30)
    assert r.levels == ("G",)
    assert r.lifts == () and r.doors == ()
    assert r.legs == (DriveLeg("G", ("g_a", "g_b", "g_c", "g_d"), 30.0, 30.0),)


def test_waypoint_ids_work_as_endpoints() -> None:
    """Start and goal may be waypoint ids as well as place ids."""
    assert route(clinic(), "g_b", "waste_room").waypoints == ("g_b", "g_c", "g_d")


def test_same_start_and_goal_is_an_empty_route() -> None:
    """A trip to where the robot already is costs nothing."""
    r = route(clinic(), "pharmacy", "g_a")
    assert r.waypoints == ("g_a",) and r.time_s == 0 and r.legs == ()


def test_lift_ride_between_levels() -> None:
    """A ride G -> L2 costs two door cycles, the service wait and two levels."""
    r = route(clinic(), "pharmacy", "ward_2")
    assert r.levels == ("G", "L2")
    assert r.lifts == (LiftRide("service", "G", "L2"),)
    assert r.time_s == pytest.approx(5 + SERVICE_RIDE_G_L2_S + 5)
    assert r.length_m == pytest.approx(10)
    kinds = [type(leg) for leg in r.legs]
    assert kinds == [DriveLeg, LiftLeg, DriveLeg]
    assert r.legs[1] == LiftLeg(
        "service", "G", "L2", ("g_lift", "l2_lift"), SERVICE_RIDE_G_L2_S
    )


def test_same_level_trip_through_another_level() -> None:
    """With L1's corridor cut, ward 1 reaches ward 1b down one lift and up another."""
    base = clinic()
    east = Lift("east", {"G": "g_d", "L1": "l1_b"}, shared_with_people=False)
    b = without_lanes(replace(base, lifts=(*base.lifts, east)), "l1_ab")
    r = route(b, "ward_1", "ward_1b")
    assert r.levels == ("L1", "G", "L1")
    assert r.lifts == (LiftRide("service", "L1", "G"), LiftRide("east", "G", "L1"))
    ride_down, ride_up = 8 + 20 + 3, 8 + 20 + 3
    assert r.time_s == pytest.approx(5 + ride_down + 5 + 30 + ride_up)
    assert [type(leg) for leg in r.legs] == [
        DriveLeg, LiftLeg, DriveLeg, LiftLeg
    ]  # fmt: skip


def test_shared_lift_waits_longer() -> None:
    """A lift shared with people costs 25 s more expected wait than a service lift."""
    base = clinic()
    shared = replace(base, lifts=(replace(base.lifts[0], shared_with_people=True),))
    gap = (
        route(shared, "pharmacy", "ward_2").time_s
        - route(base, "pharmacy", "ward_2").time_s
    )
    assert gap == pytest.approx(45 - 20)


def test_lift_cost_counts_levels_by_elevation() -> None:
    """G -> L1 is one level, G -> L2 two, whatever order the levels are listed in."""
    b = clinic()
    to_l1 = route(b, "g_lift", "l1_lift").time_s
    to_l2 = route(b, "g_lift", "l2_lift").time_s
    assert to_l2 - to_l1 == pytest.approx(3.0)


def test_door_adds_opening_time_and_a_leg() -> None:
    """A door on lane b-c adds 3 s and splits the drive around a door leg."""
    r = route(clinic(doors=(DOOR_BC,)), "pharmacy", "waste_room")
    assert r.time_s == pytest.approx(33)
    assert r.doors == ("fire_door",)
    assert r.legs == (
        DriveLeg("G", ("g_a", "g_b"), 10.0, 10.0),
        DoorLeg("fire_door", "G", ("g_b", "g_c"), 10.0, 13.0),
        DriveLeg("G", ("g_c", "g_d"), 10.0, 10.0),
    )


def test_one_way_lane_is_driven_one_way_only() -> None:
    """With c-d one-way from d to c, the trip to the waste room takes the detour."""
    b = clinic()
    one_way = Lane("cd", "G", "g_d", "g_c", bidirectional=False)
    b = replace(b, lanes=(*without_lanes(b, "cd").lanes, one_way))
    assert route(b, "pharmacy", "waste_room").waypoints == ("g_a", "g_e", "g_f", "g_d")
    assert route(b, "waste_room", "pharmacy").waypoints == ("g_d", "g_c", "g_b", "g_a")


def test_lane_speed_limit_and_robot_speed() -> None:
    """A lane limit slows that lane; a slower robot is slower everywhere."""
    b = clinic()
    slow_bc = replace(next(x for x in b.lanes if x.id == "bc"), speed_limit_mps=0.5)
    b = replace(b, lanes=(*without_lanes(b, "bc").lanes, slow_bc))
    assert route(b, "pharmacy", "waste_room").time_s == pytest.approx(40)
    slow = RobotProfile(speed_mps=0.25)
    assert route(b, "pharmacy", "waste_room", robot=slow).time_s == pytest.approx(120)


def test_quiet_zone_slows_only_when_in_force() -> None:
    """12 m inside a 0.5 m/s quiet zone cost 12 s more at night and with no hour."""
    b = clinic(zones=(QUIET_BC,))
    assert route(b, "pharmacy", "waste_room", hour=12).time_s == pytest.approx(30)
    assert route(b, "pharmacy", "waste_room", hour=23).time_s == pytest.approx(42)
    assert route(b, "pharmacy", "waste_room").time_s == pytest.approx(42)


def test_closed_quiet_zone_is_avoided_then_named() -> None:
    """A quiet zone without a speed cap is closed while in force."""
    closed = replace(QUIET_BC, speed_cap_mps=None)
    b = clinic(zones=(closed,))
    assert route(b, "pharmacy", "waste_room", hour=23).length_m == pytest.approx(50)
    assert route(b, "pharmacy", "waste_room", hour=12).length_m == pytest.approx(30)
    with pytest.raises(NoRouteError, match="quiet zone 'quiet_bc', closed"):
        route(without_lanes(b, "ef"), "pharmacy", "waste_room", hour=23)


def test_dirty_load_avoids_clean_zone() -> None:
    """Waste takes the 50 m detour around the kitchen corridor; medication does not."""
    b = clinic(zones=(CLEAN_KITCHEN,))
    assert route(b, "pharmacy", "waste_room", load="medication").length_m == 30
    r = route(b, "pharmacy", "waste_room", load="waste")
    assert r.waypoints == ("g_a", "g_e", "g_f", "g_d")
    assert r.length_m == pytest.approx(50)
    assert route(b, "pharmacy", "waste_room", load=LoadClass.DIRTY).length_m == 50


def test_no_route_names_the_clean_zone() -> None:
    """Without the detour, the error names the load and the clean zone."""
    b = without_lanes(clinic(zones=(CLEAN_KITCHEN,)), "ef")
    with pytest.raises(NoRouteError) as caught:
        route(b, "pharmacy", "waste_room", load="soiled_linen")
    message = str(caught.value)
    assert message.startswith(
        "no route from pharmacy to waste_room carrying soiled_linen"
    )
    assert "clean zone 'kitchen_corridor'" in message


def test_restricted_zone_needs_capability_or_allowed_load() -> None:
    """Ward 1b inside the ICU: refused bare, allowed with icu_access or blood."""
    b = clinic(zones=(ICU,))
    with pytest.raises(NoRouteError) as caught:
        route(b, "pharmacy", "ward_1b")
    assert "restricted zone 'icu'" in str(caught.value)
    assert "icu_access" in str(caught.value)
    icu_robot = RobotProfile(capabilities=frozenset({"icu_access"}))
    assert route(b, "pharmacy", "ward_1b", robot=icu_robot).goal == "ward_1b"
    assert route(b, "pharmacy", "ward_1b", load="blood_product").goal == "ward_1b"
    assert route(b, "pharmacy", "ward_1", load="waste").goal == "ward_1"


def test_robot_inside_a_restricted_zone_may_leave_it() -> None:
    """A robot let in by its load drives out empty; going back in is refused."""
    b = clinic(zones=(ICU,))
    assert route(b, "ward_1b", "pharmacy").goal == "pharmacy"
    with pytest.raises(NoRouteError, match="restricted zone 'icu'"):
        route(b, "pharmacy", "ward_1b")


def test_out_of_service_lift_is_avoided_then_named() -> None:
    """A closed lift is skipped for a working one, and named when it is the only one."""
    base = clinic()
    closed = replace(base.lifts[0], in_service=False)
    with pytest.raises(NoRouteError, match="lift 'service', out of service"):
        route(replace(base, lifts=(closed,)), "pharmacy", "ward_2")
    spare = replace(base.lifts[0], id="visitors", shared_with_people=True)
    b = replace(base, lifts=(closed, spare))
    assert route(b, "pharmacy", "ward_2").lifts == (LiftRide("visitors", "G", "L2"),)


def test_robot_that_cannot_ride_lifts() -> None:
    """A robot without lift access is refused a trip to another level."""
    robot = RobotProfile(can_ride_lifts=False)
    assert route(clinic(), "pharmacy", "waste_room", robot=robot).levels == ("G",)
    with pytest.raises(NoRouteError, match="cannot ride lifts"):
        route(clinic(), "pharmacy", "ward_2", robot=robot)


def test_disconnected_places_are_named_as_such() -> None:
    """When no lane or lift joins them, the error says so."""
    b = clinic(lifts=())
    with pytest.raises(NoRouteError, match=r"cannot be reached .* by any lane or lift"):
        route(b, "pharmacy", "ward_2")


def test_two_rules_together_are_both_named() -> None:
    """Waste to a ward in the ICU over a closed lift names every rule it breaks."""
    b = clinic(zones=(ICU, Zone("l1_clean", "L1", ZoneKind.CLEAN, box(-3, -3, 3, 3))))
    with pytest.raises(NoRouteError) as caught:
        route(b, "pharmacy", "ward_1b", load="waste")
    assert "clean zone 'l1_clean'" in str(caught.value)
    assert "restricted zone 'icu'" in str(caught.value)


def test_unknown_endpoint_and_load_are_value_errors() -> None:
    """A misspelt place or load category is bad input, not a missing route."""
    with pytest.raises(ValueError, match="no place or waypoint named 'pharmcy'"):
        route(clinic(), "pharmcy", "ward_2")
    with pytest.raises(ValueError, match="unknown load 'wast'"):
        route(clinic(), "pharmacy", "ward_2", load="wast")


def test_load_classes() -> None:
    """Waste and soiled linen are dirty; the other categories are standard."""
    assert load_class_of("waste") is LoadClass.DIRTY
    assert load_class_of("soiled_linen") is LoadClass.DIRTY
    assert load_class_of("linen") is LoadClass.STANDARD
    assert load_class_of(None) is LoadClass.STANDARD


def test_router_is_cached_per_building() -> None:
    """The same building object gets the same router; another gets its own."""
    b = clinic()
    assert router_for(b) is router_for(b)
    assert router_for(clinic()) is not router_for(b)
    assert isinstance(router_for(b), Router)


def test_demo_hospital_ward_to_ward_across_levels() -> None:
    """Two wards on different floors of the demo hospital are joined by a lift."""
    from maps.loading import load_sample

    b = load_sample("demo_hospital")
    r = route(b, "ward_2a", "ward_3c")
    assert r.levels == ("L2", "L3")
    assert len(r.lifts) == 1
    assert r.time_s > r.length_m / 1.0


def test_demo_hospital_waste_route_stays_out_of_clean_zones() -> None:
    """Waste from a ward reaches the waste hold by the service side."""
    from maps.loading import load_sample

    b = load_sample("demo_hospital")
    r = route(b, "ward_2a", "waste_hold", load="waste")
    assert r.waypoints[-1] == b.place("waste_hold").waypoint
    assert r.levels[0] == "L2" and r.levels[-1] == "L0"
    clean = route(b, "ward_2a", "waste_hold")
    assert clean.time_s <= r.time_s


def test_robot_speed_must_be_positive() -> None:
    """A robot profile with a zero speed is refused at construction."""
    with pytest.raises(ValueError, match="speed_mps must be > 0"):
        RobotProfile(speed_mps=0)
