"""The run page's operator buttons: cancel a running run with a reason, see it undone with the operator's
marker on the timeline, then re-run it and follow the link to the new run."""

from orders.services import order_place
from tests.browser.conftest import BROWSER_TEST
from tests.browser.test_timeline import log_in_through_the_form

pytestmark = BROWSER_TEST
SLOW_PARTNER = {"*": {"latency_ms": [0, 20]}, "assign_partner": {"latency_ms": [1500, 1500]}}

OPERATOR_MARKERS = """() => window.wfv.view.model.markers
    .filter((m) => m.kind.startsWith("operator."))
    .map((m) => ({ kind: m.kind, lane: m.lane, by: m.event.payload.by, reason: m.event.payload.reason }))"""


def test_cancel_then_rerun_from_the_run_page(web_url, demo, admin_user, page):
    log_in_through_the_form(page, web_url)
    order = order_place(
        sku="MUG-BLUE",
        quantity=1,
        customer_email="c@example.com",
        pattern="orchestration",
        policy_overrides=SLOW_PARTNER,
    )
    page.goto(f"{web_url}/runs/{order.run_id}/")
    page.wait_for_selector("#run-cancel:not([hidden])")
    assert page.is_hidden("#run-rerun")

    page.fill("#action-reason", "buyer asked")
    page.click("#run-cancel")
    page.wait_for_selector("#run-page[data-status=compensated]", timeout=20000)
    assert page.text_content("#action-result").startswith("Cancelling")
    assert page.evaluate(OPERATOR_MARKERS) == [
        {"kind": "operator.cancelled", "lane": "operator", "by": "admin", "reason": "buyer asked"}
    ]

    page.wait_for_selector("#run-rerun:not([hidden])")
    assert page.is_hidden("#run-cancel")
    page.click("#run-rerun")
    page.click("#rerun-link")
    page.wait_for_selector(f'#rerun-of[href="/runs/{order.run_id}/"]')
