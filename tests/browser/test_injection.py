"""User-supplied strings with HTML and script in them are shown as text everywhere, never run."""

from decimal import Decimal

from orders.models import Product
from orders.services import order_place
from tests.browser.conftest import BROWSER_TEST
from tests.browser.test_timeline import log_in_through_the_form
from tests.conftest import runs_wait_final
from workflowviz.designer.services import design_create

pytestmark = BROWSER_TEST
PRODUCT = "<img src=x onerror=\"window.__pwned=(window.__pwned||[]).concat('product')\">Lamp"
EMAIL = '"<img/src=x/onerror=alert(1)>"@example.com'
DESIGN_NAME = "<script>window.__pwned='design'</script>Hostile"
DESCRIPTION = "<svg onload=\"window.__pwned='description'\"></svg>"


def test_html_and_script_in_orders_and_designs_never_execute(web_url, demo, admin_user, page):
    Product.objects.create(sku="XSS-1", name=PRODUCT, price=Decimal("1.00"), stock=10, seller_code="acme")
    design_create(
        design={
            "slug": "hostile-names",
            "name": DESIGN_NAME,
            "description": DESCRIPTION,
            "trigger": "OrderPlaced",
            "steps": [{"id": "confirm_order", "action": "notifications.send_order_confirmation", "after": []}],
        }
    )
    order = order_place(sku="XSS-1", quantity=1, customer_email=EMAIL, pattern="choreography", design="hostile-names")
    runs_wait_final([order.run_id], timeout=30)
    dialogs = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))

    log_in_through_the_form(page, web_url)
    page.goto(f"{web_url}/runs/{order.run_id}/")
    page.wait_for_selector("#design-graph[data-steps]")
    point = page.evaluate(
        """() => {
            const timeline = window.wfv.view.timeline;
            const at = timeline.positionOf(h => h.type === 'bar' && h.item.stepId === 'confirm_order');
            const box = timeline.canvas.getBoundingClientRect();
            return {x: box.left + at.x, y: box.top + at.y};
        }"""
    )
    page.mouse.click(point["x"], point["y"])
    page.wait_for_selector("#details pre")
    assert "Step confirm_order" in page.inner_text("#details")

    page.goto(f"{web_url}/designer/")
    page.wait_for_load_state("networkidle")
    assert DESIGN_NAME in page.inner_text("body")
    page.goto(f"{web_url}/")
    page.wait_for_selector("#dashboard[data-ready=true]")
    page.wait_for_timeout(500)
    # The hostile strings are on screen, as text: the product in the order form, the design in its picker.
    options = page.eval_on_selector_all("select option", "nodes => nodes.map(n => n.textContent)")
    assert any(PRODUCT in option for option in options)
    assert any(DESIGN_NAME in option for option in options)

    assert page.evaluate("window.__pwned") is None
    assert dialogs == []
    assert page.locator("img[src=x], svg[onload]").count() == 0
