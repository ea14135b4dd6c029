"""The metrics of a long window read from the rollups, plus the few runs they do not hold.

Whole minutes (and, for a window charted by the hour, whole hours) inside the window come from the
rollups of ended runs; the runs started in the window's partial first and last minute, and the runs still
going, are read from their records and counted by the same `run_counters`. So every figure is the one the
records give, except percentiles, read from summed histograms (±5 %, see rollups.py).
"""

import math
from collections import defaultdict
from datetime import timedelta

from django.db.models import Max, Q, Sum

from workflowviz.engine.models import FINAL_RUN_STATUSES, Run, RunStatus

from .models import WIDTH, Rollup
from .rollups import (
    COUNT_COLUMN,
    COUNTS,
    MAX,
    MAX_COLUMNS,
    RUN_FIELDS,
    THROUGHPUT_NAMES,
    bucket_value,
    counters_of_runs,
    name_of,
)
from .windows import Window, from_epoch

EVENT_NAMES = ("retries", "timeouts", "compensations")
STILL_GOING = [status for status in RunStatus.values if status not in FINAL_RUN_STATUSES]
RUN_WIDE = ""


def rollups_serve(window: Window) -> bool:
    """Whether the window is read from the rollups: when its throughput chart has buckets of whole minutes
    (windows over 20 min). Shorter windows hold few runs and chart them by the second, from the records."""
    return window.throughput_step % 60 == 0


def _edges(window: Window) -> tuple[int, int, int, int]:
    """(m0, m1, h0, h1): the whole minutes [m0, m1) inside the window, and the whole hours [h0, h1) inside
    those that are read as hours (h0 == h1: none)."""
    start, end = window.start.timestamp(), window.end.timestamp()
    m0 = math.ceil(start / 60) * 60
    m1 = max(m0, math.floor(end / 60) * 60)
    h0, h1 = m1, m1
    if window.throughput_step % 3600 == 0:
        h0, h1 = math.ceil(m0 / 3600) * 3600, math.floor(m1 / 3600) * 3600
        if h1 <= h0:
            h0, h1 = m1, m1
    return m0, m1, h0, h1


def _rollup_rows(m0: int, m1: int, h0: int, h1: int) -> Q:
    return (
        Q(span=3600, start__gte=h0, start__lt=h1)
        | Q(span=60, start__gte=m0, start__lt=min(h0, m1))
        | Q(span=60, start__gte=max(h1, m0), start__lt=m1)
    )


def _record_runs(window: Window, m0: int, m1: int) -> Q:
    """Runs the rollups do not hold: started in a partial minute at either edge, or not ended yet."""
    first, last = from_epoch(m0), from_epoch(m1)
    return (
        Q(created_at__gte=window.start, created_at__lt=first)
        | Q(created_at__gte=last, created_at__lte=window.end)
        | Q(created_at__gte=first, created_at__lt=last, status__in=STILL_GOING)
    )


