"""What a failed attempt leads to (`attempts.attempt_failed`), and the simulated work around an action
(`simulation.py`): its duration by distribution and its injected failures."""

import random
from datetime import timedelta

import pytest
from django.utils import timezone

from tests.engine.factories import message_make, run_make
from workflowviz.engine.attempts import attempt_failed
from workflowviz.engine.design import Policy, graph_of
from workflowviz.engine.messages import message_amend, message_claim
from workflowviz.engine.models import EventRecord, OutboxMessage, RunStatus, StepState, StepStatus
from workflowviz.engine.outbox import unit_of_work
from workflowviz.engine.registry import ActionCall
from workflowviz.engine.simulation import (
    LATENCY_DISTRIBUTIONS,
    InjectedFailure,
    with_injected_failure,
    work_seconds,
)

PREPARE = {
    "id": "prepare",
    "action": "sellers.prepare_shipment",
    "after": [],
    "policy": {"max_attempts": 3, "backoff_seconds": 0.5},
}


@pytest.fixture
def run(transactional_db):
    return run_make([PREPARE])


def fail(
    message: OutboxMessage, *, compensation: bool = False, error: str = "UnknownSeller: nobody", no_room=False
) -> bool:
    """The attempt the message asked for failed: claim it and let `attempt_failed` decide, in one unit."""
    with unit_of_work(message.run_id) as unit:
        assert message_claim(message)
        step = graph_of(unit.run).step(message.step_id)
        return attempt_failed(
            unit, step=step, message=message, error=error, lane="sellers", compensation=compensation, no_room=no_room
        )


def next_attempt(message: OutboxMessage) -> OutboxMessage:
    return OutboxMessage.objects.get(run_id=message.run_id, step_id=message.step_id, attempt=message.attempt + 1)


def state(run) -> StepState:
    return StepState.objects.get(run=run, step_id="prepare")


def records(run, kind: str) -> list[dict]:
    return list(EventRecord.objects.filter(run=run, kind=kind).order_by("seq").values_list("payload", flat=True))


def test_a_failed_attempt_is_retried_with_a_doubling_backoff_then_given_up(run):
    first = message_make(run, payload={"order_id": 7})

    assert fail(first) is True
    assert state(run).status == StepStatus.RETRYING and state(run).error == "UnknownSeller: nobody"
    second = next_attempt(first)
    assert fail(second) is True
    third = next_attempt(second)
    assert fail(third) is False

    waits = [(m.available_at - m.created_at).total_seconds() for m in (second, third)]
    assert waits == [pytest.approx(0.5, abs=0.05), pytest.approx(1.0, abs=0.05)]
    assert [(m.payload, m.type, m.target_service) for m in (second, third)] == [
        ({"order_id": 7}, "PrepareShipment", "sellers")
    ] * 2
    assert [(r["attempt"], r["retry_in_s"]) for r in records(run, "step.retried")] == [(1, 0.5), (2, 1.0)]
    assert records(run, "step.failed") == [{"attempt": 3, "error": "UnknownSeller: nobody"}]
    failed = state(run)
    assert (failed.status, failed.error) == (StepStatus.FAILED, "UnknownSeller: nobody")
    assert failed.finished_at is not None
    assert not OutboxMessage.objects.filter(run=run, attempt=4).exists()


NO_ROOM = "NoPartnerAvailable: no partner with room in north"


def test_no_room_waits_for_capacity_with_a_bounded_doubling_backoff_without_using_up_attempts(run):
    message = message_make(run, payload={"order_id": 7})
    for _ in range(5):  # more waits than the policy's 3 attempts
        assert fail(message, error=NO_ROOM, no_room=True) is True
        assert (state(run).status, state(run).error) == (StepStatus.RETRYING, NO_ROOM)
        message = next_attempt(message)
    waiting = records(run, "step.waiting")
    assert [(r["attempt"], r["retry_in_s"], r["reason"]) for r in waiting] == [
        (1, 0.5, NO_ROOM),
        (2, 1.0, NO_ROOM),
        (3, 2.0, NO_ROOM),
        (4, 4.0, NO_ROOM),
        (5, 5.0, NO_ROOM),  # asks again at least every WAIT_DELAY_MAX_S
    ]
    assert records(run, "step.retried") == []
    # Room came, then the attempt failed for another reason: the 3 attempts are all still there.
    assert fail(message) is True
    assert fail(next_attempt(message)) is True
    assert fail(next_attempt(next_attempt(message))) is False


def test_waiting_for_capacity_ends_after_the_steps_timeout_with_the_reason(run):
    message = message_make(run, payload={"order_id": 7})
    assert fail(message, error=NO_ROOM, no_room=True) is True
    # The first wait began 31 s ago: past the policy's timeout_seconds (30).
    EventRecord.objects.filter(run=run, kind="step.waiting").update(at=timezone.now() - timedelta(seconds=31))

    assert fail(next_attempt(message), error=NO_ROOM, no_room=True) is False

    [failed] = records(run, "step.failed")
    assert (failed["error"], failed["attempt"], failed["waited_s"]) == (NO_ROOM, 2, pytest.approx(31, abs=1))
    assert (state(run).status, state(run).error) == (StepStatus.FAILED, NO_ROOM)


def test_the_next_attempt_carries_the_payload_as_amended_meanwhile(run):
    waiting = message_make(run, payload={"login_id": "l-1"})
    assert message_amend(run.id, step_id="prepare", fields={"code": "123456"}, lane="web") == 1

    fail(waiting)  # this delivery read the message before the amendment

    assert next_attempt(waiting).payload == {"login_id": "l-1", "code": "123456"}


