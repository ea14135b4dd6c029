"""Retention: delete finished runs older than a cut-off, with everything that belongs to them, in small batches.

Both `manage.py prune_runs` and the reconciler's loop (setting `RUN_RETENTION`, once an hour) call this.
What goes with a run is what only makes sense with it: its event records, step states, join states and
outbox messages (and whatever else points at it with a cascading foreign key, such as a comparison's
entry for it). The services' business records (orders, emails, seller tasks, shipments, points, a
declared service's records) stay: they are the services' own data, kept by their own rules.

A batch is one short transaction; between batches the caller pauses, so the workers' own transactions
are never held up for long (on SQLite a batch holds the one write lock). How many runs a batch takes
follows how long the last one took (about BATCH_TARGET_SECONDS each, at most the batch size asked for),
and the pause after a batch is at least as long as the batch: 500 runs at once held SQLite's lock for
0.7 s and made the workers' step latency p95 80 times its idle value (make bench-scale).
"""

import logging
import re
import time
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from .models import FINAL_RUN_STATUSES, Run, RunStatus

logger = logging.getLogger("workflowviz.retention")

BATCH_RUNS = 500
PAUSE_SECONDS = 0.05
BATCH_TARGET_SECONDS = 0.05
FIRST_BATCH_RUNS = 50
HOURLY = 3600.0
# Runs that did not succeed, which --keep-failed (RUN_RETENTION_KEEP_FAILED) keeps.
NOT_SUCCEEDED = (RunStatus.FAILED, RunStatus.COMPENSATED)

_DURATION = re.compile(r"(\d{1,9})([smhdw])")
_UNIT_SECONDS = {"s": 1, "m": 60, "h": 3600, "d": 86400, "w": 7 * 86400}


class BadDuration(ValueError):
    """A retention period that is not a whole number followed by s, m, h, d or w."""


def duration_parse(text: str) -> timedelta:
    """ "30m", "12h", "7d" (also "45s", "2w") as a timedelta; raises BadDuration for anything else."""
    match = _DURATION.fullmatch((text or "").strip())
    if not match or int(match[1]) == 0:
        raise BadDuration(
            f"{text!r} is not a duration: a whole number above 0 followed by s, m, h, d or w (30m, 12h, 7d)."
        )
    return timedelta(seconds=int(match[1]) * _UNIT_SECONDS[match[2]])


@dataclass
class Pruned:
    """What a prune deleted: runs, and rows by model label ("engine.EventRecord": n), and how long it took."""

    runs: int = 0
    rows: dict[str, int] = field(default_factory=dict)
    batches: int = 0
    seconds: float = 0.0

    @property
    def records(self) -> int:
        return self.rows.get("engine.EventRecord", 0)

    def add(self, runs: int, rows: dict[str, int]) -> None:
        self.runs += runs
        self.batches += 1
        for label, count in rows.items():
            if label != "engine.Run":
                self.rows[label] = self.rows.get(label, 0) + count

    def details(self) -> str:
        """Rows deleted with the runs, by model: "3000 EventRecord, 400 OutboxMessage, …"."""
        return ", ".join(f"{count} {label.split('.')[-1]}" for label, count in sorted(self.rows.items()) if count)

    def summary(self) -> str:
        return (
            f"{self.runs} runs and {self.records} event records deleted in {self.seconds:.2f}s "
            f"({self.batches} batches; {self.details() or 'nothing else'})"
        )


def prunable(cutoff: datetime, *, keep_failed: bool = False):
    """The finished runs started before `cutoff` (a running or compensating run never is)."""
    runs = Run.objects.filter(status__in=FINAL_RUN_STATUSES, created_at__lt=cutoff)
    if keep_failed:
        runs = runs.exclude(status__in=NOT_SUCCEEDED)
    return runs


