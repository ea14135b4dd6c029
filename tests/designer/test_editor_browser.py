"""A real browser builds a design by drag and drop, saves it, runs it both ways and sees both runs complete."""

import os
import time
from pathlib import Path

import pytest

from workflowviz.designer.models import DesignVersion
from workflowviz.engine.models import Run, RunStatus

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
