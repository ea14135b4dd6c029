"""Built-in designs are protected, through the real server: a designer cannot change what every default
order runs (they copy it instead), an admin can; a copy belongs to whoever made it and runs."""

import json
import urllib.error
import urllib.request

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from tests.conftest import runs_wait_final
from workflowviz.api.tokens import token_issue
from workflowviz.designer.builtins import ORDER_FULFILMENT
from workflowviz.designer.models import Design, DesignVersion
from workflowviz.engine.models import RunStatus, StepState

pytestmark = [pytest.mark.system]

BUILTIN_STEPS = [step["id"] for step in ORDER_FULFILMENT["steps"]]
ONE_STEP = {
    "name": "Order fulfilment, cut short",
    "trigger": "OrderPlaced",
    "steps": [{"id": "confirm_order", "action": "notifications.send_order_confirmation", "after": []}],
}
# No simulated latency: the runs take as long as the queues do.
FAST = {"*": {"latency_ms": [0, 0]}}


def call(web_url: str, token: str, method: str, path: str, body: dict | None = None) -> tuple[int, dict]:
    """The status and JSON answer of one request to the real server."""
    request = urllib.request.Request(
        f"{web_url}{path}",
        method=method,
        data=None if body is None else json.dumps(body).encode(),
        headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
    )
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, json.load(response)
    except urllib.error.HTTPError as error:
        return error.code, json.load(error)


@pytest.fixture
def designer_token(demo):
    user = get_user_model().objects.create_user("dora", "dora@example.com", "correct-horse-battery")
    user.groups.add(Group.objects.get_or_create(name="designer")[0])
    return token_issue(user=user)


@pytest.fixture
def admin_token(admin_user):
    return token_issue(user=admin_user)


def order_run(web_url: str, token: str, **fields) -> tuple[str, list[str]]:
    """Place an order (the default design unless `workflow` is given); its run's final status and steps done."""
    order = {"customer_email": "ann@example.com", "sku": "LAMP-01", "quantity": 1, "pattern": "orchestration"}
    status, answer = call(web_url, token, "POST", "/api/orders", {**order, "policy": FAST, **fields})
    assert status == 201, answer
    [run] = runs_wait_final([answer["run_id"]], timeout=60)
    done = StepState.objects.filter(run=run, status="succeeded").order_by("step_id").values_list("step_id", flat=True)
    return run.status, sorted(done)


def test_a_designer_is_refused_a_new_version_of_a_builtin_and_default_orders_run_every_step(
    web_url, designer_token, admin_token
):
    before = list(DesignVersion.objects.filter(design__slug="order-fulfilment").values_list("number", "definition"))

    status, answer = call(web_url, designer_token, "POST", "/api/workflows/order-fulfilment/versions", ONE_STEP)
    assert status == 403, answer
    assert (
        "built-in" in answer["errors"]["design"]
        and "/api/workflows/order-fulfilment/copy" in answer["errors"]["design"]
    )
    status, answer = call(web_url, designer_token, "PUT", "/api/workflows/order-fulfilment/versions/1", ONE_STEP)
    assert status == 403 and "only an admin" in answer["errors"]["design"]

    after = list(DesignVersion.objects.filter(design__slug="order-fulfilment").values_list("number", "definition"))
    assert after == before, "nothing about the built-in changed"
    run_status, done = order_run(web_url, admin_token)
    assert (run_status, done) == (RunStatus.SUCCEEDED, sorted(BUILTIN_STEPS))


def test_an_admin_may_publish_a_new_version_of_a_builtin(web_url, demo, admin_token):
    latest = DesignVersion.objects.filter(design__slug="order-fulfilment").order_by("-number").first().number
    changed = {**ORDER_FULFILMENT, "description": "Reviewed by the admin."}
    status, answer = call(web_url, admin_token, "POST", "/api/workflows/order-fulfilment/versions", changed)
    assert status == 201, answer
    assert (answer["version"], answer["builtin"], answer["owner"]) == (latest + 1, True, None)
    assert answer["version_info"]["created_by"] == "admin"


def test_a_designer_copies_a_builtin_owns_the_copy_changes_it_and_runs_it(web_url, designer_token, admin_token):
    status, copied = call(web_url, designer_token, "POST", "/api/workflows/order-fulfilment/copy", {})
    assert status == 201, copied
    assert (copied["slug"], copied["name"], copied["version"]) == (
        "order-fulfilment-copy",
        "Order fulfilment (copy)",
        1,
    )
    assert (copied["owner"], copied["builtin"]) == ("dora", False)
    assert [step["id"] for step in copied["steps"]] == BUILTIN_STEPS
    assert Design.objects.get(slug="order-fulfilment-copy").owner.username == "dora"
    status, again = call(web_url, designer_token, "POST", "/api/workflows/order-fulfilment/copy", {})
    assert (status, again["slug"], again["name"]) == (201, "order-fulfilment-copy-2", "Order fulfilment (copy 2)")
    status, listed = call(web_url, designer_token, "GET", "/api/workflows")
    owners = {design["slug"]: design["owner"] for design in listed["results"]}
    assert (owners["order-fulfilment"], owners["order-fulfilment-copy"]) == (None, "dora")

    # Their own design: a new version is theirs to publish, and an order naming it runs it.
    status, saved = call(web_url, designer_token, "POST", "/api/workflows/order-fulfilment-copy/versions", ONE_STEP)
    assert (status, saved["version"]) == (201, 2), saved
    run_status, done = order_run(web_url, admin_token, workflow="order-fulfilment-copy")
    assert (run_status, done) == (RunStatus.SUCCEEDED, ["confirm_order"])
    # ...while the built-in is as it was: the default still runs all four steps.
    assert len(call(web_url, admin_token, "GET", "/api/workflows/order-fulfilment")[1]["steps"]) == 4


def test_a_copy_with_a_taken_slug_or_a_bad_body_is_refused_clearly(web_url, designer_token):
    path = "/api/workflows/order-fulfilment/copy"
    status, answer = call(web_url, designer_token, "POST", path, {"slug": "login-otp"})
    assert status == 409 and "login-otp" in answer["errors"]["slug"]
    assert call(web_url, designer_token, "POST", path, {"slug": "Not A Slug"})[0] == 422
    assert call(web_url, designer_token, "POST", path, {"version": 0})[0] == 400
    assert call(web_url, designer_token, "POST", path, {"owner": "mallory"})[0] == 400
    assert call(web_url, designer_token, "POST", "/api/workflows/no-such-design/copy", {})[0] == 404
    assert not Design.objects.filter(slug__startswith="order-fulfilment-copy").exists()
