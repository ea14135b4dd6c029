"""Executing one step of a run in the service that owns it: the part both patterns share."""

import random
import time
from collections.abc import Callable

from django.db import DatabaseError
from django.utils import timezone

from workflowviz.contracts import Message

from .designs import graph_step
from .models import OutboxMessage, RunStatus, StepState, StepStatus
from .registry import action_get
from .unit import Unit, unit_of_work


class InjectedFailure(Exception):
    """A failure switched on by the step's policy (failure probability)."""


def message_claim(message: OutboxMessage) -> bool:
    """Mark the message processed; False if some delivery already did (a message has one effect)."""
    claimed = OutboxMessage.objects.filter(pk=message.pk, processed_at__isnull=True).update(processed_at=timezone.now())
    return claimed == 1


def message_received(unit: Unit, message: OutboxMessage, service: str, at) -> None:
    wait_ms = max(0.0, (at - message.available_at).total_seconds() * 1000)
    unit.record(
        service=service,
        kind="message.received",
        step_id=message.step_id,
        message=message,
        payload={"kind": message.kind, "from": message.source_service, "queue_wait_ms": round(wait_ms, 1)},
        at=at,
    )


def message_resend(unit: Unit, message: OutboxMessage, *, delay_seconds: float, sender: str) -> OutboxMessage:
    """The next attempt of a message, sent after `delay_seconds` (retry backoff)."""
    return unit.send(
        kind=message.kind,
        type=message.type,
        source=message.source_service,
        target=message.target_service,
        step_id=message.step_id,
        from_step=message.from_step,
        payload=message.payload,
        attempt=message.attempt + 1,
        delay_seconds=delay_seconds,
        sender=sender,
    )


def retry_delay(policy: dict, attempt: int) -> float:
    """Exponential backoff: backoff_seconds, then twice that, then four times…"""
    return policy["backoff_seconds"] * 2 ** (attempt - 1)


def step_status_set(unit: Unit, step_id: str, status: str, **fields) -> None:
    StepState.objects.filter(run=unit.run, step_id=step_id).update(status=status, **fields)


def step_queued(unit: Unit, step: dict, *, at) -> None:
    """The first message asking for this step is on its way (a join's later events change nothing)."""
    if StepState.objects.filter(run=unit.run, step_id=step["id"], queued_at__isnull=True).update(
        status=StepStatus.QUEUED, queued_at=at
    ):
        unit.record(service=step["service"], kind="step.queued", step_id=step["id"], at=at)


def _step_started(unit: Unit, message: OutboxMessage, step: dict, at) -> None:
    step_status_set(unit, step["id"], StepStatus.STARTED, started_at=at, attempts=message.attempt)
    _step_started_record(unit, message, step, at)


def _step_started_record(unit: Unit, message: OutboxMessage, step: dict, at) -> None:
    unit.record(
        service=step["service"], kind="step.started", step_id=step["id"], payload={"attempt": message.attempt}, at=at
    )


def _message_dropped(unit: Unit, message: OutboxMessage, step: dict) -> None:
    """The run was cancelled before this message was acted on: the step will not run."""
    StepState.objects.filter(run=unit.run, step_id=step["id"]).exclude(status=StepStatus.SUCCEEDED).update(
        status=StepStatus.CANCELLED
    )
    unit.record(
        service=step["service"],
        kind="message.dropped",
        step_id=step["id"],
        message=message,
        payload={"reason": f"run is {unit.run.status}"},
    )


