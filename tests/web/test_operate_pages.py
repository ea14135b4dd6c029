"""The operators' controls on the pages: Cancel / Re-run on the run page (operators only, as the run's status
allows), the re-run links, and the dead-letters page in the navigation."""

import re

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.test import Client

from orders.services import order_place
from workflowviz.engine.models import Run, RunStatus
from workflowviz.engine.operator_actions import run_rerun


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def client_with(role: str | None) -> Client:
    user = get_user_model().objects.create_user(f"u-{role}", "u@example.com", "pw")
    if role:
        user.groups.add(Group.objects.get_or_create(name=role)[0])
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def run(catalogue):
    order = order_place(sku="MUG-BLUE", quantity=1, customer_email="ann@example.com", pattern="orchestration")
    return Run.objects.get(pk=order.run_id)


def button(html: str, button_id: str) -> str | None:
    """The opening tag of the button, or None when the page has none."""
    found = re.search(rf'<button id="{button_id}"[^>]*>', html)
    return found[0] if found else None


def test_an_operator_may_cancel_a_running_run_and_a_viewer_sees_no_controls(run):
    html = client_with("operator").get(f"/runs/{run.id}/").content.decode()
    assert " hidden" not in button(html, "run-cancel")
    assert " hidden" in button(html, "run-rerun")
    assert 'href="/dead-letters/"' in html
    viewer = client_with("viewer").get(f"/runs/{run.id}/").content.decode()
    assert button(viewer, "run-cancel") is None and button(viewer, "run-rerun") is None
    assert 'href="/dead-letters/"' not in viewer


def test_a_finished_run_offers_a_rerun_and_links_both_ways(run):
    Run.objects.filter(pk=run.pk).update(status=RunStatus.FAILED)
    run.refresh_from_db()
    operator = client_with("operator")
    html = operator.get(f"/runs/{run.id}/").content.decode()
    assert " hidden" in button(html, "run-cancel") and " hidden" not in button(html, "run-rerun")

    again = run_rerun(run=run, username="olivia")

    first_page = operator.get(f"/runs/{run.id}/").content.decode()
    assert f'href="/runs/{again.id}/"' in first_page and "Re-runs" in first_page
    second_page = operator.get(f"/runs/{again.id}/").content.decode()
    assert f'<a id="rerun-of" href="/runs/{run.id}/">re-run of {str(run.id)[:8]}</a>' in second_page


def test_the_dead_letters_page_is_for_operators(db):
    assert client_with("operator").get("/dead-letters/").status_code == 200
    assert client_with("viewer").get("/dead-letters/").status_code == 403
