"""A comparison with Sellers switched off, on the real system (RQ workers, reconciler): choreography
confirms the orders while orchestration waits; the API says so; once Sellers is back both finish and
the table's counts are the records' counts."""

import pytest

from tests.conftest import ApiClient, runs_wait_final, wait_until, workers_suspended_wait
from workflowviz.api.tokens import token_issue
from workflowviz.engine.faults import service_down_set
from workflowviz.engine.models import EventRecord, Run, StepState, StepStatus

pytestmark = [pytest.mark.system]
FAST = {"*": {"latency_ms": [0, 20]}}
COUNT = 3


def step_statuses(run_ids, step_id) -> list[str]:
    return list(StepState.objects.filter(run_id__in=run_ids, step_id=step_id).values_list("status", flat=True))


def test_a_comparison_with_sellers_off_then_on(system, demo, admin_user, redis_client, report):
    api = ApiClient(token_issue(user=admin_user))
    service_down_set(redis_client, service="sellers", down=True)
    try:
        workers_suspended_wait("sellers")
        response = api.post(
            "/api/comparisons",
            {"sku": "MUG-BLUE", "quantity": 1, "customer_email": "ann@example.com", "count": COUNT, "policy": FAST},
        )
        assert response.status_code == 201, response.content
        comparison_id = response.json()["id"]
        ids = {p: [r["run_id"] for r in response.json()["runs"][p]] for p in ("orchestration", "choreography")}

        # Choreography: OrderPlaced reached Notifications, which confirmed every order without Sellers.
        wait_until(
            lambda: step_statuses(ids["choreography"], "confirm_order") == [StepStatus.SUCCEEDED] * COUNT,
            timeout=30,
            what="choreography's confirmations",
        )
        # Orchestration: each coordinator waits for Sellers' reply to prepare_shipment.
        wait_until(
            lambda: step_statuses(ids["orchestration"], "confirm_order") == [StepStatus.SUCCEEDED] * COUNT,
            timeout=30,
            what="orchestration's confirmations",
        )
        assert set(Run.objects.filter(pk__in=ids["orchestration"]).values_list("status", flat=True)) == {"running"}
        assert set(step_statuses(ids["orchestration"], "prepare_shipment")) == {StepStatus.QUEUED}
        assert set(step_statuses(ids["choreography"], "prepare_shipment")) == {StepStatus.QUEUED}

        held = api.get(f"/api/comparisons/{comparison_id}").json()
        assert held["finished"] is False
        assert held["faults_text"] == ["Sellers off"]
        table = {row["key"]: row for row in held["table"]}
        for pattern in ("orchestration", "choreography"):
            agg = held["aggregate"][pattern]
            assert agg["finished"] == 0
            assert agg["waiting_at"] == [{"step_id": "prepare_shipment", "service": "sellers", "runs": COUNT}]
            assert {"step_id": "confirm_order", "runs": COUNT} in agg["faults"]["sellers"]["done_without"]
            assert table["outcome"][pattern] == f"{COUNT} running · waiting: {COUNT} at prepare_shipment (Sellers)"
        notes = " ".join(note["text"] for note in held["notes"])
        assert (
            f"With Sellers off at the start, before Sellers took a message: orchestration finished 0 of {COUNT} "
            f"orders and did confirm_order in {COUNT} of {COUNT}; choreography finished 0 of {COUNT} orders and did "
            f"confirm_order in {COUNT} of {COUNT}." in notes
        )
        assert f"Waited for Sellers: orchestration at prepare_shipment in {COUNT} of {COUNT} orders" in notes
        report(f"while Sellers was off: {table['outcome']['orchestration']} | {table['outcome']['choreography']}")
    finally:
        service_down_set(redis_client, service="sellers", down=False)

    runs = runs_wait_final(ids["orchestration"] + ids["choreography"], timeout=60)

    assert {run.status for run in runs} == {"succeeded"}
    done = api.get(f"/api/comparisons/{comparison_id}").json()
    assert done["finished"] is True
    table = {row["key"]: row for row in done["table"]}
    for pattern in ("orchestration", "choreography"):
        records = EventRecord.objects.filter(run_id__in=ids[pattern])
        agg = done["aggregate"][pattern]
        assert agg["finished"] == agg["runs"] == COUNT
        assert table["finished"][pattern] == f"{COUNT} of {COUNT}"
        assert agg["messages"]["total"] == records.filter(kind="message.sent").count()
        assert agg["retries"] == records.filter(kind="step.retried").count()
        assert agg["timeouts"] == records.filter(kind="step.timed_out").count()
        assert agg["compensations"] == records.filter(kind="step.compensated").count()
        assert agg["duplicates"] == records.filter(kind="message.duplicate").count()
        assert agg["records"]["total"] == records.count()
        assert table["retries"][pattern] == str(agg["retries"])
        latencies = sorted(
            round((run.finished_at - run.created_at).total_seconds() * 1000, 1)
            for run in runs
            if run.pattern == pattern
        )
        assert agg["latency_ms"]["n"] == COUNT and agg["latency_ms"]["max"] == latencies[-1]
        assert agg["faults"]["sellers"]["waited_ms"]["n"] == COUNT  # every order's Sellers step was taken at last
        report(f"{pattern}: {table['latency_p50'][pattern]} p50, {table['messages'][pattern]}")
    assert sum(done["distribution"]["counts"]["orchestration"]) == COUNT
