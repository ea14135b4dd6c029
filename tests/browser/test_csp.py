"""Every page works under the strict Content-Security-Policy: no page meets a CSP violation in Chromium
(dashboard with its websocket, run page, runs explorer, designer and editor, compare, metrics, login, admin,
django-rq)."""

import pytest

from tests.browser.conftest import BROWSER_TEST
from tests.browser.test_timeline import log_in_through_the_form

pytestmark = BROWSER_TEST

# Before any script of a page runs, listen for the event the browser fires on each violation.
RECORD_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  const where = `${event.sourceFile}:${event.lineNumber}`;
  window.__cspViolations.push(`${event.violatedDirective} blocked ${event.blockedURI || "inline"} (${where})`);
});
"""

# (path, a selector that shows the page's scripts did their work)
PAGES = [
    ("/runs/?status=succeeded", "#explorer[data-state=ready][data-live=live]"),
    ("/compare/", "#compare[data-ready=true]"),
    ("/metrics/", '#metrics[data-loading="false"]'),
    ("/runs/open/", "#open-page[data-state=empty]"),
    ("/dead-letters/", '#dead-letters-page[data-state="ready"]'),
    ("/designer/", "table.designs"),
    ("/designer/order-fulfilment/", "#designer[data-ready=true]"),
    ("/designer/try/login/", "#otp-start"),
    ("/admin/", "#site-name"),
    ("/admin/notifications/email/", "#changelist"),
    ("/django-rq/", "#content-main"),
    ("/django-rq/queues/0/", "#content-main"),
]


# django-rq 4.2's job lists call the jQuery plugin `$(...).actions()`, which Django 5's admin no longer
# has (its actions.js sets itself up): that script throws with or without a CSP. Its being allowed to run
# is what shows its hash is right; any other error fails the test.
DJANGO_RQ_STALE_SCRIPT = "$(...).actions is not a function"


@pytest.fixture
def page(browser):
    """A fresh browser context like the shared `page`, recording CSP violations before any script runs."""
    context = browser.new_context(viewport={"width": 1400, "height": 900})
    context.add_init_script(RECORD_VIOLATIONS)
    page = context.new_page()
    page.errors, page.console = [], []
    page.on("pageerror", lambda error: page.errors.append(str(error)))
    page.on("console", lambda message: page.console.append(message.text))
    yield page
    context.close()


def test_every_page_works_with_no_csp_violation(web_url, demo, admin_user, page):
    seen = {}

    def violations() -> list[str]:
        return page.evaluate("window.__cspViolations")

    for path in ("/admin/login/", "/login/"):
        login = page.goto(web_url + path)
        assert "script-src 'self'" in login.headers["content-security-policy"]
        page.wait_for_selector("#id_password")
        seen[path] = violations()
    log_in_through_the_form(page, web_url)  # the dashboard, live over its websocket
    page.check("#order-form input[name=pattern][value=orchestration]")
    page.click("#order-form button[type=submit]")
    page.wait_for_selector(".watched[data-pattern=orchestration]")
    seen["/"] = violations()
    run_id = page.get_attribute(".watched", "data-run-id")

    response = page.goto(f"{web_url}/runs/{run_id}/")
    page.wait_for_selector("#run-page[data-settled=true][data-graph=ready][data-status=succeeded]", timeout=30000)
    seen["/runs/<id>/"] = violations()
    for path, ready in PAGES:
        response = page.goto(web_url + path)
        assert response.ok, (path, response.status)
        policy = response.headers["content-security-policy"]
        assert "'unsafe-inline'" not in policy and "'unsafe-eval'" not in policy, (path, policy)
        page.wait_for_selector(ready)
        seen[path] = violations()

    assert {path: found for path, found in seen.items() if found} == {}
    assert [text for text in page.console if "Content Security Policy" in text] == []
    assert len(seen) == len(PAGES) + 4
    assert [error for error in page.errors if error != DJANGO_RQ_STALE_SCRIPT] == []
