"""Other views of a design: the message flow of each pattern, Mermaid text, the diff of two versions."""

import pytest

from tests.designer.factories import design, step
from workflowviz.designer.builtins import RECOMMENDATIONS
from workflowviz.designer.preview import design_diff, flow_preview, mermaid
from workflowviz.engine.registry import actions_all

# The catalogue includes services declared in the browser (in the database).
pytestmark = pytest.mark.django_db


def actions():
    return {action.key: action for action in actions_all()}


def test_orchestration_sends_every_command_from_orders_and_gets_every_reply_back():
    flow = flow_preview(RECOMMENDATIONS, actions())["orchestration"]
    assert flow["messages"] == 8
    assert {(s["command"]["from"], s["reply"]["to"]) for s in flow["steps"]} == {("orders", "orders")}
    fan_in = flow["steps"][-1]
    assert fan_in["when"] == "after the replies for seller_suggestions, delivery_estimate, points_quote"


def test_choreography_compiles_into_subscriptions_and_a_join():
    flow = flow_preview(RECOMMENDATIONS, actions())["choreography"]
    placed = flow["subscriptions"][0]
    assert (placed["event"], placed["publisher"]) == ("OrderPlaced", "orders")
    assert [s["step"] for s in placed["subscribers"]] == ["seller_suggestions", "delivery_estimate", "points_quote"]
    assert flow["joins"] == [
        {
            "step": "send_recommendations",
            "service": "notifications",
            "waits_for": ["seller_suggestions", "delivery_estimate", "points_quote"],
        }
    ]
    assert flow["messages"] == 6  # 3 OrderPlaced deliveries + 3 into the join


def test_mermaid_prefixes_ids_and_escapes_labels():
    text = mermaid(design(name='Quote " and <b>#1</b>\nnew line', steps=[step("end", "sellers.prepare_shipment")]))
    assert text.splitlines()[0] == "%% Quote #quot; and #lt;b#gt;#35;1#lt;/b#gt; new line"
    assert 's_end["end<br/>sellers.prepare_shipment"]' in text  # "end" alone would end a Mermaid subgraph
    assert "trigger --> s_end" in text


def test_diff_compares_policies_with_their_defaults_filled_in():
    explicit = design()
    explicit["steps"][0]["policy"]["max_attempts"] = 3  # the default: no change
    assert design_diff(design(), explicit)["same"]
    slower = design()
    slower["steps"][0]["policy"]["latency_ms"] = [500, 900]
    changes = design_diff(design(), slower)["steps"]["changed"]
    assert changes == [
        {"step": "confirm_order", "changes": [{"field": "policy.latency_ms", "from": [50, 250], "to": [500, 900]}]}
    ]
