"""Draw a :class:`~maps.drawing.LevelDrawing` to a PNG with matplotlib.

matplotlib here is a deliberate exception to DESIGN.md's list for ``maps``: the
simulator's heat map draws over the same floor plan, through ``overlay``. Nothing
else in ``maps`` imports this module, so loading and routing never pay for it.
A bare ``Figure`` (no pyplot) saves through the Agg canvas: no display, no
global state.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch, Polygon

from maps.drawing import LevelDrawing
from maps.model import PlaceKind, ZoneKind

PLACE_COLOURS: dict[PlaceKind, str] = {
    PlaceKind.WARD: "#1f77b4",
    PlaceKind.NURSING_STATION: "#17becf",
    PlaceKind.PHARMACY: "#2ca02c",
    PlaceKind.LAB: "#9467bd",
    PlaceKind.KITCHEN: "#ff7f0e",
    PlaceKind.STORES: "#8c564b",
    PlaceKind.LINEN: "#e377c2",
    PlaceKind.WASTE: "#7f7f7f",
    PlaceKind.CLINIC: "#bcbd22",
    PlaceKind.RECEPTION: "#d62728",
    PlaceKind.CHARGER: "#000000",
    PlaceKind.PARKING: "#aec7e8",
    PlaceKind.HOLDING_POINT: "#c5b0d5",
    PlaceKind.LANDMARK: "#c7c7c7",
}
ZONE_STYLES: dict[ZoneKind, dict[str, object]] = {
    ZoneKind.CLEAN: {"facecolor": "#cfe8ff", "edgecolor": "#4a90d9", "hatch": ""},
    ZoneKind.RESTRICTED: {
        "facecolor": "#ffd6d6",
        "edgecolor": "#c0392b",
        "hatch": "//",
    },
    ZoneKind.QUIET: {"facecolor": "#fff3c4", "edgecolor": "#d4a017", "hatch": ".."},
}

Overlay = Callable[[Axes], None]


def render_level_png(
    drawing: LevelDrawing,
    path: str | Path,
    *,
    title: str | None = None,
    overlay: Overlay | None = None,
) -> Path:
    """Draw ``drawing`` to ``path`` (PNG) and return the path.

    ``overlay(ax)`` is called last, to draw on top in the same metres (a route, a
    heat map); :func:`route_overlay` makes one for a route's points.
    """
    x0, y0, x1, y1 = drawing.bounds
    span = max(x1 - x0, y1 - y0, 1.0)
    width = min(16.0, max(8.0, 8.0 * (x1 - x0 + 1) / (y1 - y0 + 1)))
    figure = Figure(figsize=(width, 8.0))
    ax = figure.add_subplot()
    _draw_zones(ax, drawing)
    _draw_lanes(ax, drawing, span)
    _draw_doors(ax, drawing)
    _draw_lifts(ax, drawing)
    _draw_places(ax, drawing, span)
    if overlay is not None:
        overlay(ax)
    margin = 0.05 * span
    ax.set_xlim(x0 - margin, x1 + margin)
    ax.set_ylim(y0 - margin, y1 + margin)
    ax.set_aspect("equal")
    ax.set_xlabel("x (m)")
    ax.set_ylabel("y (m)")
    ax.set_title(title or f"{drawing.building}: {drawing.level_name}")
    ax.legend(
        # Artists an overlay labelled (a route, say) join the legend too.
        handles=[*_legend(drawing), *ax.get_legend_handles_labels()[0]],
        loc="upper left",
        bbox_to_anchor=(1.01, 1.0),
        fontsize=8,
        frameon=False,
    )
    figure.tight_layout()
    out = Path(path)
    figure.savefig(out, dpi=110)
    return out


def route_overlay(
    points: Sequence[tuple[float, float]], colour: str = "#e6194b", label: str = "route"
) -> Overlay:
    """An overlay that draws a route through ``points`` (one level's part of it)."""

    def draw(ax: Axes) -> None:
        if len(points) >= 2:
            xs, ys = zip(*points, strict=True)
            ax.plot(xs, ys, color=colour, linewidth=3, alpha=0.8, zorder=6, label=label)

    return draw


def _draw_zones(ax: Axes, drawing: LevelDrawing) -> None:
    for zone in drawing.zones:
        style = ZONE_STYLES[zone.kind]
        ax.add_patch(Polygon(zone.polygon, closed=True, alpha=0.6, zorder=1, **style))
        cx = sum(p[0] for p in zone.polygon) / len(zone.polygon)
        cy = sum(p[1] for p in zone.polygon) / len(zone.polygon)
        ax.annotate(
            f"{zone.label}\n{zone.rule}",
            (cx, cy),
            ha="center",
            va="center",
            fontsize=7,
            color=str(style["edgecolor"]),
            zorder=2,
        )


def _draw_lanes(ax: Axes, drawing: LevelDrawing, span: float) -> None:
    for lane in drawing.lanes:
        (ax_, ay), (bx, by) = lane.start, lane.end
        ax.plot([ax_, bx], [ay, by], color="#555555", linewidth=1.2, zorder=3)
        if lane.one_way:
            mx, my = (ax_ + bx) / 2, (ay + by) / 2
            ax.annotate(
                "",
                xy=(mx + (bx - ax_) * 0.1, my + (by - ay) * 0.1),
                xytext=(mx, my),
                arrowprops={"arrowstyle": "-|>", "color": "#555555"},
                zorder=3,
            )
    if drawing.waypoints and len(drawing.waypoints) <= 2000:
        xs, ys = zip(*drawing.waypoints, strict=True)
        ax.scatter(xs, ys, s=4, color="#555555", zorder=3)


def _draw_doors(ax: Axes, drawing: LevelDrawing) -> None:
    for door in drawing.doors:
        ax.scatter(*door.position, marker="s", s=40, color="#8e44ad", zorder=4)


def _draw_lifts(ax: Axes, drawing: LevelDrawing) -> None:
    for lift in drawing.lifts:
        colour = "#222222" if lift.in_service else "#bbbbbb"
        ax.scatter(*lift.position, marker="^", s=120, color=colour, zorder=5)
        suffix = "" if lift.in_service else " (out of service)"
        ax.annotate(
            lift.label + suffix,
            lift.position,
            textcoords="offset points",
            xytext=(6, -10),
            fontsize=7,
            zorder=5,
        )


def _draw_places(ax: Axes, drawing: LevelDrawing, span: float) -> None:
    for place in drawing.places:
        ax.scatter(
            *place.position,
            s=60,
            color=PLACE_COLOURS[place.kind],
            zorder=5,
            edgecolors="white",
            linewidths=0.8,
        )
        ax.annotate(
            place.label,
            place.position,
            textcoords="offset points",
            xytext=(5, 5),
            fontsize=7,
            zorder=6,
        )


def _legend(drawing: LevelDrawing) -> list[Patch | Line2D]:
    handles: list[Patch | Line2D] = []
    for kind in sorted({p.kind for p in drawing.places}, key=lambda k: k.value):
        handles.append(
            Line2D(
                [],
                [],
                marker="o",
                linestyle="",
                color=PLACE_COLOURS[kind],
                label=kind.value.replace("_", " "),
            )
        )
    if drawing.lifts:
        handles.append(
            Line2D([], [], marker="^", linestyle="", color="#222222", label="lift")
        )
    if drawing.doors:
        handles.append(
            Line2D([], [], marker="s", linestyle="", color="#8e44ad", label="door")
        )
    handles.append(Line2D([], [], color="#555555", label="lane"))
    for zone_kind in sorted({z.kind for z in drawing.zones}, key=lambda k: k.value):
        style = ZONE_STYLES[zone_kind]
        handles.append(
            Patch(
                facecolor=str(style["facecolor"]),
                edgecolor=str(style["edgecolor"]),
                hatch=str(style["hatch"]),
                label=f"{zone_kind.value} zone",
            )
        )
    return handles
