"""Every API endpoint, tried as every role: who is let in (any answer but 401/403) and who is not."""

import json

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.test import Client

from workflowviz.api.tokens import token_issue

RUN = "00000000-0000-0000-0000-000000000000"
ANYONE = {"viewer", "operator", "designer", "admin"}
OPERATORS = {"operator", "admin"}
DESIGNERS = {"designer", "admin"}
ADMIN = {"admin"}  # a new version of a built-in design: a designer copies it instead

# (method, path, roles allowed)
ENDPOINTS = [
    ("GET", "/api/products", ANYONE),
    ("POST", "/api/orders", OPERATORS),
    ("POST", "/api/orders/burst", OPERATORS),
    ("GET", "/api/services", ANYONE),
    ("POST", "/api/run-statuses", ANYONE),
    ("GET", "/api/faults", ANYONE),
    ("POST", "/api/faults", OPERATORS),
    ("GET", "/api/runs", ANYONE),
    ("GET", "/api/metrics", ANYONE),
    ("GET", f"/api/runs/{RUN}", ANYONE),
    ("POST", f"/api/runs/{RUN}/cancel", OPERATORS),
    ("POST", f"/api/runs/{RUN}/rerun", OPERATORS),
    ("POST", "/api/runs/rerun", OPERATORS),
    ("GET", "/api/dead-letters", OPERATORS),
    ("POST", f"/api/dead-letters/{RUN}/resend", OPERATORS),
    ("POST", f"/api/dead-letters/{RUN}/discard", OPERATORS),
    ("GET", "/api/workflows", ANYONE),
    ("POST", "/api/workflows", DESIGNERS),
    ("POST", "/api/workflows/validate", ANYONE),
    ("GET", "/api/workflows/order-fulfilment", ANYONE),
    ("GET", "/api/workflows/order-fulfilment/versions", ANYONE),
    ("POST", "/api/workflows/order-fulfilment/versions", ADMIN),
    ("GET", "/api/workflows/order-fulfilment/versions/1", ANYONE),
    ("PUT", "/api/workflows/order-fulfilment/versions/1", ADMIN),
    ("POST", "/api/workflows/order-fulfilment/copy", DESIGNERS),
    ("GET", "/api/workflows/order-fulfilment/diff", ANYONE),
    ("GET", "/api/workflows/order-fulfilment/mermaid", ANYONE),
    ("GET", "/api/actions", ANYONE),
    ("POST", "/api/logins", OPERATORS),
    ("GET", f"/api/logins/{RUN}", ANYONE),
    ("POST", f"/api/logins/{RUN}/code", OPERATORS),
    ("GET", "/api/comparisons", ANYONE),
    ("POST", "/api/comparisons", OPERATORS),
    ("GET", f"/api/comparisons/{RUN}", ANYONE),
]
ROLES = ["anonymous", "no role", "viewer", "operator", "designer", "admin"]


def client_as(role: str) -> tuple[Client, dict]:
    if role == "anonymous":
        return Client(), {}
    users = get_user_model().objects
    if role == "admin":
        user = users.create_superuser("admin-user", "admin@example.com", "correct-horse-battery")
    else:
        user = users.create_user(role.replace(" ", "-"), "user@example.com", "correct-horse-battery")
        if role != "no role":
            user.groups.add(Group.objects.get_or_create(name=role)[0])
    return Client(), {"Authorization": f"Bearer {token_issue(user=user)}"}


# Public on purpose: they document formats and hold no data.
PUBLIC = ["/api/openapi.json", "/api/workflows/schema.json"]


def test_only_the_published_schemas_are_public(db):
    for path in PUBLIC:
        assert Client().get(path).status_code == 200


@pytest.mark.parametrize("role", ROLES)
def test_each_endpoint_lets_in_exactly_its_roles(role, db, settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    client, headers = client_as(role)
    wrong = []
    for method, path, allowed in ENDPOINTS:
        response = client.generic(method, path, json.dumps({}), content_type="application/json", headers=headers)
        expected = {"anonymous": {401}}.get(role, set()) if role not in allowed else set()
        if role in allowed:
            if response.status_code in (401, 403):
                wrong.append(f"{method} {path}: {response.status_code}, should let {role} in")
        elif response.status_code not in (expected or {403}):
            wrong.append(f"{method} {path}: {response.status_code}, should refuse {role}")
        assert response.status_code < 500, f"{method} {path} as {role}: {response.status_code}"
    assert not wrong, "\n".join(wrong)


def test_session_users_need_their_role_too(db, settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    viewer = get_user_model().objects.create_user("watcher", "w@example.com", "correct-horse-battery")
    viewer.groups.add(Group.objects.get_or_create(name="viewer")[0])
    client = Client()
    client.force_login(viewer)
    assert client.get("/api/runs").status_code == 200
    response = client.post("/api/orders", "{}", content_type="application/json")
    assert response.status_code == 403
