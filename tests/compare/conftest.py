import pytest

from tests.conftest import (
    ApiClient,
    workers_suspended_wait,  # noqa: F401 - tests/browser import it from here
)
from workflowviz.api.tokens import token_issue

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
