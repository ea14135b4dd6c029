"""The figures of the compare page, on event records with known times and contents: exact values."""

import pytest

from tests.compare.records import choreography_held, orchestration_held, orchestration_succeeded
from workflowviz.compare.facts import latency_distribution, pattern_aggregate
from workflowviz.compare.models import Comparison, ComparisonRun
from workflowviz.compare.selectors import comparison_detail_json, comparison_facts

pytestmark = pytest.mark.django_db


def comparison_of(runs: list, *, faults=None) -> Comparison:
    comparison = Comparison.objects.create(
        sku="BOOK-DDD", quantity=1, customer_email="ann@example.com", region="north", workflow="order-fulfilment",
        count=max(1, len(runs) // 2), faults=faults if faults is not None else [],
    )  # fmt: skip
    indexes = {"orchestration": 0, "choreography": 0}
    for run in runs:
        ComparisonRun.objects.create(comparison=comparison, run=run, pattern=run.pattern, index=indexes[run.pattern])
        indexes[run.pattern] += 1
    return comparison


SELLERS_DOWN = [{"service": "sellers", "down": True, "deliver_twice": 0}]


def test_an_orchestration_run_s_facts():
    run = orchestration_succeeded()
    comparison = comparison_of([run], faults=SELLERS_DOWN)

    [fact] = comparison_facts(comparison)["orchestration"]

    assert fact["status"] == "succeeded"
    assert fact["latency_ms"] == 400.0
    assert fact["messages"] == {"command": 5, "reply": 4, "event": 0, "compensate": 0, "total": 9}
    # The resend of a failed attempt is sent by Logistics itself: Orders named three services.
    assert fact["addressed"] == ["logistics", "notifications", "sellers"]
    assert fact["published"] == [] and fact["receivers"] == []
    assert (fact["retries"], fact["timeouts"], fact["compensations"], fact["duplicates"]) == (1, 0, 0, 1)
    assert fact["state_in"] == ["orders"]
    assert fact["records"] == 25
    assert fact["sources"] == ["logistics", "notifications", "orders", "sellers"]
    assert fact["waiting_at"] == []
    assert fact["faults"] == {
        "sellers": {
            "done_without": ["confirm_order"],
            "finished_without": False,
            "held_at": ["prepare_shipment"],
            "waited_ms": 250.0,
        }
    }


def test_a_choreography_run_held_by_a_service_that_is_off():
    run = choreography_held()
    comparison = comparison_of([run], faults=SELLERS_DOWN)

    [fact] = comparison_facts(comparison)["choreography"]

    assert fact["status"] == "running" and fact["latency_ms"] is None
    assert fact["messages"] == {"command": 0, "reply": 0, "event": 2, "compensate": 0, "total": 2}
    assert fact["addressed"] == []
    assert fact["published"] == ["OrderPlaced"]
    assert fact["receivers"] == ["notifications", "sellers"]
    assert fact["state_in"] == ["notifications"]
    assert fact["waiting_at"] == [{"step_id": "prepare_shipment", "service": "sellers", "status": "queued"}]
    assert fact["faults"] == {
        "sellers": {
            "done_without": ["confirm_order"],
            "finished_without": False,
            "held_at": ["prepare_shipment"],
            "waited_ms": None,  # queued, not taken yet
        }
    }


def facts(pattern, latencies, **extra):
    base = {
        "pattern": pattern, "status": "succeeded",
        "messages": {"command": 4, "reply": 4, "event": 0, "compensate": 0, "total": 8},
        "retries": 0, "timeouts": 0, "compensations": 0, "duplicates": 0, "addressed": ["sellers"], "published": [],
        "receivers": [], "state_in": ["orders"], "joins": [], "records": 35, "sources": ["orders"], "waiting_at": [],
        "faults": {},
    }  # fmt: skip
    return [{**base, "latency_ms": ms, **extra} for ms in latencies]


def test_the_aggregate_of_a_pattern():
    runs = facts("orchestration", [100.0, 200.0, 300.0, 400.0], retries=1)
    runs += facts("orchestration", [None], status="running", waiting_at=[{"step_id": "a", "service": "sellers"}])

    agg = pattern_aggregate(runs)

    assert agg["runs"] == 5 and agg["finished"] == 4
    assert agg["statuses"] == {"running": 1, "succeeded": 4}
    assert agg["latency_ms"] == {"n": 4, "p50": 250.0, "p95": 385.0, "p99": 397.0, "max": 400.0}
    assert agg["messages"]["total"] == 40 and agg["messages"]["per_order"] == 8
    assert agg["retries"] == 4
    assert agg["records"] == {"total": 175, "per_order": 35}
    assert agg["waiting_at"] == [{"step_id": "a", "service": "sellers", "runs": 1}]


def test_both_patterns_share_the_distribution_s_buckets():
    distribution = latency_distribution(
        {"orchestration": [100.0, 180.0, 205.0], "choreography": [95.0, 110.0]}, buckets=5
    )

    # span 110 ms / 5 → a 25 ms step (the next of 1, 2, 2.5, 5, 10 × 10^k), from 75 ms
    assert distribution["edges"] == [75, 100, 125, 150, 175, 200, 225]
    assert distribution["counts"] == {"orchestration": [0, 1, 0, 0, 1, 1], "choreography": [1, 1, 0, 0, 0, 0]}
    assert latency_distribution({"orchestration": [], "choreography": []})["edges"] == []


def test_the_table_and_notes_of_a_comparison_held_by_sellers_being_off():
    runs = [orchestration_held(), choreography_held(), orchestration_held(), choreography_held()]
    comparison = comparison_of(runs, faults=SELLERS_DOWN)

    detail = comparison_detail_json(comparison)

    assert detail["finished"] is False
    table = {row["key"]: row for row in detail["table"]}
    assert table["finished"]["orchestration"] == table["finished"]["choreography"] == "0 of 2"
    assert table["outcome"]["label"] == "Outcome (Sellers off at start)"
    assert table["outcome"]["orchestration"] == "2 running · waiting: 2 at prepare_shipment (Sellers)"
    assert table["outcome"]["choreography"] == "2 running · waiting: 2 at prepare_shipment (Sellers)"
    assert table["messages"]["orchestration"] == "6 (3 per order): 4 commands, 2 replies"
    assert table["messages"]["choreography"] == "4 (2 per order): 4 event deliveries"
    assert table["addressed"]["orchestration"] == "2: Notifications and Sellers"
    assert table["addressed"]["choreography"] == (
        "0 (publishes OrderPlaced; the bus delivered it to Notifications and Sellers)"
    )
    assert table["latency_p50"]["orchestration"] == "–"
    assert table["done_without_sellers"]["orchestration"] == "confirm_order in 2 of 2"
    assert table["finished_without_sellers"]["orchestration"] == "0 of 2"
    assert table["waited_sellers"]["choreography"] == "prepare_shipment in 2 of 2; 2 still waiting"
    assert table["messages"]["differs"] and not table["finished"]["differs"]
    notes = [note["text"] for note in detail["notes"]]
    assert (
        "With Sellers off at the start, before Sellers took a message: orchestration finished 0 of 2 orders and did "
        "confirm_order in 2 of 2; choreography finished 0 of 2 orders and did confirm_order in 2 of 2." in notes
    )
    assert (
        "Waited for Sellers: orchestration at prepare_shipment in 2 of 2 orders (all still waiting), choreography at "
        "prepare_shipment in 2 of 2 orders (all still waiting)." in notes
    )
    assert (
        "Orders addressed 2 services by name in orchestration (Notifications and Sellers) and none in choreography, "
        "where it only published OrderPlaced and the bus delivered it to Notifications and Sellers." in notes
    )
    assert not any(note["topic"] == "latency" for note in detail["notes"])  # nothing finished: no latency claim
    assert detail["pairs"] == [
        {"index": 0, "orchestration": str(runs[0].pk), "choreography": str(runs[1].pk)},
        {"index": 1, "orchestration": str(runs[2].pk), "choreography": str(runs[3].pk)},
    ]


def test_the_latency_note_names_the_faster_pattern_from_the_figures():
    runs = [orchestration_succeeded(400), orchestration_succeeded(600)]
    comparison = comparison_of(runs, faults=[])

    detail = comparison_detail_json(comparison)

    notes = {note["topic"]: note["text"] for note in detail["notes"]}
    assert (
        notes["latency"] == "No choreography order has finished yet; orchestration's finished orders took 500 ms (p50)."
    )
    table = {row["key"]: row for row in detail["table"]}
    assert table["latency_p50"]["orchestration"] == "500 ms" and table["latency_max"]["orchestration"] == "600 ms"
    assert table["outcome"]["label"] == "Outcome"
    assert table["retries"]["orchestration"] == "2" and table["duplicates"]["orchestration"] == "2"
    assert detail["distribution"]["counts"]["orchestration"] == [1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1]


def test_a_service_the_design_does_not_need_holds_nothing_back():
    run = orchestration_succeeded()
    comparison = comparison_of([run], faults=[{"service": "rewards", "down": True, "deliver_twice": 0}])

    [fact] = comparison_facts(comparison)["orchestration"]

    assert fact["faults"] == {
        "rewards": {
            "done_without": ["confirm_order", "prepare_shipment", "assign_partner", "notify_shipped"],
            "finished_without": True,
            "held_at": [],  # and no waited_ms: no step of Rewards was queued
        }
    }
    table = {row["key"]: row for row in comparison_detail_json(comparison)["table"]}
    assert table["finished_without_rewards"]["orchestration"] == "1 of 1"
    assert table["waited_rewards"]["orchestration"] == "no step of it queued"


def test_notes_under_a_long_outage_name_the_timeouts_and_compensations():
    from workflowviz.compare.notes import comparison_notes

    held = {"done_without": ["confirm_order"], "finished_without": True, "held_at": ["prepare_shipment"]}
    orchestration = facts(
        "orchestration", [95_000.0, 96_000.0], status="compensated", retries=2, timeouts=3, compensations=1,
        faults={"sellers": {**held, "waited_ms": 120_000.0}},
    )  # fmt: skip
    choreography = facts(
        "choreography",
        [121_000.0, 122_000.0],
        faults={"sellers": {**held, "finished_without": False, "waited_ms": 119_000.0}},
    )
    aggregate = {
        "orchestration": pattern_aggregate(orchestration, down=["sellers"]),
        "choreography": pattern_aggregate(choreography, down=["sellers"]),
    }

    notes = [note["text"] for note in comparison_notes(aggregate, down=["sellers"])]

    assert (
        "With Sellers off at the start, before Sellers took a message: orchestration finished 2 of 2 orders and did "
        "confirm_order in 2 of 2; choreography finished 0 of 2 orders and did confirm_order in 2 of 2." in notes
    )
    assert (
        "Waited for Sellers: orchestration at prepare_shipment in 2 of 2 orders (p50 2 min 0 s in its queue), "
        "choreography at prepare_shipment in 2 of 2 orders (p50 1 min 59 s in its queue)." in notes
    )
    assert (
        "The orchestration coordinator timed out 6 commands and retried 4 times; choreography has no coordinator to "
        "time out: its events stayed in the queues until a service took them." in notes
    )
    assert "Compensations: 2 steps undone in orchestration, 0 in choreography." in notes
    assert (
        "End-to-end latency p50: 1 min 36 s in orchestration, 2 min 2 s in choreography: orchestration was faster by "
        "26.0 s (21%); p95 1 min 36 s against 2 min 2 s (2 and 2 finished orders). The outcomes differ (orchestration "
        "2 compensated, choreography 2 succeeded): the times measure different ends." in notes
    )
