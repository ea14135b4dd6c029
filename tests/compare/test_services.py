"""A comparison driven to the end in-process (each delivery is the real RQ job function): the table's
figures are the records' figures."""

from collections import Counter

from tests.engine.drain import drain_until_final
from workflowviz.compare.selectors import comparison_detail_json
from workflowviz.compare.services import comparison_start
from workflowviz.engine.models import EventRecord, RunStatus

FAST = {"*": {"latency_ms": [0, 0]}}


def test_both_patterns_run_to_the_end_and_the_figures_match_the_records(demo, workers_paused):
    comparison = comparison_start(sku="MUG-BLUE", quantity=1, customer_email="ann@example.com", count=3, policy=FAST)
    run_ids = list(comparison.runs.values_list("run_id", flat=True))

    runs = drain_until_final(run_ids)

    assert {run.status for run in runs} == {RunStatus.SUCCEEDED}
    detail = comparison_detail_json(comparison)
    assert detail["finished"] is True
    # The workers were paused by switching every service off: the comparison recorded that.
    assert {fault["service"] for fault in comparison.faults if fault["down"]} == {
        "orders", "notifications", "sellers", "logistics", "rewards"
    }  # fmt: skip
    for pattern in ("orchestration", "choreography"):
        pattern_runs = [run.pk for run in runs if run.pattern == pattern]
        sent = Counter(
            EventRecord.objects.filter(run_id__in=pattern_runs, kind="message.sent").values_list(
                "payload__kind", flat=True
            )
        )
        agg = detail["aggregate"][pattern]
        assert agg["finished"] == agg["runs"] == 3
        assert agg["messages"]["total"] == sum(sent.values())
        assert {kind: agg["messages"][kind] for kind in sent} == dict(sent)
        assert agg["records"]["total"] == EventRecord.objects.filter(run_id__in=pattern_runs).count()
        assert agg["latency_ms"]["n"] == 3
    orchestration, choreography = detail["aggregate"]["orchestration"], detail["aggregate"]["choreography"]
    # The default design: four steps; a command and a reply each, against one event per subscriber.
    assert orchestration["messages"]["per_order"] == 8 and orchestration["messages"]["command"] == 12
    assert choreography["messages"]["per_order"] == 4 and choreography["messages"]["event"] == 12
    assert orchestration["addressed"] == ["logistics", "notifications", "sellers"]
    assert choreography["addressed"] == [] and choreography["receivers"] == ["notifications", "sellers"]
    assert choreography["state_in"] == ["logistics", "notifications", "sellers"]
    table = {row["key"]: row for row in detail["table"]}
    assert table["finished"]["orchestration"] == table["finished"]["choreography"] == "3 of 3"
    assert table["outcome"]["orchestration"] == "3 succeeded"
