"""Which lanes cross which zones: found once per building with shapely.

A lane *crosses* a zone when its segment meets the zone's interior; running along
the zone's edge, or ending on it, does not count. Quiet zones also need the metres
inside, to slow the robot down on that stretch only.

Restricted zones bar *entry*: a lane edge that starts inside the zone is a way
within it or out of it, not a way in, so it is not listed as crossing it. A robot
let into the ICU by what it carried can always leave it empty.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import shapely

from maps.model import Building, ZoneKind


@dataclass(frozen=True, slots=True)
class ZoneCrossings:
    """Which edges cross which zones of one kind: parallel arrays, one row a pair."""

    zone_ids: tuple[str, ...]
    edge: np.ndarray
    zone: np.ndarray
    #: Metres of the edge inside the zone.
    inside_m: np.ndarray

    def zones_of_edge(self, edge: int) -> tuple[str, ...]:
        rows = np.flatnonzero(self.edge == edge)
        return tuple(self.zone_ids[z] for z in self.zone[rows])


@dataclass(frozen=True, slots=True)
class LaneGeometry:
    edges: np.ndarray
    levels: np.ndarray
    lines: np.ndarray


def lane_geometry(
    xy: np.ndarray,
    node_levels: np.ndarray,
    src: np.ndarray,
    dst: np.ndarray,
    is_lift: np.ndarray,
) -> LaneGeometry:
    """One segment per lane edge (lift edges have none), with its level."""
    edges = np.flatnonzero(~is_lift)
    coords = np.stack([xy[src[edges]], xy[dst[edges]]], axis=1)
    lines = shapely.linestrings(coords.reshape(-1, 2, 2))
    return LaneGeometry(edges, node_levels[src[edges]], lines)


def crossings(building: Building, geo: LaneGeometry, kind: ZoneKind) -> ZoneCrossings:
    zones = [z for z in building.zones if z.kind == kind and len(z.polygon) >= 3]
    empty = np.zeros(0, dtype=np.int64)
    if not zones or len(geo.edges) == 0:
        return ZoneCrossings(tuple(z.id for z in zones), empty, empty, np.zeros(0))
    polygons = shapely.make_valid(shapely.polygons([list(z.polygon) for z in zones]))
    tree = shapely.STRtree(polygons)
    line_i, zone_i = tree.query(geo.lines, predicate="intersects")
    zone_levels = np.asarray([z.level for z in zones])
    same_level = geo.levels[line_i] == zone_levels[zone_i]
    line_i, zone_i = line_i[same_level], zone_i[same_level]
    inside = shapely.intersection(geo.lines[line_i], polygons[zone_i])
    # Touching the boundary only (a point, or a stretch along the wall) is not entry.
    enters = ~shapely.touches(geo.lines[line_i], polygons[zone_i])
    if kind == ZoneKind.RESTRICTED:
        starts = shapely.get_point(geo.lines[line_i], 0)
        enters &= ~shapely.contains(polygons[zone_i], starts)
    line_i, zone_i = line_i[enters], zone_i[enters]
    return ZoneCrossings(
        zone_ids=tuple(z.id for z in zones),
        edge=geo.edges[line_i],
        zone=zone_i.astype(np.int64),
        inside_m=shapely.length(inside[enters]),
    )
