"""The importer (POST /api/workflows) against malformed and hostile JSON: a clear 4xx, never a 500."""

import json

import pytest

from tests.designer.factories import design
from workflowviz.api.body import BadJson, json_parse
from workflowviz.designer.models import Design
from workflowviz.designer.schema import DESIGN_SCHEMA, MAX_DESIGN_BYTES

pytestmark = pytest.mark.django_db

STEP = {"id": "a", "action": "notifications.send_order_confirmation"}


def body(**changes):
    return json.dumps(design(**changes))


HOSTILE = {
    "empty body": ("", 400, "body"),
    "not JSON": ("{slug: 'x'}", 400, "body"),
    "truncated": ('{"slug": "x", "steps": [', 400, "body"),
    "not UTF-8": (b'{"slug": "\xff\xfe"}', 400, "body"),
    "NaN": ('{"slug": "x", "name": "X", "steps": [], "version": NaN}', 400, "body"),
    "Infinity": ('{"version": Infinity}', 400, "body"),
    "huge exponent": ('{"version": 1e999}', 400, "body"),
    "huge integer": ('{"version": ' + "9" * 5000 + "}", 400, "body"),
    "duplicate keys": ('{"slug": "a", "slug": "b", "name": "X", "steps": []}', 400, "body"),
    "deeply nested": ("[" * 5000 + "]" * 5000, 400, "body"),
    "nested past the limit in a string-free object": ('{"a":' * 40 + "1" + "}" * 40, 400, "body"),
    "a list": ("[1, 2, 3]", 400, "(design)"),
    "a string": ('"design"', 400, "(design)"),
    "null": ("null", 400, "(design)"),
    "steps not a list": (json.dumps({"slug": "x", "name": "X", "steps": {"a": STEP}}), 400, "steps"),
    "step not an object": (json.dumps({"slug": "x", "name": "X", "steps": ["a"]}), 400, "steps[0]"),
    "id a number": (json.dumps({"slug": "x", "name": "X", "steps": [{**STEP, "id": 7}]}), 400, "steps[0].id"),
    "after a string": (body(steps=[{**STEP, "after": "b"}]), 400, "step:a"),
    "policy a list": (body(steps=[{**STEP, "policy": [1]}]), 400, "step:a"),
    "prototype pollution key": (body(__proto__={"admin": True}), 400, "__proto__"),
    "constructor key in a step": (body(steps=[{**STEP, "constructor": {"prototype": 1}}]), 400, "step:a"),
    "constructor as a step id": (body(steps=[{**STEP, "id": "constructor"}]), 422, "step:constructor"),
    "__proto__ as a step id": (body(steps=[{**STEP, "id": "__proto__"}]), 422, "step:__proto__"),
    "unknown top-level key": (body(author="mallory"), 400, "author"),
    "owner not a name": (body(owner=["mallory"]), 400, "owner"),
    "slug with a slash": (body(slug="../etc"), 422, "slug"),
    "slug with a newline": (body(slug="ok\n"), 422, "slug"),
    "script in a step id": (body(steps=[{**STEP, "id": "<script>"}]), 422, "step:<script>"),
    "too many steps": (body(steps=[{**STEP, "id": f"s{i}"} for i in range(500)]), 400, "steps"),
    "very long name": (body(name="x" * 100_000), 422, "name"),
    "trigger not a known event": (body(trigger="__proto__"), 422, "trigger"),
    "boolean as number": (body(steps=[{**STEP, "policy": {"failure_probability": True}}]), 400, "step:a"),
    "a cycle": (
        body(steps=[{**STEP, "after": ["b"]}, {"id": "b", "action": STEP["action"], "after": ["a"]}]),
        422,
        "edge:b->a",
    ),
}


@pytest.mark.parametrize(("raw", "status", "where"), HOSTILE.values(), ids=HOSTILE.keys())
def test_hostile_json_is_refused_with_a_clear_error(api, raw, status, where):
    response = api.post("/api/workflows", raw, raw=True)
    assert response.status_code == status, response.content[:300]
    answer = response.json()
    assert where in answer["errors"], answer["errors"]
    assert all(isinstance(reason, str) and reason for reason in answer["errors"].values())
    assert not Design.objects.filter(slug="my-flow").exists()


