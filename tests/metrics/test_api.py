"""GET /api/metrics: every parameter checked (422 with a message per parameter), viewers only, JSON."""

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.test import Client
from django.utils import timezone

from workflowviz.api.tokens import token_issue

from .known_runs import run_make, sample_make, step_make


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def client_as(*roles) -> Client:
    user = get_user_model().objects.create_user(f"user-{'-'.join(roles) or 'none'}", password="pw")
    for role in roles:
        user.groups.add(Group.objects.get_or_create(name=role)[0])
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def viewer(db):
    return client_as("viewer")


@pytest.mark.parametrize(
    ("query", "field", "message"),
    [
        ({"window": "abc"}, "window", "whole number of seconds from 60 to 86400"),
        ({"window": "59"}, "window", "from 60"),
        ({"window": "86401"}, "window", "to 86400"),
        ({"window": "-900"}, "window", "whole number"),
        ({"window": "9.5e2"}, "window", "whole number"),
        ({"window": "٩٠٠"}, "window", "whole number"),  # Arabic-Indic digits: int() would take them
        ({"pattern": "both"}, "pattern", "orchestration, choreography"),
        ({"pattern": "ORCHESTRATION"}, "pattern", "Must be one of"),
        ({"workflow": "no such/thing"}, "workflow", "slug"),
        ({"workflow": "x" * 81}, "workflow", "at most 80"),
        ({"workflow": "\x00"}, "workflow", "slug"),
        ({"workflow": "never-designed"}, "workflow", "No workflow 'never-designed'"),
    ],
)
def test_a_bad_parameter_is_a_422_naming_it(viewer, query, field, message):
    response = viewer.get("/api/metrics", query)

    assert response.status_code == 422
    assert list(response.json()["errors"]) == [field]
    assert message in response.json()["errors"][field]


def test_every_bad_parameter_is_named_at_once(viewer):
    response = viewer.get("/api/metrics", {"window": "0", "pattern": "x", "workflow": "?"})
    assert response.status_code == 422
    assert sorted(response.json()["errors"]) == ["pattern", "window", "workflow"]


def test_defaults_fifteen_minutes_both_patterns_every_workflow(viewer):
    response = viewer.get("/api/metrics")

    assert response.status_code == 200
    body = response.json()
    assert body["window"]["seconds"] == 900 and body["window"]["label"] == "15 min"
    assert body["filters"] == {"pattern": None, "workflow": None}
    assert [p["pattern"] for p in body["patterns"]] == ["orchestration", "choreography"]
    # Empty values mean "not filtered", as an HTML form sends them.
    assert viewer.get("/api/metrics", {"window": "", "pattern": "", "workflow": ""}).json()["filters"] == {
        "pattern": None,
        "workflow": None,
    }


def test_the_figures_of_recent_runs(viewer):
    now = timezone.now()
    run = run_make("orchestration", started_ago=30, took_ms=1500, now=now)
    step_make(run, "confirm_order", "notifications", queued=10, wait=40, took=200)
    run_make("choreography", started_ago=10, status="running", now=now)
    run_make("orchestration", started_ago=400, took_ms=100, now=now)  # outside a 5 min window
    sample_make("sellers", seconds_ago=3, queued=4, now=now)

    body = viewer.get("/api/metrics", {"window": "300", "pattern": "orchestration"}).json()

    assert body["runs"] == 1 and body["workflows"] == ["order-fulfilment"]
    [orchestration] = body["patterns"]
    assert orchestration["runs_finished"] == 1 and orchestration["latency_ms"]["p50"] == 1500.0
    assert body["steps"][0]["wait_ms"]["p50"] == 40.0 and body["steps"][0]["execution_ms"]["p50"] == 200.0
    sellers = next(s for s in body["queues"]["series"] if s["service"] == "sellers")
    assert 4 in sellers["queued"]
    # A known workflow, by its design or by its runs.
    assert viewer.get("/api/metrics", {"workflow": "order-fulfilment"}).status_code == 200


def test_anonymous_callers_get_401_and_users_without_a_role_403(db):
    assert Client().get("/api/metrics").status_code == 401
    response = client_as().get("/api/metrics")
    assert response.status_code == 403 and "viewer" in response.json()["errors"]["role"]


def test_a_token_holder_with_the_viewer_role_reads_it(db):
    user = get_user_model().objects.create_user("reader", password="pw")
    user.groups.add(Group.objects.get_or_create(name="viewer")[0])
    response = Client().get("/api/metrics", headers={"Authorization": f"Bearer {token_issue(user=user)}"})
    assert response.status_code == 200


def test_only_get(viewer):
    response = viewer.post("/api/metrics", "{}", content_type="application/json")
    assert response.status_code == 405 and response["Allow"] == "GET"
