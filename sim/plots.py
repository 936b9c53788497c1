"""PNG plots of a run: lead times, robots' time use, hourly load, traffic heat maps.

Bare matplotlib ``Figure`` objects (no pyplot, no display), like
:mod:`maps.render`; the heat maps draw over the floor plan through its overlay.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
from matplotlib.axes import Axes
from matplotlib.collections import LineCollection
from matplotlib.colors import LogNorm
from matplotlib.figure import Figure

from fleet.core.model import Priority
from maps.drawing import level_drawing
from maps.render import render_level_png
from sim.kpis import lead_time
from sim.world import ACTIVITIES

if TYPE_CHECKING:
    from sim.runner import Simulation

COLOURS = {
    "moving": "#1f77b4",
    "lift": "#d62728",
    "door": "#9467bd",
    "handoff": "#ff7f0e",
    "charging": "#2ca02c",
    "dock_wait": "#bcbd22",
    "broken": "#000000",
    "idle": "#c7c7c7",
}


def _save(figure: Figure, path: Path) -> Path:
    figure.tight_layout()
    figure.savefig(path, dpi=100)
    return path


def lead_times(sim: Simulation, out: Path) -> Path:
    """Distribution of lead times (minutes) by priority."""
    figure = Figure(figsize=(8, 4.5))
    ax = figure.add_subplot()
    records = sim.book.records.values()
    for priority, colour in zip(
        Priority, ("#d62728", "#ff7f0e", "#1f77b4"), strict=True
    ):
        minutes = [
            lead / 60.0
            for r in records
            if r.request.new.priority == priority and (lead := lead_time(r)) is not None
        ]
        if minutes:
            ax.hist(
                minutes,
                bins=40,
                alpha=0.55,
                color=colour,
                label=f"{priority.name.lower()} (n={len(minutes)})",
            )
    due = dict(sim.scenario.due_s)
    for priority in (Priority.STAT, Priority.URGENT):
        ax.axvline(due[priority] / 60.0, color="#555555", linestyle=":", linewidth=1)
    ax.set_xlabel("lead time, request to hand-over (min)")
    ax.set_ylabel("jobs")
    ax.set_title(
        f"Lead time by priority ({sim.config.dispatcher}, {sim.config.robots} robots)"
    )
    ax.legend()
    return _save(figure, out)


def time_use(sim: Simulation, out: Path) -> Path:
    """What each robot spent its time on (hours, stacked)."""
    use = sim.world.time_use
    robots = sorted(use, key=lambda r: (len(r), r))
    figure = Figure(figsize=(8, max(3.0, 0.3 * len(robots) + 1.5)))
    ax = figure.add_subplot()
    left = np.zeros(len(robots))
    for activity in ACTIVITIES:
        hours = np.asarray([use[r][activity] / 3600.0 for r in robots])
        ax.barh(robots, hours, left=left, color=COLOURS[activity], label=activity)
        left += hours
    ax.invert_yaxis()
    ax.set_xlabel("hours")
    ax.set_title("Robots' time use")
    ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize=8, frameon=False)
    return _save(figure, out)


def hourly(kpis: dict[str, Any], out: Path) -> Path:
    """Requests per hour of day (bars) and mean lead time of their jobs (line)."""
    figure = Figure(figsize=(8, 4.5))
    ax = figure.add_subplot()
    hours = np.arange(24)
    ax.bar(hours, kpis["hourly"]["requests"], color="#aec7e8", label="requests")
    ax.set_xlabel("hour of day")
    ax.set_ylabel("requests")
    ax.set_xticks(hours[::2])
    right = ax.twinx()
    leads = [
        np.nan if v is None else v / 60.0 for v in kpis["hourly"]["mean_lead_time_s"]
    ]
    right.plot(hours, leads, color="#d62728", marker="o", label="mean lead time")
    right.set_ylabel("mean lead time (min)", color="#d62728")
    right.set_ylim(bottom=0)
    ax.set_title("Hourly demand and lead time")
    return _save(figure, out)


def heat_maps(sim: Simulation, folder: Path) -> list[Path]:
    """One floor plan per level with each lane coloured by robot passes."""
    building = sim.building
    use = sim.world.robots.lane_use
    top = max(use.values(), default=1)
    paths = []
    for level in building.levels:
        segments, counts = [], []
        for (a, b), n in sorted(use.items()):
            wa, wb = building.waypoint(a), building.waypoint(b)
            if wa.level == level.id and wb.level == level.id:
                segments.append([(wa.x, wa.y), (wb.x, wb.y)])
                counts.append(n)
        out = folder / f"heatmap_{level.id}.png"
        render_level_png(
            level_drawing(building, level.id),
            out,
            title=f"{building.name} {level.name or level.id}: robot passes per lane",
            overlay=_heat(segments, counts, top),
        )
        paths.append(out)
    return paths


def _heat(segments: list[Any], counts: list[int], top: int) -> Any:
    def draw(ax: Axes) -> None:
        if not segments:
            return
        lines = LineCollection(
            segments,
            cmap="inferno_r",
            norm=LogNorm(1, max(top, 2)),
            linewidths=2 + 6 * np.sqrt(np.asarray(counts) / max(top, 1)),
            alpha=0.85,
            zorder=7,
        )
        lines.set_array(np.asarray(counts, dtype=float))
        ax.add_collection(lines)
        legend = ax.inset_axes((1.02, 0.02, 0.025, 0.4))
        ax.figure.colorbar(lines, cax=legend, label="robot passes")

    return draw


def all_plots(sim: Simulation, kpis: dict[str, Any], folder: Path) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    return [
        lead_times(sim, folder / "lead_time_by_priority.png"),
        time_use(sim, folder / "time_use.png"),
        hourly(kpis, folder / "hourly.png"),
        *heat_maps(sim, folder),
    ]
