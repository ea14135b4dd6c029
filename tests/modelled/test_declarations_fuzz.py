"""Any JSON thrown at a service declaration gets problems by path, never an exception."""

from hypothesis import given, settings
from hypothesis import strategies as st

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
