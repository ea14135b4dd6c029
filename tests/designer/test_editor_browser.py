"""A real browser builds a design by drag and drop, saves it, runs it both ways and sees both runs complete;
and a new user declares services in the editor, wires a decision and runs it both ways."""

import os
import time
import uuid
from contextlib import contextmanager
from pathlib import Path

import pytest
import redis
from django.conf import settings
from rq import Worker

from workflowviz.designer.models import DesignVersion
from workflowviz.engine.models import Run, RunStatus
from workflowviz.engine.queues import service_queue

CHROMIUM = "/usr/bin/chromium"
SCREENSHOT = Path(__file__).resolve().parents[2] / "docs" / "screenshots" / "designer.png"

pytestmark = [
    pytest.mark.system,
    pytest.mark.browser,
    pytest.mark.skipif(not Path(CHROMIUM).exists(), reason=f"{CHROMIUM} is not installed"),
]


@pytest.fixture(autouse=True)
def fast_password_hashing():
    """Keep the default hasher: daphne, in its own process, must check the admin's password."""


@pytest.fixture
def page(monkeypatch):
    from playwright.sync_api import sync_playwright

    # Playwright's sync API runs an event loop in this thread; the test's own database calls are safe.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"]
        )
        page = browser.new_page(viewport={"width": 1440, "height": 1100})
        errors = []
        page.on("pageerror", lambda error: errors.append(str(error)))
        yield page
        browser.close()
    assert errors == [], f"JavaScript errors: {errors}"


def drag_connect(page, source: str, target: str) -> None:
    """Press on one step and release on another, moving like a hand would (connect mode is on)."""
    start = page.evaluate("(id) => window.designer.stepPosition(id)", source)
    end = page.evaluate("(id) => window.designer.stepPosition(id)", target)
    page.mouse.move(start["x"], start["y"])
    page.mouse.down()
    for i in range(1, 13):
        page.mouse.move(start["x"] + (end["x"] - start["x"]) * i / 12, start["y"] + (end["y"] - start["y"]) * i / 12)
        page.wait_for_timeout(25)
    page.wait_for_timeout(150)
    page.mouse.up()
    page.wait_for_function(
        "([source, target]) => window.designer.design().steps.some((s) => s.id === target && s.after.includes(source))",
        arg=[source, target],
        timeout=5000,
    )


def test_build_by_drag_and_drop_save_and_run_both_ways(web_url, demo, admin_user, page):
    page.goto(f"{web_url}/login/")
    page.fill("#id_username", "admin")
    page.fill("#id_password", "correct-horse-battery")
    page.click("button[type=submit]")
    page.goto(f"{web_url}/designer/new/")
    page.wait_for_selector("#designer[data-ready=true]")
    page.fill("#design-slug", "built-in-a-browser")
    page.fill("#design-name", "Built in a browser")

    for action in ["sellers.prepare_shipment", "logistics.assign_delivery_partner", "notifications.send_shipped_email"]:
        page.drag_and_drop(f".palette-item[data-action='{action}']", "#canvas")
    page.wait_for_function("() => window.designer.design().steps.length === 3")
    # Before its arrows, the shipped email lacks a tracking number: the error sits on that node.
    page.wait_for_selector("#problems li.error[data-where='step:send_shipped_email']")

    page.click("#connect-mode")
    drag_connect(page, "prepare_shipment", "assign_delivery_partner")
    drag_connect(page, "assign_delivery_partner", "send_shipped_email")
    page.click("#connect-mode")
    page.wait_for_selector("#validity[data-state=valid]")
    assert page.locator("#problems li.error").count() == 0

    page.click("#save")
    page.wait_for_selector("#save-status[data-version='1']")
    version = DesignVersion.objects.get(design__slug="built-in-a-browser")
    assert [(s["id"], s["after"]) for s in version.definition["steps"]] == [
        ("prepare_shipment", []),
        ("assign_delivery_partner", ["prepare_shipment"]),
        ("send_shipped_email", ["assign_delivery_partner"]),
    ]

    page.click("#run-both")
    page.wait_for_function(
        "() => document.querySelectorAll('#runs li[data-status=succeeded]').length === 2", timeout=60000
    )
    runs = list(Run.objects.filter(design_slug="built-in-a-browser"))
    assert sorted(run.pattern for run in runs) == ["choreography", "orchestration"]
    assert {(run.status, run.design_version) for run in runs} == {(RunStatus.SUCCEEDED, 1)}
    assert DesignVersion.objects.get(pk=version.pk).used

    page.click("#versions-card summary")
    page.wait_for_selector("#versions-panel td:has-text('used · 2 run(s)')")
    page.evaluate("() => window.scrollTo(0, 0)")
    time.sleep(0.2)
    SCREENSHOT.parent.mkdir(parents=True, exist_ok=True)
    if os.environ.get("CI") != "true" or not SCREENSHOT.exists():
        page.screenshot(path=str(SCREENSHOT))


