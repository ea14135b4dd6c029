"""Declaring services and actions over HTTP, and starting runs of any design with their trigger's input."""

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from tests.conftest import ApiClient
from tests.modelled.helpers import action, outcome, unique
from workflowviz.api.tokens import token_issue
from workflowviz.designer.services import design_create
from workflowviz.engine.models import Run, RunStatus
from workflowviz.modelled.models import DeclaredService


def service(name: str, **fields) -> dict:
    prefix = name.capitalize()
    return {
        "name": name,
        "label": "Quotes",
        "colour": "#336699",
        "events": [
            {
                "name": f"{prefix}Asked",
                "fields": [
                    {"name": "ref", "type": "string"},
                    {"name": "amount", "type": "number"},
                    {"name": "urgent", "type": "boolean"},
                ],
            }
        ],  # fmt: skip
        "actions": [
            action(
                "quote",
                outcome(f"{prefix}Cheap", "ref", when="amount < 100", price="amount * 2"),
                outcome(f"{prefix}Dear", "ref", price="amount * 3"),
                inputs=["ref", "amount"],
                choice="rule",
                compensation="withdraw",
            ),
            action("withdraw", outcome(f"{prefix}Withdrawn", "ref"), inputs=["ref"]),
        ],
        **fields,
    }


@pytest.fixture
def designer_api(db):
    user = get_user_model().objects.create_user("dora", "dora@example.com", "pw")
    user.groups.add(Group.objects.get(name="designer"))
    return ApiClient(token_issue(user=user))


@pytest.fixture
def operator_api(db):
    user = get_user_model().objects.create_user("otto", "otto@example.com", "pw")
    user.groups.add(Group.objects.get(name="operator"))
    return ApiClient(token_issue(user=user))


def test_a_designer_declares_a_service_and_its_actions(designer_api):
    name = unique("quotes")
    created = designer_api.post("/api/services", service(name))

    assert created.status_code == 201, created.content
    assert created.json()["actions"][0]["name"] == "quote"
    listed = {row["service"]: row for row in designer_api.get("/api/services").json()["services"]}
    assert listed[name]["modelled"] is True and listed[name]["label"] == "Quotes"
    assert listed[name]["links"]["records"].endswith(f"/{DeclaredService.objects.get(name=name).pk}/records/")
    palette = designer_api.get("/api/actions").json()
    quote = next(a for a in palette["actions"] if a["key"] == f"{name}.quote")
    assert quote["decides"] and [o["event"] for o in quote["outcomes"]] == [f"{name.capitalize()}Cheap",
                                                                             f"{name.capitalize()}Dear"]  # fmt: skip
    trigger = next(t for t in palette["triggers"] if t["name"] == f"{name.capitalize()}Asked")
    assert trigger["types"] == {"ref": "string", "amount": "number", "urgent": "boolean"}


def test_every_problem_of_a_declaration_is_named_by_its_path_and_nothing_is_saved(designer_api):
    name = unique("quotes")
    bad = service(name, colour="blue")
    bad["actions"][0]["outcomes"][0]["when"] = "amount.__class__"
    bad["actions"][0]["outcomes"][1]["fields"].append({"name": "note"})  # nothing says how to compute it
    bad["actions"][1]["compensation"] = "nowhere"

    response = designer_api.post("/api/services", bad)

    assert response.status_code == 422
    errors = response.json()["errors"]
    assert errors["colour"] == "must be a colour like #1f77b4"
    assert errors["actions[0].outcomes[0].when"] == "attribute access is not allowed"
    assert "say how to compute it" in errors["actions[0].outcomes[1].fields[2].value"]
    assert "actions[1].compensation" not in errors or "another action" in errors["actions[1].compensation"]
    assert not DeclaredService.objects.filter(name=name).exists()


@pytest.mark.parametrize(
    "rule",
    ["__import__('os').system('id')", "2 ** 99999999", "(" * 40 + "1" + ")" * 40, "[x for x in range(9)]",
     "lambda: 1", "amount[0]", "open('/etc/passwd')", "-" * 600 + "1"],
)  # fmt: skip
def test_a_hostile_rule_is_refused_when_saved(designer_api, rule):
    name = unique("quotes")
    bad = service(name)
    bad["actions"][0]["outcomes"][0]["when"] = rule
    response = designer_api.post("/api/services", bad)
    assert response.status_code == 422 and "actions[0].outcomes[0].when" in response.json()["errors"]
    assert not DeclaredService.objects.filter(name=name).exists()


def test_names_are_checked_against_coded_services_and_other_services_events(designer_api):
    assert (
        designer_api.post("/api/services", service("sellers")).json()["errors"]["name"].startswith("'sellers' is taken")
    )
    first = unique("quotes")
    assert designer_api.post("/api/services", service(first)).status_code == 201
    clash = service(unique("other"))
    clash["events"][0]["name"] = f"{first.capitalize()}Asked"
    errors = designer_api.post("/api/services", clash).json()["errors"]
    assert f"is an event of {first}" in errors["events[0].name"]
    assert designer_api.post("/api/services", service(first)).status_code == 409


