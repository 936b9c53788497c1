"""Reading a scenario's YAML mapping into :class:`sim.scenario.Scenario`.

Every field is checked as it is read; a mistake raises
:class:`~sim.scenario_fields.ScenarioError` naming the file, the field and why.
"""

from __future__ import annotations

from dataclasses import fields
from pathlib import Path

from fleet.core.config import CoreConfig
from fleet.core.model import ItemCategory, JobKind, Priority
from sim.scenario import (
    FLAT,
    BatteryModel,
    DelayModel,
    Fault,
    Flow,
    HandoffModel,
    Round,
    Scenario,
)
from sim.scenario_fields import (
    ScenarioError,
    clock_time,
    mapping,
    number,
    places,
    profile,
    shares,
)


def parse_scenario(raw: object, source: str = "<scenario>") -> Scenario:
    top = mapping(raw, source, "")
    profiles = {
        name: profile(value, source, f"profiles.{name}")
        for name, value in mapping(top.get("profiles", {}), source, "profiles").items()
    }
    due = mapping(top.get("due_min", {}), source, "due_min")
    defaults = dict(Scenario.__dataclass_fields__["due_s"].default)  # type: ignore[arg-type]
    for key, value in due.items():
        priority = _priority(key, source, f"due_min.{key}")
        defaults[priority] = 60.0 * number(value, source, f"due_min.{key}", low=0)
    lifts = mapping(top.get("lifts", {}), source, "lifts")
    people = profile(lifts.get("people_profile", list(FLAT)), source, "lifts")
    peak = number(lifts.get("people_wait_s", 0.0), source, "lifts.people_wait_s", 0)
    top_share = max(people) or 1.0
    robots = mapping(top.get("robots", {}), source, "robots")
    return Scenario(
        name=str(top.get("name", Path(source).stem)),
        flows=tuple(
            _flow(item, source, f"demand[{i}]", profiles, JobKind.DELIVERY)
            for i, item in enumerate(top.get("demand", []) or [])
        )
        + tuple(
            _flow(item, source, f"guidance[{i}]", profiles, JobKind.GUIDANCE)
            for i, item in enumerate(top.get("guidance", []) or [])
        ),
        rounds=tuple(
            _round(item, source, f"rounds[{i}]")
            for i, item in enumerate(top.get("rounds", []) or [])
        ),
        due_s=tuple(sorted(defaults.items())),
        handoff=_handoff(top.get("handoff", {}), source),
        battery=_battery(top.get("battery", {}), source),
        people_wait_s=tuple(peak * p / top_share for p in people),
        free_empty_cars=_flag(lifts.get("free_empty_cars", True), source),
        robot_speed_mps=number(
            robots.get("speed_mps", 1.0), source, "robots.speed_mps", low=0.05
        ),
        robot_capabilities=_capabilities(robots.get("capabilities", []), source),
        faults=tuple(
            _fault(item, source, f"faults[{i}]")
            for i, item in enumerate(top.get("faults", []) or [])
        ),
        core=_core_settings(top.get("core", {}), source),
        source=source,
    )


# A field's annotation is its text in the source (postponed annotations) and
# the class itself when fleet.core.config runs compiled (porter_native).
_NUMBER_KIND: dict[object, str] = {
    float: "float", "float": "float", int: "int", "int": "int"
}

#: The core's settings a scenario may set: its numbers (``handoff_escalation``
#: is a choice of the site's, not the simulated day's).
CORE_NUMBERS = {
    f.name: _NUMBER_KIND[f.type] for f in fields(CoreConfig) if f.type in _NUMBER_KIND
}


def _core_settings(raw: object, source: str) -> tuple[tuple[str, int | float], ...]:
    settings: list[tuple[str, int | float]] = []
    for key, value in mapping(raw, source, "core").items():
        where = f"core.{key}"
        if key not in CORE_NUMBERS:
            known = ", ".join(sorted(CORE_NUMBERS))
            raise ScenarioError(source, where, f"not a core setting (known: {known})")
        amount = number(value, source, where, low=0.0)
        if CORE_NUMBERS[key] != "int":
            settings.append((key, amount))
        elif amount.is_integer():
            settings.append((key, int(amount)))
        else:
            raise ScenarioError(source, where, f"{value!r} is not a whole number")
    return tuple(settings)


def _flag(raw: object, source: str) -> bool:
    if not isinstance(raw, bool):
        raise ScenarioError(source, "lifts.free_empty_cars", "expected true or false")
    return raw


def _capabilities(raw: object, source: str) -> frozenset[str]:
    if not isinstance(raw, list) or not all(isinstance(c, str) for c in raw):
        raise ScenarioError(source, "robots.capabilities", "expected a list of names")
    return frozenset(raw)


