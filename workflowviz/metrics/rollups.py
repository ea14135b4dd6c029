"""Rollups: the metrics of ended runs, counted once when each run ends, so that a long window reads a few
thousand counters instead of every run, step and event record it holds.

A run's counters are computed from its own records (run, step states, counted event records) by
`run_counters`, the one function the three ways in use: the engine's run-ended hook (incremental, in the
transaction that ends the run), `rollups_rebuild` (from the records, for existing or seeded data) and the
metrics page's reading of runs the rollups do not hold (still running, or at the window's partial edges).

Counters are keyed by the minute and the hour the run *started*, because the page's window selects runs by
when they started; a run that ends in a later minute or hour is still counted in its start's bucket, and
`at` keeps the minute (hour) it finished in for the throughput chart.

Latencies are kept as histograms with buckets growing by 10 %: a value v ≥ 1 ms falls in bucket
k = floor(log(v) / log(1.1)) and is read back as 1.1^(k + 0.5), so a percentile read from the summed
histogram is within ±5 % of the value computed from the records (±0.5 ms below 1 ms); the largest value is
kept exactly (µs).
"""

import math
from collections import defaultdict
from collections.abc import Iterable
from datetime import datetime
from typing import NamedTuple

from django.db import connection, transaction
from django.db.models import Q

from workflowviz.engine.models import FINAL_RUN_STATUSES, EventRecord, Run, StepState, StepStatus

from .models import Rollup
from .per_step import COUNTED_KINDS
from .rows import ms_between

SPANS = (60, 3600)
RATIO = 1.1
LOG_RATIO = math.log(RATIO)
BELOW_ONE_MS = -1  # the bucket of values under 1 ms, read back as 0.5 ms
MEASURES = ("latency", "wait", "execution", "position")
MAX = "max"
THROUGHPUT_NAMES = ("runs", "runs_finished", "steps_finished")
KEY = ("span", "start", "pattern", "workflow", "step_id", "service", "name", "at")


class RunFacts(NamedTuple):
    pattern: str
    workflow: str
    status: str
    created_at: datetime
    finished_at: datetime | None


class StepFacts(NamedTuple):
    step_id: str
    service: str
    status: str
    queued_at: datetime | None
    started_at: datetime | None
    finished_at: datetime | None


class EventFacts(NamedTuple):
    step_id: str
    service: str
    kind: str


RUN_FIELDS = ("id", "pattern", "design_slug", "status", "created_at", "finished_at")
STEP_FIELDS = ("run_id", *StepFacts._fields)
EVENT_FIELDS = ("run_id", *EventFacts._fields)


def bucket_of(ms: float) -> int:
    if ms < 1:
        return BELOW_ONE_MS
    return math.floor(math.log(ms) / LOG_RATIO)


def bucket_value(bucket: int) -> float:
    """The value a histogram bucket stands for (its geometric middle)."""
    if bucket == BELOW_ONE_MS:
        return 0.5
    return RATIO ** (bucket + 0.5)


def floor_to(moment: datetime, span: int) -> int:
    return int(moment.timestamp()) // span * span


def run_counters(run: RunFacts, steps: Iterable[StepFacts], events: Iterable[EventFacts], *, spans=SPANS) -> dict:
    """{(span, start, pattern, workflow, step_id, service, name, at): n} for one run, from its records.

    The same figures the record-reading metrics compute: end steps (no service) are no service's work;
    an event is counted against the service of its step (the coordinator records a timeout, the step's
    service is the one that did not answer).
    """
    counters: dict[tuple, int] = defaultdict(int)
    steps = [step for step in steps if step.service]
    for span in spans:
        start = floor_to(run.created_at, span)

        def add(name, n=1, *, step_id="", service="", at=0, span=span, start=start):
            key = (span, start, run.pattern, run.workflow, step_id, service, name, at)
            if name.endswith(":" + MAX):
                counters[key] = max(counters[key], n)
            else:
                counters[key] += n

        def measure(measure_name, ms, **where):
            if ms is not None:
                add(f"{measure_name}:{bucket_of(ms)}", **where)
                add(f"{measure_name}:{MAX}", round(ms * 1000), **where)

        add("runs")
        add(f"status:{run.status}")
        if run.finished_at is not None:
            add("runs_finished", at=floor_to(run.finished_at, span))
            measure("latency", ms_between(run.created_at, run.finished_at))
        for step in steps:
            where = {"step_id": step.step_id, "service": step.service}
            add("steps", **where)
            if step.finished_at is not None:
                add("finished", **where)
                add("steps_finished", at=floor_to(step.finished_at, span))
            if step.status == StepStatus.FAILED:
                add("failed", **where)
            measure("wait", ms_between(step.queued_at, step.started_at), **where)
            measure("execution", ms_between(step.started_at, step.finished_at), **where)
            measure("position", ms_between(run.created_at, step.queued_at), **where)
        owner = {step.step_id: step.service for step in steps}
        for event in events:
            name = COUNTED_KINDS.get(event.kind)
            if name:
                add(name, step_id=event.step_id, service=owner.get(event.step_id, event.service))
    return counters


