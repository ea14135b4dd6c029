"""The few columns the metrics read, as light tuples (values_list rows, never model instances)."""

from datetime import datetime
from typing import NamedTuple
from uuid import UUID


class RunRow(NamedTuple):
    pattern: str
    status: str
    created_at: datetime
    finished_at: datetime | None


class StepRow(NamedTuple):
    pattern: str
    run_id: UUID
    run_created_at: datetime
    step_id: str
    service: str
    status: str
    queued_at: datetime | None
    started_at: datetime | None
    finished_at: datetime | None


class EventRow(NamedTuple):
    pattern: str
    run_id: UUID
    step_id: str
    service: str
    kind: str


# Each query's first column is the run id; the pattern (and a step's run start) are added from the runs
# already read rather than joined into every step and event row.
RUN_COLUMNS = ("id", "pattern", "status", "created_at", "finished_at")
STEP_COLUMNS = ("run_id", "step_id", "service", "status", "queued_at", "started_at", "finished_at")
EVENT_COLUMNS = ("run_id", "step_id", "service", "kind")


def ms_between(start: datetime | None, end: datetime | None) -> float | None:
    """Milliseconds from start to end; None when either is missing (never negative: clocks of two
    processes may disagree by a hair)."""
    if start is None or end is None:
        return None
    return max(0.0, (end - start).total_seconds() * 1000)
