"""From the traffic editor's drawing units to metres in one building frame.

Follows ``building_map/building.py``, ``level.py`` and ``transform.py`` of
open-rmf/rmf_traffic_editor:

- ``coordinate_system: reference_image`` (the default): coordinates are pixels of
  each level's drawing, y growing downward. Y is flipped first (Porter's frame has
  y upward, as ROS and the editor's own exports do), then the point is rotated,
  scaled and translated. The reference level (``reference_level_name``, else the
  first level) has no rotation or translation and its scale is the mean of
  ``metres / pixel length`` over its measurements. Every other level is aligned to
  the reference level by the fiducials they share (at least two): rotation from the
  circular mean of bearing differences, scale from the ratio of distances, and
  translation from the mean residual, exactly as the editor does. A level without
  two shared fiducials falls back to its own measurements (scale only). A level
  with neither has no scale, and that is reported rather than guessed.
- ``cartesian_meters``: coordinates are already metres with y upward; no scaling
  or flipping. The building's ``offset_x``/``offset_y`` (a geographic origin) are
  ignored: Porter works in the local frame.
- ``web_mercator`` and ``wgs84`` are geographic and need a map projection; they are
  reported as not supported.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from maps.openrmf_raw import RawLevel, Reporter, as_number

#: Closer than this (in drawing units), two points are one: no scale from them.
_SAME_POINT = 1e-6


@dataclass(frozen=True, slots=True)
class LevelFrame:
    """``metres = R(rotation) * (x, flip * y) * scale + (tx, ty)``."""

    scale: float = 1.0
    rotation: float = 0.0
    tx: float = 0.0
    ty: float = 0.0
    flip_y: bool = True

    def to_metres(self, x: float, y: float) -> tuple[float, float]:
        y = -y if self.flip_y else y
        cos_r, sin_r = math.cos(self.rotation), math.sin(self.rotation)
        return (
            (cos_r * x - sin_r * y) * self.scale + self.tx,
            (sin_r * x + cos_r * y) * self.scale + self.ty,
        )


def level_frames(
    coordinate_system: str,
    levels: dict[str, RawLevel],
    reference: str,
    report: Reporter,
) -> dict[str, LevelFrame]:
    """The frame of every level that has one; a problem for every level without."""
    if coordinate_system == "cartesian_meters":
        return {name: LevelFrame(flip_y=False) for name in levels}
    if coordinate_system in ("web_mercator", "wgs84"):
        report.problem(
            "",
            "coordinate_system",
            f"{coordinate_system} (geographic coordinates) is not supported: "
            "save the map as reference_image or cartesian_meters",
        )
        return {}
    if coordinate_system != "reference_image":
        report.problem(
            "",
            "coordinate_system",
            f"unknown coordinate system {coordinate_system!r} (expected "
            "reference_image or cartesian_meters)",
        )
        return {}
    return _image_frames(levels, reference, report)


def _image_frames(
    levels: dict[str, RawLevel], reference: str, report: Reporter
) -> dict[str, LevelFrame]:
    frames: dict[str, LevelFrame] = {}
    ref_level = levels[reference]
    ref_scale = measurement_scale(ref_level, report)
    if ref_scale is not None:
        frames[reference] = LevelFrame(scale=ref_scale)
    for name, level in levels.items():
        if name == reference:
            continue
        frame = None
        if ref_scale is not None:
            frame = fiducial_frame(ref_level, level, ref_scale)
        if frame is None:
            scale = measurement_scale(level, report)
            frame = LevelFrame(scale=scale) if scale is not None else None
        if frame is not None:
            frames[name] = frame
    for name in levels:
        if name not in frames:
            report.problem(
                name,
                "",
                f"level {name} has no scale: add a measurement in the traffic "
                f"editor (or two fiducials shared with the scaled level {reference})",
            )
    return frames


def measurement_scale(level: RawLevel, report: Reporter) -> float | None:
    """Mean metres per pixel over the level's measurements, or ``None``."""
    scales = []
    for edge in level.measurements:
        element = f"measurement {edge.index} (vertex {edge.start} -> {edge.end})"
        metres = as_number(edge.params.get("distance"))
        a, b = level.vertices[edge.start], level.vertices[edge.end]
        pixels = math.hypot(b.x - a.x, b.y - a.y)
        if metres is None or metres <= 0:
            report.problem(level.name, element, "distance must be a positive number")
        elif not pixels > _SAME_POINT:
            report.problem(level.name, element, "its two vertices are at one point")
        else:
            scales.append(metres / pixels)
    return sum(scales) / len(scales) if scales else None


def fiducial_frame(
    reference: RawLevel, level: RawLevel, ref_scale: float
) -> LevelFrame | None:
    """Align ``level`` to ``reference`` by shared fiducials (the editor's method)."""
    names = [n for n in reference.fiducials if n in level.fiducials]
    ref_points = [_flipped(reference.fiducials[n]) for n in names]
    points = [_flipped(level.fiducials[n]) for n in names]
    sin_sum = cos_sum = ratio_sum = 0.0
    pairs = 0
    for i in range(len(names)):
        for j in range(i + 1, len(names)):
            ref_d = math.dist(ref_points[i], ref_points[j])
            d = math.dist(points[i], points[j])
            if ref_d <= _SAME_POINT or d <= _SAME_POINT:
                continue
            delta = _bearing(points[i], points[j]) - _bearing(
                ref_points[i], ref_points[j]
            )
            sin_sum += math.sin(delta)
            cos_sum += math.cos(delta)
            ratio_sum += d / ref_d
            pairs += 1
    if pairs == 0:
        return None
    rotation = -math.atan2(sin_sum, cos_sum)
    ratio = ratio_sum / pairs
    cos_r, sin_r = math.cos(rotation), math.sin(rotation)
    tx = ty = 0.0
    for (rx, ry), (x, y) in zip(ref_points, points, strict=True):
        tx += (cos_r * x - sin_r * y) / ratio - rx
        ty += (sin_r * x + cos_r * y) / ratio - ry
    tx *= -ref_scale / len(names)
    ty *= -ref_scale / len(names)
    return LevelFrame(scale=ref_scale / ratio, rotation=rotation, tx=tx, ty=ty)


def _flipped(point: tuple[float, float]) -> tuple[float, float]:
    return point[0], -point[1]


def _bearing(a: tuple[float, float], b: tuple[float, float]) -> float:
    return math.atan2(b[1] - a[1], b[0] - a[0])
