"""Property: whatever JSON arrives in POST /api/orders, the answer is 201, 400 or 422 as the input deserves."""

import json

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from orders.models import Order
from orders.services import DEFAULT_DESIGN
from workflowviz.web.demo import PRODUCTS

SKUS = [sku for sku, *_ in PRODUCTS]
PATTERNS = ["orchestration", "choreography"]
REGIONS = ["north", "south", "east", "west"]
REQUIRED = ("customer_email", "sku", "quantity", "pattern")
MISSING = object()

# Any text, and often text around a NUL or a lone surrogate: valid in JSON, not storable text.
# (st.text() never generates surrogates.)
unstorable = st.sampled_from(["\x00", "\ud800", "\udfff"])
text = st.text(max_size=12) | st.builds("".join, st.tuples(st.text(max_size=4), unstorable, st.text(max_size=4)))
json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | text,
    lambda children: st.lists(children, max_size=3) | st.dictionaries(text, children, max_size=3),
    max_leaves=4,
)


def field(valid, *, optional=False):
    """A valid value, any string, any JSON value, or (for optional fields) nothing at all."""
    choices = [valid, text, json_values]
    if optional:
        choices.append(st.just(MISSING))
    return st.one_of(*choices)


orders = st.fixed_dictionaries(
    {
        "customer_email": field(st.sampled_from(["ann@example.com", "b.c+d@shop.example.org", "Zoë@exämple.de"])),
        "sku": field(st.sampled_from([*SKUS, "NOPE-1", "book-ddd"])),
        "quantity": field(st.integers(min_value=-2, max_value=1002)),
        "pattern": field(st.sampled_from([*PATTERNS, "saga"])),
        "region": field(st.sampled_from([*REGIONS, "mars"]), optional=True),
        "workflow": field(st.sampled_from([DEFAULT_DESIGN, "nope"]), optional=True),
    }
)


def email_ok(value) -> bool:
    if not isinstance(value, str) or len(value) > 254 or "\x00" in value:
        return False
    try:
        value.encode("utf-8")
        validate_email(value)
    except (UnicodeEncodeError, ValidationError):
        return False
    return True


def invalid_fields(body: dict) -> set[str]:
    """The fields the API must refuse, decided here independently of the code under test."""
    checks = {
        "customer_email": email_ok(body["customer_email"]),
        "sku": isinstance(body["sku"], str) and body["sku"] in SKUS,
        "quantity": type(body["quantity"]) is int and 1 <= body["quantity"] <= 1000,
        "pattern": isinstance(body["pattern"], str) and body["pattern"] in PATTERNS,
        "region": isinstance(body.get("region", "north"), str) and body.get("region", "north") in REGIONS,
    }
    invalid = {name for name, ok in checks.items() if not ok}
    workflow = body.get("workflow", DEFAULT_DESIGN)
    if not (isinstance(workflow, str) and workflow == DEFAULT_DESIGN):
        invalid.add("workflow")
    return invalid


@settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(fields=orders, drop=st.sampled_from([None, *REQUIRED]), extra=st.booleans())
def test_any_json_gets_201_400_or_422_never_5xx(fields, drop, extra, api, catalogue):
    body = {name: value for name, value in fields.items() if value is not MISSING and name != drop}
    if extra:
        body["gift_wrap"] = True

    response = api.post("/api/orders", json.dumps(body), raw=True)

    assert response.status_code in {201, 400, 422}, response.content
    if drop or extra:
        assert response.status_code == 400
        assert set(response.json()["errors"]) == ({drop} if drop else set()) | ({"gift_wrap"} if extra else set())
        return
    invalid = invalid_fields(body)
    if not invalid:
        assert response.status_code == 201, response.content
        order = Order.objects.get(pk=response.json()["order_id"])
        assert (order.product.sku, order.quantity, order.pattern) == (body["sku"], body["quantity"], body["pattern"])
        return
    assert response.status_code == 422, response.content
    errors = response.json()["errors"]
    # Every refused field is named with a reason (the workflow is only checked once the rest is valid).
    assert invalid - {"workflow"} <= set(errors) <= invalid
    assert all(isinstance(reason, str) and reason for reason in errors.values())
