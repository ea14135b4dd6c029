"""POST /api/orders and API authentication, through Django's test client (no workers needed)."""

import json

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.utils.crypto import get_random_string

from orders.models import Order, Product
from workflowviz.api.models import ApiToken
from workflowviz.api.tokens import token_issue
from workflowviz.engine.models import Run, StepState

from .conftest import VALID_ORDER, ApiClient

ENDPOINTS = [("get", "/api/products"), ("post", "/api/orders"), ("get", "/api/runs")]


def errors_of(response, status):
    assert response.status_code == status, response.content
    assert response["Content-Type"] == "application/json"
    errors = response.json()["errors"]
    assert errors and all(isinstance(reason, str) and reason for reason in errors.values()), errors
    return errors


# --- authentication ---------------------------------------------------------------------------------
@pytest.mark.parametrize(("method", "path"), ENDPOINTS)
def test_without_authentication_every_endpoint_answers_401(method, path, catalogue):
    response = getattr(Client(), method)(path, content_type="application/json")
    assert "authorization" in errors_of(response, 401)


def test_a_run_is_not_shown_without_authentication(api, catalogue):
    run_id = api.order().json()["run_id"]
    assert "authorization" in errors_of(Client().get(f"/api/runs/{run_id}"), 401)


def test_bearer_token_places_an_order(api, catalogue):
    response = api.order(quantity=3, region="west", pattern="choreography")

    assert response.status_code == 201, response.content
    body = response.json()
    order = Order.objects.get(pk=body["order_id"])
    assert body["run_id"] == str(order.run_id)
    assert (body["status"], body["pattern"]) == ("placed", "choreography")
    assert (order.product.sku, order.quantity, order.region, order.customer_email) == (
        "BOOK-DDD",
        3,
        "west",
        "buyer@example.com",
    )
    assert order.total == order.product.price * 3
    run = Run.objects.get(pk=order.run_id)
    assert (run.pattern, run.order_id) == ("choreography", order.pk)
    assert api.get(body["run_url"]).status_code == 200


def test_bearer_token_use_is_recorded(api, token, catalogue):
    assert ApiToken.objects.get().last_used_at is None
    assert api.get("/api/products").status_code == 200
    assert ApiToken.objects.get().last_used_at is not None


@pytest.mark.parametrize(
    "header",
    ["Bearer not-a-token", "Bearer ", "Bearer " + "x" * 4000],
    ids=["unknown", "empty", "long"],
)
def test_an_unknown_token_answers_401(header, catalogue, token):
    response = Client().get("/api/products", headers={"Authorization": header})
    assert "authorization" in errors_of(response, 401)


def test_a_revoked_token_answers_401(api, token, catalogue):
    assert api.get("/api/products").status_code == 200
    ApiToken.objects.all().delete()
    assert "authorization" in errors_of(api.get("/api/products"), 401)
    assert "authorization" in errors_of(api.order(), 401)
    assert not Order.objects.exists()


def test_the_token_of_a_deactivated_user_answers_401(api, admin_user, catalogue):
    get_user_model().objects.filter(pk=admin_user.pk).update(is_active=False)
    assert "authorization" in errors_of(api.get("/api/products"), 401)


def test_a_token_in_another_scheme_is_not_accepted(token, catalogue):
    response = Client().get("/api/products", headers={"Authorization": f"Token {token}"})
    assert response.status_code == 401


@pytest.fixture
def session_client(admin_user):
    client = Client(enforce_csrf_checks=True)
    client.force_login(admin_user)
    return client


def csrf_token(client) -> str:
    client.get("/login/")  # any page with a form sets the CSRF cookie
    return client.cookies["csrftoken"].value


def test_session_post_without_csrf_token_answers_403(session_client, catalogue):
    response = session_client.post("/api/orders", json.dumps(VALID_ORDER), content_type="application/json")
    assert "csrf" in errors_of(response, 403)
    assert not Order.objects.exists()


def test_session_post_with_a_wrong_csrf_token_answers_403(session_client, catalogue):
    csrf_token(session_client)
    response = session_client.post(
        "/api/orders",
        json.dumps(VALID_ORDER),
        content_type="application/json",
        headers={"X-CSRFToken": get_random_string(32)},
    )
    assert "csrf" in errors_of(response, 403)


def test_session_post_with_csrf_token_places_the_order(session_client, catalogue):
    response = session_client.post(
        "/api/orders",
        json.dumps(VALID_ORDER),
        content_type="application/json",
        headers={"X-CSRFToken": csrf_token(session_client)},
    )
    assert response.status_code == 201, response.content
    assert Order.objects.filter(pk=response.json()["order_id"]).exists()


