"""A user logs in, places orders on the dashboard in each pattern and watches them live (real system, Chromium)."""

import itertools

from orders.services import order_place
from sellers.models import SellerTask
from tests.browser.conftest import ADMIN_PASSWORD, BROWSER_TEST, SCREENSHOTS
from tests.conftest import runs_wait_final, workers_suspended_wait
from workflowviz.engine.faults import service_down_set
from workflowviz.engine.models import EventRecord, Run

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


def test_a_service_switched_off_shows_a_backlog_on_its_lane_and_the_details_explain_it(
    web_url, demo, admin_user, page, redis_client
):
    log_in_through_the_form(page, web_url)
    service_down_set(redis_client, service="logistics", down=True)
    try:
        workers_suspended_wait("logistics")
        order = order_place(sku="TENT-2P", quantity=1, customer_email="ann@example.com", pattern="choreography")
        page.goto(f"{web_url}/runs/{order.run_id}/")
        # Logistics falls behind while it is off: the open backlog appears live on its lane.
        page.wait_for_selector('#timeline[data-backlogs*="logistics:"]', timeout=20000)
        still = page.evaluate("window.wfv.view.model.backlogs(window.wfv.view.nowRel()).map(b => [b.lane, b.open])")
        assert ["logistics", True] in still
    finally:
        service_down_set(redis_client, service="logistics", down=False)
    runs_wait_final([order.run_id])
    page.wait_for_selector("#run-page[data-settled=true][data-status=succeeded]")

    backlogs = page.evaluate(
        """() => window.wfv.view.model.backlogs().map(b => ({
            lane: b.lane, open: b.open, waited: b.waitedMs, waiting: b.waiting, threshold: b.thresholdMs,
            steps: b.messages.map(m => m.stepId),
        }))"""
    )
    assert [(b["lane"], b["open"], b["steps"]) for b in backlogs] == [("logistics", False, ["assign_partner"])]
    assert backlogs[0]["waited"] > backlogs[0]["threshold"] >= 1000 and backlogs[0]["waiting"] >= 1
    drawn = page.get_attribute("#timeline", "data-backlogs").split()
    assert [entry.split(":")[0] for entry in drawn] == ["logistics"]

    # Its sign on the timeline: a tooltip with the figures, and a click explains it in the details.
    point = page.evaluate(
        """() => {
            const timeline = window.wfv.view.timeline;
            const at = timeline.positionOf(h => h.type === 'backlog');
            const box = timeline.canvas.getBoundingClientRect();
            return {x: box.left + at.x, y: box.top + at.y};
        }"""
    )
    page.mouse.move(point["x"], point["y"])
    page.wait_for_selector(".timeline-tooltip:not([hidden])")
    assert "backlog: waited" in page.inner_text(".timeline-tooltip")
    page.mouse.click(point["x"], point["y"])
    page.wait_for_selector("#details .why")
    assert page.inner_text("#details h3") == "Backlog on Logistics"
    assert "Logistics fell behind" in page.inner_text("#details .why")

    # The rule on made-up records: slower than max(1 s, 3 × the other services' median wait).
    rule = page.evaluate(
        """async () => {
            const { buildModel } = await import(document.querySelector('link[href*="timeline_model"]').href);
            const t0 = Date.parse('2026-01-01T00:00:00Z');
            const run = (waits, received = true) => {
                let seq = 0;
                const record = (ms, service, kind, payload, id) => ({
                    seq: ++seq, run_id: 'r', service, kind, step_id: id, message_id: id, message_type: 'M',
                    payload, at: new Date(t0 + ms).toISOString(),
                });
                const records = [];
                for (const [id, to, wait] of waits) {
                    records.push(record(0, 'orders', 'message.sent', { kind: 'command', to, delay_s: 0 }, id));
                    if (received || to !== 'logistics') records.push(record(wait, to, 'message.received', {}, id));
                }
                records.sort((a, b) => Date.parse(a.at) - Date.parse(b.at)).forEach((r, i) => (r.seq = i + 1));
                return buildModel(records, {}).backlogs(3000).map(b => [b.lane, Math.round(b.waitedMs), b.open]);
            };
            return {
                alone: run([['a', 'sellers', 5], ['b', 'notifications', 7], ['c', 'logistics', 1500]]),
                burst: run([['a', 'sellers', 1400], ['b', 'notifications', 1600], ['c', 'logistics', 2000]]),
                short: run([['a', 'sellers', 5], ['b', 'logistics', 900]]),
                still: run([['a', 'sellers', 5], ['b', 'logistics', 0]], false),
            };
        }"""
    )
    assert rule == {
        "alone": [["logistics", 1500, False]],
        "burst": [],  # every queue slow: nobody fell behind the others
        "short": [],  # under the 1 s floor
        "still": [["logistics", 3000, True]],
    }


