"""Parts of the simulated world kept as indexes answer as the walks they replace."""

from __future__ import annotations

import math
import random
from functools import cache
from itertools import pairwise

import numpy as np

from fleet.core.missions import poses
from fleet.core.ports import Navigate
from maps.errors import NoRouteError
from maps.loading import load_sample
from maps.matrix import TravelTimes
from maps.model import Building
from maps.routing import route
from sim.demand import DAY0
from sim.drives import LaneTimes, Segment
from sim.engine import EventQueue
from sim.log import EventLog
from sim.travel import SlicedTravelTimes
from sim.world_doors import Doors


@cache
def hospital() -> Building:
    return load_sample("demo_hospital")


def test_a_robots_door_wait_is_the_walk_over_every_door() -> None:
    """Random opens and releases as time passes: ``is_waiting`` is ``in waiting()``."""
    queue = EventQueue()
    doors = Doors(hospital(), queue, EventLog(0.0, keep=False), lambda _: None)
    ids, robots = sorted(doors.doors), [f"r{i}" for i in range(6)]
    rnd = random.Random(11)
    waited = 0
    for _ in range(400):
        doors.request(rnd.choice(ids), rnd.random() < 0.6, rnd.choice(robots))
        queue.run(queue.now + rnd.choice((0.0, 0.5, 3.0)))
        waiting = doors.waiting()
        for robot in robots:
            assert doors.is_waiting(robot) == (robot in waiting)
        waited += bool(waiting)
    assert 0 < waited < 400


def test_a_snapshots_times_per_load_are_the_plain_matrices() -> None:
    """Sliced times per load class and distances equal the plain computation's."""
    rnd = random.Random(2)
    waypoints = sorted(w.id for w in hospital().waypoints)
    places = [p.id for p in hospital().places]
    sliced, plain = SlicedTravelTimes(hospital()), TravelTimes(hospital())
    caps = frozenset({"can_guide"})
    for _ in range(3):
        nodes = tuple(dict.fromkeys(rnd.sample(waypoints, 12) + rnd.sample(places, 6)))
        loads = ["waste", "medication", "specimen"]
        times, metres = sliced.load_times(nodes, loads, caps)
        want_times, want_metres = plain.load_times(nodes, loads, caps)
        assert list(times) == ["standard", *loads] == list(want_times)
        for load in times:
            np.testing.assert_array_equal(times[load], want_times[load])
        np.testing.assert_array_equal(metres, want_metres)
        # Equal rules, one read-only slice.
        assert times["specimen"] is times["medication"]
        assert not times["specimen"].flags.writeable
        one = sliced.matrix(nodes, load="waste", capabilities=caps)
        np.testing.assert_array_equal(times["waste"], one.times)


def _old_plan(
    lanes: LaneTimes, start: tuple[float, float], command: Navigate, speed: float,
    now: float,
) -> list[Segment]:  # fmt: skip
    """The drive as planned before lanes were kept timed (a transcription)."""
    table, seconds = lanes.router.table, lanes.seconds(speed, now)
    points = [(p.x, p.y) for p in command.path]
    names: list[str | None] = list(command.waypoints)
    if start != points[0]:
        points.insert(0, start)
        names.insert(0, None)
    segments, t = [], now
    for (a, b), (u, v) in zip(pairwise(points), pairwise(names), strict=True):
        metres = math.dist(a, b)
        edge = None
        if u is not None and v is not None:
            edge = lanes.router.edge_of.get((table.node_index[u], table.node_index[v]))
        took = seconds[edge] if edge is not None else 0.0
        if not math.isfinite(took):
            took = 0.0
        took = max(took, metres / speed)
        if command.max_speed_mps:
            took = max(took, metres / command.max_speed_mps)
        lane = (u, v) if u is not None and v is not None else None
        segments.append(Segment(t, t + took, a, b, metres, lane))
        t += took
    return segments


def test_drives_planned_from_kept_lanes_are_the_plain_plans() -> None:
    """Real paths driven again from other points, speeds, hours and caps: equal."""
    lanes, building = LaneTimes(hospital()), hospital()
    rnd = random.Random(4)
    waypoints = sorted(w.id for w in building.waypoints)
    commands = []
    while len(commands) < 25:
        n = len(commands)
        try:
            legs = route(building, *rnd.sample(waypoints, 2)).legs
        except NoRouteError:
            continue
        path = next(leg.waypoints for leg in legs if len(leg.waypoints) > 1)
        cap = rnd.choice((None, None, 0.4))
        level = building.waypoint(path[0]).level
        commands.append(Navigate(f"c{n}", level, path, poses(building, path), cap))
    commands.append(Navigate("one", "L0", ("L0_m05",), poses(building, ("L0_m05",))))
    for _ in range(3):
        for command in commands:
            first = command.path[0]
            start = rnd.choice(((first.x, first.y), (first.x + 1.5, first.y - 2.0)))
            speed = rnd.choice((0.8, 1.2))
            now = DAY0 + rnd.uniform(0, 86400)
            assert lanes.plan(start, command, speed, now) == _old_plan(
                lanes, start, command, speed, now
            )


