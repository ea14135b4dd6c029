"""A user logs in, places orders on the dashboard in each pattern and watches them live (real system, Chromium)."""

from orders.services import order_place
from sellers.models import SellerTask
from tests.browser.conftest import ADMIN_PASSWORD, BROWSER_TEST, SCREENSHOTS
from tests.conftest import runs_wait_final
from workflowviz.engine.models import EventRecord

pytestmark = BROWSER_TEST
SERVICES = ["logistics", "notifications", "orders", "sellers"]


def records_in_db(run_id) -> list[list]:
    return [list(row) for row in EventRecord.objects.filter(run_id=run_id).order_by("seq").values_list("seq", "kind")]


def log_in_through_the_form(page, web_url):
    page.goto(f"{web_url}/")
    assert "/login/" in page.url, "the dashboard must ask for a login"
    page.fill("#id_username", "admin")
    page.fill("#id_password", ADMIN_PASSWORD)
    with page.expect_navigation():
        page.click("button[type=submit]")
    page.wait_for_selector("#dashboard[data-ready=true][data-live=live]")


def place_and_watch(page, pattern: str) -> list[dict]:
    """Place an order through the form; wait until every service showed up while the run(s) still ran."""
    before = page.eval_on_selector_all(".watched", "nodes => nodes.map(n => n.dataset.runId)")
    page.check(f"#order-form input[name=pattern][value={pattern}]")
    page.click("#order-form button[type=submit]")
    expected = 2 if pattern == "both" else 1
    page.wait_for_function(
        """([before, expected]) => {
            const ids = [...document.querySelectorAll('.watched')].map(n => n.dataset.runId);
            return ids.length === expected && ids.every(id => !before.includes(id));
        }""",
        arg=[before, expected],
    )
    # The intermediate state: steps of all four services on the timeline while the run is in progress
    # (set by the page itself the moment it draws that, so a fast run cannot slip between two polls).
    page.wait_for_function(
        "n => document.querySelectorAll('.watched[data-all-services-live=true]').length === n",
        arg=expected,
        timeout=20000,
    )
    page.wait_for_function(
        "n => document.querySelectorAll('.watched[data-status=succeeded][data-settled=true]').length === n",
        arg=expected,
        timeout=30000,
    )
    return page.evaluate(
        """() => window.wfv.watched().map(view => ({
            run_id: view.runId,
            pattern: view.root.dataset.pattern,
            lanes: view.root.dataset.lanes.split(' '),
            bar_services: view.root.dataset.barServices.split(' '),
            records: view.store.events().map(e => [e.seq, e.kind]),
        }))"""
    )


def test_orders_placed_on_the_dashboard_show_every_service_live_and_end_complete(web_url, demo, admin_user, page):
    log_in_through_the_form(page, web_url)

    watched = {}
    for pattern in ["orchestration", "choreography", "both"]:
        for view in place_and_watch(page, pattern):
            watched.setdefault(view["pattern"], []).append(view)
    page.screenshot(path=str(SCREENSHOTS / "dashboard.png"), full_page=True)

    assert sorted(watched) == ["choreography", "orchestration"] and all(len(v) == 2 for v in watched.values())
    runs_wait_final([view["run_id"] for views in watched.values() for view in views])
    for pattern, views in watched.items():
        for view in views:
            assert set(SERVICES) <= set(view["lanes"]), view
            assert {"notifications", "sellers", "logistics"} <= set(view["bar_services"]), view
            assert ("bus" in view["lanes"]) == (pattern == "choreography")
            # Nothing missing, nothing extra, in order: exactly the run's records in the database.
            assert view["records"] == records_in_db(view["run_id"])


def test_the_run_page_draws_the_run_live_and_links_to_the_admin_records(web_url, demo, admin_user, page):
    log_in_through_the_form(page, web_url)
    order = order_place(sku="TENT-2P", quantity=1, customer_email="ann@example.com", pattern="choreography")

    page.goto(f"{web_url}/runs/{order.run_id}/")
    page.wait_for_selector("#run-page[data-live=live]")
    runs_wait_final([order.run_id])
    page.wait_for_selector("#run-page[data-settled=true][data-graph=ready]")
    root = page.eval_on_selector("#run-page", "n => ({...n.dataset})")
    assert root["status"] == "succeeded"
    assert page.evaluate("window.wfv.view.store.events().map(e => [e.seq, e.kind])") == records_in_db(order.run_id)
    assert set(root["lanes"].split()) >= {*SERVICES, "bus"}
    steps = page.get_attribute("#design-graph", "data-steps").split()
    assert sorted(steps) == sorted(
        f"{step}:succeeded" for step in ["confirm_order", "prepare_shipment", "assign_partner", "notify_shipped"]
    )

    # Hover a step's bar: a tooltip; click it: its details with links to the admin records it created.
    point = page.evaluate(
        """() => {
            const timeline = window.wfv.view.timeline;
            const at = timeline.positionOf(h => h.type === 'bar' && h.item.stepId === 'prepare_shipment');
            const box = timeline.canvas.getBoundingClientRect();
            return {x: box.left + at.x, y: box.top + at.y};
        }"""
    )
    page.mouse.move(point["x"], point["y"])
    page.wait_for_selector(".timeline-tooltip:not([hidden])")
    assert "prepare_shipment" in page.inner_text(".timeline-tooltip")
    page.mouse.click(point["x"], point["y"])
    task = SellerTask.objects.get(order_id=order.pk)
    page.wait_for_selector(f'#details a[href="/admin/sellers/sellertask/{task.pk}/change/"]')
    assert page.inner_text("#details h3") == "Step prepare_shipment"
    assert page.locator(f'#details a[href="/admin/engine/run/{order.run_id}/change/"]').count() == 1
    page.mouse.move(5, 5)
    page.screenshot(path=str(SCREENSHOTS / "timeline.png"), full_page=True)

    # Zoom with the wheel: the view is no longer the whole run; "Fit" brings it back.
    box = page.locator(".timeline-canvas").bounding_box()
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    page.mouse.wheel(0, -400)
    page.wait_for_function("window.wfv.view.timeline.zoomed")
    page.click("#fit")
    page.wait_for_function("!window.wfv.view.timeline.zoomed")


def test_the_dashboard_fetches_the_runs_again_after_a_reconnect(web_url, demo, admin_user, page):
    log_in_through_the_form(page, web_url)
    before = int(page.get_attribute("#dashboard", "data-runs-refetches") or 0)
    page.evaluate("window.wfv.socket.drop()")
    page.wait_for_selector("#dashboard[data-live=reconnecting], #dashboard[data-live=live]")
    page.wait_for_function(
        "n => Number(document.getElementById('dashboard').dataset.runsRefetches) > n && "
        "document.getElementById('dashboard').dataset.live === 'live'",
        arg=before,
    )
