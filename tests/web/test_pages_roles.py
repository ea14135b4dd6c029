"""The pages need a role: viewers watch (health, runs, timelines); only operators get the order,
burst and fault controls."""

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.test import Client

from workflowviz.engine.models import Run

PAGES = ["/", "/runs/", "/runs/{run_id}/", "/runs/open/"]
OPERATOR_MARKERS = ['id="order-form"', 'id="burst-form"', 'data-can-operate="true"']


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def run(db):
    return Run.objects.create(pattern="orchestration", design_slug="order-fulfilment", design_version=1, graph={})


def client_with(*roles):
    user = get_user_model().objects.create_user(f"user-{'-'.join(roles) or 'none'}", password="pw")
    for role in roles:
        user.groups.add(Group.objects.get_or_create(name=role)[0])
    client = Client()
    client.force_login(user)
    return client


@pytest.mark.parametrize("page", PAGES)
def test_anonymous_visitors_are_sent_to_the_login_page(run, page):
    path = page.format(run_id=run.pk)
    response = Client().get(path)
    assert response.status_code == 302
    assert response["Location"].startswith("/login/")


@pytest.mark.parametrize("page", PAGES)
def test_a_user_without_a_role_is_refused(run, page):
    assert client_with().get(page.format(run_id=run.pk)).status_code == 403


@pytest.mark.parametrize("page", PAGES)
def test_a_viewer_sees_the_pages(run, page):
    assert client_with("viewer").get(page.format(run_id=run.pk)).status_code == 200


def test_a_viewer_gets_the_dashboard_without_the_order_burst_and_fault_controls(db):
    html = client_with("viewer").get("/").content.decode()
    assert 'id="health"' in html and 'id="runs"' in html and 'id="watch-runs"' in html
    for marker in OPERATOR_MARKERS:
        assert marker not in html
    assert 'data-can-operate="false"' in html


@pytest.mark.parametrize("roles", [("operator",), ("viewer", "operator")])
def test_an_operator_gets_the_order_burst_and_fault_controls(db, roles):
    response = client_with(*roles).get("/")
    assert response.status_code == 200
    html = response.content.decode()
    for marker in OPERATOR_MARKERS:
        assert marker in html
    assert 'name="workflow"' in html and 'name="failure_probability"' in html


def test_the_superuser_is_an_operator(admin_user):
    client = Client()
    client.force_login(admin_user)
    assert 'id="order-form"' in client.get("/").content.decode()


def test_the_runs_explorer_offers_the_bulk_re_run_to_operators_only(db):
    viewer = client_with("viewer").get("/runs/").content.decode()
    operator = client_with("operator").get("/runs/").content.decode()
    assert 'id="filters"' in viewer and 'href="/runs/"' in viewer  # the page, and the navigation's link to it
    assert 'id="bulk-rerun"' not in viewer and 'data-can-operate="false"' in viewer
    assert 'id="bulk-rerun"' in operator and 'data-can-operate="true"' in operator
