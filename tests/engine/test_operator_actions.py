"""Operator actions, in-process: cancel a running run (saga / failure event), re-run a finished one (linked, same
input), and dead letters resent (the run completes) or discarded (the reconciler stops; the run is undone)."""

import pytest
from django.utils import timezone
from rq.job import Job
from rq.results import Result

from orders.models import Order, OrderStatus
from orders.services import order_place
from sellers.models import SellerTask, TaskStatus
from tests.engine.drain import drain_until_final, messages_due
from workflowviz.engine.delivery import deliver
from workflowviz.engine.models import EventRecord, OutboxMessage, RunStatus, StepState, StepStatus
from workflowviz.engine.operator_actions import (
    Refused,
    dead_letter_discard,
    dead_letter_resend,
    dead_letters,
    last_errors,
    run_cancel,
    run_rerun,
)
from workflowviz.engine.queues import redis_connection
from workflowviz.engine.reconciler import MAX_RESENDS, reconcile_once
from workflowviz.engine.replay import replay, state_of_rows
from workflowviz.engine.runs import run_start

# Driven in-process: workers a session may have started (the `system` fixture) must leave the queues alone.
pytestmark = pytest.mark.usefixtures("workers_paused")

PATTERNS = ["orchestration", "choreography"]
FAST = {"*": {"latency_ms": [0, 0]}}


def place(pattern):
    return order_place(sku="TENT-2P", quantity=1, customer_email="ann@example.com", pattern=pattern, latency_ms=[0, 0])


def statuses(run_id) -> dict:
    return dict(StepState.objects.filter(run_id=run_id).values_list("step_id", "status"))


def deliver_until(run_id, done) -> None:
    """Deliver the run's due messages one at a time until `done()`."""
    for _ in range(50):
        if done():
            return
        deliver(messages_due([run_id])[0])
    raise AssertionError(f"never got there: {statuses(run_id)}")


def operator_records(run_id, kind):
    return list(EventRecord.objects.filter(run_id=run_id, kind=kind).values("service", "payload"))


def assert_replay_matches(run):
    run.refresh_from_db()
    assert replay(run.events.all(), graph=run.graph) == state_of_rows(run)


@pytest.mark.parametrize("pattern", PATTERNS)
def test_cancelling_a_running_order_undoes_what_it_did(pattern, demo):
    order = place(pattern)
    run_id = order.run_id
    deliver_until(run_id, lambda: statuses(run_id)["prepare_shipment"] == StepStatus.SUCCEEDED)

    assert run_cancel(run_id=run_id, username="olivia", reason="the buyer phoned to cancel") is True
    [run] = drain_until_final([run_id])

    assert run.status == RunStatus.COMPENSATED
    assert statuses(run_id)["prepare_shipment"] == StepStatus.COMPENSATED
    assert statuses(run_id)["notify_shipped"] != StepStatus.SUCCEEDED
    assert SellerTask.objects.get(order_id=order.pk).status == TaskStatus.CANCELLED
    assert Order.objects.get(pk=order.pk).status == OrderStatus.CANCELLED
    assert operator_records(run_id, "operator.cancelled") == [
        {"service": "operator", "payload": {"by": "olivia", "reason": "the buyer phoned to cancel"}}
    ]
    why = EventRecord.objects.get(run_id=run_id, kind="run.compensating").payload["reason"]
    assert why == "cancelled by olivia: the buyer phoned to cancel"
    assert_replay_matches(run)
    with pytest.raises(Refused, match=r"already ended \(compensated\)"):
        run_cancel(run_id=run_id, username="olivia")


