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


class Rollup(models.Model):
    """One counter of the runs started in one minute (span 60) or hour (span 3600), kept as runs end.

    `name` says what is counted: "runs", "status:failed", "finished", "retries", … or one bucket of a
    latency histogram ("wait:37": values from 1.1^37 to 1.1^38 ms) or its largest value ("wait:max", in µs).
    `at` is the minute or hour a run or step finished, for the throughput chart's "finished" lines (else 0).
    Run-wide counters have an empty step_id and service.
    """

    span = models.PositiveIntegerField()
    start = models.BigIntegerField(help_text="Epoch seconds of the minute or hour the runs started in.")
    pattern = models.CharField(max_length=16)
    workflow = models.CharField(max_length=80)
    step_id = models.CharField(max_length=80, blank=True)
    service = models.CharField(max_length=40, blank=True)
    name = models.CharField(max_length=40)
    at = models.BigIntegerField(default=0)
    n = models.BigIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["span", "start", "pattern", "workflow", "step_id", "service", "name", "at"],
                name="one_rollup_counter",
            )
        ]

    def __str__(self):
        return f"{self.pattern} {self.workflow} {self.step_id} {self.name} @{self.start}/{self.span}: {self.n}"
