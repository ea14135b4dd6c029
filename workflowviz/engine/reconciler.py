"""Sends again every unprocessed outbox message whose job is no longer on its way.

This is what makes delivery durable: the relay's enqueue after commit can be lost (the process
died, Redis was down or restarted empty, a worker was killed mid-step). Duplicates are harmless
because every delivery claims its message before it acts.
"""

import logging
from datetime import timedelta

from django.conf import settings
from django.db.models import F
from django.utils import timezone
from redis.exceptions import RedisError
from rq.utils import str_to_date

from .models import OutboxMessage
from .queues import redis_connection
from .relay import enqueue_ids

logger = logging.getLogger("workflowviz.reconciler")

# Job states in which RQ still has the message on its way; anything else (or no job) means lost.
ON_ITS_WAY = {b"queued", b"deferred", b"scheduled"}
MAX_RESENDS = 20


def messages_lost(now=None) -> list[OutboxMessage]:
    """Unprocessed, due messages that no queue holds any more."""
    now = now or timezone.now()
    grace = timedelta(seconds=settings.RECONCILE_GRACE_SECONDS)
    candidates = list(
        OutboxMessage.objects.filter(processed_at__isnull=True, available_at__lte=now)
        .only("id", "target_service", "created_at", "available_at", "resends")
        .order_by("available_at")[:5000]
    )
    if not candidates:
        return []
    connection = redis_connection()
    with connection.pipeline(transaction=False) as pipe:
        for message in candidates:
            pipe.hmget(f"rq:job:{message.id}", "status", "started_at")
        states = pipe.execute()
    lost = []
    started_limit = now - timedelta(seconds=settings.RECONCILE_STARTED_AFTER)
    for message, (status, started_at) in zip(candidates, states, strict=False):
        if status in ON_ITS_WAY:
            continue
        if status == b"started" and started_at and str_to_date(started_at) > started_limit:
            continue  # a worker is on it right now
        delayed = message.available_at > message.created_at + timedelta(seconds=0.5)
        if status is None and not delayed and message.available_at > now - grace:
            continue  # just committed: the relay is about to send it
        lost.append(message)
    return lost


def reconcile_once(now=None) -> int:
    """Send the lost messages again; give up on a message after MAX_RESENDS (it is left for an operator)."""
    try:
        lost = messages_lost(now)
    except RedisError as error:
        logger.warning("reconciler: Redis unavailable (%s)", error)
        return 0
    lost = [message for message in lost if message.resends < MAX_RESENDS]
    if lost:
        # A job may have finished between our database read and the Redis check: only what is
        # still unprocessed now is lost.
        still = set(
            OutboxMessage.objects.filter(pk__in=[m.pk for m in lost], processed_at__isnull=True).values_list(
                "pk", flat=True
            )
        )
        lost = [message for message in lost if message.pk in still]
    if not lost:
        return 0
    by_queue: dict[str, list[str]] = {}
    for message in lost:
        by_queue.setdefault(message.target_service, []).append(str(message.id))
    try:
        sent = enqueue_ids(by_queue)
    except RedisError as error:
        logger.warning("reconciler: enqueue failed (%s)", error)
        return 0
    OutboxMessage.objects.filter(pk__in=[message.pk for message in lost]).update(resends=F("resends") + 1)
    logger.info("reconciler: sent %d message(s) again", sent)
    return sent
