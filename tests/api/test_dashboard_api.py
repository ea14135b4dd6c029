"""The dashboard's endpoints: service health from RQ's own registries, bursts of orders, run statuses."""

import json
import uuid

import django_rq
import pytest
from django.conf import settings
from django.test import Client
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from orders.models import Order
from workflowviz.engine.models import Run

BURST = {"count": 3, "customer_email": "ann@example.com", "sku": "MUG-BLUE", "quantity": 1, "pattern": "both"}
ENDPOINTS = [("get", "/api/services"), ("post", "/api/orders/burst"), ("post", "/api/run-statuses")]


@pytest.mark.parametrize(("method", "path"), ENDPOINTS)
def test_every_dashboard_endpoint_needs_a_login_or_a_token(db, method, path):
    response = getattr(Client(), method)(path, content_type="application/json")
    assert response.status_code == 401
    assert "authorization" in response.json()["errors"]


def test_a_session_write_without_csrf_token_is_refused(admin_user):
    client = Client(enforce_csrf_checks=True)
    client.force_login(admin_user)
    response = client.post("/api/orders/burst", json.dumps(BURST), content_type="application/json")
    assert response.status_code == 403


def test_services_counts_queued_started_and_failed_jobs_per_queue(api):
    queue = django_rq.get_queue("sellers", commit_mode="auto")  # enqueue now, not at a commit
    queue.enqueue_call("workflowviz.engine.delivery.deliver", args=[str(uuid.uuid4())])
    queue.enqueue_call("workflowviz.engine.delivery.deliver", args=[str(uuid.uuid4())])

    response = api.get("/api/services")

    assert response.status_code == 200
    health = {row["service"]: row for row in response.json()["services"]}
    # The coded services first, in their apps' order; then the declared ones (the built-in examples).
    assert list(health)[: len(settings.SERVICE_APPS)] == settings.SERVICE_APPS
    assert all(row["modelled"] for row in list(health.values())[len(settings.SERVICE_APPS) :])
    assert health["sellers"]["queued"] == 2
    assert health["orders"]["queued"] == 0
    assert set(health["sellers"]) >= {"queued", "started", "failed", "workers"}


def test_each_service_links_to_its_queue_in_django_rq_and_its_records_in_the_admin(api, admin_user):
    health = {row["service"]: row for row in api.get("/api/services").json()["services"]}
    staff = Client()
    staff.force_login(admin_user)

    for service in settings.SERVICE_APPS:
        links = health[service]["links"]
        queue_page = staff.get(links["queue"])
        assert queue_page.status_code == 200
        assert f"<title>Queued Jobs in {service} " in queue_page.content.decode()  # that service's queue
        assert staff.get(links["failed"]).status_code == 200
        assert staff.get(links["records"]).status_code == 200
    assert health["sellers"]["links"]["records"] == "/admin/sellers/sellertask/"


def test_a_burst_places_orders_through_order_place_alternating_patterns(api, catalogue):
    response = api.post("/api/orders/burst", {**BURST, "count": 4, "offset": 1, "latency_ms": [0, 0]})

    assert response.status_code == 201, response.content
    body = response.json()
    assert body["count"] == 4
    assert [placed["pattern"] for placed in body["placed"]] == [
        "choreography",
        "orchestration",
        "choreography",
        "orchestration",
    ]
    orders = Order.objects.filter(pk__in=[placed["order_id"] for placed in body["placed"]])
    assert orders.count() == 4
    runs = Run.objects.filter(pk__in=[placed["run_id"] for placed in body["placed"]])
    assert all(step["policy"]["latency_ms"] == [0, 0] for run in runs for step in run.graph["steps"])


def test_a_burst_passes_its_workflow_and_policy_to_every_order(api, catalogue):
    policy = {"*": {"failure_probability": 0, "latency_ms": [1, 2]}}
    response = api.post(
        "/api/orders/burst", {**BURST, "count": 2, "workflow": "order-fulfilment-rewards", "policy": policy}
    )

    assert response.status_code == 201, response.content
    runs = Run.objects.filter(pk__in=[placed["run_id"] for placed in response.json()["placed"]])
    assert [run.design_slug for run in runs] == ["order-fulfilment-rewards"] * 2
    steps = [step for run in runs for step in run.graph["steps"]]
    assert steps and all(step["policy"]["failure_probability"] == 0 for step in steps)
    assert all(step["policy"]["latency_ms"] == [1, 2] for step in steps)


