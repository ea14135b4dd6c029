"""A design as typed objects (`design.py`) and a run's frozen copy of a stored design (`designs.design_graph`)."""

import uuid

import pytest

from tests.modelled.helpers import action, declare, outcome, unique
from workflowviz.engine.design import (
    DEFAULT_POLICY,
    TRIGGER,
    Edge,
    Policy,
    cycles,
    design_parse,
    failure_event_default,
    graph_of,
)
from workflowviz.engine.designs import design_graph
from workflowviz.engine.models import Run
from workflowviz.engine.registry import action_get

# pay decides; ship follows any outcome of pay; refund and notify follow one outcome each; audit starts
# with the run beside take, and also follows ship; the two ends close the branches.
SHOP = {
    "trigger": "BasketSubmitted",
    "trigger_service": "shop",
    "steps": [
        {"id": "take", "action": "shop.take", "after": []},
        {"id": "pay", "action": "payments.pay", "after": ["take"], "policy": {"max_attempts": 5}},
        {"id": "ship", "action": "stock.ship", "after": ["pay"]},
        {"id": "refund", "action": "payments.refund", "after": ["pay:PaymentRejected"]},
        {"id": "notify", "action": "mail.notify", "after": ["pay:PaymentAccepted", "ship"], "join": "first"},
        {"id": "audit", "action": "shop.audit", "after": ["trigger", "ship"]},
        {"id": "done", "end": "shipped", "after": ["notify"]},
        {"id": "refused", "end": "refused", "fails": True, "after": ["refund"]},
    ],
}


def ids(steps) -> list[str]:
    return [step.id for step in steps]


@pytest.mark.parametrize(
    ("text", "step", "outcome"), [("a", "a", ""), ("a:Outcome", "a", "Outcome"), ("trigger", TRIGGER, "")]
)
def test_an_edge_reads_a_step_and_an_optional_outcome(text, step, outcome):
    edge = Edge.parse(text)
    assert (edge.step, edge.outcome) == (step, outcome)
    assert str(edge) == text


def test_an_edge_without_outcome_matches_every_outcome_of_its_step():
    assert Edge.parse("a").matches("a", "Anything")
    assert Edge.parse("a:Yes").matches("a", "Yes")
    assert not Edge.parse("a:Yes").matches("a", "No")
    assert not Edge.parse("a").matches("b", "Yes")


def test_design_parse_reads_steps_services_joins_and_defaults():
    design = design_parse(SHOP)
    assert (design.trigger, design.trigger_service, design.coordinator) == ("BasketSubmitted", "shop", "shop")
    assert design.failure_event == "BasketCancelled"
    pay = design.step("pay")
    assert (pay.service, pay.after, pay.join) == ("payments", (Edge("take"),), "all")
    assert pay.policy.max_attempts == 5 and pay.policy.timeout_seconds == DEFAULT_POLICY["timeout_seconds"]
    assert design.step("notify").join == "first" and not design.step("notify").waits_for_all
    assert design.step("audit").waits_for_all


def test_a_legacy_design_starts_with_order_placed_and_fails_with_order_cancelled():
    design = design_parse({"steps": [{"id": "a", "action": "sellers.prepare_shipment"}]})
    assert (design.trigger, design.trigger_service, design.failure_event) == ("OrderPlaced", "orders", "OrderCancelled")


def test_subscribers_of_an_outcome_are_the_steps_whose_edges_it_travels():
    design = design_parse(SHOP)
    # "ship" follows any outcome of pay; refund and notify only one each.
    assert ids(design.subscribers("pay", "PaymentAccepted")) == ["ship", "notify"]
    assert ids(design.subscribers("pay", "PaymentRejected")) == ["ship", "refund"]
    assert ids(design.subscribers("ship", "Shipped")) == ["notify", "audit"]
    assert ids(design.subscribers("done", "")) == []


def test_the_trigger_starts_the_steps_that_follow_nothing_or_name_the_trigger():
    design = design_parse(SHOP)
    assert ids(design.starters()) == ["take", "audit"]
    assert ids(design.subscribers("", "")) == ["take", "audit"]


def test_edge_into_names_the_edge_an_outcome_travels():
    design = design_parse(SHOP)
    notify = design.step("notify")
    assert design.edge_into(notify, "pay", "PaymentAccepted") == Edge("pay", "PaymentAccepted")
    assert design.edge_into(notify, "ship", "Whatever") == Edge("ship")
    assert design.edge_into(notify, "pay", "PaymentRejected") is None
    assert design.edge_into(design.step("audit"), "", "") == Edge(TRIGGER)


def test_end_steps_give_a_result_and_only_an_end_can_fail_the_run():
    design = design_parse(
        {**SHOP, "steps": [*SHOP["steps"], {"id": "odd", "action": "shop.odd", "fails": True, "after": ["take"]}]}
    )
    done, refused, odd = design.step("done"), design.step("refused"), design.step("odd")
    assert (done.is_end, done.end, done.fails) == (True, "shipped", False)
    assert (refused.is_end, refused.end, refused.fails) == (True, "refused", True)
    assert (odd.is_end, odd.fails) == (False, False)
    assert done.policy == Policy() and done.action == ""


