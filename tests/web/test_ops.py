"""The operations page in Chromium: floor plan per level, robot controls, alerts."""

from __future__ import annotations

import asyncio
import inspect
import time
from typing import Any

import pytest

from fleet.core.ports import LiftMode, LiftStatus
from tests.e2e.server import PorterServer, client
from tests.web.conftest import sign_in

pytestmark = pytest.mark.slow

ROBOTS_ON_PLAN = (
    "[...document.querySelectorAll('#floor .robot')].map(n => n.dataset.robotId).sort()"
)


def _report_on_loop(porter: PorterServer, status: LiftStatus) -> None:
    """Hand a lift report to the service as its lift port would, on its loop."""
    service = porter.service

    async def report() -> None:
        committed = service.commit(service.core.lift_status(status, now=status.at))
        if inspect.isawaitable(committed):  # commit became a coroutine
            await committed

    loop = porter.app.state.loop
    asyncio.run_coroutine_threadsafe(report(), loop).result(timeout=10)


def test_floor_plan_shows_the_robots_of_the_selected_level(
    porter: PorterServer, tokens: dict[str, str], page: Any
) -> None:
    """Each level's plan draws exactly the robots standing on that level."""
    sign_in(page, porter, "/ops", tokens["operator"])
    with client(porter, tokens["operator"]) as operator:
        robots = operator.get("/api/v1/robots").json()
        levels = [lv["id"] for lv in operator.get("/api/v1/building/levels").json()]
    assert len({robot["level"] for robot in robots}) > 1, "robots on one level only"
    for level in levels:
        expected = sorted(r["id"] for r in robots if r["level"] == level)
        page.locator(f"#levels button[data-level='{level}']").click()
        page.locator(f"#floor[data-level='{level}']").wait_for(state="attached")
        page.wait_for_function(
            f"want => JSON.stringify({ROBOTS_ON_PLAN}) === JSON.stringify(want)",
            arg=expected,
        )
        assert (
            page.locator(f"#levels button[data-level='{level}']").get_attribute(
                "aria-pressed"
            )
            == "true"
        )
        drawn = page.locator("#floor [data-place]").evaluate_all(
            "n => n.map(x => x.dataset.place)"
        )
        with client(porter, tokens["operator"]) as operator:
            places = operator.get("/api/v1/building/places").json()
        on_level = {p["id"] for p in places if p["level"] == level}
        assert drawn and set(drawn) <= on_level


def test_pause_and_resume_a_robot(
    porter: PorterServer, tokens: dict[str, str], page: Any
) -> None:
    """Pause makes the robot paused and offers Resume; Resume makes it idle again."""
    sign_in(page, porter, "/ops", tokens["operator"])
    row = page.locator("#robots tr[data-robot-id='porter-6']")
    row.get_by_role("button", name="Pause porter-6").click()
    page.locator("#robots tr[data-robot-id='porter-6'][data-state='paused']").wait_for()
    assert row.locator(".state").inner_text() == "Paused"
    row.get_by_role("button", name="Resume porter-6").click()
    page.locator("#robots tr[data-robot-id='porter-6'][data-state='idle']").wait_for()
    with client(porter, tokens["operator"]) as operator:
        assert operator.get("/api/v1/robots/porter-6").json()["state"] == "idle"


def test_offline_robot_and_fire_mode_raise_alerts(
    porter: PorterServer, tokens: dict[str, str], page: Any
) -> None:
    """A robot that stops reporting and a lift in fire mode both alert the desk."""
    sign_in(page, porter, "/ops", tokens["operator"])
    page.locator("#facilities tr[data-lift='lift_s']").wait_for()
    porter.in_loop(porter.robot("porter-5").go_offline)
    page.locator("#alerts li[data-kind='robot_offline']").wait_for()
    assert (
        "porter-5" in page.locator("#alerts li[data-kind='robot_offline']").inner_text()
    )
    page.locator(
        "#robots tr[data-robot-id='porter-5'][data-state='offline']"
    ).wait_for()

    fire = LiftStatus("lift_s", time.time(), "L0", doors_open=False, mode=LiftMode.FIRE)
    _report_on_loop(porter, fire)
    banner = page.locator("#fire")
    banner.wait_for(state="visible")
    assert "Service lift" in banner.inner_text()
    page.locator("#alerts li[data-kind='fire_mode']").wait_for()
    lift_row = page.locator("#facilities tr[data-lift='lift_s']")
    assert "Fire mode" in lift_row.inner_text()


def test_levels_switch_from_the_keyboard_and_buttons_are_named(
    porter: PorterServer, tokens: dict[str, str], page: Any
) -> None:
    """Tab to a level button and press Enter; every button has a name to read out."""
    sign_in(page, porter, "/ops", tokens["operator"])
    page.locator("#levels button[data-level='L0']").focus()
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.dataset.level") == "L1"
    page.keyboard.press("Enter")
    page.locator("#floor[data-level='L1']").wait_for(state="attached")
    assert (
        page.locator("#levels button[data-level='L1']").get_attribute("aria-pressed")
        == "true"
    )
    nameless = page.evaluate(
        "[...document.querySelectorAll('button')]"
        ".filter(b => !(b.getAttribute('aria-label') || b.textContent.trim()))"
        ".length"
    )
    assert nameless == 0


def test_show_a_robot_switches_to_its_level(
    porter: PorterServer, tokens: dict[str, str], page: Any
) -> None:
    """The robot's name in the table opens its level and rings its marker."""
    sign_in(page, porter, "/ops", tokens["operator"])
    with client(porter, tokens["operator"]) as operator:
        robot = operator.get("/api/v1/robots/porter-6").json()
    page.get_by_role("button", name="Show porter-6 on the plan").click()
    page.locator(f"#floor[data-level='{robot['level']}']").wait_for(state="attached")
    page.locator("#floor .robot.highlight[data-robot-id='porter-6']").wait_for()
