"""Sends committed outbox messages to their service's RQ queue: one job per message, holding its id."""

import logging
from collections import defaultdict

import django_rq
from django.conf import settings
from django.utils import timezone
from redis.exceptions import RedisError

from .models import OutboxMessage

logger = logging.getLogger("workflowviz.relay")

DELIVER = "workflowviz.engine.delivery.deliver"
# Finished jobs are only kept briefly: the outbox row, not Redis, is the record of what happened.
RESULT_TTL = 60
FAILURE_TTL = 24 * 3600

_queues = {}


def service_queue(name: str):
    queue = _queues.get(name)
    if queue is None:
        queue = _queues[name] = django_rq.get_queue(name)
    return queue


def messages_enqueue(messages: list[OutboxMessage]) -> int:
    """Enqueue the messages that are due, in one Redis round trip. A failure is left to the reconciler."""
    now = timezone.now()
    by_queue = defaultdict(list)
    for message in messages:
        if message.available_at <= now:
            by_queue[message.target_service].append(str(message.id))
    if not by_queue:
        return 0
    try:
        return _enqueue_ids(by_queue)
    except RedisError as error:
        logger.warning("relay: enqueue failed (%s); the reconciler will send these again", error)
        return 0


def _enqueue_ids(ids_by_queue: dict[str, list[str]]) -> int:
    first_queue = service_queue(next(iter(ids_by_queue)))
    with first_queue.connection.pipeline() as pipe:
        for name, ids in ids_by_queue.items():
            queue = service_queue(name)
            jobs = [
                queue.prepare_data(
                    DELIVER, args=[message_id], job_id=message_id, result_ttl=RESULT_TTL, failure_ttl=FAILURE_TTL
                )
                for message_id in ids
            ]
            queue.enqueue_many(jobs, pipeline=pipe)
        pipe.execute()
    return sum(len(ids) for ids in ids_by_queue.values())


def queues_all():
    return [service_queue(name) for name in settings.SERVICE_QUEUES]