def _priority(key: object, source: str, where: str) -> Priority:
    try:
        return Priority[str(key).upper()]
    except KeyError:
        raise ScenarioError(source, where, "expected stat, urgent or routine") from None


def _category(value: object, source: str, where: str) -> ItemCategory:
    try:
        return ItemCategory(str(value))
    except ValueError:
        known = ", ".join(c.value for c in ItemCategory)
        raise ScenarioError(
            source, where, f"unknown category (one of {known})"
        ) from None


def _flow(
    raw: object,
    source: str,
    where: str,
    profiles: dict[str, tuple[float, ...]],
    kind: JobKind,
) -> Flow:
    item = mapping(raw, source, where)
    named = item.get("profile", None)
    if isinstance(named, str):
        if named not in profiles:
            raise ScenarioError(source, f"{where}.profile", f"no profile {named!r}")
        hourly = profiles[named]
    else:
        hourly = profile(named, source, f"{where}.profile") if named else FLAT
    categories = (
        ((ItemCategory.PERSON, 1.0),)
        if kind == JobKind.GUIDANCE
        else tuple(
            (_category(k, source, f"{where}.categories"), v)
            for k, v in shares(
                item.get("categories", {"supplies": 1}), source, f"{where}.categories"
            ).items()
        )
    )
    priorities = tuple(
        (_priority(k, source, f"{where}.priorities"), v)
        for k, v in shares(
            item.get("priorities", {}), source, f"{where}.priorities", total=False
        ).items()
    )
    return Flow(
        name=str(item.get("name", where)),
        origins=places(item.get("from"), source, f"{where}.from"),
        destinations=places(item.get("to"), source, f"{where}.to"),
        per_day=number(item.get("per_day"), source, f"{where}.per_day", low=0),
        profile=hourly,
        categories=categories,
        priorities=priorities,
        compartments=int(number(item.get("compartments", 1), source, where, low=1)),
        kind=kind,
    )


def _round(raw: object, source: str, where: str) -> Round:
    item = mapping(raw, source, where)
    times = item.get("times") or [item.get("at")]
    origin = places(item.get("from"), source, f"{where}.from")
    due = item.get("due_min")
    return Round(
        name=str(item.get("name", where)),
        times_s=tuple(clock_time(t, source, f"{where}.times") for t in times),
        origin=origin[0],
        destinations=places(item.get("to"), source, f"{where}.to"),
        category=_category(item.get("category"), source, f"{where}.category"),
        compartments=int(number(item.get("compartments", 1), source, where, low=1)),
        priority=_priority(item.get("priority", "routine"), source, where),
        due_s=None if due is None else 60.0 * number(due, source, where, low=0),
    )


def _delay(raw: object, source: str, where: str, default: DelayModel) -> DelayModel:
    item = mapping(raw or {}, source, where)
    low = number(item.get("min_s", default.min_s), source, f"{where}.min_s", low=0)
    mean = number(item.get("mean_s", default.mean_s), source, f"{where}.mean_s", low)
    return DelayModel(low, mean)


def _handoff(raw: object, source: str) -> HandoffModel:
    item, base = mapping(raw, source, "handoff"), HandoffModel()
    return HandoffModel(
        loading=_delay(item.get("loading"), source, "handoff.loading", base.loading),
        unloading=_delay(
            item.get("unloading"), source, "handoff.unloading", base.unloading
        ),
        absent_share=number(
            item.get("absent_share", 0.0), source, "handoff.absent_share", 0, 1
        ),
        wrong_pin_share=number(
            item.get("wrong_pin_share", 0.0), source, "handoff.wrong_pin_share", 0, 1
        ),
    )


def _battery(raw: object, source: str) -> BatteryModel:
    item, base = mapping(raw, source, "battery"), BatteryModel()
    return BatteryModel(
        drain_per_m=number(
            item.get("drain_per_m", base.drain_per_m), source, "battery.drain_per_m", 0
        ),
        charge_per_s=number(
            item.get("charge_per_hour", base.charge_per_s * 3600),
            source,
            "battery.charge_per_hour",
            low=1e-6,
        )
        / 3600.0,
        start_soc=number(
            item.get("start_soc", base.start_soc), source, "battery.start_soc", 0, 1
        ),
    )


_FAULT_KINDS = ("lift", "robot", "door")


def _fault(raw: object, source: str, where: str) -> Fault:
    item = mapping(raw, source, where)
    kinds = [k for k in _FAULT_KINDS if k in item]
    if len(kinds) != 1:
        raise ScenarioError(source, where, "name exactly one of lift, robot, door")
    start = clock_time(item.get("from"), source, f"{where}.from")
    end = clock_time(item.get("until"), source, f"{where}.until")
    if end <= start:
        raise ScenarioError(source, f"{where}.until", "must be after 'from'")
    return Fault(kinds[0], str(item[kinds[0]]), start, end)
