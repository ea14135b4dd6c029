"""Built-in designs in the browser: a designer's editor offers "Copy" instead of "Save" on one, and the copy is
theirs; an admin's offers "Save"; the dashboard's order form names the design a default order runs."""

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from tests.browser.conftest import ADMIN_PASSWORD, BROWSER_TEST
from tests.browser.test_timeline import log_in_through_the_form
from workflowviz.designer.builtins import ORDER_FULFILMENT
from workflowviz.designer.models import Design
from workflowviz.designer.services import design_version_create

pytestmark = BROWSER_TEST


@pytest.fixture
def designer(transactional_db):
    user = get_user_model().objects.create_user("dora", "dora@example.com", ADMIN_PASSWORD)
    user.groups.add(Group.objects.get_or_create(name="designer")[0])
    return user


def log_in(page, web_url: str, username: str, then: str) -> None:
    page.goto(f"{web_url}/login/?next={then}")
    page.fill("#id_username", username)
    page.fill("#id_password", ADMIN_PASSWORD)
    with page.expect_navigation():
        page.click("button[type=submit]")


def test_a_designer_copies_a_builtin_in_the_editor_and_owns_the_copy(web_url, designer, page):
    log_in(page, web_url, "dora", "/designer/order-fulfilment/")
    page.wait_for_selector("#designer[data-ready=true]")
    page.wait_for_selector("#copy", state="visible")
    assert page.is_hidden("#save")
    assert "only an admin" in page.inner_text("#builtin-note")

    page.click("#copy")
    page.wait_for_selector("#save-status[data-copied='order-fulfilment-copy']")
    assert page.is_visible("#save") and page.is_hidden("#copy") and page.is_hidden("#builtin-note")
    assert page.url.endswith("/designer/order-fulfilment-copy/")
    assert page.input_value("#design-name") == "Order fulfilment (copy)"
    copy = Design.objects.get(slug="order-fulfilment-copy")
    assert (copy.owner.username, copy.builtin) == ("dora", False)
    assert [s["id"] for s in copy.versions.get().definition["steps"]] == [s["id"] for s in ORDER_FULFILMENT["steps"]]

    page.goto(f"{web_url}/designer/")
    rows = "rows => rows.map(r => [r.querySelector('.mono').textContent, r.querySelector('.owner').textContent])"
    found = page.eval_on_selector_all("table.designs tbody tr", rows)
    owners = {slug.split()[0]: owner.strip() for slug, owner in found}
    assert (owners["order-fulfilment"], owners["order-fulfilment-copy"]) == ("built-in", "dora")


def test_the_order_form_names_the_default_design_and_an_admin_may_save_a_builtin(web_url, demo, admin_user, page):
    # A new version of the default design: the form names it, read where the engine reads it.
    design_version_create(
        slug="order-fulfilment", design={**ORDER_FULFILMENT, "name": "Order fulfilment, reviewed"}, user=admin_user
    )
    latest = Design.objects.get(slug="order-fulfilment").versions.order_by("-number").first().number
    log_in_through_the_form(page, web_url)
    shown = page.inner_text("#order-form .default-design")
    assert f"Order fulfilment, reviewed (order-fulfilment, v{latest})" in shown
    page.wait_for_selector("#dashboard[data-workflows]")
    chosen = page.eval_on_selector("#order-form select[name=workflow]", "s => [s.value, s.selectedOptions[0].text]")
    assert chosen == ["order-fulfilment", f"Order fulfilment, reviewed (order-fulfilment, v{latest})"]

    page.goto(f"{web_url}/designer/order-fulfilment/")
    page.wait_for_selector("#designer[data-ready=true]")
    assert page.is_visible("#save") and page.is_hidden("#copy")
