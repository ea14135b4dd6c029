"""Per pattern: how many runs, how they ended, how long they took end to end, and throughput."""

from collections import Counter

from workflowviz.engine.models import RunStatus
from workflowviz.stats import percentiles

from .rows import RunRow, StepRow, ms_between
from .windows import Window, epoch, from_epoch


def pattern_metrics(*, runs: list[RunRow], steps: list[StepRow], patterns: list[str], window: Window) -> list[dict]:
    """One summary per pattern, over the runs started in the window (a pattern with none gets zeros)."""
    summaries = []
    for pattern in patterns:
        mine = [run for run in runs if run.pattern == pattern]
        finished = [run for run in mine if run.finished_at is not None]
        steps_finished = sum(1 for step in steps if step.pattern == pattern and step.finished_at is not None)
        outcomes = Counter(run.status for run in mine)
        summaries.append(
            {
                "pattern": pattern,
                "runs_started": len(mine),
                "runs_finished": len(finished),
                "outcomes": {status: outcomes.get(status, 0) for status in RunStatus.values},
                "latency_ms": percentiles([ms_between(run.created_at, run.finished_at) for run in finished]),
                "steps_finished": steps_finished,
                # Averages over the whole window: the series below shows when the work happened.
                "runs_per_s": round(len(finished) / window.seconds, 4),
                "steps_per_s": round(steps_finished / window.seconds, 4),
            }
        )
    return summaries


def _bucket_counts(moments, starts: list[int], step: int) -> list[int]:
    first = starts[0]
    counts = [0] * len(starts)
    for moment in moments:
        if moment is None:
            continue
        index = (int(epoch(moment)) - first) // step
        if 0 <= index < len(counts):
            counts[index] += 1
    return counts


def throughput_series(*, runs: list[RunRow], steps: list[StepRow], patterns: list[str], window: Window) -> dict:
    """Runs started, runs finished and steps finished per bucket of the window, per pattern."""
    step = window.throughput_step
    starts = window.bucket_starts(step)
    series = []
    for pattern in patterns:
        mine = [run for run in runs if run.pattern == pattern]
        series.append(
            {
                "pattern": pattern,
                "runs_started": _bucket_counts((run.created_at for run in mine), starts, step),
                "runs_finished": _bucket_counts((run.finished_at for run in mine), starts, step),
                "steps_finished": _bucket_counts(
                    (row.finished_at for row in steps if row.pattern == pattern), starts, step
                ),
            }
        )
    return {"bucket_seconds": step, "times": [from_epoch(start).isoformat() for start in starts], "series": series}
