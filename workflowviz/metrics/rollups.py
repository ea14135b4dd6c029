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
from django.utils import timezone

from workflowviz.engine.models import FINAL_RUN_STATUSES, EventRecord, Run, RunStatus, StepState, StepStatus

from .models import WIDTH, Rollup
from .per_step import COUNTED_KINDS
from .rows import ms_between

SPANS = (60, 3600)
RATIO = 1.1
LOG_RATIO = math.log(RATIO)
BELOW_ONE_MS = -1  # the bucket of values under 1 ms, read back as 0.5 ms
MAX = "max"
LARGEST = ":" + MAX
THROUGHPUT_NAMES = ("runs", "runs_finished", "steps_finished")
KEY = ("span", "start", "pattern", "workflow", "step_id", "service", "measure", "group", "at")
COUNTS = "counts"
# The named counters of a "counts" row, by column (statuses last); the ":max" ones are kept as the largest.
COUNT_NAMES = (
    "runs",
    "runs_finished",
    "steps_finished",
    "steps",
    "finished",
    "failed",
    "retries",
    "timeouts",
    "compensations",
    "position:n",
    "position:sum",
    "latency:max",
    "wait:max",
    "execution:max",
    *(f"status:{status}" for status in RunStatus.values),
)
COUNT_COLUMN = {name: column for column, name in enumerate(COUNT_NAMES)}
MAX_COLUMNS = [column for column, name in enumerate(COUNT_NAMES) if name.endswith(":max")]
assert len(COUNT_NAMES) <= WIDTH


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


def run_facts(run: RunFacts, steps: Iterable[StepFacts], events: Iterable[EventFacts]) -> list[tuple]:
    """What one run adds, whatever the bucket: (step_id, service, name, finished epoch second or None, n).

    The same figures the record-reading metrics compute: end steps (no service) are no service's work;
    an event is counted against the service of its step (the coordinator records a timeout, the step's
    service is the one that did not answer).
    """
    facts = [("", "", "runs", None, 1), ("", "", f"status:{run.status}", None, 1)]
    add = facts.append

    def measure(step_id, service, name, ms):
        if ms is not None:
            add((step_id, service, f"{name}:{bucket_of(ms)}", None, 1))
            add((step_id, service, f"{name}:{MAX}", None, round(ms * 1000)))

    if run.finished_at is not None:
        add(("", "", "runs_finished", int(run.finished_at.timestamp()), 1))
        measure("", "", "latency", ms_between(run.created_at, run.finished_at))
    owner = {}
    for step in steps:
        if not step.service:
            continue
        step_id, service = step.step_id, step.service
        owner[step_id] = service
        add((step_id, service, "steps", None, 1))
        if step.finished_at is not None:
            add((step_id, service, "finished", None, 1))
            add(("", "", "steps_finished", int(step.finished_at.timestamp()), 1))
        if step.status == StepStatus.FAILED:
            add((step_id, service, "failed", None, 1))
        measure(step_id, service, "wait", ms_between(step.queued_at, step.started_at))
        measure(step_id, service, "execution", ms_between(step.started_at, step.finished_at))
        position = ms_between(run.created_at, step.queued_at)
        if position is not None:  # only orders the steps: a mean is enough (a histogram would cost rows)
            add((step_id, service, "position:n", None, 1))
            add((step_id, service, "position:sum", None, round(position * 1000)))
    for event in events:
        name = COUNTED_KINDS.get(event.kind)
        if name:
            add((event.step_id, owner.get(event.step_id, event.service), name, None, 1))
    return facts