def login(page, web_url: str) -> None:
    page.goto(f"{web_url}/login/")
    page.fill("#id_username", "admin")
    page.fill("#id_password", "correct-horse-battery")
    page.click("button[type=submit]")
    page.wait_for_url(lambda url: "/login/" not in url)


@contextmanager
def workers_for(*services: str):
    """Wait for the workers of services declared during the test: the session's supervisor
    (`manage.py run_workers --declared`, as `make run` does) starts them within seconds."""
    client = redis.Redis.from_url(settings.REDIS_URL)
    try:
        deadline = time.monotonic() + 120
        while not all(Worker.all(connection=client, queue=service_queue(name)) for name in services):
            assert time.monotonic() < deadline, "the declared services' workers did not register in time"
            time.sleep(0.1)
        yield
    finally:
        client.close()


def fill(page, values: dict[str, str]) -> None:
    """Type into the service form's fields, named by their paths in the declaration."""
    for path, value in values.items():
        page.fill(f"#service-form [data-path='{path}']", value)


def declare_flights(page, name: str, trigger: str, booked: str, full: str) -> None:
    """A service with the event that starts a run and an action that decides: booked, or full."""
    page.click("#declare-service")
    fill(page, {"name": name, "label": "Flights"})
    page.click("[data-add='events']")
    # Two mistakes first: an event name that is not CamelCase and a rule that is no expression.
    fill(page, {"events[0].name": trigger[0].lower() + trigger[1:], "events[0].fields[0].name": "trip_id"})
    page.click("[data-add='events[0].fields']")
    fill(page, {"events[0].fields[1].name": "nights"})
    page.select_option("[data-path='events[0].fields[1].type']", "integer")
    fill(page, {"actions[0].name": "book_flight", "actions[0].inputs": "trip_id, nights"})
    page.select_option("[data-path='actions[0].choice']", "rule")
    page.wait_for_selector("[data-path='actions[0].outcomes[0].when']")
    fill(page, {"actions[0].outcomes[0].event": booked, "actions[0].outcomes[0].when": "nights <"})
    page.click("[data-add='actions[0].outcomes[0].fields']")
    fill(page, {"actions[0].outcomes[0].fields[0].name": "flight_ref"})
    page.click("[data-add='actions[0].outcomes']")
    fill(page, {"actions[0].outcomes[1].event": full, "actions[0].latency[0]": "10", "actions[0].latency[1]": "60"})
    page.click("#service-save")
    # Every error of the 422 at its field, at once.
    page.wait_for_selector("[data-error-for='events[0].name']")
    page.wait_for_selector("[data-error-for='actions[0].outcomes[0].when']")
    assert page.locator("#service-form .field-error").count() == 2
    fill(page, {"events[0].name": trigger, "actions[0].outcomes[0].when": "nights < 10"})
    assert page.locator("#service-form .field-error").count() == 0
    page.click("#service-save")
    page.wait_for_function("() => !document.getElementById('service-dialog').open")
    page.wait_for_selector(f".palette-item.decision[data-action='{name}.book_flight']")


def declare_hotels(page, name: str, booked: str) -> None:
    page.click("#declare-service")
    fill(page, {"name": name, "label": "Hotels"})
    fill(page, {"actions[0].name": "book_hotel", "actions[0].inputs": "trip_id"})
    fill(page, {"actions[0].outcomes[0].event": booked})
    page.click("[data-add='actions[0].outcomes[0].fields']")
    fill(page, {"actions[0].outcomes[0].fields[0].name": "hotel_ref"})
    page.click("#service-save")
    page.wait_for_function("() => !document.getElementById('service-dialog').open")
    page.wait_for_selector(f".palette-item[data-action='{name}.book_hotel']")


def select_step(page, step_id: str) -> None:
    at = page.evaluate("(id) => window.designer.stepPosition(id)", step_id)
    page.mouse.click(at["x"], at["y"])
    page.wait_for_function("(id) => document.getElementById('step-id')?.value === id", arg=step_id)


