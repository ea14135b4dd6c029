"""Every service's RQ queue, named after the service, and what is in them.

Queues are made here rather than from django-rq's settings, so that a service declared in the browser
gets its queue at once. Jobs carry only a message id, serialized as JSON.
"""

from django.conf import settings
from redis import Redis
from rq import Queue
from rq.registry import FailedJobRegistry, ScheduledJobRegistry, StartedJobRegistry
from rq.serializers import JSONSerializer
from rq.worker_registration import WORKERS_BY_QUEUE_KEY

from .registry import service_names

JOB_TIMEOUT = 60
# Service → why its worker is no longer started again (written by the supervisor that gave it up).
GIVEN_UP_KEY = "workflowviz:workers-given-up"
_state: dict = {"connection": None, "url": None, "queues": {}}


def redis_connection() -> Redis:
    """One connection pool per process (re-made if the settings' REDIS_URL changed, as tests do)."""
    if _state["connection"] is None or _state["url"] != settings.REDIS_URL:
        _state.update(connection=Redis.from_url(settings.REDIS_URL), url=settings.REDIS_URL, queues={})
    return _state["connection"]


def service_queue(name: str) -> Queue:
    connection = redis_connection()
    queue = _state["queues"].get(name)
    if queue is None:
        queue = _state["queues"][name] = Queue(
            name, connection=connection, serializer=JSONSerializer, default_timeout=JOB_TIMEOUT
        )
    return queue


def worker_given_up_set(*, service: str, reason: str) -> None:
    redis_connection().hset(GIVEN_UP_KEY, service, reason)


def worker_given_up_clear(*, service: str) -> None:
    redis_connection().hdel(GIVEN_UP_KEY, service)


def queues_health(names: list[str] | None = None) -> list[dict]:
    """Per service queue: jobs waiting, in flight (RQ's started registry), failed, scheduled, workers, and
    why its worker was given up (None while it is not).

    One Redis round trip, and no registry clean-up: reading must not change what it reads.
    Raises redis.exceptions.RedisError when Redis does not answer.
    """
    queues = [service_queue(name) for name in (names if names is not None else service_names())]
    if not queues:
        return []
    with redis_connection().pipeline(transaction=False) as pipe:
        for queue in queues:
            pipe.llen(queue.key)
            pipe.zcard(StartedJobRegistry(queue=queue).key)
            pipe.zcard(FailedJobRegistry(queue=queue).key)
            pipe.zcard(ScheduledJobRegistry(queue=queue).key)
            pipe.scard(WORKERS_BY_QUEUE_KEY % queue.name)
            pipe.hget(GIVEN_UP_KEY, queue.name)
        counts = pipe.execute()
    health = []
    for index, queue in enumerate(queues):
        queued, started, failed, scheduled, workers, given_up = counts[index * 6 : index * 6 + 6]
        health.append(
            {
                "service": queue.name,
                "queued": queued,
                "started": started,
                "failed": failed,
                "scheduled": scheduled,
                "workers": workers,
                "given_up": given_up.decode() if given_up else None,
            }
        )
    return health
