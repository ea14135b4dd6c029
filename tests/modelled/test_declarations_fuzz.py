"""Any JSON thrown at a service declaration gets problems by path, never an exception."""

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from workflowviz.designer import carried
from workflowviz.designer.builtins import ORDER_FULFILMENT
from workflowviz.designer.catalogue import _builtin_names_taken
from workflowviz.designer.validation import design_problems
from workflowviz.modelled.declarations import Problems, action_problems, service_problems

json_values = st.recursive(
    st.none() | st.booleans() | st.integers(-(10**6), 10**6) | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=10), inner, max_size=4),
    max_leaves=20,
)
KEYS = ["name", "label", "colour", "description", "events", "actions"]
ACTION_KEYS = ["name", "inputs", "outcomes", "choice", "latency_ms", "latency_distribution", "failure_probability",
               "compensation", "idempotency", "description"]  # fmt: skip
OUTCOME_KEYS = ["event", "fields", "weight", "when"]
outcomes = st.fixed_dictionaries({}, optional={key: json_values for key in OUTCOME_KEYS})
actions = st.fixed_dictionaries(
    {}, optional={**{key: json_values for key in ACTION_KEYS}, "outcomes": st.lists(outcomes | json_values, max_size=3)}
)
services = st.fixed_dictionaries(
    {}, optional={**{key: json_values for key in KEYS}, "actions": st.lists(actions | json_values, max_size=3)}
)


@settings(max_examples=400, deadline=None)
@given(data=services | json_values)
def test_a_declaration_never_raises_and_names_where_each_problem_is(data):
    problems = service_problems(data, taken_events={"OrderPlaced": "orders"}, coded_services={"orders"})
    assert all(isinstance(path, str) and isinstance(message, str) and message for path, message in problems.items())
    assert isinstance(_builtin_names_taken(data), dict)  # the designer's check of the built-in examples' names


@settings(max_examples=300, deadline=None)
@given(data=actions | json_values)
def test_an_action_never_raises(data):
    problems = Problems()
    action_problems(problems, data, "")
    assert isinstance(problems, dict)


def test_values_of_the_wrong_type_in_lists_are_named_not_raised():
    action = {"name": "a", "inputs": ["x"], "outcomes": [{"event": "Done"}], "idempotency": {"key": [["x"], {}]}}
    problems = Problems()
    action_problems(problems, action, "")
    assert problems == {"idempotency.key": "must list inputs of the action"}


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(services=st.lists(services | json_values, max_size=3) | json_values)
def test_a_design_file_carrying_anything_as_services_is_checked_without_an_exception(services, db):
    design = {**ORDER_FULFILMENT, "services": services}
    problems = design_problems(design, **carried.catalogue(design)) + carried.problems(design)
    assert all(problem.message for problem in problems)