def step_execute(
    message: OutboxMessage,
    *,
    prepare: Callable[[Unit], dict | None],
    will_run: bool,
    on_success: Callable[[Unit, dict, Message, dict], None],
    on_failure: Callable[[Unit, dict, str], None],
) -> str:
    """Run the action the message asks for, once, and do the pattern's follow-up in the same transaction.

    `prepare` returns the data the action needs, or None when the step must wait (a join in
    choreography). Simulated latency is slept before the transaction, so no lock is held meanwhile.
    """
    run_id = message.run_id
    step = graph_step(message.run.graph, message.step_id)
    policy = step["policy"]
    service = step["service"]
    received_at = timezone.now()
    will_run = will_run and message.run.status == RunStatus.RUNNING
    started_early = False
    low, high = policy["latency_ms"]
    if will_run and high > 0:
        # Commit "started" first so that open timelines show the step running while it sleeps.
        with unit_of_work(run_id) as unit:
            pending = OutboxMessage.objects.filter(pk=message.pk, processed_at__isnull=True).exists()
            if pending and unit.run.status == RunStatus.RUNNING:
                started_early = True
                # A second delivery of the same attempt (deliver twice, a resend) does not start it again.
                already = StepState.objects.filter(
                    run=unit.run, step_id=step["id"], status=StepStatus.STARTED, attempts=message.attempt
                ).exists()
                if not already:
                    message_received(unit, message, service, received_at)
                    _step_started(unit, message, step, received_at)
        if started_early:
            time.sleep(random.uniform(low, high) / 1000)
    try:
        if will_run and random.random() < policy["failure_probability"]:
            raise InjectedFailure(f"injected failure (probability {policy['failure_probability']})")
        with unit_of_work(run_id) as unit:
            if not message_claim(message):
                return "duplicate"
            if not started_early:
                message_received(unit, message, service, received_at)
            if unit.run.status != RunStatus.RUNNING:
                _message_dropped(unit, message, step)
                return "dropped"
            data = prepare(unit)
            if data is None:
                return "waiting"
            if not started_early:
                # Its state is written once, with the success below (one UPDATE instead of two).
                _step_started_record(unit, message, step, received_at)
            action = action_get(step["action"])
            event = action.handler(action.command.from_data(data))
            _step_succeeded(unit, step, event, received_at, attempt=message.attempt)
            on_success(unit, step, event, data)
        return "succeeded"
    except DatabaseError:
        raise  # infrastructure trouble, not a step failure: the job fails and the reconciler resends
    except Exception as error:  # noqa: BLE001 - any other error is the step's failure
        reason = f"{type(error).__name__}: {error}"
        return _step_failed(message, step, reason, on_failure, received_at=None if started_early else received_at)


def _step_succeeded(unit: Unit, step: dict, event: Message, started_at, *, attempt: int) -> None:
    now = timezone.now()
    step_status_set(
        unit, step["id"], StepStatus.SUCCEEDED, started_at=started_at, attempts=attempt, finished_at=now, error=""
    )
    unit.record(
        service=step["service"],
        kind="step.succeeded",
        step_id=step["id"],
        payload={
            "event": event.name(),
            "result": event.to_data(),
            "ms": round((now - started_at).total_seconds() * 1000, 1),
            # The state written above, in full: a redelivery that wins the claim may have started
            # later than the step.started record shows, and replay must rebuild the state exactly.
            "attempt": attempt,
            "started_at": started_at.isoformat(),
        },
        at=now,
    )


def _step_failed(message: OutboxMessage, step: dict, error: str, on_failure, *, received_at) -> str:
    policy = step["policy"]
    with unit_of_work(message.run_id) as unit:
        if not message_claim(message):
            return "duplicate"
        if received_at is not None:
            # The attempt's transaction was rolled back: record that it was received and started.
            message_received(unit, message, step["service"], received_at)
            _step_started(unit, message, step, received_at)
        now = timezone.now()
        if message.attempt < policy["max_attempts"] and unit.run.status == RunStatus.RUNNING:
            delay = retry_delay(policy, message.attempt)
            step_status_set(unit, step["id"], StepStatus.RETRYING, error=error)
            unit.record(
                service=step["service"],
                kind="step.retried",
                step_id=step["id"],
                payload={"attempt": message.attempt, "error": error, "retry_in_s": delay},
                at=now,
            )
            message_resend(unit, message, delay_seconds=delay, sender=step["service"])
            return "retrying"
        step_status_set(unit, step["id"], StepStatus.FAILED, finished_at=now, error=error)
        unit.record(
            service=step["service"],
            kind="step.failed",
            step_id=step["id"],
            payload={"attempt": message.attempt, "error": error},
            at=now,
        )
        if unit.run.status == RunStatus.RUNNING:
            on_failure(unit, step, error)
    return "failed"
