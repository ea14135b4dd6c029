"""POST/GET /api/comparisons: validation (nothing placed on a bad request), the pairs, the faults recorded."""

import uuid

import pytest

from orders.models import Order, Product
from workflowviz.compare.models import Comparison
from workflowviz.engine.faults import service_down_set
from workflowviz.engine.models import Run


def nothing_placed():
    return not Order.objects.exists() and not Run.objects.exists() and not Comparison.objects.exists()


@pytest.mark.parametrize(
    ("body", "status", "field"),
    [
        ({"count": 2, "sku": "BOOK-DDD", "quantity": 1}, 400, "customer_email"),
        (
            {"count": 2, "sku": "BOOK-DDD", "quantity": 1, "customer_email": "a@example.com", "pattern": "both"},
            400,
            "pattern",
        ),
        ({"count": 0}, 422, "count"),
        ({"count": 101}, 422, "count"),
        ({"count": "5"}, 422, "count"),
        ({"count": True}, 422, "count"),
        ({"count": 2.5}, 422, "count"),
        ({"sku": "NOPE"}, 422, "sku"),
        ({"quantity": 0}, 422, "quantity"),
        ({"customer_email": "not an email"}, 422, "customer_email"),
        ({"region": "mars"}, 422, "region"),
        ({"workflow": "no-such-design"}, 422, "workflow"),
        ({"policy": [1]}, 422, "policy"),
        ({"policy": {"*": {"failure_probability": 2}}}, 422, "policy.*.failure_probability"),
        ({"policy": {"no_step": {"max_attempts": 2}}}, 422, "policy.no_step"),
    ],
)
def test_bad_requests_are_refused_field_by_field_and_place_nothing(api, catalogue, body, status, field):
    response = api.post("/api/comparisons", body) if status == 400 else api.compare(**body)

    assert response.status_code == status, response.content
    assert field in response.json()["errors"]
    assert nothing_placed()


def test_malformed_json_and_a_non_object_body(api, catalogue):
    assert api.post("/api/comparisons", "{", raw=True).status_code == 400
    assert api.post("/api/comparisons", [1, 2]).status_code == 400
    assert nothing_placed()


def test_too_little_stock_for_every_order_is_refused_before_any_is_placed(api, catalogue):
    Product.objects.filter(sku="BOOK-DDD").update(stock=7)

    response = api.compare(count=2, quantity=2)

    assert response.status_code == 422
    assert response.json()["errors"]["quantity"] == "Only 7 of BOOK-DDD left in stock; 2 orders per pattern need 8."
    assert nothing_placed()


def test_a_comparison_places_identical_orders_in_pairs_and_records_the_faults(api, catalogue, redis_client):
    policy = {"*": {"latency_ms": [0, 10]}, "assign_partner": {"max_attempts": 2}}
    service_down_set(redis_client, service="sellers", down=True)
    try:
        response = api.compare(count=3, quantity=2, region="south", policy=policy)
    finally:
        service_down_set(redis_client, service="sellers", down=False)

    assert response.status_code == 201, response.content
    body = response.json()
    comparison = Comparison.objects.get(pk=body["id"])
    assert comparison.faults == [{"service": "sellers", "down": True, "deliver_twice": 0}]
    assert body["faults_text"] == ["Sellers off"]
    assert body["settings"]["count"] == 3 and body["settings"]["policy"] == policy
    members = list(comparison.runs.order_by("run__created_at"))
    assert len(members) == 6
    # Pairs, alternately first: o c, c o, o c.
    assert [m.pattern[0] for m in members] == list("occooc")
    assert [m.index for m in members] == [0, 0, 1, 1, 2, 2]
    orders = Order.objects.filter(run_id__in=[m.run_id for m in members])
    assert {(o.product.sku, o.quantity, o.customer_email, o.region) for o in orders} == {
        ("BOOK-DDD", 2, "ann@example.com", "south")
    }
    graphs = {str(run.graph) for run in Run.objects.filter(pk__in=[m.run_id for m in members])}
    assert len(graphs) == 1  # the same design and the same policy for every order of both patterns
    assert [p["index"] for p in body["pairs"]] == [0, 1, 2]
    assert {len(body["runs"][pattern]) for pattern in ("orchestration", "choreography")} == {3}


def test_get_one_comparison_and_the_recent_ones(api, catalogue):
    created = api.compare(count=1).json()

    detail = api.get(f"/api/comparisons/{created['id']}")
    listing = api.get("/api/comparisons")

    assert detail.status_code == 200 and detail.json()["id"] == created["id"]
    assert {row["key"] for row in detail.json()["table"]} >= {
        "latency_p50",
        "messages",
        "addressed",
        "state",
        "retries",
    }
    [item] = listing.json()["results"]
    assert item["id"] == created["id"] and item["progress"]["orchestration"] == {"runs": 1, "finished": 0}


@pytest.mark.parametrize("path", ["/api/comparisons/not-a-uuid", f"/api/comparisons/{uuid.uuid4()}"])
def test_unknown_comparisons_are_404(api, catalogue, path):
    assert api.get(path).status_code == 404


@pytest.mark.parametrize("limit", ["0", "101", "x", "²", "-1"])
def test_a_bad_limit_is_400(api, catalogue, limit):
    assert api.get("/api/comparisons", {"limit": limit}).status_code == 400


def test_a_viewer_reads_but_does_not_start(catalogue, django_user_model):
    from django.contrib.auth.models import Group

    from tests.compare.conftest import CompareApiClient
    from workflowviz.api.tokens import token_issue

    viewer = django_user_model.objects.create_user("viewer-1", password="pw")
    viewer.groups.add(Group.objects.get_or_create(name="viewer")[0])
    client = CompareApiClient(token_issue(user=viewer))
    assert client.get("/api/comparisons").status_code == 200
    assert client.compare().status_code == 403
    assert nothing_placed()