def test_a_step_is_not_retried_once_its_run_is_being_undone(run):
    run.status = RunStatus.COMPENSATING
    run.save(update_fields=["status"])

    assert fail(message_make(run)) is False

    assert state(run).status == StepStatus.FAILED
    assert not OutboxMessage.objects.filter(run=run, attempt=2).exists()


def test_a_compensations_retry_keeps_the_step_compensating(run):
    run.status = RunStatus.COMPENSATING
    run.save(update_fields=["status"])
    StepState.objects.filter(run=run).update(status=StepStatus.COMPENSATING)
    undo = message_make(run, kind="compensate", type="CancelShipmentPreparation")

    assert fail(undo, compensation=True) is True

    assert state(run).status == StepStatus.COMPENSATING
    assert records(run, "step.retried") == [
        {"attempt": 1, "error": "UnknownSeller: nobody", "retry_in_s": 0.5, "compensation": True}
    ]
    assert next_attempt(undo).kind == "compensate"
    fail(next_attempt(undo), compensation=True)
    assert fail(next_attempt(next_attempt(undo)), compensation=True) is False
    given_up = state(run)
    assert (given_up.status, given_up.error) == (StepStatus.FAILED, "compensation failed: UnknownSeller: nobody")


def test_a_loops_next_visit_waits_afresh(run):
    message = message_make(run, payload={"order_id": 7})
    assert fail(message, error=NO_ROOM, no_room=True) is True
    EventRecord.objects.filter(run=run, kind="step.waiting").update(at=timezone.now() - timedelta(seconds=31))
    # The loop queues the step again: the old visit's wait does not count against this one.
    StepState.objects.filter(run=run, step_id="prepare").update(queued_at=timezone.now())
    again = message_make(run, payload={"order_id": 7}, visit=2)

    assert fail(again, error=NO_ROOM, no_room=True) is True
    assert records(run, "step.waiting")[-1]["waited_s"] == 0.0


def test_a_compensation_keeps_its_own_attempts_after_the_step_waited_for_capacity(run):
    message = message_make(run, payload={"order_id": 7})
    for _ in range(4):
        assert fail(message, error=NO_ROOM, no_room=True) is True
        message = next_attempt(message)
    run.status = RunStatus.COMPENSATING
    run.save(update_fields=["status"])
    undo = message_make(run, kind="compensate", type="CancelShipmentPreparation")

    for attempt in (1, 2):
        assert fail(undo, compensation=True) is True
        undo = OutboxMessage.objects.get(run=run, kind="compensate", attempt=attempt + 1)
    assert fail(undo, compensation=True) is False  # its 3 attempts, the step's 4 waits notwithstanding
    assert [r["retry_in_s"] for r in records(run, "step.retried")] == [0.5, 1.0]


# --- simulation ---------------------------------------------------------------------------------
@pytest.mark.parametrize("distribution", LATENCY_DISTRIBUTIONS)
def test_simulated_work_stays_within_its_latency_range(distribution):
    policy = Policy(latency_ms=(200, 900), latency_distribution=distribution)
    rng = random.Random(42)

    draws = [work_seconds(policy, rng) for _ in range(2000)]

    assert min(draws) >= 0.2 and max(draws) <= 0.9
    assert len(set(draws)) > 100  # spread out, not stuck on a bound
    again = random.Random(42)
    assert [work_seconds(policy, again) for _ in range(10)] == draws[:10]  # the same seed, the same work


@pytest.mark.parametrize("distribution", LATENCY_DISTRIBUTIONS)
def test_no_latency_means_no_simulated_work(distribution):
    rng = random.Random(1)
    assert {work_seconds(Policy(latency_ms=(0, 0), latency_distribution=distribution), rng) for _ in range(50)} == {0}
    assert work_seconds(Policy(latency_ms=(300, 300), latency_distribution=distribution), rng) == 0.3


def test_the_distributions_differ_in_where_the_work_lands():
    def median(distribution: str) -> float:
        rng = random.Random(7)
        draws = sorted(
            work_seconds(Policy(latency_ms=(0, 1000), latency_distribution=distribution), rng) for _ in range(2001)
        )
        return draws[1000]

    assert median("uniform") == pytest.approx(0.5, abs=0.05)
    assert median("normal") == pytest.approx(0.5, abs=0.03)
    assert median("exponential") < 0.25  # a long tail from the low end


def answer(call: ActionCall) -> tuple[str, dict]:
    return "ShipmentPrepared", {"order_id": call.data["order_id"]}


CALL = ActionCall(data={"order_id": 3}, run_id="r", step_id="prepare", service="sellers")


def test_a_failure_probability_of_one_fails_every_attempt():
    simulated = with_injected_failure(answer, Policy(failure_probability=1.0))
    for _ in range(100):
        with pytest.raises(InjectedFailure, match=r"probability 1\.0"):
            simulated(CALL)


def test_a_failure_probability_of_zero_never_fails():
    simulated = with_injected_failure(answer, Policy(failure_probability=0.0))
    assert [simulated(CALL) for _ in range(100)] == [("ShipmentPrepared", {"order_id": 3})] * 100


def test_a_failure_probability_fails_about_that_share_of_attempts():
    simulated = with_injected_failure(answer, Policy(failure_probability=0.25))
    failures = 0
    for _ in range(4000):
        try:
            simulated(CALL)
        except InjectedFailure:
            failures += 1
    assert 800 < failures < 1200  # 1000 expected; outside this band by chance: about once in 10^10