@pytest.mark.parametrize("idempotency_key", [None, "form-1"], ids=["plain", "with an Idempotency-Key"])
def test_a_session_form_post_with_its_csrf_token_answers_415(idempotency_key, session_client, catalogue):
    # The CSRF check parses a form body for its token; a multipart body is then no longer readable as bytes.
    form = {"csrfmiddlewaretoken": csrf_token(session_client), **VALID_ORDER}
    headers = {"Idempotency-Key": idempotency_key} if idempotency_key else {}
    response = session_client.post("/api/orders", form, headers=headers)  # multipart, as a browser's form
    assert list(errors_of(response, 415)) == ["content_type"]
    assert not Order.objects.exists()


def test_session_reads_need_no_csrf_token(session_client, catalogue):
    assert session_client.get("/api/products").status_code == 200
    assert session_client.get("/api/runs").status_code == 200


# --- bad input ----------------------------------------------------------------------------------------
LONGEST_EMAIL = "a" * 64 + "@" + "b" * 60 + "." + "c" * 60 + "." + "d" * 55 + ".example.com"  # 254 characters
OVERLONG_EMAIL = "e" + LONGEST_EMAIL[1:].replace("@", "@e", 1)  # 255 characters, otherwise well formed
BAD_VALUES = [
    ("sku", "NOPE-1"),
    ("sku", ""),
    ("sku", 123),
    ("sku", None),
    ("sku", ["BOOK-DDD"]),
    ("sku", "X" * 5000),
    ("sku", "BOOK-DDD\u0000"),
    ("sku", "\ud800"),  # a lone surrogate: valid JSON, not encodable text
    ("quantity", 0),
    ("quantity", -1),
    ("quantity", 1001),
    ("quantity", 10**30),
    ("quantity", "2"),
    ("quantity", 2.5),
    ("quantity", 2.0),
    ("quantity", True),
    ("quantity", None),
    ("quantity", [2]),
    ("customer_email", "not-an-email"),
    ("customer_email", "ann@"),
    ("customer_email", "@example.com"),
    ("customer_email", "ann@example..com"),
    ("customer_email", "ann @example.com"),
    ("customer_email", OVERLONG_EMAIL),
    ("customer_email", ""),
    ("customer_email", 42),
    ("customer_email", None),
    ("customer_email", "ann@\ud800.com"),
    ("pattern", "saga"),
    ("pattern", "Orchestration"),
    ("pattern", None),
    ("pattern", ["orchestration"]),
    ("pattern", {"orchestration": 1}),
    ("region", "mars"),
    ("region", None),
    ("region", ["north"]),
    ("workflow", "no-such-design"),
    ("workflow", None),
    ("workflow", ["order-fulfilment"]),
    ("workflow", {"slug": "order-fulfilment"}),
    ("workflow", 7),
]


@pytest.mark.parametrize(("field", "value"), BAD_VALUES, ids=[f"{f}={str(v)[:20]!r}" for f, v in BAD_VALUES])
def test_a_bad_value_answers_422_naming_the_field(field, value, api, catalogue):
    stock = Product.objects.get(sku="BOOK-DDD").stock

    response = api.order(**{field: value})

    assert list(errors_of(response, 422)) == [field]
    assert not Order.objects.exists() and not Run.objects.exists()
    assert Product.objects.get(sku="BOOK-DDD").stock == stock


def test_every_bad_field_is_reported_at_once(api, catalogue):
    response = api.order(sku="NOPE", quantity=0, customer_email="x", pattern="y", region="z")
    assert set(errors_of(response, 422)) == {"sku", "quantity", "customer_email", "pattern", "region"}


def test_an_email_of_254_characters_is_accepted_and_255_refused(api, catalogue):
    assert (len(LONGEST_EMAIL), len(OVERLONG_EMAIL)) == (254, 255)
    assert api.order(customer_email=LONGEST_EMAIL).status_code == 201
    assert list(errors_of(api.order(customer_email=OVERLONG_EMAIL), 422)) == ["customer_email"]


@pytest.mark.parametrize("field", sorted(VALID_ORDER))
def test_a_missing_field_answers_400_naming_it(field, api, catalogue):
    body = {name: value for name, value in VALID_ORDER.items() if name != field}
    assert errors_of(api.post("/api/orders", body), 400) == {field: "This field is required."}


def test_an_unknown_field_answers_400_naming_it(api, catalogue):
    errors = errors_of(api.order(coupon="FREE"), 400)
    assert list(errors) == ["coupon"]
    assert not Order.objects.exists()


