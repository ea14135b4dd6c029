"""Rewards: a new service that joins the choreography without any change to Orders."""

from pathlib import Path

import pytest

from orders.services import order_place
from rewards.models import PointsEntry, RewardAccount
from rewards.services import points_award, points_for_total, points_quote
from tests.conftest import runs_wait_final
from tests.test_architecture import module_name, service_files, violations
from workflowviz.engine.models import OutboxMessage, RunStatus

BASE_DIR = Path(__file__).resolve().parents[2]


def test_points_are_one_per_whole_unit_spent():
    assert [points_for_total(total) for total in ["0.99", "14.00", "189.50"]] == [0, 14, 189]
    with pytest.raises(ValueError):
        points_for_total("a lot")


@pytest.mark.django_db
def test_awarding_twice_for_an_order_credits_once():
    first = points_award(order_id=7, customer_email="Ann@Example.com", total="54.00")
    again = points_award(order_id=7, customer_email="ann@example.com", total="54.00")
    assert first.pk == again.pk
    assert RewardAccount.objects.get(customer_email="ann@example.com").points_balance == 54
    assert points_quote(customer_email="ann@example.com", total="10.00") == (10, 54)
    assert points_quote(customer_email="new@example.com", total="10.00") == (10, 0)


def test_rewards_imports_no_other_service_app():
    problems = []
    for path in service_files("rewards"):
        problems += violations(
            path.read_text(), app="rewards", module=module_name(path, BASE_DIR), is_package=path.name == "__init__.py"
        )
    assert problems == []


def test_orders_knows_nothing_of_rewards():
    """The Orders app names no subscriber: nothing in it mentions Rewards, its contracts or its queue."""
    words = ("rewards", "points", "AwardOrderPoints", "PointsAwarded")
    mentions = [
        f"{path.relative_to(BASE_DIR)}: {word}"
        for path in (BASE_DIR / "orders").rglob("*.py")
        for word in words
        if word.lower() in path.read_text().lower()
    ]
    assert mentions == []


@pytest.mark.system
def test_rewards_subscribes_to_order_placed_in_choreography(system, demo):
    order = order_place(
        sku="TENT-2P",
        quantity=2,
        customer_email="ann@example.com",
        pattern="choreography",
        design="order-fulfilment-rewards",
        latency_ms=[0, 0],
    )
    [run] = runs_wait_final([order.run_id], timeout=60)
    assert run.status == RunStatus.SUCCEEDED
    messages = OutboxMessage.objects.filter(run=run)
    # Orders published one event and sent nothing to anyone by name.
    assert set(messages.filter(source_service="orders").values_list("kind", "type")) == {("event", "OrderPlaced")}
    to_rewards = messages.get(target_service="rewards")
    assert (to_rewards.kind, to_rewards.type, to_rewards.step_id) == ("event", "OrderPlaced", "award_points")
    entry = PointsEntry.objects.get(order_id=order.pk)
    assert (entry.points, entry.account.customer_email) == (378, "ann@example.com")


@pytest.mark.system
def test_in_orchestration_the_coordinator_commands_rewards(system, demo):
    order = order_place(
        sku="MUG-BLUE",
        quantity=1,
        customer_email="bo@example.com",
        pattern="orchestration",
        design="order-fulfilment-rewards",
        latency_ms=[0, 0],
    )
    [run] = runs_wait_final([order.run_id], timeout=60)
    assert run.status == RunStatus.SUCCEEDED
    command = OutboxMessage.objects.get(run=run, target_service="rewards")
    assert (command.kind, command.type, command.source_service) == ("command", "AwardOrderPoints", "orders")
    assert PointsEntry.objects.get(order_id=order.pk).points == 14
