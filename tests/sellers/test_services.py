"""Sellers on its own: a task asking the seller to prepare an order's shipment, once."""

import pytest

from sellers.models import Seller, SellerTask, TaskStatus
from sellers.services import UnknownSeller, shipment_preparation_request


@pytest.fixture
def seller(db):
    return Seller.objects.create(code="acme", name="Acme Outfitters", email="orders@acme.example")


def test_the_seller_gets_a_task_for_the_order(seller):
    task = shipment_preparation_request(order_id=5, seller_code="acme", sku="TENT-2P", quantity=2)
    assert (task.seller, task.order_id, task.sku, task.quantity, task.status) == (
        seller,
        5,
        "TENT-2P",
        2,
        TaskStatus.REQUESTED,
    )


def test_an_unknown_seller_raises(seller):
    with pytest.raises(UnknownSeller, match="nobody"):
        shipment_preparation_request(order_id=5, seller_code="nobody", sku="TENT-2P", quantity=2)
    assert not SellerTask.objects.exists()


def test_asking_twice_gives_one_task(seller):
    first = shipment_preparation_request(order_id=5, seller_code="acme", sku="TENT-2P", quantity=2)
    second = shipment_preparation_request(order_id=5, seller_code="acme", sku="TENT-2P", quantity=2)
    assert second.pk == first.pk
    assert SellerTask.objects.filter(order_id=5).count() == 1


def test_each_order_gets_its_own_task(seller):
    tasks = {shipment_preparation_request(order_id=i, seller_code="acme", sku="X", quantity=1).pk for i in (1, 2)}
    assert len(tasks) == 2
