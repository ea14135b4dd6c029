"""The workflows API: list, read, create, validate, versions, diff, Mermaid, actions; and who may write."""

import pytest

from tests.designer.factories import design, step
from workflowviz.designer.builtins import BUILTIN_DESIGNS

pytestmark = pytest.mark.django_db


def test_list_has_every_builtin_design_with_its_latest_version(api):
    results = api.get("/api/workflows").json()["results"]
    assert {d["slug"] for d in results} >= set(BUILTIN_DESIGNS)
    fulfilment = next(d for d in results if d["slug"] == "order-fulfilment")
    assert fulfilment["latest_version"] == 1 and fulfilment["steps"] == 4 and fulfilment["builtin"]
    by_trigger = api.get("/api/workflows", {"trigger": "LoginRequested"}).json()["results"]
    assert [d["slug"] for d in by_trigger] == ["login-otp"]


def test_get_returns_the_import_format(api):
    answer = api.get("/api/workflows/order-fulfilment").json()
    assert set(answer) == {"slug", "version", "name", "description", "trigger", "steps", "owner", "builtin"}
    assert (answer["owner"], answer["builtin"]) == (None, True)
    assert [s["id"] for s in answer["steps"]] == [
        "confirm_order",
        "prepare_shipment",
        "assign_partner",
        "notify_shipped",
    ]
    assert api.get("/api/workflows/no-such-thing").status_code == 404
    assert api.get("/api/workflows/order-fulfilment", {"version": "x"}).status_code == 400


def test_create_then_new_versions_then_list_them(api):
    created = api.post("/api/workflows", design())
    assert created.status_code == 201, created.content
    assert (created.json()["version"], created.json()["version_info"]["origin"]) == (1, "api")
    assert api.post("/api/workflows", design()).status_code == 409

    changed = design(name="My flow, faster")
    changed["steps"][0]["policy"]["max_attempts"] = 5
    second = api.post("/api/workflows/my-flow/versions", changed)
    assert second.status_code == 201 and second.json()["version"] == 2
    # The body may leave the slug out, but may not name another design.
    assert api.post("/api/workflows/my-flow/versions", {**changed, "slug": "other"}).status_code == 422
    assert api.post("/api/workflows/nope/versions", design(slug="nope")).status_code == 404

    versions = api.get("/api/workflows/my-flow/versions").json()["results"]
    assert [(v["number"], v["used"], v["runs"]) for v in versions] == [(2, False, 0), (1, False, 0)]
    assert api.get("/api/workflows/my-flow").json()["name"] == "My flow, faster"
    assert api.get("/api/workflows/my-flow", {"version": 1}).json()["name"] == "My flow"
    one = api.get("/api/workflows/my-flow/versions/1").json()
    assert one["version_info"]["number"] == 1 and one["steps"][0]["policy"] == {"latency_ms": [50, 250]}


def test_a_bad_design_is_not_saved_and_each_problem_is_named(api):
    bad = design(steps=[step("a", "sellers.prepare_shipment", "b"), step("b", "nobody.home", "a")])
    response = api.post("/api/workflows", bad)
    assert response.status_code == 422
    assert set(response.json()["errors"]) == {"edge:b->a", "edge:a->b", "step:b"}
    assert api.get("/api/workflows/my-flow").status_code == 404


def test_put_changes_an_unused_version_in_place(api):
    api.post("/api/workflows", design())
    response = api.put("/api/workflows/my-flow/versions/1", design(name="Renamed"))
    assert response.status_code == 200 and response.json()["version"] == 1
    assert api.get("/api/workflows/my-flow").json()["name"] == "Renamed"
    assert api.put("/api/workflows/my-flow/versions/9", design()).status_code == 404


def test_validate_answers_problems_preview_and_mermaid_without_saving(api):
    answer = api.post("/api/workflows/validate", design()).json()
    assert answer["valid"] and answer["errors"] == [] and answer["warnings"] == []
    assert answer["preview"]["orchestration"]["messages"] == 8
    assert answer["mermaid"].startswith("%% My flow\nflowchart LR\n")
    bad = api.post("/api/workflows/validate", design(steps=[step("a", "logistics.assign_delivery_partner")])).json()
    assert bad["valid"] and [w["code"] for w in bad["warnings"]] == ["event_unconsumed"]
    broken = api.post("/api/workflows/validate", {"steps": "no"}).json()
    assert not broken["valid"] and broken["preview"] is None
    assert api.post("/api/workflows/validate", "{", raw=True).status_code == 400
    assert api.get("/api/workflows/my-flow").status_code == 404


