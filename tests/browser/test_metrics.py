"""A user runs 20 orders per pattern, some while Logistics is switched off and some with injected
failures, and sees them on the metrics page as charts that say what the API says (real system, Chromium)."""

from tests.browser.conftest import BROWSER_TEST, SCREENSHOTS
from tests.browser.test_timeline import log_in_through_the_form
from tests.conftest import runs_wait_final, wait_until

pytestmark = BROWSER_TEST
METRICS = "#metrics[data-state=ready]"
LOGISTICS_QUEUE = "#chart-queued path[data-series=logistics]"

# Writes from the page itself, as its own scripts send them: the session cookie and the CSRF token.
POST = """async ([path, body]) => {
    const response = await fetch(path, {
        method: 'POST',
        headers: {'Content-Type': 'application/json',
                  'X-CSRFToken': document.querySelector('meta[name=csrf-token]').content},
        body: JSON.stringify(body),
    });
    const data = await response.json();
    if (!response.ok) throw new Error(JSON.stringify(data));
    return data;
}"""


def burst(page, count: int, *, offset: int = 0, policy: dict | None = None) -> list[str]:
    body = {
        "count": count,
        "pattern": "both",
        "offset": offset,
        "sku": "MUG-BLUE",
        "quantity": 1,
        "customer_email": "metrics@example.com",
        "latency_ms": [20, 80],
    }
    if policy:
        body["policy"] = policy
    placed = page.evaluate(POST, ["/api/orders/burst", body])
    assert placed["count"] == count, placed
    return [each["run_id"] for each in placed["placed"]]


def switch(page, service: str, *, down: bool) -> None:
    page.evaluate(POST, ["/api/faults", {"service": service, "down": down}])


def figure(page, pattern: str, name: str) -> str:
    return page.inner_text(f'.pattern-card[data-pattern="{pattern}"] [data-figure="{name}"]')


def shown_rows(page, table: str, keys: list[str], figures: list[str]) -> list[list]:
    """The rows of a table as [data-* keys…, figures…], as text."""
    return page.eval_on_selector_all(
        f"{table} tbody tr",
        """(rows, [keys, figures]) => rows.map(row => [
            ...keys.map(key => row.dataset[key]),
            ...figures.map(name => row.querySelector(`[data-figure="${name}"]`).textContent),
        ])""",
        [keys, figures],
    )


def ordered_outcomes(outcomes: dict) -> list[tuple[str, int]]:
    """The outcomes in the order the cards show them."""
    return [(status, outcomes[status]) for status in ("succeeded", "failed", "compensated", "running", "compensating")]