def run_counters(
    run: RunFacts, steps: Iterable[StepFacts], events: Iterable[EventFacts], *, spans=SPANS, into=None
) -> dict:
    """{(span, start, pattern, workflow, step_id, service, name, at): n} for one run, from its records
    (added into `into` when given: largest values kept as the largest)."""
    counters: dict[tuple, int] = {} if into is None else into
    get = counters.get
    facts = run_facts(run, steps, events)
    created = int(run.created_at.timestamp())
    for span in spans:
        head = (span, created // span * span, run.pattern, run.workflow)
        for step_id, service, name, finished, n in facts:
            key = (*head, step_id, service, name, 0 if finished is None else finished // span * span)
            if name.endswith(LARGEST):
                counters[key] = max(get(key, 0), n)
            else:
                counters[key] = get(key, 0) + n
    return counters


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
        run_counters(run, steps[run_id], events[run_id], spans=spans, into=counters)
    return counters


CHUNK = 2000
UPSERT_ROWS = 200  # 29 parameters a row: well under SQLite's 32,766


def cell(name: str) -> tuple[str, int, int]:
    """Where a counter is kept: (measure, group, column)."""
    column = COUNT_COLUMN.get(name)
    if column is not None:
        return COUNTS, 0, column
    measure, bucket = name.split(":")
    group, column = divmod(int(bucket), WIDTH)
    return measure, group, column


def name_of(measure: str, group: int, column: int) -> str:
    if measure == COUNTS:
        return COUNT_NAMES[column]
    return f"{measure}:{group * WIDTH + column}"


def rows_of(counters: dict) -> dict[tuple, list[int]]:
    """The counters packed into rollup rows: {(span, start, pattern, workflow, step_id, service, measure,
    group, at): [v0 … v19]}."""
    rows: dict[tuple, list[int]] = {}
    for (span, start, pattern, workflow, step_id, service, name, at), n in counters.items():
        measure, group, column = cell(name)
        values = rows.setdefault((span, start, pattern, workflow, step_id, service, measure, group, at), [0] * WIDTH)
        values[column] = max(values[column], n) if name.endswith(":" + MAX) else values[column] + n
    return rows


def counters_save(counters: dict) -> None:
    """Add the counters to the rollups (a largest value is kept if larger): INSERT … ON CONFLICT DO UPDATE,
    one statement per 200 rows, on SQLite and PostgreSQL alike."""
    rows = list(rows_of(counters).items())
    if not rows:
        return
    quote = connection.ops.quote_name
    table = quote(Rollup._meta.db_table)
    greatest = "GREATEST" if connection.vendor == "postgresql" else "MAX"
    values_columns = [f"v{column}" for column in range(WIDTH)]
    columns = ", ".join(quote(name) for name in (*KEY, *values_columns))
    conflict = ", ".join(quote(name) for name in KEY)
    updates = []
    for column, name in enumerate(values_columns):
        added = f"{table}.{name} + excluded.{name}"
        if column in MAX_COLUMNS:  # in a "counts" row this column is a largest value
            largest = f"{greatest}({table}.{name}, excluded.{name})"
            added = f"CASE WHEN {table}.measure = '{COUNTS}' THEN {largest} ELSE {added} END"
        updates.append(f"{name} = {added}")
    row_marks = "(" + ", ".join(["%s"] * (len(KEY) + WIDTH)) + ")"
    with connection.cursor() as cursor:
        for first in range(0, len(rows), UPSERT_ROWS):
            chunk = rows[first : first + UPSERT_ROWS]
            cursor.execute(
                f"INSERT INTO {table} ({columns}) VALUES {', '.join([row_marks] * len(chunk))} "
                f"ON CONFLICT ({conflict}) DO UPDATE SET {', '.join(updates)}",
                [value for key, values in chunk for value in (*key, *values)],
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


KEEP_SECONDS = 25 * 3600  # the longest window is 24 h; an hour more for the hour its start falls in


def rollups_prune(*, now=None, keep_seconds: int = KEEP_SECONDS) -> int:
    """Delete the rollup rows of runs started more than `keep_seconds` ago (no window reads them); how many."""
    cutoff = int((now or timezone.now()).timestamp()) - keep_seconds
    deleted, _ = Rollup.objects.filter(span__in=SPANS, start__lt=cutoff).delete()
    return deleted
