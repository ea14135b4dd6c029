"""A user opens Compare, switches Sellers off on the page, runs 5 orders per pattern, reads the held
runs in the table and notes, switches Sellers on, watches both patterns finish on two timelines that
share one time axis, and zooms one of them: the other follows (real system, Chromium)."""

import redis
from django.conf import settings
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from tests.browser.conftest import BROWSER_TEST, SCREENSHOTS
from tests.browser.test_timeline import log_in_through_the_form
from tests.compare.conftest import workers_suspended_wait
from workflowviz.engine.faults import service_down_set

pytestmark = BROWSER_TEST
COUNT = 5
OUTCOME = "#diff-table tr[data-key=outcome] td[data-pattern={pattern}]"


def cell(page, key, pattern) -> str:
    return page.inner_text(f"#diff-table tr[data-key={key}] td[data-pattern={pattern}]")


def wait_for_text(page, selector: str, text: str, timeout=30000):
    try:
        page.wait_for_function(
            "([selector, text]) => document.querySelector(selector)?.textContent === text",
            arg=[selector, text],
            timeout=timeout,
        )
    except PlaywrightTimeout:
        shown = page.locator(selector).all_inner_texts()
        raise AssertionError(f"{selector} shows {shown}, not {text!r}") from None


def switch(page, service, *, down: bool):
    page.click(f".fault-switch[data-service={service}] .fault-toggle")
    page.wait_for_selector(f".fault-switch[data-service={service}][data-down={'true' if down else 'false'}]")


def visible_domains(page) -> dict:
    return page.evaluate(
        """() => Object.fromEntries(Object.entries(window.wfv.pairs.views)
            .map(([pattern, view]) => [pattern, view.timeline.visibleDomain()]))"""
    )


def test_compare_sellers_off_then_on(web_url, demo, admin_user, page):
    log_in_through_the_form(page, web_url)
    try:
        page.goto(f"{web_url}/compare/")
        page.wait_for_selector("#fault-switches[data-state=ok] .fault-switch[data-service=sellers]")
        switch(page, "sellers", down=True)
        workers_suspended_wait("sellers")  # as a user would, place the orders once Sellers has stopped

        page.fill("#compare-form input[name=count]", str(COUNT))
        page.select_option("#compare-form select[name=sku]", "BOOK-EIP")
        page.click("#compare-form button[type=submit]")
        page.wait_for_url("**/compare/*-*/")
        page.wait_for_selector("#comparison[data-ready=true]")

        # Sellers is off: every run of both patterns waits at prepare_shipment, in the table and the notes.
        held = f"{COUNT} running · waiting: {COUNT} at prepare_shipment (Sellers)"
        for pattern in ("orchestration", "choreography"):
            wait_for_text(page, OUTCOME.format(pattern=pattern), held)
        assert page.inner_text("#diff-table tr[data-key=outcome] th") == "Outcome (Sellers off at start)"
        assert cell(page, "done_without_sellers", "choreography") == f"confirm_order in {COUNT} of {COUNT}"
        assert cell(page, "finished", "orchestration") == f"0 of {COUNT}"
        notes = page.inner_text("#notes")
        assert (
            f"With Sellers off at the start, before Sellers took a message: orchestration finished 0 of {COUNT}"
            in notes
        )
        assert f"choreography at prepare_shipment in {COUNT} of {COUNT} orders (all still waiting)" in notes
        assert "Orders addressed 2 services by name in orchestration" in notes  # Logistics is not reached yet
        assert "badge fault-on" in page.inner_html(".comparison-head")

        switch(page, "sellers", down=False)
        page.wait_for_selector("#comparison[data-finished=true]", timeout=60000)
        assert page.get_attribute("#comparison", "data-orchestration-finished") == str(COUNT)
        assert page.get_attribute("#comparison", "data-choreography-finished") == str(COUNT)
        assert cell(page, "finished", "choreography") == f"{COUNT} of {COUNT}"
        assert cell(page, "outcome", "orchestration") == f"{COUNT} succeeded"
        assert cell(page, "addressed", "orchestration") == "3: Notifications, Sellers and Logistics"
        assert cell(page, "addressed", "choreography").startswith("0 (publishes OrderPlaced")
        notes = page.inner_text("#notes")
        assert "End-to-end latency p50" in notes and "Orders addressed 3 services by name in orchestration" in notes
        assert page.get_attribute("#distribution", "data-buckets") not in (None, "0")
        assert page.locator("#distribution rect[data-pattern=orchestration]").count() > 0

        # Both timelines of the first pair drew their bars, to the end.
        for pattern in ("orchestration", "choreography"):
            panel = f".pair-timeline[data-pattern={pattern}]"
            page.wait_for_selector(f"{panel}[data-status=succeeded][data-settled=true]", timeout=30000)
            bars = page.get_attribute(panel, "data-bar-services").split()
            assert {"notifications", "sellers", "logistics"} <= set(bars), (pattern, bars)
            assert int(page.get_attribute(f"{panel} [data-role=timeline]", "data-drawn")) > 0
        before = visible_domains(page)
        assert before["orchestration"] == before["choreography"]  # one time axis

        # Zoom the orchestration timeline with the wheel: the choreography one follows.
        canvas = page.locator(".pair-timeline[data-pattern=orchestration] canvas")
        canvas.scroll_into_view_if_needed()
        box = canvas.bounding_box()
        page.mouse.move(box["x"] + box["width"] * 0.6, box["y"] + box["height"] / 2)
        page.mouse.wheel(0, -600)
        page.wait_for_function("() => window.wfv.pairs.syncs > 0")
        after = visible_domains(page)
        span = after["orchestration"][1] - after["orchestration"][0]
        assert span < (before["orchestration"][1] - before["orchestration"][0]) * 0.9, (before, after)
        for end in (0, 1):
            assert abs(after["choreography"][end] - after["orchestration"][end]) < span * 1e-6, after

        page.click("#fit")
        page.wait_for_function(
            """() => { const v = window.wfv.pairs.views;
                const [a, b] = [v.orchestration.timeline.visibleDomain(), v.choreography.timeline.visibleDomain()];
                return a[0] === b[0] && a[1] === b[1]; }"""
        )
        page.evaluate("() => new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done)))")
        page.screenshot(path=str(SCREENSHOTS / "compare.png"), full_page=True)
    finally:
        client = redis.Redis.from_url(settings.REDIS_URL)
        service_down_set(client, service="sellers", down=False)
        client.close()
