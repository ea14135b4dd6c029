import pytest

from tests.conftest import ApiClient as JsonApiClient
from workflowviz.api.tokens import token_issue

VALID_ORDER = {"customer_email": "buyer@example.com", "sku": "BOOK-DDD", "quantity": 2, "pattern": "orchestration"}


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    # A superuser per test: the default hasher would spend most of the run on key stretching.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def token(admin_user):
    return token_issue(user=admin_user)


class ApiClient(JsonApiClient):
    def order(self, **fields):
        return self.post("/api/orders", {**VALID_ORDER, **fields})


@pytest.fixture
def api(token):
    return ApiClient(token)