def test_a_rerun_is_a_new_run_with_the_same_input_linked_to_the_first(demo):
    pattern = "choreography"  # the re-run does not depend on the pattern (an order's: tests/api)
    payment = {"payment_id": f"p-{pattern}", "amount": 120, "country": "GB", "card_age_days": 400}
    first = run_start(workflow="payment-fraud-check", pattern=pattern, data=payment, policy_overrides=FAST)
    with pytest.raises(Refused, match="still running"):
        run_rerun(run=first, username="olivia")
    [first] = drain_until_final([first.id])

    again = run_rerun(run=first, username="olivia", reason="the ledger was down")

    assert (again.rerun_of_id, again.design_slug, again.design_version) == (first.id, first.design_slug, 1)
    assert (again.input, again.graph) == (first.input, first.graph)  # the fast policy too
    [again] = drain_until_final([again.id])
    assert (again.status, again.result) == (RunStatus.SUCCEEDED, "approved")
    assert operator_records(again.id, "operator.reran")[0]["payload"] == {
        "by": "olivia",
        "reason": "the ledger was down",
        "rerun_of": str(first.id),
    }
    assert list(first.reruns.all()) == [again]


def _given_up(run_id) -> OutboxMessage:
    """The run's next message, given up on by the reconciler."""
    message = OutboxMessage.objects.filter(run_id=run_id, processed_at__isnull=True).order_by("created_at").first()
    OutboxMessage.objects.filter(pk=message.pk).update(resends=MAX_RESENDS)
    return message


def test_a_dead_letter_resent_is_delivered_and_the_run_completes(demo):
    order = place("orchestration")  # resending does not depend on the pattern
    message = _given_up(order.run_id)
    assert [m.pk for m in dead_letters()] == [message.pk]
    job = Job.create("workflowviz.engine.delivery.deliver", id=str(message.pk), connection=redis_connection())
    job.save()
    Result.create_failure(job, ttl=60, exc_string="Traceback …\nOperationalError: the database is locked\n")
    assert last_errors([str(message.pk)]) == {str(message.pk): "OperationalError: the database is locked"}
    assert reconcile_once(timezone.now() + timezone.timedelta(minutes=5)) == 0  # the reconciler gave up on it

    dead_letter_resend(message_id=message.pk, run_id=order.run_id, username="olivia", reason="fixed the worker")

    message.refresh_from_db()
    assert message.resends == 0 and dead_letters() == []
    [run] = drain_until_final([order.run_id])
    assert run.status == RunStatus.SUCCEEDED
    [record] = EventRecord.objects.filter(run=run, kind="operator.resent")
    assert (record.message_id, record.payload["by"], record.payload["resends"]) == (message.pk, "olivia", MAX_RESENDS)
    with pytest.raises(Refused, match="processed"):
        dead_letter_resend(message_id=message.pk, run_id=order.run_id, username="olivia")


@pytest.mark.parametrize("pattern", PATTERNS)
def test_a_dead_letter_discarded_stops_the_reconciler_and_its_step_fails(pattern, demo):
    order = place(pattern)
    stuck = OutboxMessage.objects.filter(run_id=order.run_id, processed_at__isnull=True, step_id="assign_partner")
    deliver_until(order.run_id, stuck.exists)
    message = stuck.first()
    with pytest.raises(Refused, match="still sends it"):
        dead_letter_discard(message_id=message.pk, run_id=order.run_id, username="olivia")
    OutboxMessage.objects.filter(pk=message.pk).update(resends=MAX_RESENDS)

    outcome = dead_letter_discard(message_id=message.pk, run_id=order.run_id, username="olivia", reason="poison")

    assert outcome == "assign_partner failed for good; the run is undone"
    message.refresh_from_db()
    assert message.processed_at is not None and dead_letters() == []
    [run] = drain_until_final([order.run_id])
    assert run.status == RunStatus.COMPENSATED
    assert statuses(order.run_id)["assign_partner"] == StepStatus.FAILED
    assert statuses(order.run_id)["prepare_shipment"] == StepStatus.COMPENSATED
    [record] = EventRecord.objects.filter(run=run, kind="operator.discarded")
    assert record.payload == {"by": "olivia", "reason": "poison", "outcome": outcome}
    assert_replay_matches(run)