class Totals:
    """Counters summed over the window: by (pattern, step_id, service, name), and per throughput bucket."""

    def __init__(self, step: int, first: int):
        self.step, self.first = step, first
        self.values: dict[tuple, int] = defaultdict(int)
        self.series: dict[tuple, int] = defaultdict(int)  # (pattern, name, bucket index) → n

    def add(self, pattern, step_id, service, name, n, *, start=0, at=0) -> None:
        key = (pattern, step_id, service, name)
        if name.endswith(":" + MAX):
            self.values[key] = max(self.values[key], n)
        else:
            self.values[key] += n
        if name in THROUGHPUT_NAMES:
            moment = start if name == "runs" else at
            self.series[(pattern, name, (moment - self.first) // self.step)] += n


def rollup_totals(window: Window, *, pattern: str | None, workflow: str | None) -> tuple[Totals, list[str]]:
    """The window's counters (rollups + runs read from their records) and the workflows with runs in it."""
    m0, m1, h0, h1 = _edges(window)
    step = window.throughput_step
    totals = Totals(step, window.bucket_starts(step)[0])
    filters = {}
    if pattern:
        filters["pattern"] = pattern
    if workflow:
        filters["workflow"] = workflow
    rows = Rollup.objects.filter(_rollup_rows(m0, m1, h0, h1), **filters).order_by()
    # Everything but the throughput lines, summed over time in the database (largest values: the largest).
    sums = {f"s{column}": Sum(f"v{column}") for column in range(WIDTH)}
    sums.update({f"m{column}": Max(f"v{column}") for column in MAX_COLUMNS})
    for row in rows.values("pattern", "step_id", "service", "measure", "group").annotate(**sums):
        counts = row["measure"] == COUNTS
        for column in range(WIDTH):
            n = row[f"m{column}"] if counts and column in MAX_COLUMNS else row[f"s{column}"]
            if n:
                name = name_of(row["measure"], row["group"], column)
                totals.values[(row["pattern"], row["step_id"], row["service"], name)] += n
    run_wide = rows.filter(measure=COUNTS, step_id=RUN_WIDE)
    lines = {name: Sum(f"v{COUNT_COLUMN[name]}") for name in THROUGHPUT_NAMES}
    for row in run_wide.values("pattern", "start", "at").annotate(**lines):
        for name in THROUGHPUT_NAMES:
            if row[name]:
                moment = row["start"] if name == "runs" else row["at"]
                totals.series[(row["pattern"], name, (moment - totals.first) // step)] += row[name]

    outside = _record_runs(window, m0, m1)
    run_filters = {"pattern": pattern} if pattern else {}
    if workflow:
        run_filters["design_slug"] = workflow
    runs = list(Run.objects.filter(outside, **run_filters).order_by().values_list(*RUN_FIELDS))
    for (_, start, run_pattern, _, step_id, service, name, at), n in counters_of_runs(runs, spans=(60,)).items():
        totals.add(run_pattern, step_id, service, name, n, start=start, at=at)

    workflows = set(
        Rollup.objects.filter(_rollup_rows(m0, m1, h0, h1), measure=COUNTS, step_id=RUN_WIDE, at=0)
        .order_by()
        .values_list("workflow", flat=True)
        .distinct()
    )
    workflows.update(Run.objects.filter(outside).order_by().values_list("design_slug", flat=True).distinct())
    return totals, sorted(workflows)


def histogram_percentiles(buckets: dict[int, int], largest_us: int, qs=(50, 95, 99)) -> dict:
    """{"n", "p50", "p95", "p99", "max"} from a histogram, by the rule of workflowviz.stats.percentile
    (linear interpolation between the ranked values), each value its bucket's middle (never above max)."""
    n = sum(buckets.values())
    result: dict = {"n": n}
    if n == 0:
        return {**result, **{f"p{q}": None for q in qs}, "max": None}
    # The same float arithmetic as the records' figures (rows.py), so that max rounds to the same 0.1 ms.
    largest = timedelta(microseconds=largest_us).total_seconds() * 1000
    ordered = sorted(buckets.items())

    def value_at(rank: int) -> float:
        seen = 0
        for bucket, count in ordered:
            seen += count
            if rank < seen:
                return min(bucket_value(bucket), largest)
        return largest

    for q in qs:
        position = (n - 1) * q / 100
        low = int(position)
        high = min(low + 1, n - 1)
        low_value, high_value = value_at(low), value_at(high)
        result[f"p{q}"] = round(low_value + (high_value - low_value) * (position - low), 1)
    result["max"] = round(largest, 1)
    return result


class Grouped:
    """The totals by (pattern, step_id, service): {name: n} each."""

    def __init__(self, totals: Totals):
        self.groups: dict[tuple, dict[str, int]] = defaultdict(dict)
        for (pattern, step_id, service, name), n in totals.values.items():
            self.groups[(pattern, step_id, service)][name] = n

    def names(self, keys) -> dict[str, int]:
        """The counters of several groups summed (largest values: the largest)."""
        merged: dict[str, int] = defaultdict(int)
        for key in keys:
            for name, n in self.groups.get(key, {}).items():
                merged[name] = max(merged[name], n) if name.endswith(":" + MAX) else merged[name] + n
        return merged


def measure_percentiles(names: dict[str, int], measure: str) -> dict:
    prefix = measure + ":"
    buckets = {
        int(name[len(prefix) :]): n
        for name, n in names.items()
        if name.startswith(prefix) and not name.endswith(":" + MAX)
    }
    return histogram_percentiles(buckets, names.get(prefix + MAX, 0))


def position_mean(names: dict[str, int]) -> float:
    """Where the step sits in its runs (mean ms from run start to queued): the order of the steps' list."""
    n = names.get("position:n", 0)
    return names.get("position:sum", 0) / n if n else float("inf")


def _summary(names: dict[str, int]) -> dict:
    return {
        "steps": names.get("steps", 0),
        "finished": names.get("finished", 0),
        "failed": names.get("failed", 0),
        "retries": names.get("retries", 0),
        "timeouts": names.get("timeouts", 0),
        "compensations": names.get("compensations", 0),
        "wait_ms": measure_percentiles(names, "wait"),
        "execution_ms": measure_percentiles(names, "execution"),
    }


def rollup_figures(totals: Totals, *, patterns: list[str], services: list[str], window: Window) -> dict:
    """The "runs", "patterns", "throughput", "steps" and "services" parts of GET /api/metrics."""
    grouped = Grouped(totals)
    summaries = []
    for pattern in patterns:
        run_wide = grouped.names([(pattern, RUN_WIDE, RUN_WIDE)])
        steps_finished = run_wide.get("steps_finished", 0)
        runs_finished = run_wide.get("runs_finished", 0)
        summaries.append(
            {
                "pattern": pattern,
                "runs_started": run_wide.get("runs", 0),
                "runs_finished": runs_finished,
                "outcomes": {status: run_wide.get(f"status:{status}", 0) for status in RunStatus.values},
                "latency_ms": measure_percentiles(run_wide, "latency"),
                "steps_finished": steps_finished,
                "runs_per_s": round(runs_finished / window.seconds, 4),
                "steps_per_s": round(steps_finished / window.seconds, 4),
            }
        )

    step_keys = [key for key in grouped.groups if key[1] != RUN_WIDE]
    rank = {pattern: index for index, pattern in enumerate(patterns)}
    step_keys.sort(key=lambda key: (rank.get(key[0], len(rank)), position_mean(grouped.names([key])), key[1]))
    steps = [
        {"pattern": key[0], "step_id": key[1], "service": key[2], **_summary(grouped.names([key]))} for key in step_keys
    ]

    with_steps = sorted({key[2] for key in step_keys if grouped.groups[key].get("steps")})
    with_events = sorted({key[2] for key in step_keys if any(grouped.groups[key].get(name) for name in EVENT_NAMES)})
    names = list(dict.fromkeys([*services, *with_steps, *with_events]))
    by_service = defaultdict(list)
    for key in step_keys:
        by_service[key[2]].append(key)
    service_rows = [{"service": name, **_summary(grouped.names(by_service[name]))} for name in names]

    step = window.throughput_step
    starts = window.bucket_starts(step)
    lines = {"runs_started": "runs", "runs_finished": "runs_finished", "steps_finished": "steps_finished"}
    series = [
        {
            "pattern": pattern,
            **{
                line: [totals.series.get((pattern, name, index), 0) for index in range(len(starts))]
                for line, name in lines.items()
            },
        }
        for pattern in patterns
    ]
    return {
        "runs": sum(summary["runs_started"] for summary in summaries),
        "patterns": summaries,
        "throughput": {
            "bucket_seconds": step,
            "times": [from_epoch(start).isoformat() for start in starts],
            "series": series,
        },
        "steps": steps,
        "services": service_rows,
    }
