"""A burst placed with order references (Order.client_ref): placed again, it reports the orders that exist
and places only the missing ones, stock taken once per order, even when another request places the same
reference at the same moment."""

import threading

import pytest
from django.db import connection

from orders.bursts import burst_place
from orders.models import Order, Product

BURST = {"pattern": "both", "sku": "TENT-2P", "quantity": 1, "customer_email": "ref@example.com", "region": "north"}


def stock() -> int:
    return Product.objects.get(sku="TENT-2P").stock


def test_orders_get_the_prefix_and_their_index_in_the_burst(catalogue):
    result = burst_place(count=3, offset=20, client_ref_prefix="u1:k7", **BURST)

    assert [order.client_ref for order in result.placed] == ["u1:k7:20", "u1:k7:21", "u1:k7:22"]


def test_without_a_prefix_orders_have_no_reference_and_each_burst_places_anew(catalogue):
    first = burst_place(count=2, **BURST)
    second = burst_place(count=2, **BURST)

    assert Order.objects.count() == 4
    assert {order.client_ref for order in first.placed + second.placed} == {None}


def test_placed_again_the_existing_orders_are_reported_and_only_the_missing_placed(catalogue):
    before = stock()
    crashed = burst_place(count=4, client_ref_prefix="u1:k7", **BURST)  # a chunk of 10 cut short by a crash

    again = burst_place(count=10, client_ref_prefix="u1:k7", **BURST)

    assert len(again.placed) == 10
    assert again.placed[:4] == crashed.placed
    assert Order.objects.count() == 10
    assert stock() == before - 10
    assert [order.pattern for order in again.placed] == ["orchestration", "choreography"] * 5


def test_the_same_references_in_another_chunk_are_other_orders(catalogue):
    burst_place(count=2, client_ref_prefix="u1:k7", **BURST)

    burst_place(count=2, client_ref_prefix="u1:k8", **BURST)

    assert Order.objects.count() == 4


@pytest.mark.django_db(transaction=True)
def test_a_reference_placed_by_another_request_meanwhile_is_reported_not_placed_twice(demo):
    """Another request commits order 1's reference just after this burst looked for it: the unique
    constraint stops the second insert, its transaction (stock included) is undone, and the burst reports
    the other request's order."""
    before = stock()
    other = {}
    inserts = []  # this burst's attempts to write order 1

    def other_request():
        try:
            other["order"] = burst_place(count=1, offset=1, client_ref_prefix="u1:k7", **BURST).placed[0]
        finally:
            connection.close()

    def commit_the_same_reference_meanwhile(execute, sql, params, many, context):
        if sql.startswith("INSERT") and params and "u1:k7:1" in params:
            inserts.append(sql)
        result = execute(sql, params, many, context)
        if "order" not in other and sql.startswith("SELECT") and params and "u1:k7:1" in params:
            thread = threading.Thread(target=other_request)  # its own connection: a concurrent request
            thread.start()
            thread.join()
        return result

    with connection.execute_wrapper(commit_the_same_reference_meanwhile):
        result = burst_place(count=3, client_ref_prefix="u1:k7", **BURST)

    assert other["order"].client_ref == "u1:k7:1"
    assert len(inserts) == 1  # this burst tried, and the constraint refused it
    assert [order.pk for order in result.placed][1] == other["order"].pk
    assert Order.objects.filter(client_ref__startswith="u1:k7:").count() == 3
    assert stock() == before - 3
