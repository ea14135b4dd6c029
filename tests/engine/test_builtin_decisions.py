"""The built-in designs beyond the shop, and the shop's own decision, in both patterns (in-process)."""

import pytest

from notifications.models import Email, EmailKind
from orders.services import order_place
from sellers.models import StockLevel
from tests.engine.drain import drain_until_final
from workflowviz.engine.models import RunStatus, StepState, StepStatus
from workflowviz.engine.runs import run_start
from workflowviz.modelled.tables import records_model

PATTERNS = ["orchestration", "choreography"]
FAST = {"*": {"latency_ms": [0, 0]}}


def statuses(run) -> dict:
    return {state.step_id: state.status for state in StepState.objects.filter(run=run)}


def trip(trip_id: str, car_class: str) -> dict:
    return {"trip_id": trip_id, "traveller_email": "t@example.com", "destination": "Lisbon", "nights": 3,
            "car_class": car_class}  # fmt: skip


@pytest.mark.parametrize("pattern", PATTERNS)
def test_a_trip_with_a_car_is_booked(pattern, workers_paused, transactional_db):
    run = run_start(
        workflow="travel-booking", pattern=pattern, data=trip(f"ok-{pattern}", "compact"), policy_overrides=FAST
    )
    [run] = drain_until_final([run.id])
    assert (run.status, run.result) == (RunStatus.SUCCEEDED, "booked")
    assert statuses(run)["no_car"] == StepStatus.SKIPPED


@pytest.mark.parametrize("pattern", PATTERNS)
def test_no_car_undoes_the_flight_and_the_hotel(pattern, workers_paused, transactional_db):
    trip_id = f"van-{pattern}"
    run = run_start(workflow="travel-booking", pattern=pattern, data=trip(trip_id, "van"), policy_overrides=FAST)
    [run] = drain_until_final([run.id])
    assert (run.status, run.result) == (RunStatus.COMPENSATED, "no car: trip cancelled")
    steps = statuses(run)
    assert steps["flight"] == steps["hotel"] == StepStatus.COMPENSATED
    assert steps["confirm"] in (StepStatus.SKIPPED, StepStatus.PENDING, StepStatus.CANCELLED)
    # Each service kept its own records: a booking and its cancellation.
    flights = records_model("flights").objects.filter(run_id=str(run.id)).order_by("id")
    assert [record.outcome for record in flights] == ["FlightBooked", "FlightCancelled"]


@pytest.mark.parametrize("pattern", PATTERNS)
@pytest.mark.parametrize(
    ("payment", "result"),
    [
        ({"amount": 80, "country": "GB", "card_age_days": 400}, "approved"),
        ({"amount": 2500, "country": "GB", "card_age_days": 400}, "in manual review"),
        ({"amount": 80, "country": "GB", "card_age_days": 1}, "rejected"),
    ],
)
def test_a_payment_is_approved_reviewed_or_rejected_by_its_fraud_score(
    pattern, payment, result, workers_paused, transactional_db
):
    data = {"payment_id": f"p-{pattern}-{result}", **payment}
    run = run_start(workflow="payment-fraud-check", pattern=pattern, data=data, policy_overrides=FAST)
    [run] = drain_until_final([run.id])
    assert (run.status, run.result) == (RunStatus.SUCCEEDED, result)


@pytest.mark.parametrize("pattern", PATTERNS)
def test_the_seller_decides_in_stock_or_backorder(pattern, workers_paused, demo):
    StockLevel.objects.filter(sku="RUG-WOOL").update(on_hand=1)
    first = order_place(sku="RUG-WOOL", quantity=1, customer_email="a@example.com", pattern=pattern,
                        design="order-fulfilment-stock", policy_overrides=FAST)  # fmt: skip
    [run] = drain_until_final([first.run_id])
    assert (run.status, run.result) == (RunStatus.SUCCEEDED, "shipped")
    second = order_place(sku="RUG-WOOL", quantity=1, customer_email="b@example.com", pattern=pattern,
                         design="order-fulfilment-stock", policy_overrides=FAST)  # fmt: skip
    [run] = drain_until_final([second.run_id])
    assert (run.status, run.result) == (RunStatus.SUCCEEDED, "backordered")
    assert statuses(run)["prepare_shipment"] == StepStatus.SKIPPED
    assert Email.objects.filter(order_id=second.pk, kind=EmailKind.BACKORDER).count() == 1
