"""An operator switches Logistics off on the dashboard's service card and watches both patterns wait
for it, then switches it on and both runs finish (real system, Chromium)."""

import time

from tests.browser.conftest import BROWSER_TEST, SCREENSHOTS
from tests.browser.test_timeline import log_in_through_the_form
from tests.conftest import runs_wait_final, wait_until
from workflowviz.engine.queues import worker_given_up_set

pytestmark = BROWSER_TEST
LOGISTICS = '.health-card[data-service="logistics"]'
WAITING = {None, "pending", "queued"}  # no step row yet, or a message Logistics has not taken


def run_json(page, web_url, run_id) -> dict:
    response = page.request.get(f"{web_url}/api/runs/{run_id}")
    assert response.ok, response.text()
    return response.json()


def faults(page, web_url) -> list[dict]:
    return page.request.get(f"{web_url}/api/faults").json()["services"]


def step_statuses(run: dict) -> dict:
    statuses = {step["step_id"]: step["status"] for step in run["steps"]}
    return {step["id"]: statuses.get(step["id"]) for step in run["graph"]["steps"]}


def test_logistics_switched_off_on_its_card_holds_both_runs_until_switched_on(web_url, demo, admin_user, page):
    log_in_through_the_form(page, web_url)

    # Switch Logistics off with its card's button: the card turns red with a "down" badge.
    page.click(f"{LOGISTICS} .fault-toggle")
    page.wait_for_selector(f'{LOGISTICS}[data-down="true"] .fault-down:not([hidden])')
    assert page.is_visible(f"{LOGISTICS} .fault-down")
    assert page.locator(".health-card .fault-down:visible").count() == 1  # Logistics only
    assert page.locator(".health-card .fault-twice:visible").count() == 0
    assert page.inner_text(f"{LOGISTICS} .fault-toggle") == "Switch on"
    down = {row["service"]: row["down"] for row in faults(page, web_url)}
    assert down.pop("logistics") is True and not any(down.values())

    # One order per pattern.
    page.check("#order-form input[name=pattern][value=both]")
    page.click("#order-form button[type=submit]")
    page.wait_for_function("document.querySelectorAll('.watched').length === 2")
    runs = dict(page.eval_on_selector_all(".watched", "nodes => nodes.map(n => [n.dataset.pattern, n.dataset.runId])"))
    assert sorted(runs) == ["choreography", "orchestration"]

    # Choreography: everything up to Logistics happened; assign_partner waits. Orchestration: still running.
    def held():
        choreography = run_json(page, web_url, runs["choreography"])
        orchestration = run_json(page, web_url, runs["orchestration"])
        steps = step_statuses(choreography)
        ready = steps["confirm_order"] == "succeeded" and steps["prepare_shipment"] == "succeeded"
        return ready and (choreography, orchestration)

    choreography, orchestration = wait_until(held, timeout=30, what="the steps before Logistics to succeed")
    time.sleep(1.5)  # give a switched-off Logistics the chance to (wrongly) take its message
    choreography, orchestration = (
        run_json(page, web_url, runs["choreography"]),
        run_json(page, web_url, runs["orchestration"]),
    )
    assert step_statuses(choreography)["assign_partner"] in WAITING, step_statuses(choreography)
    assert step_statuses(choreography)["notify_shipped"] in WAITING | {"pending"}
    assert choreography["status"] == "running"
    assert orchestration["status"] == "running"
    assert step_statuses(orchestration)["assign_partner"] in WAITING, step_statuses(orchestration)
    # The dashboard says so too: both watched runs are still running.
    assert page.eval_on_selector_all(".watched .badge[class*=status-]", "ns => ns.map(n => n.textContent)") == [
        "running",
        "running",
    ]
    page.wait_for_timeout(300)
    page.screenshot(path=str(SCREENSHOTS / "faults.png"), full_page=True)

    # Switch it on again with the same button: both runs finish, every step succeeded.
    page.click(f"{LOGISTICS} .fault-toggle")
    # Wait for the card to change (a "hidden" wait on a selector that matches nothing yet passes at once).
    page.wait_for_selector(f'{LOGISTICS}[data-down="false"]')
    assert not page.is_visible(f"{LOGISTICS} .fault-down")
    assert page.inner_text(f"{LOGISTICS} .fault-toggle") == "Switch off"
    finished = runs_wait_final(list(runs.values()), timeout=60)
    assert {run.pattern: run.status for run in finished} == {"orchestration": "succeeded", "choreography": "succeeded"}
    for run_id in runs.values():
        assert set(step_statuses(run_json(page, web_url, run_id)).values()) == {"succeeded"}
    page.wait_for_function("document.querySelectorAll('.watched .badge.status-succeeded').length === 2", timeout=20000)


