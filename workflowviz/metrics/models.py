"""Queue samples: RQ keeps only the present, so the metrics page keeps a short history of its own."""

from django.db import models


class QueueSample(models.Model):
    """One look at one service queue (RQ's queue and registries), taken every couple of seconds."""

    at = models.DateTimeField()
    # `at` as whole seconds since 1970: integer division buckets samples in SQL on SQLite and PostgreSQL alike.
    second = models.BigIntegerField(db_index=True)
    service = models.CharField(max_length=40)
    queued = models.PositiveIntegerField(help_text="Jobs waiting in the queue.")
    in_flight = models.PositiveIntegerField(help_text="Jobs a worker is running (RQ's started registry).")
    failed = models.PositiveIntegerField(help_text="Jobs in RQ's failed registry.")
    scheduled = models.PositiveIntegerField(default=0, help_text="Jobs waiting for their time (retry back-off).")
    workers = models.PositiveIntegerField(help_text="Workers listening on the queue.")

    class Meta:
        ordering = ["-second", "service"]

    def __str__(self):
        return f"{self.service} at {self.at:%H:%M:%S}: {self.queued} queued"


WIDTH = 20  # value columns of a rollup row


class Rollup(models.Model):
    """Counters of the runs started in one minute (span 60) or hour (span 3600), kept as runs end.

    A row holds WIDTH counters side by side (v0 … v19), so that a day reads a few thousand rows:
    `measure` "counts" holds the named counters (runs, outcomes, steps, finished, failed, retries, …,
    the largest latencies in µs; see rollups.COUNT_NAMES); "wait", "execution" and "latency" hold 20
    buckets of a histogram each (`group` g: buckets 20g … 20g+19, bucket k counting the values from
    1.1^k to 1.1^(k+1) ms). `at` is the minute or hour a run or step finished, for the throughput chart's
    "finished" lines (else 0). Run-wide counters have an empty step_id and service.
    """

    span = models.PositiveIntegerField()
    start = models.BigIntegerField(help_text="Epoch seconds of the minute or hour the runs started in.")
    pattern = models.CharField(max_length=16)
    workflow = models.CharField(max_length=80)
    step_id = models.CharField(max_length=80, blank=True)
    service = models.CharField(max_length=40, blank=True)
    measure = models.CharField(max_length=16)
    group = models.IntegerField(default=0)
    at = models.BigIntegerField(default=0)
    v0 = models.BigIntegerField(default=0)
    v1 = models.BigIntegerField(default=0)
    v2 = models.BigIntegerField(default=0)
    v3 = models.BigIntegerField(default=0)
    v4 = models.BigIntegerField(default=0)
    v5 = models.BigIntegerField(default=0)
    v6 = models.BigIntegerField(default=0)
    v7 = models.BigIntegerField(default=0)
    v8 = models.BigIntegerField(default=0)
    v9 = models.BigIntegerField(default=0)
    v10 = models.BigIntegerField(default=0)
    v11 = models.BigIntegerField(default=0)
    v12 = models.BigIntegerField(default=0)
    v13 = models.BigIntegerField(default=0)
    v14 = models.BigIntegerField(default=0)
    v15 = models.BigIntegerField(default=0)
    v16 = models.BigIntegerField(default=0)
    v17 = models.BigIntegerField(default=0)
    v18 = models.BigIntegerField(default=0)
    v19 = models.BigIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["span", "start", "pattern", "workflow", "step_id", "service", "measure", "group", "at"],
                name="one_rollup_row",
            )
        ]

    def __str__(self):
        return f"{self.pattern} {self.workflow} {self.step_id} {self.measure}/{self.group} @{self.start}/{self.span}"
