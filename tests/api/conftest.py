import json

import pytest
from django.test import Client

from workflowviz.api.tokens import token_issue
from workflowviz.web.demo import demo_seed

VALID_ORDER = {"customer_email": "buyer@example.com", "sku": "BOOK-DDD", "quantity": 2, "pattern": "orchestration"}


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    # A superuser per test: the default hasher would spend most of the run on key stretching.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def catalogue(db):
    """The demo catalogue, sellers and partners, inside the test's transaction (nothing is committed)."""
    demo_seed()


@pytest.fixture
def token(admin_user):
    return token_issue(user=admin_user)


class ApiClient:
    """Django's test client speaking JSON with a bearer token."""

    def __init__(self, token: str | None):
        self.client = Client()
        self.headers = {"Authorization": f"Bearer {token}"} if token else {}

    def get(self, path, data=None):
        return self.client.get(path, data, headers=self.headers)

    def post(self, path, body, *, raw=False):
        data = body if raw else json.dumps(body)
        return self.client.post(path, data, content_type="application/json", headers=self.headers)

    def order(self, **fields):
        return self.post("/api/orders", {**VALID_ORDER, **fields})


@pytest.fixture
def api(token):
    return ApiClient(token)
