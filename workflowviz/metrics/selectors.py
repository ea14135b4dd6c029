"""Everything the metrics page shows for one window, read with a few cheap queries."""

from django.utils import timezone

from workflowviz.engine.models import EventRecord, Pattern, Run, StepState
from workflowviz.engine.registry import service_names

from .per_pattern import pattern_metrics, throughput_series
from .per_step import COUNTED_KINDS, service_metrics, step_metrics
from .queues import queue_series
from .rollup_read import rollup_figures, rollup_totals, rollups_serve
from .rows import EVENT_COLUMNS, RUN_COLUMNS, STEP_COLUMNS, EventRow, RunRow, StepRow
from .windows import Window


def metrics_get(*, window_seconds: int, pattern: str | None = None, workflow: str | None = None, now=None) -> dict:
    """Run, step, service and queue metrics over the runs started in the last `window_seconds`.

    The window selects runs by when they started, so every figure is about the same runs. Queue samples
    belong to no run: they are the queues' state during the window, whatever the filters. Windows over
    20 min read the rollups kept as runs end (rollup_read.py); shorter ones read the records.
    """
    window = Window(end=now or timezone.now(), seconds=window_seconds)
    patterns = [pattern] if pattern else list(Pattern.values)
    services = service_names()
    if rollups_serve(window):
        totals, workflows = rollup_totals(window, pattern=pattern, workflow=workflow)
        figures = rollup_figures(totals, patterns=patterns, services=services, window=window)
    else:
        workflows = workflows_in(window)
        figures = records_figures(
            window=window, pattern=pattern, workflow=workflow, patterns=patterns, services=services
        )
    return {
        "window": window.to_json(),
        "filters": {"pattern": pattern, "workflow": workflow},
        "workflows": workflows,
        "runs": figures["runs"],
        "patterns": figures["patterns"],
        "throughput": figures["throughput"],
        "steps": figures["steps"],
        "services": figures["services"],
        "queues": queue_series(window=window, services=services),
        "generated_at": timezone.now().isoformat(),
    }


def records_figures(*, window: Window, pattern, workflow, patterns: list[str], services: list[str]) -> dict:
    """The figures computed from every run, step and event record of the window (short windows)."""
    runs, steps, events = rows_read(window=window, pattern=pattern, workflow=workflow)
    return {
        "runs": len(runs),
        "patterns": pattern_metrics(runs=runs, steps=steps, patterns=patterns, window=window),
        "throughput": throughput_series(runs=runs, steps=steps, patterns=patterns, window=window),
        "steps": step_metrics(steps=steps, events=events, patterns=patterns),
        "services": service_metrics(steps=steps, events=events, services=services),
    }


def rows_read(
    *, window: Window, pattern: str | None, workflow: str | None
) -> tuple[list[RunRow], list[StepRow], list[EventRow]]:
    """The runs started in the window, their step states and their counted event records: three queries."""
    # Runs are found through Run.created_at (indexed); steps and events through their run.
    runs_in_window = {"created_at__gte": window.start, "created_at__lte": window.end}
    if pattern:
        runs_in_window["pattern"] = pattern
    if workflow:
        runs_in_window["design_slug"] = workflow
    through_run = {f"run__{name}": value for name, value in runs_in_window.items()}

    started = {}  # run id → (pattern, created_at): steps and events take them from here, not from a join
    runs = []
    for run_id, *row in Run.objects.filter(**runs_in_window).order_by().values_list(*RUN_COLUMNS):
        run = RunRow(*row)
        runs.append(run)
        started[run_id] = (run.pattern, run.created_at)
    # End steps are no service's work: they have no queue wait or execution to measure.
    states = StepState.objects.filter(**through_run).exclude(service="")
    steps = [
        StepRow(started[run_id][0], run_id, started[run_id][1], *row)
        for run_id, *row in states.order_by().values_list(*STEP_COLUMNS)
        if run_id in started  # a run committed between the two reads is left for the next refresh
    ]
    events = [
        EventRow(started[row[0]][0], *row)
        for row in EventRecord.objects.filter(**through_run, kind__in=list(COUNTED_KINDS))
        .order_by()
        .values_list(*EVENT_COLUMNS)
        if row[0] in started
    ]
    return runs, steps, events


def workflows_in(window: Window) -> list[str]:
    """The designs that have runs in the window (the page's workflow filter offers these)."""
    return sorted(
        Run.objects.filter(created_at__gte=window.start, created_at__lte=window.end)
        .order_by()
        .values_list("design_slug", flat=True)
        .distinct()
    )
