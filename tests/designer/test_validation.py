"""The validation rules: each problem is found and placed on the step or edge it concerns."""

import pytest

from tests.designer.factories import design, problems_at, step
from workflowviz.designer.builtins import BUILTIN_DESIGNS
from workflowviz.designer.validation import ERROR, WARNING, design_problems, errors_only

NOTIFY = "notifications.send_order_confirmation"
PREPARE = "sellers.prepare_shipment"
ASSIGN = "logistics.assign_delivery_partner"
SHIPPED = "notifications.send_shipped_email"

# The catalogue a design is checked against includes services declared in the browser (in the database).
pytestmark = pytest.mark.django_db


def check(*steps, **fields):
    return design_problems(design(steps=list(steps), **fields))


@pytest.mark.parametrize("slug", sorted(BUILTIN_DESIGNS))
def test_every_builtin_design_has_no_problem(slug):
    assert design_problems(BUILTIN_DESIGNS[slug]) == []


def test_a_cycle_is_reported_on_each_of_its_edges_and_its_followers_never_run():
    problems = check(
        step("a", PREPARE, "c"),
        step("b", ASSIGN, "a"),
        step("c", NOTIFY, "b"),
        step("d", NOTIFY, "c"),
        step("e", NOTIFY),
    )
    for edge in ("edge:c->a", "edge:a->b", "edge:b->c"):
        assert problems_at(problems, edge) == ["cycle"]
    [cycle] = [p for p in problems if p.where == "edge:c->a"]
    assert "a → b → c → a" in cycle.message
    assert problems_at(problems, "step:d") == ["unreachable"]
    assert problems_at(problems, "step:e") == []


def test_a_step_after_itself_is_a_cycle():
    problems = check(step("a", NOTIFY, "a"))
    assert problems_at(problems, "edge:a->a") == ["cycle"]
    assert problems_at(problems, "step:a") == []  # the cycle says it all


def test_unknown_action_names_what_the_service_offers():
    problems = check(step("a", "sellers.teleport"), step("b", "warehouse.pick"))
    [unknown] = [p for p in problems if p.where == "step:a"]
    assert unknown.code == "unknown_action" and "sellers.prepare_shipment" in unknown.message
    assert problems_at(problems, "step:b") == ["unknown_action"]


def test_unknown_dependency_is_on_the_edge_and_its_followers_are_unreachable():
    problems = check(step("a", NOTIFY, "ghost"), step("b", NOTIFY, "a"))
    assert problems_at(problems, "edge:ghost->a") == ["unknown_dependency"]
    assert problems_at(problems, "step:b") == ["unreachable"]


def test_duplicate_step_id():
    problems = check(step("a", NOTIFY), step("a", PREPARE))
    assert [p.code for p in problems if p.code == "duplicate_step"] == ["duplicate_step"]
    assert problems_at(problems, "step:a") == ["duplicate_step"]


def test_a_command_field_must_come_from_the_trigger_or_a_step_before():
    # The shipped email needs the tracking number, which only an assigned partner provides.
    problems = check(step("prepare", PREPARE), step("assign", ASSIGN, "prepare"), step("tell", SHIPPED, "prepare"))
    [missing] = [p for p in problems if p.where == "step:tell"]
    assert missing.code == "missing_field"
    assert "partner_name, tracking_number" in missing.message and "assign" in missing.message
    # Transitively provided is fine: tell runs after assign, which runs after prepare.
    assert (
        errors_only(check(step("prepare", PREPARE), step("assign", ASSIGN, "prepare"), step("tell", SHIPPED, "assign")))
        == []
    )


def test_a_field_from_a_parallel_step_is_not_available():
    # assign and tell both start with the trigger: nothing guarantees assign finished first.
    problems = check(step("assign", ASSIGN), step("tell", SHIPPED))
    assert problems_at(problems, "step:tell") == ["missing_field"]


def test_trigger_fields_depend_on_the_trigger():
    problems = check(step("code", "notifications.send_login_code"))
    assert problems_at(problems, "step:code") == ["missing_field"]
    assert check(step("code", "notifications.send_login_code"), trigger="LoginRequested") == []


