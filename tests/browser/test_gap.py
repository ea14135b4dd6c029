"""Nothing missing on screen: broadcasts are dropped on purpose, yet the page ends with every record, in order."""

from tests.browser.conftest import ADMIN_PASSWORD, BROWSER_TEST
from tests.conftest import runs_wait_final
from workflowviz.engine.models import EventRecord, Run

pytestmark = BROWSER_TEST

PLACE = """async (pattern) => {
    const response = await fetch('/api/orders/burst', {
        method: 'POST',
        headers: {'Content-Type': 'application/json',
                  'X-CSRFToken': document.querySelector('meta[name=csrf-token]').content},
        body: JSON.stringify({count: 1, pattern, sku: 'LAMP-01', quantity: 1,
                              customer_email: 'gap@example.com', latency_ms: [300, 500]}),
    });
    return (await response.json()).placed[0].run_id;
}"""


def log_in(page, base_url):
    page.goto(f"{base_url}/login/")
    page.fill("#id_username", "admin")
    page.fill("#id_password", ADMIN_PASSWORD)
    with page.expect_navigation():
        page.click("button[type=submit]")


def records_in_db(run_id) -> list[list]:
    rows = EventRecord.objects.filter(run_id=run_id).order_by("seq").values_list("seq", "kind", "service", "step_id")
    return [list(row) for row in rows]


def watch_run_to_the_end(page, base_url, pattern, *, reconnect=False) -> tuple[str, dict]:
    # Placed through the lossy daphne, so its records are broadcast by the lossy workers.
    run_id = page.evaluate(PLACE, pattern)
    page.goto(f"{base_url}/runs/{run_id}/")
    page.wait_for_selector("#run-page[data-live=live][data-count]")
    if reconnect:
        page.evaluate("window.wfv.socket.drop()")
    runs_wait_final([run_id], timeout=60)
    page.wait_for_selector("#run-page[data-settled=true]", timeout=30000)
    seen = page.evaluate(
        """() => ({
            records: window.wfv.view.store.events().map(e => [e.seq, e.kind, e.service, e.step_id]),
            status: window.wfv.view.store.status,
            stats: window.wfv.view.store.stats,
        })"""
    )
    return run_id, seen


def test_a_page_fills_the_gaps_left_by_dropped_broadcasts(lossy_web_url, demo, admin_user, page):
    log_in(page, lossy_web_url)
    run_id, seen = watch_run_to_the_end(page, lossy_web_url, "orchestration")

    assert seen["records"] == records_in_db(run_id)
    assert seen["status"] == Run.objects.get(pk=run_id).status == "succeeded"
    # It did see records live, and it did have to fetch what the dropped broadcasts lacked.
    assert seen["stats"]["ws"] > 0
    assert seen["stats"]["backfilled"] > 0
    assert seen["stats"]["gaps"] > 0


def test_a_page_fetches_what_it_missed_while_reconnecting(lossy_web_url, demo, admin_user, page):
    log_in(page, lossy_web_url)
    run_id, seen = watch_run_to_the_end(page, lossy_web_url, "choreography", reconnect=True)

    assert seen["stats"]["reconnects"] == 1
    assert seen["records"] == records_in_db(run_id)
    assert seen["status"] == "succeeded"
