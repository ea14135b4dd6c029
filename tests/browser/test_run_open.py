"""Export a finished run from its page and open the file read-only on /runs/open/ (Chromium, one test)."""

import json

from django.test import Client

from orders.services import order_place
from tests.browser.conftest import BROWSER_TEST, SCREENSHOTS
from tests.conftest import ApiClient, runs_wait_final
from workflowviz.api.tokens import token_issue

pytestmark = BROWSER_TEST

SHOWN = """() => {
    const root = document.getElementById('run-page');
    const model = window.wfv.view.model;
    return {
        count: Number(root.dataset.count),
        status: root.dataset.status,
        statuses: model.stepStatus,
        bars: model.bars.length,
        graph: document.getElementById('design-graph').dataset.steps.split(' ').sort(),
        drawn: Number(document.getElementById('timeline').dataset.drawn),
        live: root.dataset.live || null,
    };
}"""


def test_a_run_exported_from_its_page_opens_read_only_and_a_bad_file_is_refused(
    web_url, demo, admin_user, page, tmp_path
):
    order = order_place(sku="TENT-2P", quantity=1, customer_email="ann@example.com", pattern="choreography")
    runs_wait_final([order.run_id])
    api = ApiClient(token_issue(user=admin_user))
    detail = api.get(f"/api/runs/{order.run_id}").json()
    session = Client()
    session.force_login(admin_user)  # a session cookie for the browser: quicker than the login form
    page.context.add_cookies([{"name": "sessionid", "value": session.cookies["sessionid"].value, "url": web_url}])

    # The run page's Export link downloads the file (through daphne, streamed).
    page.goto(f"{web_url}/runs/{order.run_id}/")
    page.wait_for_selector("#run-page[data-settled=true][data-graph=ready]")
    on_run_page = page.evaluate(SHOWN)
    with page.expect_download() as download:
        page.click("#export")
    assert download.value.suggested_filename == f"run-{order.run_id}.json"
    path = tmp_path / download.value.suggested_filename
    download.value.save_as(path)
    exported = json.loads(path.read_text())
    assert exported["events"] == detail["events"] and len(exported["events"]) == detail["last_seq"]

    # Opened from the file: the same records, steps and graph, no websocket, no operator controls.
    page.goto(f"{web_url}/runs/open/")
    page.set_input_files("#open-file", str(path))
    page.wait_for_selector("#open-page[data-state=opened] #run-page[data-settled=true][data-graph=ready]")
    opened = page.evaluate(SHOWN)
    assert opened == {**on_run_page, "live": None}
    assert opened["count"] == len(detail["events"]) and opened["status"] == "succeeded"
    assert opened["statuses"] == {step["step_id"]: step["status"] for step in detail["steps"]}
    assert page.inner_text("#read-only") == f"opened from file {path.name}, read-only"
    assert page.inner_text("#record-count") == f"{len(detail['events'])} records"
    assert page.locator("#live, #export, #order-form, .fault-controls").count() == 0

    # Replay from the file: back to the start, then to the end with the scrubber: the same picture again.
    page.click("#replay-open")
    page.click("#replay-back")  # pauses it
    page.focus("#replay-scrubber")
    page.keyboard.press("Home")
    page.wait_for_selector("#run-page[data-replay-position='0'][data-replay-playing=false]")
    page.keyboard.press("End")
    page.wait_for_selector(f"#run-page[data-replay-position='{opened['count']}']")
    assert int(page.get_attribute("#run-page", "data-replay-count")) == opened["count"]
    assert page.evaluate("window.wfv.replay.model.count") == opened["count"]
    page.click("#replay-live")
    # A step's details, without admin links: the file's ids are another database's.
    page.evaluate("() => window.wfv.view.timeline.select(window.wfv.view.timeline.hits.find(h => h.type === 'bar'))")
    assert page.inner_text("#details h3").startswith("Step ")
    headings = [text.lower() for text in page.locator("#details h4").all_inner_texts()]
    assert "payload" in headings and "admin records" not in headings
    page.mouse.move(5, 5)
    page.screenshot(path=str(SCREENSHOTS / "run-open.png"), full_page=True)

    # A file that is not a run export: refused with the reason, the run shown stays, the page still opens files.
    page.set_input_files(
        "#open-file",
        files=[{"name": "design.json", "mimeType": "application/json", "buffer": b'{"slug": "x", "steps": []}'}],
    )
    page.wait_for_selector("#open-page[data-state=refused]")
    assert page.inner_text("#open-error") == (
        'Not opened: design.json: Not a run export: it has no "format" (a run export says "workflowviz.run-export").'
    )
    assert page.evaluate(SHOWN)["count"] == opened["count"]
    page.set_input_files("#open-file", files=[{"name": "x.json", "mimeType": "text/plain", "buffer": b"not json"}])
    page.wait_for_function(
        "() => document.getElementById('open-error').textContent.includes('x.json: The file is not JSON')"
    )
    page.set_input_files("#open-file", str(path))
    page.wait_for_selector("#open-page[data-state=opened] #run-page[data-settled=true][data-graph=ready]")
    assert page.is_hidden("#open-error")
