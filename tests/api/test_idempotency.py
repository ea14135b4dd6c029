"""`Idempotency-Key`: the same key and body twice places one order, one burst, one comparison, and answers
the same; the same key with another body is refused (real daphne and workers)."""

import json
import urllib.error
import urllib.request
from datetime import timedelta

import pytest
from django.contrib.auth.models import Group
from django.utils import timezone

from orders.models import Order
from tests.conftest import ApiClient, runs_wait_final
from workflowviz.api.idempotency import idempotency_key_claim, request_digest
from workflowviz.api.models import IdempotencyKey
from workflowviz.api.tokens import token_issue
from workflowviz.compare.models import Comparison
from workflowviz.roles import OPERATOR

ORDER = {"sku": "MUG-BLUE", "quantity": 1, "pattern": "orchestration"}
# path, body (without the customer's email), orders one request places
ENDPOINTS = [
    ("/api/orders", ORDER, 1),
    ("/api/orders/burst", {**ORDER, "count": 3, "pattern": "both"}, 3),
    ("/api/comparisons", {"sku": "MUG-BLUE", "quantity": 1, "count": 1}, 2),
]


def post(url: str, token: str, body: dict, key: str | None) -> tuple[int, dict, dict]:
    """(status, JSON, headers) of a POST to the real server."""
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
    if key is not None:
        headers["Idempotency-Key"] = key
    request = urllib.request.Request(url, data=json.dumps(body).encode(), headers=headers, method="POST")
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, json.load(response), dict(response.headers)
    except urllib.error.HTTPError as error:
        return error.code, json.load(error), dict(error.headers)


@pytest.mark.system
@pytest.mark.parametrize(("path", "fields", "placed"), ENDPOINTS, ids=["order", "burst", "comparison"])
def test_the_same_key_twice_creates_once_and_answers_the_same(web_url, demo, admin_user, path, fields, placed):
    token = token_issue(user=admin_user)
    email = f"idem-{path.rsplit('/', 1)[1]}@example.com"
    body = {**fields, "customer_email": email}

    first = post(web_url + path, token, body, "retry-me-1")
    again = post(web_url + path, token, {key: body[key] for key in reversed(body)}, "retry-me-1")  # key order aside

    assert first[0] == again[0] == 201
    assert again[1] == first[1]
    assert again[2].get("Idempotent-Replayed") == "true" and "Idempotent-Replayed" not in first[2]
    orders = Order.objects.filter(customer_email=email)
    assert orders.count() == placed
    if path == "/api/comparisons":
        assert Comparison.objects.filter(customer_email=email).count() == 1

    other = post(web_url + path, token, {**body, "quantity": 2}, "retry-me-1")
    assert other[0] == 422
    assert "different request" in other[1]["errors"]["Idempotency-Key"]
    assert orders.count() == placed

    # Without the header, a request is placed every time, as before.
    assert post(web_url + path, token, body, None)[0] == 201
    assert orders.count() == 2 * placed
    runs_wait_final([order.run_id for order in orders], timeout=60)


def test_a_key_still_in_progress_answers_409_and_nothing_is_placed(api, admin_user, catalogue):
    body = {"customer_email": "busy@example.com", **ORDER}
    digest = request_digest(method="POST", path="/api/orders", body=json.dumps(body).encode())
    idempotency_key_claim(user=admin_user, key="busy", digest=digest)  # as a request not yet answered

    response = api.client.post(
        "/api/orders",
        json.dumps(body),
        content_type="application/json",
        headers={**api.headers, "Idempotency-Key": "busy"},
    )

    assert response.status_code == 409
    assert "still being processed" in response.json()["errors"]["Idempotency-Key"]
    assert not Order.objects.filter(customer_email="busy@example.com").exists()


def test_a_request_that_never_answered_says_its_outcome_is_unknown(api, admin_user, catalogue):
    body = {"customer_email": "lost@example.com", **ORDER}
    digest = request_digest(method="POST", path="/api/orders", body=json.dumps(body).encode())
    idempotency_key_claim(user=admin_user, key="lost", digest=digest, now=timezone.now() - timedelta(minutes=6))

    response = api.client.post(
        "/api/orders",
        json.dumps(body),
        content_type="application/json",
        headers={**api.headers, "Idempotency-Key": "lost"},
    )

    assert response.status_code == 409
    assert "never finished" in response.json()["errors"]["Idempotency-Key"]


def keyed(api, key, body):
    return api.client.post(
        "/api/orders",
        json.dumps(body),
        content_type="application/json",
        headers={**api.headers, "Idempotency-Key": key},
    )


def test_a_key_older_than_24_hours_is_forgotten_and_cleaned_up(api, admin_user, catalogue):
    old = timezone.now() - timedelta(hours=24, minutes=1)
    IdempotencyKey.objects.create(
        user=admin_user, key="yesterday", request_digest="0" * 64, status_code=201, response_body="{}", created_at=old
    )
    IdempotencyKey.objects.create(user=admin_user, key="other", request_digest="0" * 64, created_at=old)

    response = keyed(api, "yesterday", {"customer_email": "later@example.com", **ORDER})

    assert response.status_code == 201 and "Idempotent-Replayed" not in response.headers
    assert Order.objects.filter(customer_email="later@example.com").count() == 1
    assert list(IdempotencyKey.objects.values_list("key", flat=True)) == ["yesterday"]  # the new one only
    assert IdempotencyKey.objects.get().created_at > old


def test_a_refused_request_frees_its_key_for_the_corrected_one(api, catalogue):
    refused = keyed(api, "fix-and-retry", {"customer_email": "not-an-email", **ORDER})
    assert refused.status_code == 422

    corrected = keyed(api, "fix-and-retry", {"customer_email": "fixed@example.com", **ORDER})

    assert corrected.status_code == 201
    assert Order.objects.filter(customer_email="fixed@example.com").count() == 1


def test_keys_are_per_user(api, catalogue, django_user_model):
    operator = django_user_model.objects.create_user("olga", password="x" * 12)
    operator.groups.add(Group.objects.get_or_create(name=OPERATOR)[0])
    body = {"customer_email": "shared-key@example.com", **ORDER}
    assert keyed(api, "same-key", body).status_code == 201
    olga = ApiClient(token_issue(user=operator))
    response = keyed(olga, "same-key", body)
    assert response.status_code == 201 and "Idempotent-Replayed" not in response.headers
    assert Order.objects.filter(customer_email="shared-key@example.com").count() == 2


@pytest.mark.parametrize(
    "key", ["", "k" * 256, "tab\there", "naïve"], ids=["empty", "too-long", "control", "non-ascii"]
)
def test_a_malformed_key_is_a_400_and_places_nothing(api, catalogue, key):
    response = keyed(api, key, {"customer_email": "malformed@example.com", **ORDER})

    assert response.status_code == 400
    assert "printable" in response.json()["errors"]["Idempotency-Key"]
    assert not Order.objects.exists()


def test_the_longest_key_is_accepted(api, catalogue):
    assert keyed(api, "k" * 255, {"customer_email": "long@example.com", **ORDER}).status_code == 201


def test_the_openapi_schema_documents_the_header_on_the_three_posts(client):
    paths = client.get("/api/openapi.json").json()["paths"]

    for path in ["/api/orders", "/api/orders/burst", "/api/comparisons"]:
        post = paths[path]["post"]
        assert [param["name"] for param in post["parameters"] if param["in"] == "header"] == ["Idempotency-Key"]
        assert {"400", "409", "422"} <= post["responses"].keys()
    assert "parameters" not in paths["/api/run-statuses"]["post"]
