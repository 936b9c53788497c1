"""Hand-offs: PINs for secure items, lockout, and the bounded wait at the drop-off."""

from __future__ import annotations

import pytest

from fleet.core.config import CoreConfig, HandoffEscalation
from fleet.core.credentials import hash_secret
from fleet.core.decision import AlertKind
from fleet.core.engine import FleetCore, NewJob
from fleet.core.errors import Forbidden, HandoffLocked
from fleet.core.model import ItemCategory, JobKind
from maps.loading import load_sample
from maps.model import Building
from tests.fleet.core_world import OPERATOR, PHARMACY, STATION_1, World, robot

PIN = "4321"


@pytest.fixture(scope="module")
def small_clinic() -> Building:
    return load_sample("small_clinic")


def _at_dropoff(
    building: Building, config: CoreConfig | None = None, *, secure: bool = True
) -> World:
    """A job loaded at the pharmacy and waiting at ward 1 for its recipient."""
    secure_robot = robot("r1", "G_c1", capabilities=frozenset({"secure_drawer"}))
    world = World(FleetCore(building, config, robots=[secure_robot]))
    category = ItemCategory.CONTROLLED_SUBSTANCE if secure else ItemCategory.MEDICATION
    new = NewJob(
        JobKind.DELIVERY, "pharmacy", "ward_1", category, pin=PIN if secure else None
    )
    world.take(world.core.request_job(new, PHARMACY, job_id="j1", now=world.now))
    world.plan()
    world.settle()
    world.take(world.core.confirm_handoff("j1", None, PHARMACY, now=world.now))
    world.settle()
    assert world.status("j1") == "unloading"
    return world


def _confirm(world: World, pin: str | None) -> None:
    world.take(world.core.confirm_handoff("j1", pin, STATION_1, now=world.now))


def test_right_pin_completes(small_clinic: Building) -> None:
    """The recipient's PIN hands the controlled substance over."""
    world = _at_dropoff(small_clinic)
    _confirm(world, PIN)
    assert world.decisions[-1].refused is None
    assert world.status("j1") == "completed"


def test_non_secure_handoff_needs_no_pin(small_clinic: Building) -> None:
    """Ordinary medication: a confirm without a PIN completes it."""
    world = _at_dropoff(small_clinic, secure=False)
    _confirm(world, None)
    assert world.status("j1") == "completed"


def test_wrong_pin_is_counted_and_audited_without_the_pin(
    small_clinic: Building,
) -> None:
    """A wrong PIN is refused, counted on the job, and never written down."""
    world = _at_dropoff(small_clinic)
    _confirm(world, "9999")
    decision = world.decisions[-1]
    assert isinstance(decision.refused, Forbidden)
    assert world.status("j1") == "unloading"
    assert world.core.job("j1").handoff_attempts == 1
    assert [e.reason for e in decision.events] == ["wrong PIN"]
    _confirm(world, PIN)
    trail = repr([d.events for d in world.decisions])
    assert PIN not in trail and "9999" not in trail
    assert world.status("j1") == "completed"


def test_lockout_after_the_configured_attempts(small_clinic: Building) -> None:
    """Three wrong PINs lock the hand-off and alert; an operator unlocks it."""
    world = _at_dropoff(small_clinic, CoreConfig(pin_attempts=3))
    for _ in range(3):
        _confirm(world, "0000")
    locked = world.decisions[-1]
    assert isinstance(locked.refused, HandoffLocked)
    assert [a.kind for a in locked.alerts] == [AlertKind.HANDOFF_LOCKED]
    _confirm(world, PIN)
    assert isinstance(world.decisions[-1].refused, HandoffLocked)
    assert world.status("j1") == "unloading"
    world.take(world.core.unlock_handoff("j1", OPERATOR, now=world.now))
    _confirm(world, PIN)
    assert world.status("j1") == "completed"


def test_handoff_timeout_returns_items_to_the_sender(small_clinic: Building) -> None:
    """Nobody at the ward: the robot takes the items back; the sender confirms."""
    world = _at_dropoff(small_clinic, CoreConfig(handoff_wait_s=120))
    assert not [a for d in world.wait(110) for a in d.alerts]
    alerts = [a.kind for d in world.wait(20) for a in d.alerts]
    assert alerts == [AlertKind.HANDOFF_TIMEOUT]
    assert world.status("j1") == "returning"
    world.settle()
    assert world.core.robot("r1").waypoint == "G_pharmacy"
    world.take(world.core.confirm_handoff("j1", None, PHARMACY, now=world.now))
    assert world.status("j1") == "failed"


def test_handoff_timeout_can_alert_the_operator_instead(small_clinic: Building) -> None:
    """Configured to alert: one alert, and the robot keeps waiting."""
    config = CoreConfig(
        handoff_wait_s=120, handoff_escalation=HandoffEscalation.ALERT_OPERATOR
    )
    world = _at_dropoff(small_clinic, config)
    alerts = [a.kind for d in world.wait(240) for a in d.alerts]
    assert alerts == [AlertKind.HANDOFF_TIMEOUT]
    assert world.status("j1") == "unloading"
    _confirm(world, PIN)
    assert world.status("j1") == "completed"


def test_a_pin_hashed_before_the_call_works_the_same(small_clinic: Building) -> None:
    """The service may hash the PIN off its event loop and pass the hash."""
    secure_robot = robot("r1", "G_c1", capabilities=frozenset({"secure_drawer"}))
    world = World(FleetCore(small_clinic, robots=[secure_robot]))
    new = NewJob(
        JobKind.DELIVERY, "pharmacy", "ward_1", ItemCategory.CONTROLLED_SUBSTANCE,
        pin_hash=hash_secret(PIN),
    )  # fmt: skip
    world.take(world.core.request_job(new, PHARMACY, job_id="j1", now=world.now))
    assert world.core.job("j1").pin_hash == new.pin_hash
