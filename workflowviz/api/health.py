"""Every service with its queue's health and where to look closer (the dashboard's service cards)."""

from django.urls import reverse
from django_rq.settings import get_queues_list

from workflowviz.engine.queues import queues_health
from workflowviz.engine.registry import ServiceInfo, services_all


def service_json(service: ServiceInfo) -> dict:
    return {
        "service": service.name,
        "label": service.label,
        "colour": service.colour,
        "modelled": service.modelled,
        "description": service.description,
    }


def service_links(service: ServiceInfo) -> dict[str, str]:
    """Where to look closer: django-rq's views of a coded service's queue, and its records in the admin."""
    links = {}
    names = [queue["name"] for queue in get_queues_list()]  # django-rq numbers its queues in this order
    if service.name in names:
        index = names.index(service.name)
        links["queue"] = reverse("django_rq:jobs", args=[index])
        links["failed"] = reverse("django_rq:failed_jobs", args=[index])
    if service.records_url:
        links["records"] = service.records_url
    return links


def service_health() -> list[dict]:
    """Per service: who it is, its queue's depth, jobs in flight, failed, scheduled, workers, and links.

    Raises redis.exceptions.RedisError when Redis does not answer.
    """
    services = services_all()
    health = queues_health([service.name for service in services])
    return [
        {**service_json(service), **counts, "links": service_links(service)}
        for service, counts in zip(services, health, strict=True)
    ]
