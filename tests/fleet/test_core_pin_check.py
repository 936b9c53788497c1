"""A PIN checked by the caller (off its event loop): same counting, same lockout."""

from __future__ import annotations

import pytest

from fleet.core.config import CoreConfig
from fleet.core.engine import PinCheck
from fleet.core.errors import Forbidden, HandoffLocked
from maps.loading import load_sample
from maps.model import Building
from tests.fleet.core_world import STATION_1, World
from tests.fleet.test_core_handoff import PIN, _at_dropoff


@pytest.fixture(scope="module")
def small_clinic() -> Building:
    return load_sample("small_clinic")


def _confirm(world: World, pin: str, checked: PinCheck) -> None:
    decision = world.core.confirm_handoff(
        "j1", pin, STATION_1, now=world.now, checked=checked
    )
    world.take(decision)


def _hash(world: World) -> str:
    pin_hash = world.core.job("j1").pin_hash
    assert pin_hash is not None
    return pin_hash


def test_a_matching_check_completes_the_handoff(small_clinic: Building) -> None:
    """The caller found the PIN right for the job's hash: handed over."""
    world = _at_dropoff(small_clinic)
    _confirm(world, PIN, PinCheck(_hash(world), matches=True))
    assert world.decisions[-1].refused is None
    assert world.status("j1") == "completed"


def test_failed_checks_count_and_lock_as_before(small_clinic: Building) -> None:
    """Wrong PINs checked outside: counted, then locked, even for a right one."""
    world = _at_dropoff(small_clinic, CoreConfig(pin_attempts=2))
    wrong = PinCheck(_hash(world), matches=False)
    _confirm(world, "9999", wrong)
    assert isinstance(world.decisions[-1].refused, Forbidden)
    assert world.core.job("j1").handoff_attempts == 1
    _confirm(world, "9999", wrong)
    assert isinstance(world.decisions[-1].refused, HandoffLocked)
    _confirm(world, PIN, PinCheck(_hash(world), matches=True))
    assert isinstance(world.decisions[-1].refused, HandoffLocked)
    assert world.status("j1") == "unloading"


def test_a_check_against_another_hash_is_not_trusted(small_clinic: Building) -> None:
    """A check made for a different hash: the core checks the PIN itself."""
    world = _at_dropoff(small_clinic)
    _confirm(world, "9999", PinCheck("scrypt$other", matches=True))
    assert isinstance(world.decisions[-1].refused, Forbidden)
    assert world.status("j1") == "unloading"