def prune_batch(cutoff: datetime, *, keep_failed: bool = False, batch_size: int = BATCH_RUNS) -> tuple[int, dict]:
    """Delete up to `batch_size` prunable runs (oldest first) and their rows in one transaction.

    Returns (runs deleted, rows deleted by model label)."""
    with transaction.atomic():
        ids = list(
            prunable(cutoff, keep_failed=keep_failed).order_by("created_at").values_list("pk", flat=True)[:batch_size]
        )
        if not ids:
            return 0, {}
        # The status is checked again in the delete: a run is never deleted while it runs.
        _, rows = Run.objects.filter(pk__in=ids, status__in=FINAL_RUN_STATUSES).delete()
    return rows.get("engine.Run", 0), rows


def batch_size_next(size: int, elapsed: float, *, most: int) -> int:
    """The next batch's size: as many runs as fit in BATCH_TARGET_SECONDS at the last batch's pace."""
    if elapsed <= 0:
        return most
    return max(1, min(most, int(size * BATCH_TARGET_SECONDS / elapsed)))


def runs_prune(
    older_than: timedelta,
    *,
    keep_failed: bool = False,
    batch_size: int = BATCH_RUNS,
    pause: float = PAUSE_SECONDS,
    now: datetime | None = None,
    limit: int | None = None,
    progress=None,
) -> Pruned:
    """Delete every finished run started more than `older_than` ago (at most `limit` runs), batch by batch."""
    cutoff = (now or timezone.now()) - older_than
    pruned = Pruned()
    started = time.monotonic()
    paced = min(batch_size, FIRST_BATCH_RUNS)
    while limit is None or pruned.runs < limit:
        size = paced if limit is None else min(paced, limit - pruned.runs)
        batch_started = time.monotonic()
        runs, rows = prune_batch(cutoff, keep_failed=keep_failed, batch_size=size)
        elapsed = time.monotonic() - batch_started
        if not runs:
            break
        pruned.add(runs, rows)
        if progress:
            progress(pruned)
        if runs < size:
            break
        paced = batch_size_next(size, elapsed, most=batch_size)
        time.sleep(max(pause, elapsed))  # the workers get the database at least as long as the prune had it
    pruned.seconds = time.monotonic() - started
    return pruned


class HourlyRetention:
    """The reconciler's retention: once an hour (when `RUN_RETENTION` is set) a prune starts, and it goes
    on one batch per turn of the reconciler's loop, so reconciling never waits for a long prune."""

    def __init__(self, *, clock=time.monotonic, wall_clock=timezone.now, every: float = HOURLY, batch_size=BATCH_RUNS):
        self.clock, self.wall_clock, self.every, self.batch_size = clock, wall_clock, every, batch_size
        self.paced = min(batch_size, FIRST_BATCH_RUNS)
        self.last_start: float | None = None
        self.cutoff: datetime | None = None
        self.keep_failed = False
        self.pruned = Pruned()

    def tick(self) -> int:
        """One turn of the loop: start a prune if one is due, go on with one batch; the runs deleted."""
        if self.cutoff is None:
            retention = settings.RUN_RETENTION
            now = self.clock()
            if not retention or (self.last_start is not None and now - self.last_start < self.every):
                return 0
            self.last_start = now
            self.cutoff = self.wall_clock() - duration_parse(retention)
            self.keep_failed = settings.RUN_RETENTION_KEEP_FAILED
            self.pruned = Pruned()
        size = self.paced
        started = time.monotonic()
        runs, rows = prune_batch(self.cutoff, keep_failed=self.keep_failed, batch_size=size)
        elapsed = time.monotonic() - started
        self.pruned.seconds += elapsed
        self.paced = batch_size_next(size, elapsed, most=self.batch_size)
        if runs:
            self.pruned.add(runs, rows)
        if runs < size:
            if self.pruned.runs:
                logger.info("retention (%s): %s", settings.RUN_RETENTION, self.pruned.summary())
            self.cutoff = None
        return runs