def test_twenty_orders_per_pattern_some_with_logistics_off_show_as_charts_matching_the_api(
    web_url, demo, admin_user, page
):
    log_in_through_the_form(page, web_url)

    # Nothing run yet: the page says so, and still draws the queues it sampled.
    page.goto(f"{web_url}/metrics/?window=300")
    page.wait_for_selector(METRICS)
    assert page.is_visible("#metrics-empty")
    assert "No runs in the last 5 min" in page.inner_text("#metrics-empty")
    assert not page.is_visible("#pattern-cards") and page.is_visible("#chart-queued svg")
    assert page.input_value("select[name=window]") == "300"

    # 15 orders per pattern, a quarter of the steps failing once in a while (retries, some sagas)...
    run_ids = burst(page, 30, policy={"*": {"failure_probability": 0.25, "backoff_seconds": 0.2}})
    runs_wait_final(run_ids, timeout=90)
    # ...seen by the page's own refresh, without reloading it.
    page.wait_for_selector('#metrics[data-runs="30"]', timeout=20000)
    assert not page.is_visible("#metrics-empty")

    # Then Logistics is switched off and 5 more per pattern wait for it: the queue depth chart rises.
    switch(page, "logistics", down=True)
    try:
        held = burst(page, 10, offset=30)
        page.wait_for_function(f"Number(document.querySelector('{LOGISTICS_QUEUE}').dataset.max) >= 1", timeout=30000)
    finally:
        switch(page, "logistics", down=False)
    run_ids += held
    runs_wait_final(run_ids, timeout=90)

    # Every run counted, both patterns finished on the cards; then the refresh is paused to compare.
    def all_shown():
        if page.get_attribute("#metrics", "data-runs") != "40":
            return False
        return all(figure(page, p, "runs_finished") == "20" for p in ("orchestration", "choreography"))

    wait_until(all_shown, timeout=30, what="the page to show the 40 finished runs")
    page.uncheck("input[name=auto]")
    page.wait_for_selector('#metrics[data-loading="false"]')
    api = page.request.get(f"{web_url}/api/metrics?window=300").json()

    assert api["runs"] == 40
    for summary in api["patterns"]:
        pattern = summary["pattern"]
        assert figure(page, pattern, "runs_started") == str(summary["runs_started"]) == "20"
        assert figure(page, pattern, "runs_finished") == "20"
        badges = page.eval_on_selector_all(
            f'.pattern-card[data-pattern="{pattern}"] [data-figure^="outcome-"]', "bs => bs.map(b => b.textContent)"
        )
        assert badges == [f"{n} {status}" for status, n in ordered_outcomes(summary["outcomes"]) if n]
    # End-to-end latency bars: one p50, p95 and p99 bar per pattern, of exactly the API's values.
    bars = page.eval_on_selector_all(
        "#chart-pattern-latency .bar-group",
        "gs => gs.map(g => [g.dataset.label, ...[...g.querySelectorAll('rect')].map(r => Number(r.dataset.value))])",
    )
    assert bars == [[s["pattern"], *(s["latency_ms"][q] for q in ("p50", "p95", "p99"))] for s in api["patterns"]]
    # Throughput: one line per pattern, over the API's buckets.
    lines = page.eval_on_selector_all("#chart-runs-finished path.series-line", "ps => ps.map(p => p.dataset.series)")
    assert lines == ["orchestration", "choreography"]
    # Per step and per service tables: the API's counts.
    counts = ["steps", "failed", "retries", "timeouts", "compensations"]
    assert shown_rows(page, "#step-table", ["pattern", "step"], counts) == [
        [s["pattern"], s["step_id"], *(str(s[name]) for name in counts)] for s in api["steps"]
    ]
    assert shown_rows(page, "#service-table", ["service"], counts) == [
        [s["service"], *(str(s[name]) for name in counts)] for s in api["services"]
    ]
    services = {s["service"]: s for s in api["services"]}
    assert services["notifications"]["steps"] == 80 and services["logistics"]["steps"] == 40
    assert sum(s["retries"] for s in api["services"]) > 0  # a quarter of the attempts failed
    # Step latency charts: a row per step and pattern (4 steps × 2 patterns), p50/p95/p99 bars each.
    assert page.eval_on_selector_all("#chart-step-execution .bar-group", "gs => gs.length") == 8
    assert int(page.get_attribute("#chart-step-execution", "data-bars")) == 8 * 3
    # Queues: Logistics' work waited in its queue while it was off, and the chart shows that peak.
    logistics = next(s for s in api["queues"]["series"] if s["service"] == "logistics")
    assert max(value for value in logistics["queued"] if value is not None) >= 1
    assert float(page.get_attribute(LOGISTICS_QUEUE, "data-max")) >= 1
    # One line per service the API sampled: the shop's five and the built-in declared services.
    assert page.eval_on_selector_all("#chart-queued path.series-line", "ps => ps.length") == len(
        api["queues"]["series"]
    )

    # Hovering a queue chart reads out every service's value in that bucket.
    box = page.locator("#chart-queued svg > rect").bounding_box()
    page.mouse.move(box["x"] + box["width"] - 3, box["y"] + 10)
    page.wait_for_selector("#chart-queued .chart-tip:not([hidden])")
    assert "logistics:" in page.inner_text("#chart-queued .chart-tip")
    page.mouse.move(0, 0)

    page.wait_for_timeout(200)
    page.screenshot(path=str(SCREENSHOTS / "metrics.png"), full_page=True)

    # One pattern only: the page asks the API for it, and the address says so.
    page.select_option("select[name=pattern]", "choreography")
    page.wait_for_selector('#metrics[data-runs="20"]')
    assert "pattern=choreography" in page.url
    assert page.eval_on_selector_all(".pattern-card", "cs => cs.map(c => c.dataset.pattern)") == ["choreography"]
