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
