"""Reads of runs for the API and the pages."""

from .models import Run


def step_json(step) -> dict:
    def iso(value):
        return value.isoformat() if value else None

    return {
        "step_id": step.step_id,
        "service": step.service,
        "action": step.action,
        "status": step.status,
        "attempts": step.attempts,
        "queued_at": iso(step.queued_at),
        "started_at": iso(step.started_at),
        "finished_at": iso(step.finished_at),
        "error": step.error,
    }


def run_summary_json(run: Run) -> dict:
    return {
        "run_id": str(run.id),
        "pattern": run.pattern,
        "status": run.status,
        "workflow": run.design_slug,
        "workflow_version": run.design_version,
        "order_id": run.order_id,
        "created_at": run.created_at.isoformat(),
        "finished_at": run.finished_at.isoformat() if run.finished_at else None,
    }


EVENT_FIELDS = ["run_id", "seq", "service", "kind", "step_id", "message_id", "message_type", "payload", "at"]


def _event_json(row: dict) -> dict:
    """record_json for a row read with .values(): the same JSON, without building model instances
    (five times faster for a run of 5,000 records)."""
    return {
        **row,
        "run_id": str(row["run_id"]),
        "message_id": str(row["message_id"]) if row["message_id"] else None,
        "at": row["at"].isoformat(),
    }


def run_detail_json(run: Run, *, after_seq: int = 0) -> dict:
    events = run.events.filter(seq__gt=after_seq).order_by("seq").values(*EVENT_FIELDS)
    return {
        **run_summary_json(run),
        "graph": run.graph,
        "steps": [step_json(step) for step in run.steps.order_by("id")],
        "events": [_event_json(row) for row in events],
        "last_seq": run.next_seq - 1,
    }
