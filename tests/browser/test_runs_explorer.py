"""An operator finds runs in the explorer by order id and buyer email; the filters live in the URL (the back
button brings the list before back) and a run started afterwards is announced as new (real system, Chromium)."""

from tests.browser.conftest import BROWSER_TEST, SCREENSHOTS
from tests.browser.test_metrics import POST
from tests.browser.test_timeline import log_in_through_the_form
from tests.conftest import runs_wait_final

pytestmark = BROWSER_TEST
READY = "#explorer[data-state=ready]"


def order(page, email: str) -> dict:
    body = {"sku": "MUG-BLUE", "quantity": 1, "customer_email": email, "pattern": "orchestration"}
    return page.evaluate(POST, ["/api/orders", body])


def shown(page) -> list[dict]:
    """The rows of the list: run id, order id and status, as the page shows them."""
    return page.eval_on_selector_all(
        "#runs-table tbody tr",
        "rows => rows.map(row => ({run: row.dataset.runId, order: row.dataset.orderId, status: row.dataset.status}))",
    )


def apply(page, field: str, value: str) -> None:
    """Type into a filter and press Enter, as a user would; wait for the list it asks for."""
    before = page.get_attribute("#explorer", "data-loads") or ""
    page.fill(f"#filters [name={field}]", value)
    page.press(f"#filters [name={field}]", "Enter")
    page.wait_for_function(f"document.querySelector('#explorer').dataset.loads !== {before!r}")
    page.wait_for_selector(READY)


def test_runs_are_found_by_order_and_buyer_the_url_keeps_the_filters_and_new_runs_are_announced(
    web_url, demo, admin_user, page
):
    log_in_through_the_form(page, web_url)
    placed = [order(page, "ana@example.com"), order(page, "ana@example.com"), order(page, "ben@example.com")]
    runs_wait_final([each["run_id"] for each in placed], timeout=30)
    first = placed[0]

    page.goto(f"{web_url}/runs/?status=succeeded")
    page.wait_for_selector(f"{READY}[data-live=live]")
    assert sorted(row["order"] for row in shown(page)) == sorted(str(each["order_id"]) for each in placed)
    assert page.input_value("#filters [name=status]") == "succeeded"

    # One order, by its number: one row, its run; the URL says so (a shared link opens the same list).
    apply(page, "order_id", str(first["order_id"]))
    assert [row["run"] for row in shown(page)] == [first["run_id"]]
    assert f"order_id={first['order_id']}" in page.url and "status=succeeded" in page.url
    # Beside the run's status, the business state the services keep for its order.
    business = "#runs-table tbody tr .business"
    assert page.inner_text(f"{business} [data-field=order_status] dd") == "fulfilled"
    assert page.inner_text(f"{business} [data-field=tracking_number] dd").startswith("WV-")

    # One buyer: the order filter cleared, the buyer's two runs.
    page.fill("#filters [name=order_id]", "")
    apply(page, "customer_email", "ana@example.com")
    assert sorted(row["run"] for row in shown(page)) == sorted(each["run_id"] for each in placed[:2])
    assert "customer_email=ana%40example.com" in page.url and "order_id" not in page.url

    # Back: the one-order list, its field filled again; back once more: every succeeded run.
    page.go_back()
    page.wait_for_function("document.querySelectorAll('#runs-table tbody tr').length === 1")
    assert page.input_value("#filters [name=order_id]") == str(first["order_id"])
    assert page.input_value("#filters [name=customer_email]") == ""
    page.go_back()
    page.wait_for_function("document.querySelectorAll('#runs-table tbody tr').length === 3")
    assert page.url.endswith("/runs/?status=succeeded")

    # A run started now is counted as new, and shown on a click; the list did not change by itself.
    later = order(page, "cleo@example.com")
    runs_wait_final([later["run_id"]], timeout=30)
    page.wait_for_selector("#explorer[data-new-count='1']", timeout=5000)
    assert "1 new matching run" in page.inner_text("#new-runs")
    assert len(shown(page)) == 3
    page.click("#new-runs-show")
    page.wait_for_function("document.querySelectorAll('#runs-table tbody tr').length === 4")
    assert shown(page)[0]["run"] == later["run_id"]
    assert page.is_hidden("#new-runs")

    # A bad filter in the URL: the API's message next to its field; the other filters still apply.
    page.goto(f"{web_url}/runs/?status=lost&customer_email=ben%40example.com")
    page.wait_for_selector(READY)
    assert page.inner_text('.field-error[data-for="status"]')
    assert [row["run"] for row in shown(page)] == [placed[2]["run_id"]]
    assert page.input_value("#filters [name=customer_email]") == "ben@example.com"

    page.set_viewport_size({"width": 1440, "height": 900})
    page.goto(f"{web_url}/runs/")
    page.wait_for_selector(READY)
    page.screenshot(path=str(SCREENSHOTS / "runs-explorer.png"), full_page=True)
    page.set_viewport_size({"width": 390, "height": 844})
    page.screenshot(path=str(SCREENSHOTS / "runs-explorer-phone.png"), full_page=True)
