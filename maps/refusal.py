"""Why no legal route exists: the rule that blocks a trip, by name.

When the quickest legal path does not exist, the trip is tried again with one
rule lifted at a time (clean zones, restricted zones, closed lifts, no lifts for
this robot, closed quiet zones). The first rule whose lifting opens a path is
the one named, with the zones or lifts on that path; if no single rule suffices,
all are lifted together and every rule the resulting path breaks is named.
"""

from __future__ import annotations

from dataclasses import replace
from itertools import pairwise
from typing import TYPE_CHECKING

from maps.errors import NoRouteError
from maps.model import LoadClass
from maps.rules import RobotProfile, Rules
from maps.zone_crossings import ZoneCrossings

if TYPE_CHECKING:
    from maps.routing import Router


def refusal(
    router: Router,
    rules: Rules,
    start: str,
    goal: str,
    load: str | LoadClass | None,
    robot: RobotProfile | None,
    hour: float | None,
) -> NoRouteError:
    """A :class:`NoRouteError` whose message names what blocks ``start -> goal``."""
    head = f"no route from {start} to {goal}"
    if load is not None:
        head += f" carrying {load}"
    if hour is not None:
        head += f" at hour {hour:g}"
    a, b = router.waypoint_of(start), router.waypoint_of(goal)
    closed_quiet = frozenset(
        z for z in rules.quiet_zones if not router.quiet_caps.get(z)
    )
    attempts = [
        replace(rules, dirty=False),
        replace(rules, barred_zones=frozenset()),
        replace(rules, closed_lifts_run=True),
        replace(rules, lifts=True),
        replace(rules, quiet_zones=rules.quiet_zones - closed_quiet),
        rules.relaxed(),
    ]
    for relaxed in attempts:
        if relaxed == rules:
            continue
        path = router.path(relaxed, a, b)
        if path is None:
            continue
        reasons = _broken_rules(router, rules, path, robot)
        if len(reasons) == 1:
            return NoRouteError(f"{head}: {reasons[0]}")
        # No single rule blocks every path; together they do.
        some = "; ".join(r.removeprefix("every path ") for r in reasons)
        return NoRouteError(f"{head}: every path breaks one of these rules: {some}")
    return NoRouteError(
        f"{head}: {goal} cannot be reached from {start} by any lane or lift"
    )


def _broken_rules(
    router: Router, rules: Rules, path: list[int], robot: RobotProfile | None
) -> list[str]:
    """What the full ``rules`` forbid along ``path``, one phrase per rule."""
    table = router.table
    edges = [router.edge_of[(u, v)] for u, v in pairwise(path)]
    clean = _zones_on(table.clean, edges, None)
    barred = _zones_on(table.restricted, edges, rules.barred_zones)
    closed_quiet = {z for z in rules.quiet_zones if not router.quiet_caps.get(z)}
    quiet = _zones_on(table.quiet, edges, closed_quiet)
    ridden = {e: lift for e in edges if (lift := table.lift[e]) is not None}
    lifts = sorted(set(ridden.values()))
    closed = sorted(
        {lift for e, lift in ridden.items() if not table.lift_in_service[e]}
    )
    reasons = []
    if rules.dirty and clean:
        reasons.append(
            "every path crosses a clean zone, which dirty loads may not enter "
            f"(the shortest crosses {_names('clean zone', clean)})"
        )
    if barred:
        who = _robot_words(robot)
        reasons.append(
            f"every path enters a restricted zone {who} may not enter "
            f"(the shortest enters {_names('restricted zone', barred)}"
            f"{_allowed(router, barred)})"
        )
    if not rules.lifts and lifts:
        reasons.append(
            f"every path needs a lift ride and this robot cannot ride lifts "
            f"(the shortest rides {_names('lift', lifts)})"
        )
    elif closed:
        reasons.append(f"every path needs {_names('lift', closed)}, out of service")
    if quiet:
        reasons.append(
            f"every path crosses {_names('quiet zone', quiet)}, closed to robots then"
        )
    return reasons or ["the rules in force forbid every path"]


def _zones_on(
    crossings: ZoneCrossings, edges: list[int], only: set[str] | frozenset[str] | None
) -> list[str]:
    on_path = set(edges)
    found = {
        crossings.zone_ids[z]
        for e, z in zip(crossings.edge, crossings.zone, strict=True)
        if int(e) in on_path
    }
    return sorted(found if only is None else found & set(only))


def _names(kind: str, ids: list[str]) -> str:
    plural = kind + ("s" if len(ids) > 1 else "")
    return f"{plural} " + ", ".join(f"'{i}'" for i in ids)


def _robot_words(robot: RobotProfile | None) -> str:
    if robot is None or not robot.capabilities:
        return "a robot without capabilities"
    return "a robot with " + ", ".join(sorted(robot.capabilities))


def _allowed(router: Router, zone_ids: list[str]) -> str:
    zones = {z.id: z for z in router.building.zones}
    needs = set()
    for zone_id in zone_ids:
        needs |= set(zones[zone_id].allowed_capabilities)
        needs |= {f"load {load}" for load in zones[zone_id].allowed_loads}
    if not needs:
        return "; no robot may enter"
    return "; it needs " + " or ".join(sorted(needs))
