"""The compare pages need the viewer role; only operators get the form and the fault buttons."""

import uuid

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.test import Client

from workflowviz.compare.services import comparison_start


def client_with(*roles):
    user = get_user_model().objects.create_user(f"user-{'-'.join(roles) or 'none'}", password="pw")
    for role in roles:
        user.groups.add(Group.objects.get_or_create(name=role)[0])
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def comparison(catalogue):
    return comparison_start(sku="LAMP-01", quantity=1, customer_email="ann@example.com", count=2)


def test_anonymous_visitors_are_sent_to_the_login_page(comparison):
    for path in ["/compare/", f"/compare/{comparison.pk}/"]:
        response = Client().get(path)
        assert response.status_code == 302 and response["Location"].startswith("/login/")


def test_a_user_without_a_role_is_refused(comparison):
    client = client_with()
    assert client.get("/compare/").status_code == 403
    assert client.get(f"/compare/{comparison.pk}/").status_code == 403


def test_a_viewer_sees_the_result_and_the_list_but_no_form(comparison):
    client = client_with("viewer")
    html = client.get("/compare/").content.decode()
    assert 'id="compare-form"' not in html and 'data-can-operate="false"' in html
    assert f'data-comparison-id="{comparison.pk}"' in html and "Head lamp" in html
    detail = client.get(f"/compare/{comparison.pk}/")
    assert detail.status_code == 200
    text = detail.content.decode()
    for marker in ['id="diff-table"', 'id="notes"', 'id="distribution"', 'data-pattern="orchestration"', 'id="pair"']:
        assert marker in text


def test_an_operator_gets_the_form_with_the_order_fields_and_the_fault_switches(catalogue):
    html = client_with("operator").get("/compare/").content.decode()
    for marker in ['id="compare-form"', 'name="count"', 'name="sku"', 'name="workflow"', 'id="fault-switches"']:
        assert marker in html
    assert 'data-can-operate="true"' in html


def test_an_unknown_comparison_is_404(catalogue):
    assert client_with("viewer").get(f"/compare/{uuid.uuid4()}/").status_code == 404


def test_the_admin_shows_a_comparison_with_its_runs(comparison, admin_user):
    client = Client()
    client.force_login(admin_user)
    response = client.get(f"/admin/compare/comparison/{comparison.pk}/change/")
    assert response.status_code == 200
    html = response.content.decode()
    for member in comparison.runs.all():
        assert str(member.run_id) in html
    assert client.get("/admin/compare/comparison/", {"q": "LAMP"}).status_code == 200
