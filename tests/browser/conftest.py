"""Headless Chromium (Debian's, driven by Playwright) against the real system; skipped without chromium."""

import os
import time
from pathlib import Path

import pytest
import redis
from django.conf import settings

from bench.browser_render import CHROMIUM, browser_launch
from tests.conftest import database_url
from workflowviz.processes import ProcessGroup, free_port, system_argvs, wait_for_port

ADMIN_PASSWORD = "correct-horse-battery"
SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"


# Every test module here: pytestmark = BROWSER_TEST (skipped cleanly where chromium is missing).
BROWSER_TEST = [
    pytest.mark.browser,
    pytest.mark.system,
    pytest.mark.skipif(not Path(CHROMIUM).exists(), reason=f"{CHROMIUM} is not installed (.ci/run installs it)"),
]


@pytest.fixture(scope="module")
def browser(django_db_setup):
    """Chromium for one test module.

    Playwright's sync API keeps an asyncio loop running in this thread, which makes Django refuse
    database calls from the test; they are safe here (nothing else runs on that loop), so the check
    is lifted for this module only, and the browser is closed at its end.
    """
    from playwright.sync_api import sync_playwright

    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as playwright:
            chromium = browser_launch(playwright)
            yield chromium
            chromium.close()
    finally:
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture
def page(browser):
    """A fresh browser context (no cookies); JavaScript errors on the page fail the test.

    It bypasses the pages' Content-Security-Policy: Playwright's wait_for_function polls its predicate with
    eval in the page, which the policy refuses (no 'unsafe-eval'). test_csp.py checks the pages under it."""
    context = browser.new_context(viewport={"width": 1400, "height": 900}, bypass_csp=True)
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    yield page
    context.close()
    assert not errors, f"JavaScript errors: {errors}"


@pytest.fixture(scope="module")
def lossy_web_url(django_db_setup):
    """A second set of workers and daphne whose broadcasts drop half the records on purpose.

    They use their own Redis database (queues and channel layer), so the session's workers never
    take their jobs, and the same test database.
    """
    lossy_redis = settings.REDIS_URL.rsplit("/", 1)[0] + "/1"
    group = ProcessGroup(
        env={
            "DATABASE_URL": database_url(),
            "REDIS_URL": lossy_redis,
            "WORKFLOWVIZ_BROADCAST_DROP_RATE": "0.5",
            "PYTHONUNBUFFERED": "1",
        }
    )
    port = free_port()
    for name, argv in system_argvs(queues=settings.SERVICE_APPS, port=port).items():
        if name != "reconciler":
            group.start(name, argv)
    client = redis.Redis.from_url(lossy_redis)
    try:
        wait_for_port("127.0.0.1", port, process=group.processes["web"], what="lossy daphne", timeout=120)
        deadline = time.monotonic() + 120
        workers = [name for name in group.processes if name.startswith("worker-")]
        while client.scard("rq:workers") < len(workers):
            assert not group.dead(), f"a lossy process died: {group.dead()}"
            assert time.monotonic() < deadline, "lossy workers did not register in time"
            time.sleep(0.1)
        yield f"http://127.0.0.1:{port}"
    finally:
        group.stop()
        client.flushdb()
        client.close()
