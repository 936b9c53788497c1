"""The nursing station page in Chromium: request, follow, hand off, and scoping."""

from __future__ import annotations

from typing import Any

import pytest

from tests.e2e.flow import wait_for_status
from tests.e2e.server import PorterServer, client
from tests.web.conftest import sign_in

pytestmark = pytest.mark.slow


def _send(page: Any, **choices: str) -> str:
    """Fill the request form (select values by id) and send it; the new job's id."""
    for field, value in choices.items():
        page.locator(f"#{field}").select_option(value)
    with page.expect_response(
        lambda r: r.url.endswith("/api/v1/requests") and r.request.method == "POST"
    ) as sent:
        page.get_by_role("button", name="Send request").click()
    answer = sent.value
    assert answer.status == 201, answer.text()
    job_id = str(answer.json()["id"])
    page.locator(f"#jobs .job[data-job-id='{job_id}']").wait_for()
    return job_id


def _load_at_pharmacy(porter: PorterServer, token: str, job_id: str) -> None:
    """The pharmacy puts the items in the robot (over the API: it has no page here)."""
    with client(porter, token) as pharmacy:
        wait_for_status(pharmacy, job_id, {"loading"}, timeout_s=60)
        answer = pharmacy.post(f"/api/v1/requests/{job_id}/handoff", json={})
        assert answer.status_code == 200, answer.text


def test_request_shows_on_ops_and_status_follows_to_delivered(
    porter: PorterServer, tokens: dict[str, str], open_page: Any
) -> None:
    """A ward's request shows on the ops queue, a robot brings it, the card follows."""
    station = open_page()
    sign_in(station, porter, "/station", tokens["station_w"])
    job_id = _send(station, pickup="pharmacy", dropoff="ward_2a", category="medication")
    ops = open_page()
    sign_in(ops, porter, "/ops", tokens["operator"])
    ops.locator(f"#queue tr[data-job-id='{job_id}']").wait_for()

    _load_at_pharmacy(porter, tokens["pharmacy"], job_id)
    card = station.locator(f"#jobs .job[data-job-id='{job_id}']")
    notice = station.locator(f"#notices .notice[data-job-id='{job_id}']")
    notice.wait_for()
    assert "has arrived at Ward 2A" in notice.inner_text()
    assert "Robot waiting for hand-off" in card.locator(".status").inner_text()
    notice.get_by_role("button", name="Confirm hand-off").click()

    station.locator(
        f"#jobs .job[data-job-id='{job_id}'][data-status='completed']"
    ).wait_for()
    assert card.locator(".status").inner_text().startswith("Delivered ")
    assert notice.count() == 0
    ops.locator(f"#queue tr[data-job-id='{job_id}']").wait_for(state="detached")
    ops.wait_for_function(
        "Number(document.getElementById('kpi-deliveries').textContent) >= 1"
    )


def test_secure_handoff_needs_the_right_pin(
    porter: PorterServer, tokens: dict[str, str], page: Any
) -> None:
    """A controlled substance is handed over only with the right PIN."""
    sign_in(page, porter, "/station", tokens["station_w"])
    page.locator("#category").select_option("controlled_substance")
    page.get_by_label("Recipient's PIN").fill("2468")
    job_id = _send(page, pickup="pharmacy", dropoff="ward_2a")
    _load_at_pharmacy(porter, tokens["pharmacy"], job_id)

    notice = page.locator(f"#notices .notice[data-job-id='{job_id}']")
    pin = notice.get_by_label("Recipient's PIN")
    pin.wait_for()
    pin.fill("1111")
    notice.get_by_role("button", name="Confirm hand-off").click()
    notice.get_by_text("Wrong PIN. Please try again.").wait_for()
    assert (
        page.locator(f"#jobs .job[data-job-id='{job_id}']").get_attribute("data-status")
        == "unloading"
    )

    pin.fill("2468")
    notice.get_by_role("button", name="Confirm hand-off").click()
    page.locator(
        f"#jobs .job[data-job-id='{job_id}'][data-status='completed']"
    ).wait_for()


def test_a_station_does_not_see_another_wards_jobs(
    porter: PorterServer, tokens: dict[str, str], open_page: Any
) -> None:
    """Ward 3A's page never lists ward 2A's requests, from REST or the live stream."""
    other = open_page()
    sign_in(other, porter, "/station", tokens["station_other"])
    mine = open_page()
    sign_in(mine, porter, "/station", tokens["station_w"])
    job_id = _send(mine, pickup="pharmacy", dropoff="ward_2a", category="supplies")
    own_id = _send(other, pickup="pharmacy", dropoff="ward_3a", category="supplies")

    other.reload()
    other.locator(f"#jobs .job[data-job-id='{own_id}']").wait_for()
    assert other.locator(f"#jobs .job[data-job-id='{job_id}']").count() == 0
    ids = other.locator("#jobs .job").evaluate_all("n => n.map(x => x.dataset.jobId)")
    with client(porter, tokens["operator"]) as operator:
        wards = {operator.get(f"/api/v1/requests/{i}").json()["ward"] for i in ids}
    assert wards == {"ward_3a"}


