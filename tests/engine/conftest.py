import time

import pytest
import redis
from django.conf import settings

from workflowviz.engine.faults import CACHE_SECONDS, service_down_set


@pytest.fixture(autouse=True)
def workers_paused():
    """These tests drive the engine in-process: switch every service off so that workers a
    session may have started elsewhere (the `system` fixture) leave the queues alone."""
    client = redis.Redis.from_url(settings.REDIS_URL)
    for service in settings.SERVICE_QUEUES:
        service_down_set(client, service=service, down=True)
    time.sleep(CACHE_SECONDS + 0.05)
    yield
    for service in settings.SERVICE_QUEUES:
        service_down_set(client, service=service, down=False)