@pytest.mark.parametrize(
    "body",
    [
        b'{"sku": "BOOK-DDD",',
        b"",
        b"   ",
        b"{'sku': 'BOOK-DDD'}",
        b"[]",
        b'["BOOK-DDD", 2]',
        b'"an order"',
        b"42",
        b"null",
        b"[" * 8000 + b"]" * 8000,  # nesting deeper than the JSON parser recurses, within the size limit
        b'{"quantity": ' + b"9" * 5000 + b"}",  # more digits than Python converts
        b'{"sku": "\xff\xfe BOOK"}',  # not UTF-8
        '{"sku": "caf\u00e9"}'.encode("latin-1"),
    ],
    ids=[
        "truncated",
        "empty",
        "blank",
        "single-quotes",
        "empty-list",
        "list",
        "string",
        "number",
        "null",
        "deeply-nested",
        "huge-number",
        "not-utf8",
        "latin-1",
    ],
)
def test_a_body_that_is_not_a_json_object_answers_400(body, api, catalogue):
    assert list(errors_of(api.post("/api/orders", body, raw=True), 400)) == ["body"]
    assert not Order.objects.exists()


@pytest.mark.parametrize("content_type", ["", "text/plain", "application/x-www-form-urlencoded", "multipart/form-data"])
def test_a_body_not_sent_as_json_answers_415(content_type, api, catalogue):
    response = api.client.post("/api/orders", json.dumps(VALID_ORDER), content_type=content_type, headers=api.headers)
    assert list(errors_of(response, 415)) == ["content_type"]
    assert not Order.objects.exists()


@pytest.mark.parametrize("size", [16 * 1024 + 1, 3 * 1024 * 1024], ids=["just-over", "megabytes"])
def test_an_oversize_body_answers_413(size, api, catalogue):
    body = json.dumps({**VALID_ORDER, "customer_email": "a" * size + "@example.com"})
    assert list(errors_of(api.post("/api/orders", body, raw=True), 413)) == ["body"]
    assert not Order.objects.exists()


@pytest.mark.parametrize(
    ("method", "path", "allowed"),
    [
        ("get", "/api/orders", "POST"),
        ("put", "/api/orders", "POST"),
        ("delete", "/api/orders", "POST"),
        ("patch", "/api/orders", "POST"),
        ("post", "/api/products", "GET"),
        ("delete", "/api/runs", "GET, POST"),  # POST starts a run of any design
        ("delete", "/api/runs/00000000-0000-0000-0000-000000000000", "GET"),
    ],
)
def test_a_wrong_method_answers_405(method, path, allowed, api, catalogue):
    response = getattr(api.client, method)(path, content_type="application/json", headers=api.headers)
    assert list(errors_of(response, 405)) == ["method"]
    assert response["Allow"] == allowed


def test_an_order_beyond_the_stock_answers_422_on_quantity(api, catalogue):
    Product.objects.filter(sku="MUG-BLUE").update(stock=3)

    assert "Only 3" in errors_of(api.order(sku="MUG-BLUE", quantity=4), 422)["quantity"]
    assert Product.objects.get(sku="MUG-BLUE").stock == 3
    assert api.order(sku="MUG-BLUE", quantity=3).status_code == 201
    assert Product.objects.get(sku="MUG-BLUE").stock == 0
    assert "Only 0" in errors_of(api.order(sku="MUG-BLUE", quantity=1), 422)["quantity"]
    assert Order.objects.count() == 1


def test_a_placed_order_starts_its_run_with_every_step(api, catalogue):
    body = api.order().json()
    steps = StepState.objects.filter(run_id=body["run_id"])
    assert sorted(steps.values_list("step_id", flat=True)) == sorted(
        ["confirm_order", "prepare_shipment", "assign_partner", "notify_shipped"]
    )
    # The two steps without dependencies are on their way; the others wait for them.
    assert dict(steps.values_list("step_id", "status")) == {
        "confirm_order": "queued",
        "prepare_shipment": "queued",
        "assign_partner": "pending",
        "notify_shipped": "pending",
    }


def test_an_api_client_without_token_is_refused(catalogue):
    assert ApiClient(None).order().status_code == 401


def test_tokens_are_per_user_and_stored_only_as_digest(admin_user, catalogue):
    first, second = token_issue(user=admin_user), token_issue(user=admin_user)
    assert first != second
    assert not ApiToken.objects.filter(digest__in=[first, second]).exists()
    for raw in (first, second):
        assert ApiClient(raw).get("/api/products").status_code == 200
