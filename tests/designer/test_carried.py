"""A design file carries the declared services it uses: exported here, imported on another installation."""

import copy

import pytest
from django.contrib.auth import get_user_model

from tests.conftest import ApiClient
from workflowviz.api.tokens import token_issue
from workflowviz.modelled.models import DeclaredService


@pytest.fixture
def api(db):
    return ApiClient(token_issue(user=get_user_model().objects.create_superuser("root", "r@example.com", "pw")))


def test_the_export_carries_the_services_and_an_installation_without_them_imports_it(api):
    exported = api.get("/api/workflows/travel-booking").json()
    assert [s["name"] for s in exported["services"]] == ["cars", "flights", "hotels", "trips"]
    # Another installation: the same file, without those services declared.
    DeclaredService.objects.filter(name__in=["cars", "flights", "hotels", "trips"]).delete()
    design = {**copy.deepcopy(exported), "slug": "travel-imported"}
    design.pop("version")

    assert api.post("/api/workflows/validate", design).json()["valid"] is True
    saved = api.post("/api/workflows", design)

    assert saved.status_code == 201, saved.content
    assert set(DeclaredService.objects.values_list("name", flat=True)) >= {"cars", "flights", "hotels", "trips"}
    again = api.get("/api/workflows/travel-imported").json()
    assert again["services"] == exported["services"]


def test_a_carried_service_declared_here_differently_is_refused_and_nothing_is_saved(api):
    exported = api.get("/api/workflows/travel-booking").json()
    design = {**copy.deepcopy(exported), "slug": "travel-changed"}
    cars = next(s for s in design["services"] if s["name"] == "cars")
    cars["actions"][0]["outcomes"][0]["when"] = 'car_class == "limousine"'

    refused = api.post("/api/workflows", design)

    assert refused.status_code == 422
    assert any(p["code"] == "service_differs" and p["path"].startswith("services[") for p in refused.json()["problems"])
    assert api.get("/api/workflows/travel-changed").status_code == 404
