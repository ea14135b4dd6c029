"""GET /api/runs, /api/runs/{run_id}, /api/products and the OpenAPI schema."""

import re
import uuid

import pytest
from django.test import Client
from django.urls import resolve

from orders.models import Product
from orders.services import order_place
from tests.engine.drain import drain_until_final
from workflowviz.api.orders import OPTIONAL_ORDER_FIELDS, ORDER_FIELDS
from workflowviz.api.tokens import token_issue
from workflowviz.engine.models import EventRecord, Run, RunStatus
from workflowviz.web.demo import DEMO_STOCK, PRODUCTS

from .conftest import ApiClient
from .test_orders_api import errors_of

NOT_WHOLE_NUMBERS = ["-1", "x", "1.5", "1e3", " 1", "²", "١"]  # the last two are digits to str.isdigit()


def place(pattern="orchestration", **fields):
    values = {"sku": "MUG-BLUE", "quantity": 1, "customer_email": "ann@example.com", "pattern": pattern, **fields}
    return order_place(**values, latency_ms=[0, 0])


@pytest.fixture
def runs(catalogue):
    """Seven runs: four orchestration, three choreography; two succeeded, one failed, the rest running."""
    orders = [place("orchestration") for _ in range(4)] + [place("choreography") for _ in range(3)]
    run_ids = [str(order.run_id) for order in orders]
    Run.objects.filter(pk__in=[run_ids[0], run_ids[4]]).update(status=RunStatus.SUCCEEDED)
    Run.objects.filter(pk=run_ids[1]).update(status=RunStatus.FAILED)
    return run_ids


@pytest.fixture
def run_id(catalogue):
    return str(place().run_id)


def all_pages(api, **query) -> list[dict]:
    results, page = [], 1
    while True:
        body = api.get("/api/runs", {**query, "page": page}).json()
        results += body["results"]
        if page == body["pages"]:
            return results
        page += 1


# --- the list -----------------------------------------------------------------------------------------
def test_runs_are_paginated_newest_first(api, runs):
    body = api.get("/api/runs", {"page_size": 3}).json()
    assert (body["count"], body["page"], body["pages"]) == (7, 1, 3)
    assert len(body["results"]) == 3
    last = api.get("/api/runs", {"page_size": 3, "page": 3}).json()
    assert (last["page"], len(last["results"])) == (3, 1)

    every = [run["run_id"] for run in all_pages(api, page_size=3)]
    assert sorted(every) == sorted(runs)
    assert every == [str(pk) for pk in Run.objects.order_by("-created_at").values_list("pk", flat=True)]


def test_a_run_summary_names_its_order_and_design(api, runs):
    [summary] = [run for run in api.get("/api/runs").json()["results"] if run["run_id"] == runs[0]]
    run = Run.objects.get(pk=runs[0])
    assert summary == {
        "run_id": runs[0],
        "pattern": "orchestration",
        "status": "succeeded",
        "result": "",  # the end the run reached, for designs with ends
        "workflow": "order-fulfilment",
        "workflow_version": run.design_version,
        "order_id": run.order_id,
        "created_at": run.created_at.isoformat(),
        "finished_at": None,
        "duration_ms": None,  # still running
        "had": [],
        "business": {  # what the services' own records say of the order
            "order_status": "placed",
            "confirmation_email_sent": False,
            "tracking_number": None,
            "shipment_status": None,
        },
    }


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"status": "succeeded"}, [0, 4]),
        ({"status": "failed"}, [1]),
        ({"status": "running"}, [2, 3, 5, 6]),
        ({"pattern": "choreography"}, [4, 5, 6]),
        ({"pattern": "orchestration", "status": "running"}, [2, 3]),
        ({"pattern": "choreography", "status": "failed"}, []),
    ],
)
def test_runs_are_filtered_by_status_and_pattern(query, expected, api, runs):
    found = all_pages(api, **query, page_size=2)
    assert sorted(run["run_id"] for run in found) == sorted(runs[index] for index in expected)
    assert api.get("/api/runs", {**query, "page_size": 50}).json()["count"] == len(expected)


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ({"status": "done"}, "status"),
        ({"status": "SUCCEEDED"}, "status"),
        ({"pattern": "saga"}, "pattern"),
        *[({"page": value}, "page") for value in ["0", "9" * 5000, *NOT_WHOLE_NUMBERS]],
        *[({"page_size": value}, "page_size") for value in ["0", "501", *NOT_WHOLE_NUMBERS]],
    ],
)
def test_a_bad_filter_or_page_answers_400_naming_it(query, field, api, run_id):
    assert list(errors_of(api.get("/api/runs", query), 400)) == [field]


@pytest.mark.parametrize("page", ["4", "99999999999999999999"])
def test_a_page_past_the_end_answers_404(page, api, runs):
    assert list(errors_of(api.get("/api/runs", {"page_size": 3, "page": page}), 404)) == ["page"]


def test_no_runs_is_one_empty_page(api, catalogue):
    assert api.get("/api/runs").json() == {"results": [], "next_cursor": None, "limit": 50}
    assert api.get("/api/runs", {"page": 1}).json() == {"count": 0, "page": 1, "pages": 1, "results": []}


# --- one run --------------------------------------------------------------------------------------------
@pytest.mark.parametrize("unknown", ["not-a-run", "123", str(uuid.uuid4()), "0" * 32 + "0"])
def test_an_unknown_run_answers_404(unknown, api, run_id):
    assert list(errors_of(api.get(f"/api/runs/{unknown}"), 404)) == ["run_id"]


