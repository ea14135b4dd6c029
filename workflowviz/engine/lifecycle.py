"""Ending runs: succeeded once every step has, or failed for a reason."""

from django.utils import timezone

from .models import FINAL_RUN_STATUSES, Pattern, Run, RunStatus, StepState, StepStatus
from .signals import run_finished
from .unit import Unit

# The service that starts every run (it places the order) and, in orchestration, hosts the coordinator.
STARTER_SERVICE = "orders"


def run_finish_if_done(unit: Unit) -> bool:
    """Mark the run succeeded once every step has succeeded."""
    if StepState.objects.filter(run=unit.run).exclude(status=StepStatus.SUCCEEDED).exists():
        return False
    run_finish(unit, RunStatus.SUCCEEDED)
    return True


def run_finish(unit: Unit, status: str, *, reason: str = "") -> None:
    run = unit.run
    if run.status in FINAL_RUN_STATUSES:
        return
    run.status = status
    run.finished_at = timezone.now()
    unit.run_changed("status", "finished_at")
    elapsed_ms = (run.finished_at - run.created_at).total_seconds() * 1000
    # In choreography nobody owns the run: the engine observes that it ended.
    service = STARTER_SERVICE if run.pattern == Pattern.ORCHESTRATION else "engine"
    unit.record(
        service=service,
        kind=f"run.{status}",
        payload={"elapsed_ms": round(elapsed_ms, 1), "reason": reason},
        at=run.finished_at,
    )
    run_finished.send(sender=Run, run=run, status=status)