@pytest.mark.parametrize(
    ("extra", "field"),
    [
        ({"policy": {"*": {"failure_probability": 2}}}, "policy.*.failure_probability"),
        ({"policy": {"*": {"latency_ms": [9, 1]}}}, "policy.*.latency_ms"),
        ({"policy": {"no_such_step": {"max_attempts": 2}}}, "policy.no_such_step"),
        ({"workflow": "no-such-design"}, "workflow"),
    ],
)
def test_a_burst_with_a_bad_policy_or_workflow_places_nothing(api, catalogue, extra, field):
    response = api.post("/api/orders/burst", {**BURST, **extra})

    assert response.status_code == 422, response.content
    assert field in response.json()["errors"]
    assert Order.objects.count() == 0


def test_a_burst_stops_where_the_stock_runs_out_and_says_why(api, catalogue):
    from orders.models import Product

    Product.objects.filter(sku="MUG-BLUE").update(stock=2)
    response = api.post("/api/orders/burst", {**BURST, "count": 5})
    assert response.status_code == 201
    assert response.json()["count"] == 2
    assert "quantity" in response.json()["stopped"]


@pytest.mark.parametrize(
    ("change", "status", "field"),
    [
        ({"count": None}, 422, "count"),
        ({"count": 0}, 422, "count"),
        ({"count": 101}, 422, "count"),
        ({"count": "5"}, 422, "count"),
        ({"count": True}, 422, "count"),
        ({"pattern": "saga"}, 422, "pattern"),
        ({"pattern": ["both"]}, 422, "pattern"),
        ({"latency_ms": [5]}, 422, "latency_ms"),
        ({"latency_ms": [50, 10]}, 422, "latency_ms"),
        ({"latency_ms": [0, 10_001]}, 422, "latency_ms"),
        ({"latency_ms": "fast"}, 422, "latency_ms"),
        ({"offset": -1}, 422, "offset"),
        ({"sku": "NOPE"}, 422, "sku"),
        ({"quantity": 0}, 422, "quantity"),
        ({"customer_email": "not-an-email"}, 422, "customer_email"),
        ({"region": "moon"}, 422, "region"),
        ({"colour": "red"}, 400, "colour"),
    ],
)
def test_a_bad_burst_says_which_field_and_places_nothing(api, catalogue, change, status, field):
    response = api.post("/api/orders/burst", {**BURST, **change})
    assert response.status_code == status, response.content
    assert field in response.json()["errors"]
    assert not Order.objects.exists()


def test_a_burst_missing_fields_or_not_json_is_a_400(api, catalogue):
    response = api.post("/api/orders/burst", {"count": 1})
    assert response.status_code == 400
    assert set(response.json()["errors"]) == {"customer_email", "sku", "quantity", "pattern"}
    assert api.post("/api/orders/burst", "{nope", raw=True).status_code == 400
    assert api.post("/api/orders/burst", "[1]", raw=True).status_code == 400


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=8),
    lambda children: st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=4), children, max_size=2),
    max_leaves=4,
)


@hypothesis_settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(field=st.sampled_from(sorted(BURST) + ["latency_ms", "offset", "region"]), value=json_values)
def test_any_json_in_any_burst_field_is_answered_without_a_server_error(api, catalogue, field, value):
    response = api.post("/api/orders/burst", {**BURST, "count": 1, field: value})
    assert response.status_code in (201, 400, 422), response.content


def test_run_statuses_takes_a_thousand_ids_at_once(api):
    response = api.post("/api/run-statuses", {"run_ids": [str(uuid.uuid4()) for _ in range(1000)]})
    assert response.status_code == 200
    assert response.json() == {"statuses": {}, "counts": {}, "reasons": {}}


def test_run_statuses_answers_for_the_runs_that_exist(api, catalogue):
    placed = api.post("/api/orders/burst", {**BURST, "count": 2}).json()["placed"]
    ids = [placed[0]["run_id"], placed[1]["run_id"], str(uuid.uuid4())]

    response = api.post("/api/run-statuses", {"run_ids": ids})

    assert response.status_code == 200
    assert response.json() == {
        "statuses": {ids[0]: "running", ids[1]: "running"},
        "counts": {"running": 2},
        "reasons": {},
    }


@pytest.mark.parametrize(
    ("body", "status"),
    [
        ({}, 400),
        ({"run_ids": [], "extra": 1}, 400),
        ({"run_ids": "abc"}, 422),
        ({"run_ids": ["not-a-uuid"]}, 422),
        ({"run_ids": [7]}, 422),
        ({"run_ids": [str(uuid.uuid4())] * 1001}, 422),
        ({"run_ids": ["x" * 70_000]}, 413),
    ],
)
def test_run_statuses_rejects_what_is_not_a_short_list_of_run_ids(api, body, status):
    assert api.post("/api/run-statuses", body).status_code == status


def test_the_openapi_schema_describes_the_dashboard_endpoints(api):
    paths = api.get("/api/openapi.json").json()["paths"]
    assert {"/api/services", "/api/orders/burst", "/api/run-statuses"} <= set(paths)