def counters_merge(into: dict, more: dict) -> dict:
    for key, n in more.items():
        if key[6].endswith(":" + MAX):
            into[key] = max(into.get(key, 0), n)
        else:
            into[key] = into.get(key, 0) + n
    return into


def counters_of_runs(run_rows: list[tuple], *, spans=SPANS) -> dict:
    """The counters of runs given as RUN_FIELDS tuples: two more queries (their step states and counted
    event records), whatever their number (ids are sent in chunks)."""
    by_id = {row[0]: RunFacts(*row[1:]) for row in run_rows}
    steps: dict = defaultdict(list)
    events: dict = defaultdict(list)
    ids = list(by_id)
    for first in range(0, len(ids), CHUNK):
        chunk = ids[first : first + CHUNK]
        for run_id, *row in StepState.objects.filter(run_id__in=chunk).order_by().values_list(*STEP_FIELDS):
            steps[run_id].append(StepFacts(*row))
        counted = EventRecord.objects.filter(run_id__in=chunk, kind__in=list(COUNTED_KINDS))
        for run_id, *row in counted.order_by().values_list(*EVENT_FIELDS):
            events[run_id].append(EventFacts(*row))
    counters: dict = {}
    for run_id, run in by_id.items():
        counters_merge(counters, run_counters(run, steps[run_id], events[run_id], spans=spans))
    return counters


CHUNK = 2000
UPSERT_ROWS = 500  # 9 parameters a row: well under SQLite's 32,766


def counters_save(counters: dict) -> None:
    """Add the counters to the rollups (a largest value is kept if larger): INSERT … ON CONFLICT DO UPDATE,
    one statement per 500 counters, on SQLite and PostgreSQL alike."""
    if not counters:
        return
    table = connection.ops.quote_name(Rollup._meta.db_table)
    greatest = "GREATEST" if connection.vendor == "postgresql" else "MAX"
    columns = ", ".join(connection.ops.quote_name(name) for name in (*KEY, "n"))
    conflict = ", ".join(connection.ops.quote_name(name) for name in KEY)
    items = list(counters.items())
    with connection.cursor() as cursor:
        for first in range(0, len(items), UPSERT_ROWS):
            chunk = items[first : first + UPSERT_ROWS]
            values = ", ".join(["(%s, %s, %s, %s, %s, %s, %s, %s, %s)"] * len(chunk))
            cursor.execute(
                f"INSERT INTO {table} ({columns}) VALUES {values} ON CONFLICT ({conflict}) DO UPDATE SET n = "
                f"CASE WHEN {table}.name LIKE %s THEN {greatest}({table}.n, excluded.n) "
                f"ELSE {table}.n + excluded.n END",
                [value for key, n in chunk for value in (*key, n)] + [f"%:{MAX}"],
            )


def rollup_run_ended(run: Run) -> None:
    """The engine's run-ended hook: count the run that just ended (inside its transaction)."""
    row = (run.id, run.pattern, run.design_slug, run.status, run.created_at, run.finished_at)
    counters_save(counters_of_runs([row]))


def rollups_add(runs) -> int:
    """Count ended runs into the rollups (a queryset or ids of Run; runs still going are left out, they
    are counted when they end). For data written behind the engine's back, e.g. seeded history: call it
    once per batch of new runs, not twice for the same run. How many runs were counted."""
    queryset = runs if hasattr(runs, "values_list") else Run.objects.filter(id__in=list(runs))
    rows = list(queryset.filter(status__in=FINAL_RUN_STATUSES).order_by().values_list(*RUN_FIELDS))
    counters_save(counters_of_runs(rows))
    return len(rows)


def rollups_rebuild(*, batch: int = 5000, progress=None) -> int:
    """Throw the rollups away and count every ended run again from the records; how many runs."""
    done = 0
    with transaction.atomic():
        Rollup.objects.all().delete()
        ended = Run.objects.filter(status__in=FINAL_RUN_STATUSES).order_by("created_at", "id")
        page = ended
        while rows := list(page.values_list(*RUN_FIELDS)[:batch]):
            counters_save(counters_of_runs(rows))
            done += len(rows)
            last_id, last_created = rows[-1][0], rows[-1][4]  # keyset: on after the last run counted
            page = ended.filter(Q(created_at__gt=last_created) | Q(created_at=last_created, id__gt=last_id))
            if progress:
                progress(done)
    return done