def test_compensation_must_be_offered_by_the_steps_own_service():
    problems = check(
        step("a", PREPARE, compensation="notifications.send_order_cancellation"),
        step("b", PREPARE, compensation="sellers.nope"),
        step("c", PREPARE, compensation="sellers.cancel_shipment_preparation"),
        step("d", PREPARE, compensation=""),
        step("e", PREPARE, compensation=PREPARE),
    )
    [other_service] = [p for p in problems if p.where == "step:a"]
    assert other_service.code == "compensation_not_offered"
    assert "sellers.cancel_shipment_preparation" in other_service.message
    assert problems_at(problems, "step:b") == ["compensation_not_offered"]
    assert problems_at(problems, "step:c") == []
    assert problems_at(problems, "step:d") == []
    assert problems_at(problems, "step:e") == ["compensation_not_offered"]


@pytest.mark.parametrize(
    ("policy", "fragment"),
    [
        ({"max_attempts": 0}, "max_attempts: must be at least 1"),
        ({"max_attempts": 11}, "max_attempts: must be at most 10"),
        ({"max_attempts": 2.5}, "max_attempts: must be an integer"),
        ({"max_attempts": True}, "max_attempts: must be an integer"),
        ({"backoff_seconds": -1}, "backoff_seconds: must be at least 0"),
        ({"timeout_seconds": 0}, "timeout_seconds: must be at least 1"),
        ({"failure_probability": 1.5}, "failure_probability: must be at most 1"),
        ({"latency_ms": [10]}, "latency_ms: at least 2"),
        ({"latency_ms": [10, 20, 30]}, "latency_ms: at most 2"),
        ({"latency_ms": [-1, 5]}, "latency_ms[0]: must be at least 0"),
        ({"latency_ms": [500, 100]}, "latency_ms: low must not exceed high"),
        ({"retries": 3}, "policy.retries: unknown key"),
    ],
)
def test_bad_policy_values_are_on_the_step(policy, fragment):
    problems = check(step("a", NOTIFY, **policy))
    found = [p for p in problems if p.where == "step:a"]
    assert found and all(p.code == "bad_policy" for p in found)
    assert any(fragment in p.message for p in found), [p.message for p in found]


def test_size_limits():
    too_many = [step(f"s{i}", NOTIFY) for i in range(51)]
    assert [p.message for p in check(*too_many)] == ["steps: at most 50 items"]
    assert errors_only(check(*too_many[:50])) == []
    long_id = check(step("a" * 65, NOTIFY))
    assert long_id[0].code == "bad_value" and "does not match" in long_id[0].message
    assert check(step("a", NOTIFY), name="x" * 121)[0].message == "name: at most 120 characters"
    assert check(step("a", NOTIFY), description="x" * 2001)[0].message == "description: at most 2000 characters"


def test_event_nobody_consumes_is_a_warning_on_the_step_whose_information_goes_nowhere():
    # A partner assigned and a tracking number made, but no step tells the buyer.
    problems = check(step("prepare", PREPARE), step("assign", ASSIGN, "prepare"))
    [unconsumed] = problems
    assert (unconsumed.code, unconsumed.severity, unconsumed.where) == ("event_unconsumed", WARNING, "step:assign")
    assert "DeliveryPartnerAssigned" in unconsumed.message and "tracking_number" in unconsumed.message
    # An event that only names the record it made (an email sent) ends a run well.
    assert check(step("confirm", NOTIFY)) == []


def test_reserved_names():
    problems = check(step("trigger", NOTIFY), step("constructor", NOTIFY), slug="validate")
    assert problems_at(problems, "slug") == ["reserved_slug"]
    assert problems_at(problems, "step:trigger") == ["reserved_step_id"]
    assert problems_at(problems, "step:constructor") == ["reserved_step_id"]


def test_wrong_structure_stops_before_the_graph_checks():
    problems = design_problems({"slug": "x", "name": "X", "steps": [{"id": "a", "action": NOTIFY, "after": "b"}]})
    assert [(p.code, p.kind, p.message) for p in problems] == [
        ("bad_structure", "structure", "steps[0].after: must be an array")
    ]
    assert problems[0].where == "step:a"
    assert [p.message for p in design_problems([])] == ["(design): must be an object"]
    missing = design_problems({"steps": []})
    assert {p.message for p in missing} == {"slug: is required", "name: is required", "steps: at least 1 item(s)"}


def test_every_problem_names_where_it_is():
    problems = check(step("a", PREPARE, "c"), step("b", "x.y", "a"), step("c", NOTIFY, "b", max_attempts=0))
    assert problems and all(p.where.startswith(("step:", "edge:")) for p in problems)
    assert all(p.severity == ERROR for p in problems)
