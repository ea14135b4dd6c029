"""Sends committed outbox messages to their service's RQ queue: one job per message, holding its id."""

import logging
from collections import defaultdict

from django.utils import timezone
from redis.exceptions import RedisError

from .faults import deliver_twice_take
from .models import OutboxMessage
from .queues import redis_connection, service_queue

logger = logging.getLogger("workflowviz.relay")

DELIVER = "workflowviz.engine.delivery.deliver"
# Finished jobs are only kept briefly: the outbox row, not Redis, is the record of what happened.
RESULT_TTL = 60
FAILURE_TTL = 24 * 3600


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
        return enqueue_ids(by_queue)
    except Exception as error:  # noqa: BLE001 - never fail the caller after its commit
        level = logging.WARNING if isinstance(error, RedisError) else logging.ERROR
        logger.log(level, "relay: enqueue failed (%s); the reconciler will send these again", error)
        return 0


def enqueue_ids(ids_by_queue: dict[str, list[str]]) -> int:
    connection = redis_connection()
    with connection.pipeline() as pipe:
        for name, ids in ids_by_queue.items():
            queue = service_queue(name)
            job_ids = [(message_id, message_id) for message_id in ids]
            # The "deliver twice" fault: the same message a second time, under another job id.
            twice = deliver_twice_take(connection, name, len(ids))
            job_ids += [(message_id, f"{message_id}-twice") for message_id in ids[:twice]]
            jobs = [
                queue.prepare_data(
                    DELIVER, args=[message_id], job_id=job_id, result_ttl=RESULT_TTL, failure_ttl=FAILURE_TTL
                )
                for message_id, job_id in job_ids
            ]
            queue.enqueue_many(jobs, pipeline=pipe)
        pipe.execute()
    return sum(len(ids) for ids in ids_by_queue.values())