def test_diff_between_two_versions(api):
    api.post("/api/workflows", design())
    changed = design()
    changed["steps"] = [s for s in changed["steps"] if s["id"] != "confirm_order"]
    changed["steps"].append(step("award", "rewards.award_order_points", "assign_partner"))
    api.post("/api/workflows/my-flow/versions", changed)
    diff = api.get("/api/workflows/my-flow/diff").json()
    assert (diff["from"], diff["to"], diff["same"]) == (1, 2, False)
    assert diff["steps"]["added"] == [{"step": "award", "action": "rewards.award_order_points"}]
    assert diff["steps"]["removed"] == [{"step": "confirm_order", "action": "notifications.send_order_confirmation"}]
    assert diff["edges"]["added"] == [{"from": "assign_partner", "to": "award"}]
    assert api.get("/api/workflows/my-flow/diff", {"from": 2, "to": 2}).json()["same"]
    assert api.get("/api/workflows/my-flow/diff", {"from": 7}).status_code == 404


def test_mermaid_export(api):
    response = api.get("/api/workflows/recommendations-enrichment/mermaid")
    assert response.status_code == 200 and response["Content-Type"].startswith("text/plain")
    text = response.content.decode()
    assert "flowchart LR" in text
    assert "s_points_quote --> s_send_recommendations" in text and "trigger --> s_seller_suggestions" in text


def test_actions_palette(api):
    palette = api.get("/api/actions").json()
    keys = {a["key"] for a in palette["actions"]}
    assert {"rewards.award_order_points", "notifications.verify_login_code", "sellers.suggest_products"} <= keys
    confirm = next(a for a in palette["actions"] if a["key"] == "notifications.send_order_confirmation")
    assert confirm["command"]["name"] == "SendOrderConfirmation" and "customer_email" in confirm["command"]["fields"]
    triggers = {t["name"]: t for t in palette["triggers"]}
    # The shop's coded triggers, and the events of the built-in declared services (with their outcomes).
    assert {"OrderPlaced", "LoginRequested", "TripRequested", "PaymentSubmitted", "CarRented"} <= set(triggers)
    assert {"ShipmentPreparationRequested", "DeliveryPartnerAssigned"}.isdisjoint(triggers)  # coded outcomes
    assert triggers["TripRequested"]["types"]["nights"] == "integer"


def test_reading_needs_a_login_and_writing_needs_the_designer_role(client, plain_api):
    assert client.get("/api/workflows").status_code == 401
    assert plain_api.get("/api/workflows").status_code == 200
    assert plain_api.post("/api/workflows", design()).status_code == 403
    assert (
        plain_api.post("/api/workflows/order-fulfilment/versions", design(slug="order-fulfilment")).status_code == 403
    )


def test_every_workflow_path_is_in_the_openapi_schema(api):
    paths = api.get("/api/openapi.json").json()["paths"]
    for path in [
        "/api/workflows",
        "/api/workflows/schema.json",
        "/api/workflows/validate",
        "/api/workflows/{slug}",
        "/api/workflows/{slug}/versions",
        "/api/workflows/{slug}/versions/{number}",
        "/api/workflows/{slug}/diff",
        "/api/workflows/{slug}/mermaid",
        "/api/actions",
        "/api/logins",
        "/api/logins/{login_id}/code",
    ]:
        assert path in paths, path
    assert set(paths["/api/workflows"]) == {"get", "post"}
    assert {"400", "422"} <= set(paths["/api/workflows"]["post"]["responses"])


def test_the_editor_pages_are_for_staff(client, admin_user, django_user_model):
    assert client.get("/designer/").status_code == 302  # to the login page
    client.force_login(admin_user)
    page = client.get("/designer/")
    assert page.status_code == 200 and b"order-fulfilment" in page.content
    assert client.get("/designer/new/").status_code == 200
    assert client.get("/designer/order-fulfilment/").status_code == 200
    reader = django_user_model.objects.create_user("reader2", "r@localhost", "correct-horse-battery")
    client.force_login(reader)
    assert client.get("/designer/new/").status_code == 403
    assert client.get("/designer/try/login/").status_code == 200
