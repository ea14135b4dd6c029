"""A burst chunk whose server died half-way (some orders committed, its key left "processing") is taken over
by a retry with the same key after TAKE_OVER_AFTER: the chunk ends with exactly the orders asked for, stock
taken once each (real daphne and workers). Younger, the key answers 409 with Retry-After; the views that
are not resumable (one order, a comparison) keep refusing."""

import json
from datetime import timedelta

import pytest
from django.utils import timezone

from orders.bursts import burst_place
from orders.models import Order, Product
from tests.api.test_idempotency import ORDER, keyed, post
from tests.conftest import runs_wait_final
from workflowviz.api.idempotency import TAKE_OVER_AFTER, request_digest
from workflowviz.api.models import IdempotencyKey
from workflowviz.api.tokens import token_issue

CHUNK = {**ORDER, "pattern": "both", "count": 10, "offset": 0, "customer_email": "crashed@example.com"}


def processing_key(user, key: str, path: str, body: dict, *, age: timedelta) -> IdempotencyKey:
    """The row a request left when its server died before answering."""
    digest = request_digest(method="POST", path=path, body=json.dumps(body).encode())
    return IdempotencyKey.objects.create(user=user, key=key, request_digest=digest, created_at=timezone.now() - age)


@pytest.mark.system
def test_a_chunk_cut_short_by_a_crash_is_taken_over_and_ends_exact(web_url, demo, admin_user):
    token = token_issue(user=admin_user)
    mug = Product.objects.get(sku="MUG-BLUE")
    # The crash: the chunk's request placed 4 of its 10 orders, then its server died.
    row = processing_key(admin_user, "chunk-0", "/api/orders/burst", CHUNK, age=TAKE_OVER_AFTER + timedelta(seconds=1))
    before = mug.stock
    crashed = burst_place(
        count=4,
        client_ref_prefix=f"u{admin_user.pk}:k{row.pk}",
        **{name: CHUNK[name] for name in ["pattern", "sku", "quantity", "customer_email"]},
        region="north",
    ).placed

    status, answer, headers = post(web_url + "/api/orders/burst", token, CHUNK, "chunk-0")

    assert status == 201 and "Idempotent-Replayed" not in headers
    assert answer["count"] == 10
    assert [placed["order_id"] for placed in answer["placed"][:4]] == [order.pk for order in crashed]
    orders = Order.objects.filter(customer_email=CHUNK["customer_email"])
    assert orders.count() == 10
    assert sorted(orders.values_list("pk", flat=True)) == sorted(placed["order_id"] for placed in answer["placed"])
    mug.refresh_from_db()
    assert mug.stock == before - 10

    again = post(web_url + "/api/orders/burst", token, CHUNK, "chunk-0")

    assert again[0] == 201 and again[1] == answer and again[2].get("Idempotent-Replayed") == "true"
    assert orders.count() == 10
    runs_wait_final([order.run_id for order in orders], timeout=60)


def test_a_chunk_still_processing_and_young_is_409_with_when_to_ask_again(api, admin_user, catalogue):
    processing_key(admin_user, "chunk-0", "/api/orders/burst", CHUNK, age=timedelta(seconds=10))

    response = api.client.post(
        "/api/orders/burst",
        json.dumps(CHUNK),
        content_type="application/json",
        headers={**api.headers, "Idempotency-Key": "chunk-0"},
    )

    assert response.status_code == 409
    assert "still being processed" in response.json()["errors"]["Idempotency-Key"]
    assert 1 <= int(response["Retry-After"]) <= TAKE_OVER_AFTER.total_seconds() - 10
    assert not Order.objects.exists()


def test_a_single_order_is_not_taken_over(api, admin_user, catalogue):
    """One order carries no reference: run again, it could be placed twice, so its key keeps refusing."""
    body = {**ORDER, "customer_email": "single@example.com"}
    processing_key(admin_user, "single", "/api/orders", body, age=TAKE_OVER_AFTER + timedelta(seconds=30))

    response = keyed(api, "single", body)

    assert response.status_code == 409 and "Retry-After" not in response
    assert "still being processed" in response.json()["errors"]["Idempotency-Key"]
    assert not Order.objects.exists()
