"""The operators' buttons: cancel a running run with a reason on its page, see it undone with the operator's
marker on the timeline, re-run it and follow the link to the new run; discard a dead letter on its page."""

import pytest
import redis
from django.conf import settings
from django.utils import timezone

from orders.services import order_place
from tests.browser.conftest import BROWSER_TEST
from tests.browser.test_timeline import log_in_through_the_form
from workflowviz.engine.faults import service_down_set
from workflowviz.engine.models import EventRecord, OutboxMessage
from workflowviz.engine.reconciler import MAX_RESENDS

pytestmark = BROWSER_TEST
FAST = {"*": {"latency_ms": [0, 20]}}

OPERATOR_MARKERS = """() => window.wfv.view.model.markers
    .filter((m) => m.kind.startsWith("operator."))
    .map((m) => ({ kind: m.kind, lane: m.lane, by: m.event.payload.by, reason: m.event.payload.reason }))"""


@pytest.fixture
def logistics_down():
    """Logistics switched off: a run waits at assign_partner until it is cancelled."""
    client = redis.Redis.from_url(settings.REDIS_URL)
    service_down_set(client, service="logistics", down=True)
    yield
    service_down_set(client, service="logistics", down=False)
    client.close()


def test_cancel_then_rerun_from_the_run_page(web_url, demo, admin_user, page, logistics_down):
    log_in_through_the_form(page, web_url)
    order = order_place(
        sku="MUG-BLUE", quantity=1, customer_email="c@example.com", pattern="orchestration", policy_overrides=FAST
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

    # A message of that run given up on (written as the reconciler leaves one): discarded from its page.
    dead = OutboxMessage.objects.create(
        run_id=order.run_id, kind="command", type="AssignDeliveryPartner", source_service="orders",
        target_service="logistics", step_id="assign_partner", available_at=timezone.now(), resends=MAX_RESENDS,
    )  # fmt: skip
    page.goto(f"{web_url}/dead-letters/")
    row = f'tr[data-message-id="{dead.pk}"]'
    page.fill(f"{row} input", "stale")
    page.click(f"{row} button:has-text('Discard')")
    page.wait_for_selector(f'{row}[data-done="discard"]')
    assert page.text_content(row).endswith("Discarded: nothing: the run had ended (compensated).")
    assert EventRecord.objects.get(run_id=order.run_id, kind="operator.discarded").payload["reason"] == "stale"
