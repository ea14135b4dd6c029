import json

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from workflowviz.api.tokens import token_issue


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


class ApiClient:
    """Django's test client speaking JSON with a bearer token."""

    def __init__(self, token: str | None):
        self.client = Client()
        self.headers = {"Authorization": f"Bearer {token}"} if token else {}

    def get(self, path, data=None):
        return self.client.get(path, data, headers=self.headers)

    def send(self, method, path, body, *, raw=False):
        data = body if raw else json.dumps(body)
        return getattr(self.client, method)(path, data, content_type="application/json", headers=self.headers)

    def post(self, path, body, *, raw=False):
        return self.send("post", path, body, raw=raw)

    def put(self, path, body, *, raw=False):
        return self.send("put", path, body, raw=raw)


@pytest.fixture
def api(admin_user):
    return ApiClient(token_issue(user=admin_user))


@pytest.fixture
def plain_api(db):
    """A viewer: may read designs, not change them."""
    from django.contrib.auth.models import Group

    user = get_user_model().objects.create_user("reader", "reader@localhost", "correct-horse-battery")
    user.groups.add(Group.objects.get_or_create(name="viewer")[0])
    return ApiClient(token_issue(user=user))
