"""The fault switches over HTTP: who may switch them, what is accepted, and that they take effect."""

import pytest
import redis
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from tests.api.conftest import ApiClient
from workflowviz.api.tokens import token_issue
from workflowviz.engine.faults import deliver_twice_take, faults_read


@pytest.fixture
def redis_faults():
    return redis.Redis.from_url(settings.REDIS_URL)


def user_with(*groups):
    name = "-".join(groups) or "nobody"
    user = get_user_model().objects.create_user(name, f"{name}@example.com", "correct-horse-battery")
    for name in groups:
        user.groups.add(Group.objects.get_or_create(name=name)[0])
    return ApiClient(token_issue(user=user))


def test_an_operator_takes_a_service_down_and_up(db, token, redis_faults):
    api = ApiClient(token)
    response = api.post("/api/faults", {"service": "logistics", "down": True})
    assert response.status_code == 200
    assert {s["service"]: s["down"] for s in response.json()["services"]}["logistics"] is True
    assert faults_read(redis_faults) == {"down:logistics": 1}

    api.post("/api/faults", {"service": "logistics", "down": False})
    assert faults_read(redis_faults) == {}
    assert api.get("/api/faults").json()["services"][3] == {"service": "logistics", "down": False, "deliver_twice": 0}


def test_deliver_twice_counts_down_as_messages_are_sent(db, token, redis_faults):
    ApiClient(token).post("/api/faults", {"service": "sellers", "deliver_twice": 3})
    assert deliver_twice_take(redis_faults, "sellers", 2) == 2
    assert deliver_twice_take(redis_faults, "sellers", 2) == 1
    assert deliver_twice_take(redis_faults, "sellers", 2) == 0
    assert faults_read(redis_faults) == {}


def test_viewers_see_the_switches_but_only_operators_flip_them(db, redis_faults):
    viewer = user_with("viewer")
    assert viewer.get("/api/faults").status_code == 200
    response = viewer.post("/api/faults", {"service": "logistics", "down": True})
    assert response.status_code == 403
    assert "role" in response.json()["errors"]
    assert faults_read(redis_faults) == {}
    assert user_with("operator").post("/api/faults", {"service": "sellers", "down": True}).status_code == 200


@pytest.mark.parametrize(
    "body, status, field",
    [
        ({"service": "billing", "down": True}, 422, "service"),
        ({"service": "logistics", "down": "yes"}, 422, "down"),
        ({"service": "logistics", "deliver_twice": -1}, 422, "deliver_twice"),
        ({"service": "logistics", "deliver_twice": 10**9}, 422, "deliver_twice"),
        ({"service": "logistics", "deliver_twice": True}, 422, "deliver_twice"),
        ({"service": "logistics"}, 422, "down"),
        ({"service": "logistics", "down": True, "boom": 1}, 400, "boom"),
        (["logistics"], 400, "body"),
    ],
)
def test_bad_switches_are_refused_with_the_field_and_reason(db, token, redis_faults, body, status, field):
    response = ApiClient(token).post("/api/faults", body)
    assert response.status_code == status
    assert field in response.json()["errors"]
    assert faults_read(redis_faults) == {}


def test_anonymous_callers_are_refused(db):
    assert ApiClient(None).get("/api/faults").status_code == 401