def slowest_total(graph: dict, durations: dict) -> float:
    """The largest sum of durations along any chain of dependencies, by trying every chain."""
    steps = {step["id"]: step for step in graph["steps"]}

    def chains(step_id):
        after = steps[step_id]["after"]
        if not after:
            return [[step_id]]
        return [chain + [step_id] for dep in after for chain in chains(dep)]

    return max(sum(durations.get(s, 0) for s in chain) for step_id in steps for chain in chains(step_id))


def test_the_design_graph_colours_steps_by_duration_and_outlines_the_slowest_path(web_url, demo, admin_user, page):
    log_in_through_the_form(page, web_url)
    slow = {"*": {"latency_ms": [0, 20]}, "assign_partner": {"latency_ms": [400, 400]}}
    order = order_place(
        sku="TENT-2P", quantity=1, customer_email="ann@example.com", pattern="orchestration", policy_overrides=slow
    )
    page.goto(f"{web_url}/runs/{order.run_id}/")
    runs_wait_final([order.run_id])
    page.wait_for_selector("#run-page[data-settled=true][data-graph=ready]")

    # The path function on a known graph (a diamond beside a lone step), loaded as the page loads it.
    known = page.evaluate(
        """async () => {
            const { criticalPath } = await import(document.querySelector('link[href*="critical_path"]').href);
            const steps = [
                {id: 'a', after: []}, {id: 'b', after: ['a']}, {id: 'c', after: ['a']},
                {id: 'd', after: ['b', 'c']}, {id: 'e', after: []},
            ];
            return [
                criticalPath(steps, {a: 10, b: 5, c: 30, d: 1, e: 40}),
                criticalPath(steps, {e: 100, a: 1}),
                criticalPath(steps, {}),
            ];
        }"""
    )
    assert known == [
        {"path": ["a", "c", "d"], "total": 41},
        {"path": ["e"], "total": 100},
        {"path": [], "total": 0},
    ]

    # The real run, once finished: timing colours, durations in the labels, the slowest path outlined.
    page.wait_for_selector("#design-graph[data-mode=timing]")
    graph = Run.objects.get(pk=order.run_id).graph
    shown = page.evaluate(
        """() => {
            const host = document.getElementById('design-graph');
            const cy = window.wfv.graph.cy;
            return {
                path: host.dataset.criticalPath.split(' '),
                total: Number(host.dataset.criticalMs),
                timings: Object.fromEntries(
                    Object.entries(window.wfv.view.model.stepTimings()).map(([id, timing]) => [id, timing.ms])
                ),
                outlined: cy.nodes('.critical').map(n => n.id()).sort(),
                labels: Object.fromEntries(cy.nodes('.step, .end').map(n => [n.id(), n.data('label')])),
                legend: document.getElementById('design-legend').innerText,
            };
        }"""
    )
    ids = [step["id"] for step in graph["steps"]]
    assert set(shown["timings"]) == set(ids)
    assert shown["path"] and set(shown["path"]) <= set(ids)
    assert "assign_partner" in shown["path"]
    for before, after in itertools.pairwise(shown["path"]):
        assert before in next(s for s in graph["steps"] if s["id"] == after)["after"]
    assert abs(shown["total"] - slowest_total(graph, shown["timings"])) <= 0.5  # shown in whole ms
    assert shown["outlined"] == sorted(shown["path"])
    assert all(label.split("\n")[1].endswith(("ms", " s")) for label in shown["labels"].values()), shown["labels"]
    assert "slowest path" in shown["legend"]