def test_deliver_twice_from_the_card_shows_its_count_and_errors_next_to_the_control(web_url, demo, admin_user, page):
    log_in_through_the_form(page, web_url)
    card = '.health-card[data-service="sellers"]'

    page.fill(f"{card} input[name=deliver_twice]", "5")
    page.click(f"{card} .fault-twice-send")
    page.wait_for_selector(f'{card}[data-deliver-twice="5"] .fault-twice', state="visible")
    assert page.locator(".health-card .fault-twice:visible").count() == 1
    assert page.inner_text(f"{card} .fault-twice") == "next 5 delivered twice"
    assert {"service": "sellers", "down": False, "deliver_twice": 5} in faults(page, web_url)

    # An error from the API shows next to the control (a session without a valid CSRF token here).
    page.evaluate("document.querySelector('meta[name=csrf-token]').setAttribute('content', 'broken')")
    page.fill(f"{card} input[name=deliver_twice]", "7")
    page.click(f"{card} .fault-twice-send")
    page.wait_for_function(f"document.querySelector('{card} .fault-error').textContent.includes('csrf')")
    assert page.get_attribute(card, "data-deliver-twice") == "5"


def test_a_worker_its_supervisor_gave_up_shows_its_card_down_with_the_reason(web_url, demo, admin_user, page):
    # What run_system writes when a worker died too often (tests/system/test_run_system_signals.py drives that).
    reason = "worker-rewards-0 died 5 times within 60 s (last: killed by SIGKILL); no longer restarted"
    worker_given_up_set(service="rewards", reason=reason)
    log_in_through_the_form(page, web_url)
    card = '.health-card[data-service="rewards"]'

    page.wait_for_selector(f"{card}.down dd[title]")
    assert page.get_attribute(f"{card} dd[title]", "title") == reason
    assert "given up" in page.inner_text(card)
    assert "given up" not in page.inner_text('.health-card[data-service="sellers"]')  # the others are not


def test_the_order_form_sends_the_picked_workflow_and_the_policy_for_every_step(web_url, demo, admin_user, page):
    log_in_through_the_form(page, web_url)
    page.wait_for_selector("#dashboard[data-workflows]")
    options = page.eval_on_selector_all("#order-form select[name=workflow] option", "ns => ns.map(n => n.value)")
    assert {"order-fulfilment", "order-fulfilment-rewards"} <= set(options) and "login-otp" not in options
    assert page.input_value("#order-form select[name=workflow]") == "order-fulfilment"

    # A bad value comes back from the API and shows next to the fault fields; nothing is placed.
    page.select_option("#order-form select[name=workflow]", "order-fulfilment-rewards")
    page.fill("#order-form input[name=latency_low]", "0")
    page.fill("#order-form input[name=latency_high]", "99999")
    page.check("#order-form input[name=pattern][value=orchestration]")
    page.click("#order-form button[type=submit]")
    page.wait_for_function("document.querySelector('#order-form .field-error[data-for=policy]').textContent !== ''")
    assert "latency_ms" in page.inner_text("#order-form .field-error[data-for=policy]")

    page.fill("#order-form input[name=latency_high]", "5")
    page.fill("#order-form input[name=failure_probability]", "0")
    page.click("#order-form button[type=submit]")
    page.wait_for_selector(".watched[data-pattern=orchestration]")
    run_id = page.get_attribute(".watched", "data-run-id")
    run = run_json(page, web_url, run_id)
    assert run["workflow"] == "order-fulfilment-rewards"
    assert all(
        step["policy"]["latency_ms"] == [0, 5] and step["policy"]["failure_probability"] == 0
        for step in run["graph"]["steps"]
    )
    assert [run.status for run in runs_wait_final([run_id])] == ["succeeded"]


def test_the_burst_form_sends_the_workflow_and_policy_with_every_chunk(web_url, demo, admin_user, page):
    log_in_through_the_form(page, web_url)
    page.wait_for_selector("#dashboard[data-workflows]")
    page.fill("#burst-form input[name=count]", "4")
    page.select_option("#burst-form select[name=pattern]", "both")
    page.select_option("#burst-form select[name=workflow]", "order-fulfilment-rewards")
    page.fill("#burst-form input[name=failure_probability]", "0")
    page.fill("#burst-form input[name=latency_low]", "1")
    page.fill("#burst-form input[name=latency_high]", "3")
    page.click("#burst-form button[type=submit]")
    page.wait_for_selector("#dashboard[data-burst-finished='4'][data-burst-failed='0']", timeout=60000)
    run_ids = page.evaluate("[...window.wfv.burst().statuses.keys()]")
    assert len(run_ids) == 4
    for run_id in run_ids:
        run = run_json(page, web_url, run_id)
        assert run["workflow"] == "order-fulfilment-rewards" and run["status"] == "succeeded"
        assert all(step["policy"]["latency_ms"] == [1, 3] for step in run["graph"]["steps"])
