"""Replay on the run page: a finished run played back from its records rebuilds what the live view shows."""

import json

import pytest

from orders.services import order_place
from tests.browser.conftest import BROWSER_TEST, SCREENSHOTS
from tests.browser.test_timeline import log_in_through_the_form
from tests.conftest import runs_wait_final

pytestmark = BROWSER_TEST
PATTERNS = ["orchestration", "choreography"]
# Long enough that playing from the start at 1x spans many frames, even on a slow machine.
LATENCY = {"*": {"latency_ms": [300, 500]}}

SHOWN = """() => {
    const model = window.wfv.replay ? window.wfv.replay.model : window.wfv.view.model;
    return {
        statuses: model.stepStatus,
        bars: model.bars.length,
        arrows: model.arrows.length,
        markers: model.markers.length,
        count: model.count,
        graph: document.getElementById('design-graph').dataset.steps.split(' ').sort(),
        drawn: Number(document.getElementById('timeline').dataset.drawn),
    };
}"""


def position(page) -> int:
    return int(page.get_attribute("#run-page", "data-replay-position"))


def api_step_statuses(page, run_id) -> dict:
    detail = page.evaluate(f"fetch('/api/runs/{run_id}').then(response => response.json())")
    return {step["step_id"]: step["status"] for step in detail["steps"]}


def forward_to(page, kind: str) -> int:
    """Step forward one record at a time until the record just replayed is of this kind."""
    while True:
        page.click("#replay-forward")
        at = position(page)
        if page.evaluate(f"window.wfv.replay.records[{at} - 1].kind") == kind:
            return at


@pytest.mark.parametrize("pattern", PATTERNS)
def test_replay_rebuilds_the_final_state_of_a_finished_run(pattern, web_url, demo, admin_user, page):
    log_in_through_the_form(page, web_url)
    order = order_place(
        sku="TENT-2P", quantity=1, customer_email="ann@example.com", pattern=pattern, policy_overrides=LATENCY
    )
    runs_wait_final([order.run_id])
    page.goto(f"{web_url}/runs/{order.run_id}/")
    page.wait_for_selector("#run-page[data-settled=true][data-graph=ready]")
    live = page.evaluate(SHOWN)
    api = api_step_statuses(page, order.run_id)
    assert live["statuses"] == api and set(api.values()) == {"succeeded"}

    # Replay starts playing at once; a step back pauses it. Home on the scrubber: before any record.
    page.click("#replay-open")
    page.wait_for_selector("#run-page[data-replay=on]")
    page.click("#replay-back")
    page.focus("#replay-scrubber")
    page.keyboard.press("Home")
    page.wait_for_selector("#run-page[data-replay-position='0'][data-replay-playing=false]")
    empty = page.evaluate(SHOWN)
    assert (empty["bars"], empty["arrows"], empty["drawn"]) == (0, 0, 0)
    assert set(empty["graph"]) == {f"{step}:pending" for step in api}

    # Midway, at the first step.started: a partial state on the timeline and the graph.
    at = forward_to(page, "step.started")
    midway = page.evaluate(SHOWN)
    assert midway["drawn"] == midway["count"] == at < live["count"]
    assert 0 < midway["bars"] < live["bars"]
    assert "started" in midway["statuses"].values()
    statuses = {entry.split(":")[1] for entry in midway["graph"]}
    assert "started" in statuses and "succeeded" not in statuses and statuses & {"pending", "queued"}
    assert page.inner_text("#replay-position") == f"record {at} of {live['count']}"

    # One record back and forward again: the same state.
    page.click("#replay-back")
    assert position(page) == at - 1
    page.click("#replay-forward")
    assert page.evaluate(SHOWN) == midway

    # Play from the start, then pause: the position stays where it paused.
    page.focus("#replay-scrubber")
    page.keyboard.press("Home")
    page.click("#replay-play")
    page.wait_for_selector("#run-page[data-replay-playing=true]")
    page.click("#replay-play")
    page.wait_for_selector("#run-page[data-replay-playing=false]")
    paused = position(page)
    page.wait_for_timeout(400)
    assert position(page) == paused

    if pattern == "choreography":
        # The picture: about two thirds through, moved there with the scrubber's arrow keys.
        page.focus("#replay-scrubber")
        for _ in range(live["count"] * 2 // 3 - paused):
            page.keyboard.press("ArrowRight")
        page.evaluate("document.activeElement.blur()")
        page.mouse.move(5, 5)
        page.screenshot(path=str(SCREENSHOTS / "replay.png"), full_page=True)

    # To the end at the fastest speed: the live view's model, the API's steps.
    page.select_option("#replay-speed", "max")
    page.click("#replay-play")
    page.wait_for_function(
        "() => { const d = document.getElementById('run-page').dataset;"
        " return d.replayPlaying === 'false' && d.replayPosition === d.replayCount; }"
    )
    replayed = page.evaluate(SHOWN)
    assert replayed == live, json.dumps({"replayed": replayed, "live": live})
    assert replayed["statuses"] == api_step_statuses(page, order.run_id)
    assert int(page.get_attribute("#run-page", "data-replay-count")) == live["count"]

    # Live again: the live view is back, the graph coloured by timing.
    page.click("#replay-live")
    page.wait_for_selector("#run-page[data-replay=off]")
    assert page.evaluate(SHOWN) == live
    assert page.get_attribute("#design-graph", "data-mode") == "timing"


@pytest.mark.parametrize("pattern", PATTERNS)
def test_replay_of_a_run_that_failed_and_compensated_ends_in_the_engines_state(
    pattern, web_url, demo, admin_user, page
):
    """The browser's fold follows the engine's rules on the failure path too (retries, cancellations)."""
    log_in_through_the_form(page, web_url)
    broken = {"*": {"latency_ms": [0, 20]}, "assign_partner": {"failure_probability": 1.0, "backoff_seconds": 0.1}}
    order = order_place(
        sku="TENT-2P", quantity=1, customer_email="ann@example.com", pattern=pattern, policy_overrides=broken
    )
    runs_wait_final([order.run_id])
    page.goto(f"{web_url}/runs/{order.run_id}/")
    page.wait_for_selector("#run-page[data-settled=true][data-graph=ready][data-status=compensated]")
    live = page.evaluate(SHOWN)
    api = api_step_statuses(page, order.run_id)
    assert live["statuses"] == {step: status for step, status in api.items() if status != "pending"}
    assert api["assign_partner"] == "failed" and api["prepare_shipment"] == "compensated"

    page.click("#replay-open")
    page.select_option("#replay-speed", "max")
    page.wait_for_function(
        "() => { const d = document.getElementById('run-page').dataset;"
        " return d.replayPlaying === 'false' && d.replayPosition === d.replayCount; }"
    )
    assert page.evaluate(SHOWN) == live