def add_after(page, action: str, outcome: str | None = None, result: str | None = None) -> None:
    """The selected step's "Then": add a step (or an end, with its result word) after it, on an outcome."""
    count = page.evaluate("() => window.designer.design().steps.length")
    if outcome:
        page.select_option("#then-outcome", outcome)
    page.select_option("#then-action", action)
    page.click("#then-add")
    page.wait_for_function("(n) => window.designer.design().steps.length === n", arg=count + 1)
    if result:
        page.fill("#step-end", result)
        page.press("#step-end", "Enter")
        page.wait_for_function("(r) => window.designer.design().steps.some((s) => s.end === r)", arg=result)


def test_a_new_user_declares_two_services_wires_a_decision_and_runs_it_both_ways(
    web_url, transactional_db, admin_user, page
):
    uid = uuid.uuid4().hex[:6]
    flights, hotels, slug = f"flights_{uid}", f"hotels_{uid}", f"trip-{uid}"
    words = ("TripRequested", "FlightBooked", "FlightsFull", "HotelBooked")
    trigger, booked, full, hotel_booked = (f"T{uid}{word}" for word in words)
    login(page, web_url)
    page.goto(f"{web_url}/designer/new/")
    page.wait_for_selector("#designer[data-ready=true]")

    declare_flights(page, flights, trigger, booked, full)
    declare_hotels(page, hotels, hotel_booked)
    assert page.locator(f"#services-panel li[data-service='{flights}']").count() == 1

    page.fill("#design-slug", slug)
    page.fill("#design-name", "Trip")
    page.select_option("#design-trigger", trigger)
    page.click(f"button[aria-label='Add {flights}.book_flight']")
    add_after(page, f"{hotels}.book_hotel", outcome=booked)
    add_after(page, "end", result="booked")
    select_step(page, "book_flight")
    add_after(page, "end", outcome=full, result="no flight")
    page.wait_for_selector("#validity[data-state=valid]")
    assert page.locator("#problems li.error").count() == 0
    # The decision, its ends and the outcomes on its arrows, as the canvas draws them.
    drawn = page.evaluate(
        """() => ({
            decisions: window.designer.canvas.cy.nodes('.decision').map((n) => n.data('step')),
            ends: window.designer.canvas.cy.nodes('.end').map((n) => n.data('step')).sort(),
            outcomes: window.designer.canvas.cy.edges('[outcome]').map((e) => e.data('outcome')).sort(),
        })"""
    )
    assert drawn == {"decisions": ["book_flight"], "ends": ["booked", "no_flight"], "outcomes": sorted([booked, full])}

    # The message flow panel reads as text: each pattern's messages, the decision's outcomes and its ends.
    flow = page.inner_text("#flow-panel")
    assert "[object" not in flow and f"{flights}.book_flight" not in flow and f"book_flight@{flights}" in flow

    page.click("#save")
    page.wait_for_selector("#save-status[data-version='1']")
    version = DesignVersion.objects.get(design__slug=slug)
    assert [(s["id"], s.get("action") or s.get("end"), s["after"]) for s in version.definition["steps"]] == [
        ("book_flight", f"{flights}.book_flight", []),
        ("book_hotel", f"{hotels}.book_hotel", [f"book_flight:{booked}"]),
        ("booked", "booked", ["book_hotel"]),
        ("no_flight", "no flight", [f"book_flight:{full}"]),
    ]

    with workers_for(flights, hotels):
        page.fill("#run-input-nights", "3")
        page.click("#run-orchestration")
        page.wait_for_selector("#runs li[data-run-id]")
        page.click("#run-choreography")
        page.wait_for_function(
            "() => document.querySelectorAll('#runs li[data-status=succeeded]').length === 2", timeout=60000
        )
        pages = page.eval_on_selector_all("#runs li a", "links => links.map((a) => a.getAttribute('href'))")
        assert len(pages) == 2
        for run_page in pages:
            page.goto(f"{web_url}{run_page}")
            page.wait_for_selector("#run-page[data-settled=true][data-status=succeeded]", timeout=60000)
            assert "booked" in page.inner_text("#run-result")

    runs = list(Run.objects.filter(design_slug=slug))
    assert sorted(run.pattern for run in runs) == ["choreography", "orchestration"]
    assert {(run.status, run.result) for run in runs} == {(RunStatus.SUCCEEDED, "booked")}