def test_lane_times_keyed_by_the_hours_slot_are_the_zones_walked() -> None:
    """Any hour of the day, the kept key names the quiet zones in force then."""
    from sim.demand import hour_of

    lanes = LaneTimes(hospital())
    assert lanes._bounds == [6, 22]
    rnd = random.Random(7)
    moments = [DAY0 + 3600.0 * h for h in (0, 5.999, 6, 6.001, 21.999, 22, 23.5)]
    moments += [DAY0 + rnd.uniform(0, 3 * 86400) for _ in range(300)]
    for now in moments:
        for speed in (0.8, 1.2):
            assert lanes._key(speed, now) == lanes.quiet_key(speed, hour_of(now))
    assert lanes._key(1.2, DAY0 + 3600.0 * 23)[1] == {
        "L2_night_quiet",
        "L3_night_quiet",
    }
    assert lanes._key(1.2, DAY0 + 3600.0 * 12)[1] == frozenset()


def test_a_drive_stopped_anywhere_leaves_the_robot_where_each_lane_walk_did() -> None:
    """Stopped at any time, or finished: the point, metres and lane use of a walk
    that moved the robot segment by segment (logged or not)."""
    from sim.motion import Battery
    from sim.world_robots import Robots, SimRobot

    building = hospital()
    rnd = random.Random(9)
    waypoints = sorted(w.id for w in building.waypoints)
    checked = 0
    while checked < 40:
        try:
            legs = route(building, *rnd.sample(waypoints, 2)).legs
        except NoRouteError:
            continue
        path = next((leg.waypoints for leg in legs if len(leg.waypoints) > 2), None)
        if path is None:
            continue
        level = building.waypoint(path[0]).level
        command = Navigate("c", level, path, poses(building, path), None)
        for keep in (False, True):
            robots = Robots(
                building, EventQueue(), EventLog(0.0, keep=keep), Battery(),
                lambda _: None, lambda _: None,
            )  # fmt: skip
            robot = SimRobot("r", 1.0, level, 0.0, 0.0, 1.0)
            robot.segments = robots.lanes.plan((0.0, 0.0), command, 1.0, DAY0)
            until = DAY0 + rnd.uniform(-1.0, robot.segments[-1].t1 - DAY0 + 5.0)
            want_x, want_y, metres, lanes = robot.x, robot.y, 0.0, 0
            for seg in robot.segments:
                if seg.t0 > until:
                    break
                done = seg.t1 <= until
                share = 1.0 if done else (until - seg.t0) / (seg.t1 - seg.t0)
                metres += seg.metres * share
                lanes += done and seg.lane is not None
                want_x, want_y = seg.at(until)
            robots._travelled(robot, until)
            assert (robot.x, robot.y) == (want_x, want_y)
            assert robot.distance_m == metres and sum(robots.lane_use.values()) == lanes
        checked += 1


def test_a_standing_robots_pose_is_reused_until_it_moves() -> None:
    """Standing: one pose, equal to a fresh one; moved (even to -0.0): a new one;
    set again to the very same coordinates: still the one pose."""
    import math

    from fleet.core.ports import Pose
    from sim.motion import Battery
    from sim.world_robots import Robots, SimRobot

    robots = Robots(
        hospital(), EventQueue(), EventLog(0.0, keep=False), Battery(),
        lambda _: None, lambda _: None,
    )  # fmt: skip
    robot = SimRobot("r", 1.0, "L0", 0.0, 2.5, 1.0)
    first = robots.pose(robot)
    assert first == Pose("L0", 0.0, 2.5, 0.0) and robots.pose(robot) is first
    robot.x, robot.y = float("0.0"), float("2.5")  # equal, maybe other objects
    assert robots.pose(robot) is first
    robot.x = -0.0
    moved = robots.pose(robot)
    assert moved is not first and math.copysign(1.0, moved.x) == -1.0
    robot.level = "L1"
    assert robots.pose(robot) == Pose("L1", -0.0, 2.5, 0.0)
