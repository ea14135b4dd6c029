import time

import pytest
import redis
from django.conf import settings

from tests.conftest import ApiClient
from workflowviz.api.tokens import token_issue
from workflowviz.engine.faults import CACHE_SECONDS

ORDER = {"sku": "BOOK-DDD", "quantity": 1, "customer_email": "ann@example.com"}
FAST = {"*": {"latency_ms": [0, 0]}}


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


class CompareApiClient(ApiClient):
    def compare(self, **fields):
        return self.post("/api/comparisons", {**ORDER, "count": 2, **fields})


@pytest.fixture
def api(admin_user):
    return CompareApiClient(token_issue(user=admin_user))


def workers_suspended_wait(service: str, *, timeout: float = 10) -> None:
    """Wait until the workers of `service` have seen its "down" switch: they report themselves suspended.
    (Where an earlier test flushed Redis, their registrations are gone: then wait until the copy of the
    switches each worker caches has expired, after which no dequeue can miss the switch.)"""
    from rq import Worker

    client = redis.Redis.from_url(settings.REDIS_URL)
    try:
        deadline = time.monotonic() + timeout
        while True:
            workers = [w for w in Worker.all(connection=client) if service in w.queue_names()]
            if not workers:
                time.sleep(CACHE_SECONDS * 2)
                return
            if all(w.get_state() == "suspended" for w in workers):
                return
            assert time.monotonic() < deadline, f"the {service} workers did not stop consuming"
            time.sleep(0.05)
    finally:
        client.close()