def test_cycles_and_the_steps_in_them():
    design = design_parse(
        {
            "steps": [
                {"id": "start", "action": "a.x", "after": []},
                {"id": "poll", "action": "a.poll", "after": ["trigger", "check:Again"], "join": "first"},
                {"id": "check", "action": "a.check", "after": ["poll"], "max_visits": 3},
                {"id": "self", "action": "a.self", "after": ["start", "self"], "join": "first"},
                {"id": "end", "end": "done", "after": ["check:Done"]},
            ]
        }
    )
    assert sorted(map(sorted, cycles(design))) == [["check", "poll"], ["self"]]
    assert design.in_cycle == {"poll", "check", "self"}
    assert design_parse(SHOP).in_cycle == frozenset()


@pytest.mark.parametrize(
    ("trigger", "failure"),
    [
        ("OrderPlaced", "OrderCancelled"),
        ("BookingRequested", "BookingCancelled"),
        ("Foo", "FooCancelled"),
        ("Requested", "RequestedCancelled"),  # the ending alone is not a past tense to replace
    ],
)
def test_the_failure_event_of_a_trigger(trigger, failure):
    assert failure_event_default(trigger) == failure


def test_retry_delay_doubles_from_the_backoff():
    policy = Policy(backoff_seconds=0.5)
    assert [policy.retry_delay(attempt) for attempt in (1, 2, 3, 4)] == [0.5, 1.0, 2.0, 4.0]
    assert Policy(backoff_seconds=0).retry_delay(3) == 0


def test_a_design_survives_its_json_round_trip():
    design = design_parse(SHOP)
    again = design_parse(design.to_json())
    assert again == design
    assert again.to_json() == design.to_json()
    notify = next(step for step in design.to_json()["steps"] if step["id"] == "notify")
    assert notify["join"] == "first" and notify["after"] == ["pay:PaymentAccepted", "ship"]


def test_graph_of_parses_a_run_once_per_run_id():
    first = Run(pk=uuid.uuid4(), graph=SHOP)
    graph = graph_of(first)
    first.graph = {"steps": []}  # a run's graph never changes: the parsed copy is kept
    assert graph_of(first) is graph and ids(graph.steps)[0] == "take"
    other = Run(pk=uuid.uuid4(), graph={"steps": [{"id": "only", "action": "a.b"}]})
    assert ids(graph_of(other).steps) == ["only"]


# --- designs.design_graph: the run's frozen copy of a stored design ---------------------------------
FULFIL = {
    "trigger": "OrderPlaced",
    "steps": [
        {"id": "prepare", "action": "sellers.prepare_shipment", "after": [], "policy": {"max_attempts": 4}},
        {"id": "confirm", "action": "notifications.send_order_confirmation", "after": []},
        {"id": "end", "end": "done", "after": ["prepare", "confirm"]},
    ],
}


def test_every_step_of_a_run_gets_the_full_policy_and_its_actions_compensation(db):
    graph = design_graph(FULFIL)
    prepare = graph.step("prepare")
    assert prepare.policy.to_json() == {
        **DEFAULT_POLICY,
        "max_attempts": 4,
        "compensation": "sellers.cancel_shipment_preparation",
    }
    assert graph.step("confirm").policy.compensation == "notifications.send_order_cancellation"
    assert (graph.trigger_service, graph.coordinator, graph.failure_event) == ("orders", "orders", "OrderCancelled")
    stored = graph.to_json()["steps"][0]["policy"]
    assert set(stored) == {*DEFAULT_POLICY, "compensation"}


def test_a_runs_overrides_apply_star_first_then_each_step_and_a_bursts_latency(db):
    overrides = {"*": {"backoff_seconds": 3.0, "max_attempts": 2}, "prepare": {"max_attempts": 7}}

    graph = design_graph(FULFIL, latency_ms=[5, 9], overrides=overrides)

    prepare, confirm = graph.step("prepare").policy, graph.step("confirm").policy
    assert (prepare.max_attempts, prepare.backoff_seconds, prepare.latency_ms) == (7, 3.0, (5, 9))
    assert (confirm.max_attempts, confirm.backoff_seconds, confirm.latency_ms) == (2, 3.0, (5, 9))
    assert graph.step("end").policy == Policy()  # an end has no policy to override
    # A step's own override wins over the burst's latency.
    graph = design_graph(FULFIL, latency_ms=[5, 9], overrides={"confirm": {"latency_ms": [1, 2]}})
    assert graph.step("confirm").policy.latency_ms == (1, 2)


def test_declared_actions_and_their_compensations_are_frozen_into_the_run(transactional_db):
    name = unique("rent")
    prefix = name.capitalize()
    rent = action(
        "rent", outcome(f"{prefix}Rented", "car_ref"), inputs=["trip_id"], compensation="give_back", latency_ms=[40, 50]
    )
    give_back = action("give_back", outcome(f"{prefix}Returned"), inputs=["car_ref"])
    declare(name, rent, give_back)
    design = {"trigger": "OrderPlaced", "steps": [{"id": "car", "action": f"{name}.rent", "after": []}]}

    graph = design_graph(design)

    car = graph.step("car")
    assert car.policy.compensation == f"{name}.give_back"
    assert car.policy.latency_ms == (40, 50)  # what the declared action brings
    assert graph.actions == {
        f"{name}.rent": action_get(f"{name}.rent").declaration,
        f"{name}.give_back": action_get(f"{name}.give_back").declaration,
    }
    assert graph.actions[f"{name}.rent"]["outcomes"][0]["event"] == f"{prefix}Rented"
    assert graph.to_json()["actions"] == graph.actions