def test_a_run_shows_its_steps_and_its_event_records_in_sequence(api, runs):
    body = api.get(f"/api/runs/{runs[5]}").json()

    assert (body["run_id"], body["pattern"], body["status"]) == (runs[5], "choreography", "running")
    assert [step["step_id"] for step in body["steps"]] == [
        "confirm_order",
        "prepare_shipment",
        "assign_partner",
        "notify_shipped",
    ]
    step = body["steps"][0]
    assert set(step) >= {"service", "action", "status", "attempts", "queued_at", "started_at", "finished_at"}
    assert (step["service"], step["action"], step["status"]) == (
        "notifications",
        "notifications.send_order_confirmation",
        "queued",
    )
    stored = list(EventRecord.objects.filter(run_id=runs[5]).order_by("seq").values_list("seq", "kind"))
    assert [(event["seq"], event["kind"]) for event in body["events"]] == stored
    assert [event["seq"] for event in body["events"]] == list(range(1, len(stored) + 1))
    assert body["last_seq"] == len(stored)
    assert {event["run_id"] for event in body["events"]} == {runs[5]}


def test_after_seq_gives_only_the_records_that_follow(api, run_id):
    last = api.get(f"/api/runs/{run_id}").json()["last_seq"]
    assert last > 3
    tail = api.get(f"/api/runs/{run_id}", {"after_seq": 3}).json()
    assert [event["seq"] for event in tail["events"]] == list(range(4, last + 1))
    assert tail["last_seq"] == last
    assert api.get(f"/api/runs/{run_id}", {"after_seq": last}).json()["events"] == []
    assert api.get(f"/api/runs/{run_id}", {"after_seq": 0}).json()["events"][0]["seq"] == 1


@pytest.mark.parametrize("after_seq", ["", *NOT_WHOLE_NUMBERS, "1" * 10])
def test_a_bad_after_seq_answers_400(after_seq, api, run_id):
    assert list(errors_of(api.get(f"/api/runs/{run_id}", {"after_seq": after_seq}), 400)) == ["after_seq"]


def test_a_finished_run_shows_every_step_done_by_its_service(demo, admin_user, workers_paused):
    api = ApiClient(token_issue(user=admin_user))
    order = place("orchestration", region="east")
    drain_until_final([order.run_id])

    body = api.get(f"/api/runs/{order.run_id}").json()

    assert body["status"] == "succeeded" and body["finished_at"]
    assert {(step["service"], step["status"], step["attempts"]) for step in body["steps"]} == {
        ("notifications", "succeeded", 1),
        ("sellers", "succeeded", 1),
        ("logistics", "succeeded", 1),
    }
    assert all(step["queued_at"] <= step["started_at"] <= step["finished_at"] for step in body["steps"])
    kinds = [event["kind"] for event in body["events"]]
    assert (kinds[0], kinds[-1]) == ("run.started", "run.succeeded")
    assert [event["seq"] for event in body["events"]] == list(range(1, body["last_seq"] + 1))


# --- products and the schema ------------------------------------------------------------------------
def test_products_lists_the_catalogue_with_its_stock(api, catalogue):
    place(sku="MUG-BLUE", quantity=5)
    results = api.get("/api/products").json()["results"]
    assert [product["sku"] for product in results] == sorted(sku for sku, *_ in PRODUCTS)
    mug = next(product for product in results if product["sku"] == "MUG-BLUE")
    stored = Product.objects.get(sku="MUG-BLUE")
    assert mug == {
        "sku": "MUG-BLUE",
        "name": stored.name,
        "price": str(stored.price),
        "stock": stored.stock,
        "seller_code": "nordic",
    }
    assert mug["stock"] == DEMO_STOCK - 5


def test_the_openapi_schema_documents_the_api(db):
    response = Client().get("/api/openapi.json")

    assert response.status_code == 200 and response["Content-Type"] == "application/json"
    schema = response.json()
    assert schema["openapi"].startswith("3.")
    paths = schema["paths"]
    assert {("get", "/api/products"), ("post", "/api/orders"), ("get", "/api/runs"), ("get", "/api/runs/{run_id}")} <= {
        (method, path) for path, operations in paths.items() for method in operations
    }
    order_schema = paths["/api/orders"]["post"]["requestBody"]["content"]["application/json"]["schema"]
    assert set(order_schema["required"]) == ORDER_FIELDS
    assert set(order_schema["properties"]) == ORDER_FIELDS | OPTIONAL_ORDER_FIELDS
    assert set(paths["/api/runs"]["get"]["responses"]) >= {"200", "400", "401", "404"}


def example_url(path: str, operations: dict) -> str:
    """The path with each parameter filled in: a uuid where the schema says so, else "1"."""
    formats = {
        parameter["name"]: parameter.get("schema", {}).get("format")
        for operation in operations.values()
        for parameter in operation.get("parameters", [])
        if parameter.get("in") == "path"
    }
    return re.sub(r"\{([^}]+)\}", lambda m: str(uuid.uuid4()) if formats.get(m[1]) == "uuid" else "1", path)


def test_every_documented_operation_is_routed_and_documents_its_answer(db):
    schema = Client().get("/api/openapi.json").json()
    for path, operations in schema["paths"].items():
        url = example_url(path, operations)
        assert resolve(url).url_name, path  # raises Resolver404 for a documented path nobody serves
        for method, operation in operations.items():
            response = getattr(Client(), method)(url, content_type="application/json")
            # Not logged in: a protected operation answers 401, a public one answers; either is documented.
            assert response.status_code != 405, (method, path)
            assert str(response.status_code) in operation["responses"], (method, path, response.status_code)