def test_a_service_a_design_needs_cannot_be_deleted_and_a_breaking_change_is_refused(designer_api):
    name = unique("quotes")
    prefix = name.capitalize()
    designer_api.post("/api/services", service(name))
    design_create(design={"slug": unique("quoting-"), "name": "Quoting", "trigger": f"{prefix}Asked", "steps": [
        {"id": "quote", "action": f"{name}.quote"},
        {"id": "cheap", "end": "cheap", "after": [f"quote:{prefix}Cheap"]},
        {"id": "dear", "end": "dear", "after": [f"quote:{prefix}Dear"]},
    ]})  # fmt: skip

    refused = designer_api.client.delete(f"/api/services/{name}", headers=designer_api.headers)
    assert refused.status_code == 409 and "quoting-" in refused.json()["errors"]["service"]
    without_dear = service(name)
    without_dear["actions"][0]["outcomes"] = without_dear["actions"][0]["outcomes"][:1]
    changed = designer_api.client.put(f"/api/services/{name}", without_dear, content_type="application/json",
                                      headers=designer_api.headers)  # fmt: skip
    assert changed.status_code == 409
    assert any("never ends with" in message for message in changed.json()["errors"].values())
    assert len(designer_api.get(f"/api/services/{name}").json()["actions"][0]["outcomes"]) == 2  # unchanged


def test_only_a_designer_declares_and_a_coded_service_is_read_only(operator_api, designer_api):
    assert operator_api.post("/api/services", service(unique("quotes"))).status_code == 403
    coded = designer_api.get("/api/services/sellers").json()
    assert coded["coded"] and "reserve_stock" in {a["name"] for a in coded["actions"]}
    put = designer_api.client.put("/api/services/sellers", {}, content_type="application/json",
                                  headers=designer_api.headers)  # fmt: skip
    assert put.status_code == 409


def test_a_run_of_any_design_starts_with_its_input_checked_field_by_field(designer_api, operator_api, workers_paused):
    name = unique("quotes")
    prefix = name.capitalize()
    designer_api.post("/api/services", service(name))
    slug = unique("quoting-")
    design_create(design={"slug": slug, "name": "Quoting", "trigger": f"{prefix}Asked", "steps": [
        {"id": "quote", "action": f"{name}.quote"},
        {"id": "cheap", "end": "cheap", "after": [f"quote:{prefix}Cheap"]},
        {"id": "dear", "end": "dear", "after": [f"quote:{prefix}Dear"]},
    ]})  # fmt: skip

    bad = operator_api.post("/api/runs", {"workflow": slug, "pattern": "choreography",
                                          "input": {"ref": 5, "amount": "lots", "colour": "red"}})  # fmt: skip
    assert bad.status_code == 422
    assert bad.json()["errors"] == {
        "input.ref": "Must be text (at most 1000).",
        "input.amount": "Must be a number.",
        "input.urgent": "This field is required.",
        "input.colour": f"Not a field of {prefix}Asked (its fields: ref, amount, urgent).",
    }
    assert not Run.objects.filter(design_slug=slug).exists()
    for body, field in [({"workflow": slug, "pattern": "both", "input": {}}, "pattern"),
                        ({"workflow": "no-such", "pattern": "orchestration", "input": {}}, "workflow")]:  # fmt: skip
        assert field in operator_api.post("/api/runs", body).json()["errors"]
    assert operator_api.post("/api/runs", {"workflow": slug}).status_code == 400

    good = operator_api.post("/api/runs", {"workflow": slug, "pattern": "orchestration",
                                           "input": {"ref": "r1", "amount": 50, "urgent": False}})  # fmt: skip
    assert good.status_code == 201, good.content
    run = Run.objects.get(pk=good.json()["run_id"])
    assert (run.status, run.input["amount"], run.graph["coordinator"]) == (RunStatus.RUNNING, 50, name)


def test_the_built_in_examples_names_are_taken(designer_api):
    taken = service(unique("quotes"))
    taken["events"][0]["name"] = "TripRequested"
    errors = designer_api.post("/api/services", taken).json()["errors"]
    assert errors["events[0].name"] == "'TripRequested' is an event of a built-in example"
    assert "built-in example" in designer_api.post("/api/services", service("cars")).json()["errors"]["name"]


def test_nothing_declared_stops_the_system_from_starting(db):
    """The start-up check of the built-in designs reads code only: a service changed in the database
    (here the built-in cars, made to drop an outcome the travel design follows) cannot break it."""
    from workflowviz.designer.checks import check_builtin_designs_are_valid
    from workflowviz.modelled.services import declaration_json, service_get, service_replace

    cars = declaration_json(service_get("cars"))
    cars["actions"][0]["outcomes"] = cars["actions"][0]["outcomes"][1:]
    service_replace("cars", cars)

    assert check_builtin_designs_are_valid() == []
