"""Reads for the dashboard: each service queue's health, and the status of many runs at once."""

import django_rq
from django.conf import settings
from django.urls import reverse
from django_rq.settings import get_queues_list
from rq.registry import FailedJobRegistry, ScheduledJobRegistry, StartedJobRegistry
from rq.worker_registration import WORKERS_BY_QUEUE_KEY

from workflowviz.engine.models import Run

# The admin list where each service's own records are (the ones a user checks after a run).
SERVICE_RECORDS = {
    "orders": "admin:orders_order_changelist",
    "notifications": "admin:notifications_email_changelist",
    "sellers": "admin:sellers_sellertask_changelist",
    "logistics": "admin:logistics_shipment_changelist",
    "rewards": "admin:rewards_pointsentry_changelist",
}


def service_links(service: str) -> dict[str, str]:
    """Where to look closer: django-rq's views of the service's queue and its records in the admin."""
    index = [queue["name"] for queue in get_queues_list()].index(service)  # django-rq numbers them sorted
    links = {
        "queue": reverse("django_rq:jobs", args=[index]),
        "failed": reverse("django_rq:failed_jobs", args=[index]),
    }
    if service in SERVICE_RECORDS:
        links["records"] = reverse(SERVICE_RECORDS[service])
    return links


def service_health() -> list[dict]:
    """Per service queue: jobs waiting, in flight (RQ's started registry), failed, scheduled, workers.

    One Redis round trip, and no registry clean-up: reading the strip must not change it.
    Raises redis.exceptions.RedisError when Redis does not answer.
    """
    queues = [django_rq.get_queue(name) for name in settings.SERVICE_QUEUES]
    connection = queues[0].connection
    with connection.pipeline(transaction=False) as pipe:
        for queue in queues:
            pipe.llen(queue.key)
            pipe.zcard(StartedJobRegistry(queue=queue).key)
            pipe.zcard(FailedJobRegistry(queue=queue).key)
            pipe.zcard(ScheduledJobRegistry(queue=queue).key)
            pipe.scard(WORKERS_BY_QUEUE_KEY % queue.name)
        counts = pipe.execute()
    health = []
    for index, queue in enumerate(queues):
        queued, started, failed, scheduled, workers = counts[index * 5 : index * 5 + 5]
        health.append(
            {
                "service": queue.name,
                "queued": queued,
                "started": started,
                "failed": failed,
                "scheduled": scheduled,
                "workers": workers,
                "links": service_links(queue.name),
            }
        )
    return health


def run_statuses(run_ids: list[str]) -> dict[str, str]:
    """Run id → status for the runs that exist among `run_ids`."""
    return {str(run_id): status for run_id, status in Run.objects.filter(pk__in=run_ids).values_list("id", "status")}
