"""Per step and per service: wait in queue, execution, and how often steps failed, retried, timed out
or were compensated."""

from collections import Counter, defaultdict
from statistics import median

from workflowviz.engine.models import StepStatus
from workflowviz.stats import percentiles

from .rows import EventRow, StepRow, ms_between

# Event kinds counted per step; everything else is read from the step-state columns.
COUNTED_KINDS = {"step.retried": "retries", "step.timed_out": "timeouts", "step.compensated": "compensations"}


def _event_counts(steps: list[StepRow], events: list[EventRow]) -> dict[tuple, Counter]:
    """(pattern, step_id, service) → {"retries": n, "timeouts": n, "compensations": n}.

    An orchestration timeout is recorded by Orders (the coordinator) but it is the step's service that
    did not answer, so each event is counted against the service of its step.
    """
    owner = {(row.run_id, row.step_id): row.service for row in steps}
    counts: dict[tuple, Counter] = defaultdict(Counter)
    for event in events:
        name = COUNTED_KINDS.get(event.kind)
        if name:
            service = owner.get((event.run_id, event.step_id), event.service)
            counts[(event.pattern, event.step_id, service)][name] += 1
    return counts


def _summary(rows: list[StepRow], counts: Counter) -> dict:
    return {
        "steps": len(rows),
        "finished": sum(1 for row in rows if row.finished_at is not None),
        "failed": sum(1 for row in rows if row.status == StepStatus.FAILED),
        "retries": counts["retries"],
        "timeouts": counts["timeouts"],
        "compensations": counts["compensations"],
        "wait_ms": percentiles(_present(ms_between(row.queued_at, row.started_at) for row in rows)),
        "execution_ms": percentiles(_present(ms_between(row.started_at, row.finished_at) for row in rows)),
    }


def _present(values) -> list[float]:
    return [value for value in values if value is not None]


def _position(rows: list[StepRow]) -> float:
    """Where the step usually sits in its run (median seconds from run start to queued): the graph's order."""
    offsets = _present(ms_between(row.run_created_at, row.queued_at) for row in rows)
    return median(offsets) if offsets else float("inf")


def step_metrics(*, steps: list[StepRow], events: list[EventRow], patterns: list[str]) -> list[dict]:
    """One entry per (pattern, step, service), in pattern order then in the order steps usually run."""
    groups: dict[tuple, list[StepRow]] = defaultdict(list)
    for row in steps:
        groups[(row.pattern, row.step_id, row.service)].append(row)
    counts = _event_counts(steps, events)
    for key in counts:
        groups.setdefault(key, [])  # a step that only has events (its state row is gone or never made)
    rank = {pattern: index for index, pattern in enumerate(patterns)}
    ordered = sorted(groups, key=lambda key: (rank.get(key[0], len(rank)), _position(groups[key]), key[1]))
    entries = []
    for key in ordered:
        pattern, step_id, service = key
        entries.append(
            {"pattern": pattern, "step_id": step_id, "service": service, **_summary(groups[key], counts[key])}
        )
    return entries


def service_metrics(*, steps: list[StepRow], events: list[EventRow], services: list[str]) -> list[dict]:
    """One entry per service (every known queue, then any other service seen), over all its steps."""
    by_service: dict[str, list[StepRow]] = defaultdict(list)
    for row in steps:
        by_service[row.service].append(row)
    totals: dict[str, Counter] = defaultdict(Counter)
    for (_, _, service), counter in _event_counts(steps, events).items():
        totals[service].update(counter)
    names = list(dict.fromkeys([*services, *sorted(by_service), *sorted(totals)]))
    return [{"service": name, **_summary(by_service[name], totals[name])} for name in names]
