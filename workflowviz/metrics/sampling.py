"""Queue samples: one look at every service queue about every SAMPLE_SECONDS, kept for KEEP_SECONDS.

The reconciler takes them (it loops anyway, and there is exactly one per system), so the page can draw
queue depth, jobs in flight and failed jobs over time, which RQ itself does not remember.
"""

import logging
import time

from django.utils import timezone
from redis.exceptions import RedisError

from workflowviz.engine.queues import queues_health

from .models import QueueSample
from .rollups import rollups_prune

logger = logging.getLogger("workflowviz.metrics")

SAMPLE_SECONDS = 2.0
KEEP_SECONDS = 24 * 3600
PRUNE_EVERY_SECONDS = 60.0


def queue_sample_take(*, now=None) -> list[QueueSample]:
    """Read every service queue (one Redis round trip) and store one sample per service.

    Raises redis.exceptions.RedisError when Redis does not answer.
    """
    now = now or timezone.now()
    second = int(now.timestamp())
    samples = [
        QueueSample(
            at=now,
            second=second,
            service=row["service"],
            queued=row["queued"],
            in_flight=row["started"],
            failed=row["failed"],
            scheduled=row["scheduled"],
            workers=row["workers"],
        )
        for row in queues_health()
    ]
    QueueSample.objects.bulk_create(samples)
    return samples


def queue_samples_prune(*, now=None, keep_seconds: int = KEEP_SECONDS) -> int:
    """Delete the samples older than `keep_seconds`; how many went."""
    cutoff = int((now or timezone.now()).timestamp()) - keep_seconds
    deleted, _ = QueueSample.objects.filter(second__lt=cutoff).delete()
    return deleted


class QueueSampler:
    """For a process that loops: `tick()` samples when SAMPLE_SECONDS have passed, and prunes once a minute
    (queue samples, and the metrics' rollups older than any window)."""

    def __init__(self, *, every: float = SAMPLE_SECONDS, prune_every: float = PRUNE_EVERY_SECONDS, clock=None):
        self.every = every
        self.prune_every = prune_every
        self.clock = clock or time.monotonic
        self.next_sample = 0.0
        self.next_prune = 0.0

    def tick(self) -> bool:
        """Take a sample if one is due; True if it did. Database errors propagate; Redis errors are logged."""
        now = self.clock()
        # A little slack: a loop that wakes every second should sample every 2 s, not every 3.
        if now < self.next_sample - 0.1 * self.every:
            return False
        self.next_sample = now + self.every
        try:
            queue_sample_take()
        except RedisError as error:
            logger.warning("metrics: no queue sample, Redis unavailable (%s)", error)
            return False
        if now >= self.next_prune:
            self.next_prune = now + self.prune_every
            queue_samples_prune()
            rollups_prune()
        return True