def test_request_for_another_ward_is_refused_in_plain_words(
    porter: PorterServer, tokens: dict[str, str], page: Any
) -> None:
    """Ward 3A asking pharmacy -> ward 2A gets the 403 in words, nothing is sent."""
    sign_in(page, porter, "/station", tokens["station_other"])
    page.locator("#pickup").select_option("pharmacy")
    page.locator("#dropoff").select_option("ward_2a")
    page.get_by_role("button", name="Send request").click()
    error = page.locator("#request-error")
    error.wait_for(state="visible")
    assert error.inner_text() == "This request is for another ward."
    assert page.locator("#request-done").inner_text() == ""


def test_missing_pin_is_marked_on_the_pin_field(
    porter: PorterServer, tokens: dict[str, str], page: Any
) -> None:
    """The server's 422 on ``pin`` lands on the PIN field, focused, marked invalid."""
    sign_in(page, porter, "/station", tokens["station_w"])
    page.locator("#category").select_option("blood_product")
    page.get_by_role("button", name="Send request").click()
    page.locator("#pin-error").wait_for(state="visible")
    assert "PIN" in page.locator("#pin-error").inner_text()
    assert page.locator("#pin").get_attribute("aria-invalid") == "true"
    assert page.evaluate("document.activeElement.id") == "pin"


def test_busy_server_says_the_request_was_not_sent(
    porter: PorterServer, tokens: dict[str, str], page: Any
) -> None:
    """A 503 reads "The system is busy, your request was not sent, try again"."""
    sign_in(page, porter, "/station", tokens["station_w"])
    body = '{"detail":[{"loc":["database"],"msg":"down","type":"store_unavailable"}]}'
    page.route(
        "**/api/v1/requests",
        lambda route: (
            route.fulfill(status=503, body=body, content_type="application/json")
            if route.request.method == "POST"
            else route.fallback()
        ),
    )
    page.get_by_role("button", name="Send request").click()
    error = page.locator("#request-error")
    error.wait_for(state="visible")
    assert (
        error.inner_text()
        == "The system is busy, your request was not sent, try again."
    )


def test_form_controls_are_labelled_and_reachable_by_keyboard(
    porter: PorterServer, tokens: dict[str, str], page: Any
) -> None:
    """Every control has a label; Tab from the token reaches Sign in, Enter works."""
    page.goto(porter.url + "/station")
    page.locator("#token").focus()
    page.keyboard.type(tokens["station_w"])
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "Sign in"
    page.keyboard.press("Enter")
    page.locator("#app[data-ready='true']").wait_for(state="visible")
    unlabelled = page.evaluate(
        "[...document.querySelectorAll('#request-form input, #request-form select,"
        " #request-form textarea')].filter(c => c.labels.length === 0).map(c => c.id)"
    )
    assert unlabelled == []
    clickable_divs = page.evaluate(
        "[...document.querySelectorAll('div[onclick], span[onclick]')].length"
    )
    assert clickable_divs == 0


def test_cancel_takes_two_taps(
    porter: PorterServer, tokens: dict[str, str], page: Any
) -> None:
    """The first tap only arms Cancel; the second cancels, and the card says so."""
    sign_in(page, porter, "/station", tokens["station_w"])
    job_id = _send(page, pickup="stores", dropoff="ward_2a", category="linen")
    card = page.locator(f"#jobs .job[data-job-id='{job_id}']")
    card.get_by_role("button", name="Cancel").click()
    card.get_by_role("button", name="Cancel").filter(has_text="Tap again").wait_for()
    with client(porter, tokens["station_w"]) as ward:
        assert ward.get(f"/api/v1/requests/{job_id}").json()["status"] != "cancelled"
    card.get_by_role("button", name="Cancel").click()
    page.locator(
        f"#jobs .job[data-job-id='{job_id}'][data-status='cancelled']"
    ).wait_for()
    assert card.locator(".status").inner_text().startswith("Cancelled")


def test_guidance_request_from_reception(
    porter: PorterServer, tokens: dict[str, str], page: Any
) -> None:
    """Guide a person: the form asks where to meet them and sends a guidance."""
    sign_in(page, porter, "/station", tokens["station_w"])
    page.get_by_label("Guide a person").check()
    assert page.locator("#pickup-label").inner_text() == "Meet the person at"
    assert page.locator("#category").is_hidden()
    page.get_by_label("Person's name (optional)").fill("Mr Okafor")
    job_id = _send(page, pickup="reception", dropoff="ward_2a")
    card = page.locator(f"#jobs .job[data-job-id='{job_id}']")
    assert card.locator(".job-head strong").inner_text() == "Guidance"
    with client(porter, tokens["station_w"]) as ward:
        job = ward.get(f"/api/v1/requests/{job_id}").json()
    assert (job["kind"], job["recipient"]) == ("guidance", "Mr Okafor")


def test_a_wrong_token_is_refused_in_plain_words(
    porter: PorterServer, page: Any
) -> None:
    """A mistyped token keeps the sign-in form, says so, and stores nothing."""
    page.goto(porter.url + "/station")
    page.get_by_label("token").fill("prt_not_a_real_token")
    page.get_by_role("button", name="Sign in").click()
    error = page.locator("#sign-in-error")
    error.wait_for(state="visible")
    assert error.inner_text() == "This token is not valid. Check it and try again."
    assert page.locator("#app").is_hidden()
    assert page.evaluate("sessionStorage.length") == 0
