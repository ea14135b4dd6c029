"""The metrics page: viewers only; its filters offer the windows and patterns the API accepts."""

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.test import Client


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def client_with(*roles) -> Client:
    user = get_user_model().objects.create_user(f"user-{'-'.join(roles) or 'none'}", password="pw")
    for role in roles:
        user.groups.add(Group.objects.get_or_create(name=role)[0])
    client = Client()
    client.force_login(user)
    return client


def test_anonymous_visitors_are_sent_to_the_login_page(db):
    response = Client().get("/metrics/")
    assert response.status_code == 302 and response["Location"].startswith("/login/")


def test_a_user_without_a_role_is_refused(db):
    assert client_with().get("/metrics/").status_code == 403


def test_a_viewer_gets_the_page_with_its_filters_and_charts(db):
    response = client_with("viewer").get("/metrics/")

    assert response.status_code == 200
    html = response.content.decode()
    for seconds in ("300", "900", "3600", "86400"):
        assert f'<option value="{seconds}"' in html
    assert '<option value="900" selected>last 15 min</option>' in html
    assert '<option value="orchestration">' in html and '<option value="choreography">' in html
    for chart in ("chart-queued", "chart-in-flight", "chart-failed", "chart-runs-finished", "chart-step-wait"):
        assert f'id="{chart}"' in html
    assert "js/metrics.js" in html and "npm/d3/d3.min.js" in html and "css/metrics.css" in html