def test_a_body_over_the_limit_is_413(api):
    response = api.post("/api/workflows", " " * (MAX_DESIGN_BYTES + 1), raw=True)
    assert response.status_code == 413
    assert "body" in response.json()["errors"]


def test_a_body_over_djangos_own_limit_is_413_not_a_bare_400(api):
    response = api.post("/api/workflows", "[" + "0," * 1_500_000 + "0]", raw=True)
    assert response.status_code == 413


def test_problems_list_each_error_with_its_place(api):
    response = api.post(
        "/api/workflows",
        design(steps=[{**STEP, "after": ["ghost"]}, {"id": "b", "action": "x.y", "after": ["a"]}]),
    )
    assert response.status_code == 422
    answer = response.json()
    assert set(answer["errors"]) == {"edge:ghost->a", "step:b"}
    assert {(p["code"], p["where"]) for p in answer["problems"]} == {
        ("unknown_dependency", "edge:ghost->a"),
        ("unknown_action", "step:b"),
        ("unreachable", "step:b"),  # it runs after a, which never runs
    }
    edge = next(p for p in answer["problems"] if p["code"] == "unknown_dependency")
    assert edge["edge"] == {"from": "ghost", "to": "a"}


def test_export_then_import_gives_the_same_design(api):
    exported = api.get("/api/workflows/recommendations-enrichment").json()
    imported = api.post("/api/workflows", {**exported, "slug": "copy-of-recommendations"})
    assert imported.status_code == 201, imported.content
    again = api.get("/api/workflows/copy-of-recommendations").json()
    # The file's owner is ignored: an imported design belongs to whoever imported it.
    assert (again["owner"], again["builtin"]) == ("admin", False)
    same = {"slug": exported["slug"], "version": exported["version"], "owner": None, "builtin": True}
    assert {**again, **same} == exported


@pytest.mark.parametrize(
    "raw",
    ['{"a": "[[[[[[[[[[[[[[[[[[[[[[[[["}', '{"a": "\\"[[[[[[[[[[[[[[[[[[[[[[["}'],
    ids=["brackets inside a string", "escaped quote then brackets"],
)
def test_brackets_inside_strings_do_not_count_as_nesting(raw):
    assert isinstance(json_parse(raw, limit=MAX_DESIGN_BYTES), dict)


def test_json_parse_refuses_what_it_should():
    for raw in ["[" * 13 + "]" * 13, '{"a": NaN}', '{"a": 1, "a": 2}', b"\xff", "x" * (MAX_DESIGN_BYTES + 1)]:
        with pytest.raises(BadJson):
            json_parse(raw, limit=MAX_DESIGN_BYTES)


def test_the_published_schema_uses_only_the_keywords_the_validator_checks():
    understood = {
        "$schema", "$id", "title", "description", "default", "examples",
        "type", "properties", "required", "additionalProperties", "items", "minItems", "maxItems",
        "uniqueItems", "minLength", "maxLength", "pattern", "minimum", "maximum", "enum",
    }  # fmt: skip

    def keywords(schema, path="#"):
        found = []
        for key, value in schema.items():
            if key not in understood:
                found.append(f"{path}/{key}")
            if key == "properties":
                for name, child in value.items():
                    found += keywords(child, f"{path}/properties/{name}")
            elif key == "items":
                found += keywords(value, f"{path}/items")
            elif key == "$schema" and isinstance(value, dict):
                found += keywords(value, f"{path}/$schema")
        return found

    assert keywords(DESIGN_SCHEMA) == []


def test_the_schema_is_published_without_login(client):
    response = client.get("/api/workflows/schema.json")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/schema+json"
    schema = response.json()
    assert schema["$schema"].startswith("https://json-schema.org/draft/2020-12")
    assert schema["properties"]["steps"]["maxItems"] == 50
