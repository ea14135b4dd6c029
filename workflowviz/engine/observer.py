"""The observer: what follows a run's progress for the screens and ends it, without taking part in it.

A running run has succeeded once nothing of it is in flight any more (no message waits to be acted on),
with the result of the end it reached, if any; the steps that never ran (branches not taken, joins that
could not fire) are marked skipped. A run being undone ends when its compensations are done. In
orchestration the coordinator ends its runs itself by the same rule; in choreography nobody owns the
run, so the observer does, on the "engine" lane.
"""

from django.utils import timezone

from .design import Step, graph_of
from .models import Run, StepState
from .outbox import Unit
from .signals import run_finished
from .vocabulary import FINAL_RUN_STATUSES, Lane, Pattern, RecordKind, RunStatus, StepStatus

OBSERVER = Lane.OBSERVER
STILL_OPEN = (StepStatus.PENDING, StepStatus.QUEUED, StepStatus.STARTED, StepStatus.RETRYING)


def run_lane(run: Run) -> str:
    """Who records the end of the run: the coordinator's service, or the observer in choreography."""
    return graph_of(run).coordinator if run.pattern == Pattern.ORCHESTRATION else OBSERVER


def run_finish_if_quiet(unit: Unit) -> bool:
    """A running run succeeded if none of its messages is in flight any more (this unit's new ones included)."""
    if unit.run.status != RunStatus.RUNNING or unit.in_flight():
        return False
    steps_skip_open(unit)
    run_finish(unit, RunStatus.SUCCEEDED)
    return True


def steps_skip_open(unit: Unit) -> None:
    """Steps still open when a run that succeeded goes quiet never ran: their branch was not taken."""
    now = timezone.now()
    for step_id in StepState.objects.filter(run=unit.run, status__in=STILL_OPEN).values_list("step_id", flat=True):
        unit.record(
            service=run_lane(unit.run),
            kind=RecordKind.STEP_SKIPPED,
            step_id=step_id,
            payload={"reason": "its branch was not taken"},
            at=now,
        )
    StepState.objects.filter(run=unit.run, status__in=STILL_OPEN).update(status=StepStatus.SKIPPED)


def end_reach(unit: Unit, step: Step, *, lane: str, visit: int = 1) -> None:
    """A branch reached one of the design's ends: the run's result is its word."""
    now = timezone.now()  # one instant for the state and its record, so that replay rebuilds it exactly
    StepState.objects.filter(run=unit.run, step_id=step.id).update(
        status=StepStatus.SUCCEEDED, finished_at=now, visits=visit
    )
    results = [part for part in unit.run.result.split(" · ") if part]
    if step.end and step.end not in results:
        results.append(step.end)
    unit.run.result = " · ".join(results)[:120]
    unit.run_changed("result")
    payload = {"result": step.end or ""}
    if visit != 1:
        payload["visit"] = visit
    unit.record(service=lane, kind=RecordKind.END_REACHED, step_id=step.id, payload=payload, at=now)


def run_finish(unit: Unit, status: str, *, reason: str = "") -> None:
    run = unit.run
    if run.status in FINAL_RUN_STATUSES:
        return
    run.status = status
    run.finished_at = timezone.now()
    unit.ended = True
    elapsed_ms = (run.finished_at - run.created_at).total_seconds() * 1000
    run.duration_ms = max(0, round(elapsed_ms))
    unit.run_changed("status", "finished_at", "duration_ms")
    payload = {"elapsed_ms": round(elapsed_ms, 1), "reason": reason}
    if run.result:
        payload["result"] = run.result
    unit.record(service=run_lane(run), kind=RecordKind.run_final(status), payload=payload, at=run.finished_at)
    run_finished.send(sender=Run, run=run, status=status)
