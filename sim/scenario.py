"""A simulation scenario: who asks for what, when, and what goes wrong.

A scenario is a YAML file (the format is documented in ``docs/scenario-format.md``)
read into the frozen values below. It names places of a building but holds no
building: :func:`check_places` checks it against one, so the same file format
serves the demo hospital and an imported Open-RMF map.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

from fleet.core.model import ItemCategory, JobKind, Priority
from maps.model import Building, PlaceKind
from sim.scenario_fields import ScenarioError

__all__ = [
    "BatteryModel",
    "DelayModel",
    "Fault",
    "Flow",
    "HandoffModel",
    "Round",
    "Scenario",
    "ScenarioError",
    "check_places",
    "load_scenario",
    "parse_scenario",
    "scenario_path",
]

FLAT = tuple([1.0] * 24)


@dataclass(frozen=True, slots=True)
class Flow:
    """Requests from ``origins`` to ``destinations`` at ``per_day`` a day."""

    name: str
    origins: tuple[str, ...]
    destinations: tuple[str, ...]
    per_day: float
    profile: tuple[float, ...] = FLAT
    categories: tuple[tuple[ItemCategory, float], ...] = ((ItemCategory.SUPPLIES, 1),)
    #: Shares of STAT and urgent (the rest is routine).
    priorities: tuple[tuple[Priority, float], ...] = ()
    compartments: int = 1
    kind: JobKind = JobKind.DELIVERY


@dataclass(frozen=True, slots=True)
class Round:
    """A scheduled round: at each time, one request per destination."""

    name: str
    times_s: tuple[float, ...]
    origin: str
    destinations: tuple[str, ...]
    category: ItemCategory
    compartments: int = 1
    priority: Priority = Priority.ROUTINE
    due_s: float | None = None


@dataclass(frozen=True, slots=True)
class DelayModel:
    """A delay of at least ``min_s`` with mean ``mean_s`` (shifted exponential)."""

    min_s: float
    mean_s: float


@dataclass(frozen=True, slots=True)
class HandoffModel:
    """How long the people at either end take, and how often they are missing."""

    loading: DelayModel = DelayModel(10.0, 45.0)
    unloading: DelayModel = DelayModel(10.0, 60.0)
    #: Share of drop-offs where nobody comes (the robot times out and returns).
    absent_share: float = 0.0
    #: Share of secure hand-offs where the first PIN typed is wrong.
    wrong_pin_share: float = 0.0


@dataclass(frozen=True, slots=True)
class BatteryModel:
    drain_per_m: float = 0.0005
    charge_per_s: float = 1.0 / 3600.0
    start_soc: float = 1.0


@dataclass(frozen=True, slots=True)
class Fault:
    """Something out of order from ``start_s`` to ``end_s`` (seconds of the run's
    day): a lift, a robot or a door, by ``kind``."""

    kind: str
    target: str
    start_s: float
    end_s: float


@dataclass(frozen=True, slots=True)
class Scenario:
    name: str
    flows: tuple[Flow, ...] = ()
    rounds: tuple[Round, ...] = ()
    #: Due time after the request, by priority (seconds).
    due_s: tuple[tuple[Priority, float], ...] = (
        (Priority.STAT, 900.0),
        (Priority.URGENT, 2700.0),
        (Priority.ROUTINE, 7200.0),
    )
    handoff: HandoffModel = HandoffModel()
    battery: BatteryModel = BatteryModel()
    #: Mean extra seconds a car shared with people loses per trip, by hour.
    people_wait_s: tuple[float, ...] = tuple([0.0] * 24)
    #: A car goes on to its next call once its robot has driven out, without
    #: waiting for the core's release (see docs/scenario-format.md).
    free_empty_cars: bool = True
    robot_speed_mps: float = 1.0
    #: Capabilities every robot of the simulated fleet gets on top of its model's
    #: (e.g. ``icu_access`` for a building with a restricted ICU).
    robot_capabilities: frozenset[str] = frozenset()
    faults: tuple[Fault, ...] = ()
    #: Overrides of :class:`fleet.core.config.CoreConfig` fields.
    core: tuple[tuple[str, int | float], ...] = ()
    source: str = ""
    extra: dict[str, Any] = field(default_factory=dict, compare=False)

    def due_after(self, priority: Priority) -> float:
        return dict(self.due_s)[priority]


def scenario_path(name: str) -> Path:
    """A scenario shipped with Porter (``sim/scenarios/NAME.yaml``)."""
    entry = resources.files("sim") / "scenarios" / f"{name}.yaml"
    return Path(str(entry))


def load_scenario(path: str | Path) -> Scenario:
    """Read a scenario file; :class:`ScenarioError` names the field that is wrong."""
    path = Path(path)
    if not path.is_file():
        raise ScenarioError(str(path), "", "no such file")
    try:
        raw = yaml.safe_load(path.read_text()) or {}
    except yaml.YAMLError as error:
        raise ScenarioError(str(path), "", f"not valid YAML: {error}") from error
    return parse_scenario(raw, str(path))


def check_places(scenario: Scenario, building: Building) -> Scenario:
    """Expand ``kind:ward`` selectors and refuse places the building lacks."""
    source = scenario.source
    flows = tuple(
        Flow(
            f.name,
            _expand(f.origins, building, source, f"{f.name}.from"),
            _expand(f.destinations, building, source, f"{f.name}.to"),
            f.per_day,
            f.profile,
            f.categories,
            f.priorities,
            f.compartments,
            f.kind,
        )
        for f in scenario.flows
    )
    rounds = tuple(
        Round(
            r.name,
            r.times_s,
            _expand((r.origin,), building, source, r.name)[0],
            _expand(r.destinations, building, source, f"{r.name}.to"),
            r.category,
            r.compartments,
            r.priority,
            r.due_s,
        )
        for r in scenario.rounds
    )
    return replace(scenario, flows=flows, rounds=rounds)


def _expand(
    names: tuple[str, ...], building: Building, source: str, where: str
) -> tuple[str, ...]:
    found: list[str] = []
    for name in names:
        if name.startswith("kind:"):
            kind = name.removeprefix("kind:")
            try:
                matching = building.places_of_kind(PlaceKind(kind))
            except ValueError:
                why = f"unknown place kind {kind!r}"
                raise ScenarioError(source, where, why) from None
            if not matching:
                raise ScenarioError(source, where, f"{building.name} has no {kind}")
            found.extend(p.id for p in matching)
        elif building.has_place(name):
            found.append(name)
        else:
            raise ScenarioError(source, where, f"{building.name} has no place {name!r}")
    return tuple(dict.fromkeys(found))


from sim.scenario_parse import parse_scenario  # noqa: E402  (re-exported here)
