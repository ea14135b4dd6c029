"""Designs as data: built-ins stored once, runs take the latest version and make it immutable."""

import copy

import pytest
from django.core.exceptions import ValidationError

from orders.services import order_place
from tests.designer.factories import design
from workflowviz.designer import builtins
from workflowviz.designer.models import Design, DesignVersion
from workflowviz.designer.services import (
    DesignInvalid,
    VersionUsed,
    design_create,
    design_version_create,
    design_version_update,
    ensure_builtin_designs,
)
from workflowviz.engine.designs import UnknownDesign, design_get, design_graph
from workflowviz.engine.models import Run
from workflowviz.engine.runs import run_create
from workflowviz.web.demo import demo_seed

pytestmark = pytest.mark.django_db


@pytest.fixture
def catalogue(db):
    demo_seed()


def place(slug: str):
    return order_place(sku="MUG-BLUE", quantity=1, customer_email="a@example.com", pattern="choreography", design=slug)


def test_builtin_designs_are_stored_after_migrate_and_ensuring_again_changes_nothing():
    assert set(Design.objects.values_list("slug", flat=True)) >= set(builtins.BUILTIN_DESIGNS)
    count = DesignVersion.objects.count()
    assert ensure_builtin_designs() == []
    assert DesignVersion.objects.count() == count


def test_a_builtin_changed_in_code_gets_a_new_version(monkeypatch):
    changed = copy.deepcopy(builtins.LOGIN_OTP)
    changed["steps"][1]["policy"]["max_attempts"] = 8
    monkeypatch.setitem(builtins.BUILTIN_DESIGNS, "login-otp", changed)
    [created] = ensure_builtin_designs()
    assert (created.design.slug, created.number, created.origin) == ("login-otp", 2, "builtin")
    assert ensure_builtin_designs() == []


def test_a_run_uses_the_latest_version_records_it_and_makes_it_immutable(catalogue):
    design_create(design=design())
    order = place("my-flow")
    first = DesignVersion.objects.get(design__slug="my-flow", number=1)
    assert first.used and first.first_used_at is not None
    run = Run.objects.get(pk=order.run_id)
    assert (run.design_slug, run.design_version) == ("my-flow", 1)

    with pytest.raises(VersionUsed):
        design_version_update(slug="my-flow", number=1, design=design(name="Sneaky edit"))
    assert DesignVersion.objects.get(pk=first.pk).definition["name"] == "My flow"

    faster = design()
    faster["steps"][1]["policy"] = {"latency_ms": [0, 0]}
    design_version_create(slug="my-flow", design=faster)
    second_run = Run.objects.get(pk=place("my-flow").run_id)
    assert second_run.design_version == 2
    assert second_run.graph["steps"][1]["policy"]["latency_ms"] == [0, 0]
    # The first run keeps the graph it started with.
    assert Run.objects.get(pk=run.pk).graph["steps"][1]["policy"]["latency_ms"] == [100, 400]


def test_an_unused_version_may_change_in_place():
    design_create(design=design())
    version = design_version_update(slug="my-flow", number=1, design=design(name="Better name"))
    assert (version.number, version.definition["name"]) == (1, "Better name")
    assert Design.objects.get(slug="my-flow").name == "Better name"


def test_saving_refuses_an_invalid_design():
    with pytest.raises(DesignInvalid) as raised:
        design_create(design=design(steps=[{"id": "a", "action": "nobody.home"}]))
    assert [p.code for p in raised.value.problems] == ["unknown_action"]
    assert not Design.objects.filter(slug="my-flow").exists()


def test_the_graph_has_the_trigger_and_each_steps_full_policy_with_its_compensation():
    graph = design_graph(design_get("order-fulfilment")).to_json()
    assert graph["trigger"] == "OrderPlaced"
    confirm = graph["steps"][0]
    assert confirm["policy"]["compensation"] == "notifications.send_order_cancellation"
    assert confirm["policy"]["max_attempts"] == 3 and confirm["policy"]["latency_ms"] == [50, 250]
    assert graph["steps"][3]["policy"]["compensation"] == ""  # the shipped email undoes nothing
    overridden = design(steps=[{"id": "a", "action": "sellers.prepare_shipment", "policy": {"compensation": ""}}])
    assert design_graph(overridden).to_json()["steps"][0]["policy"]["compensation"] == ""


def test_orders_can_only_start_designs_that_start_with_an_order(catalogue):
    with pytest.raises(ValidationError) as raised:
        place("login-otp")
    assert "workflow" in raised.value.message_dict
    with pytest.raises(UnknownDesign):
        run_create(pattern="orchestration", design_slug="order-fulfilment", trigger="LoginRequested")
    assert not DesignVersion.objects.get(design__slug="login-otp").used


def test_an_unknown_design_is_a_validation_error_for_the_order(catalogue):
    with pytest.raises(ValidationError) as raised:
        place("no-such-design")
    assert "workflow" in raised.value.message_dict


def test_the_order_api_takes_a_design_from_the_database(api, catalogue):
    assert api.post("/api/workflows", design(slug="api-flow")).status_code == 201
    body = {"customer_email": "a@example.com", "sku": "MUG-BLUE", "quantity": 1, "pattern": "orchestration"}
    placed = api.post("/api/orders", {**body, "workflow": "api-flow"})
    assert placed.status_code == 201, placed.content
    run = api.get(f"/api/runs/{placed.json()['run_id']}").json()
    assert (run["workflow"], run["workflow_version"]) == ("api-flow", 1)
    assert run["graph"]["trigger"] == "OrderPlaced"
    refused = api.post("/api/orders", {**body, "workflow": "login-otp"})
    assert refused.status_code == 422 and "workflow" in refused.json()["errors"]
